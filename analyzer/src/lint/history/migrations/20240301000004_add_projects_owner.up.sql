SET lock_timeout = '2s';
ALTER TABLE projects ADD COLUMN owner_id bigint;
ALTER TABLE projects ADD CONSTRAINT projects_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) NOT VALID;
