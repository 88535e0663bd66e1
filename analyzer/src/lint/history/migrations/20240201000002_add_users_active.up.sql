SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
