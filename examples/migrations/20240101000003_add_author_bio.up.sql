-- Optional, so existing authors need no value.
ALTER TABLE authors ADD COLUMN bio text;
