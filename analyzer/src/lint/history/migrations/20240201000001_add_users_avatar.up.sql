SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN avatar_url text;
