SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_name_not_null;
