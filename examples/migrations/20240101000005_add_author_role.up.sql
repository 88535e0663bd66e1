-- Optional, so existing authors need no value; read in Rust as the derived `Role`.
SET lock_timeout = '2s';
CREATE TYPE author_role AS ENUM ('writer', 'editor');
ALTER TABLE authors ADD COLUMN role author_role;
