SET lock_timeout = '2s';
ALTER TABLE tasks ADD COLUMN priority smallint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD CONSTRAINT tasks_priority_range CHECK (priority BETWEEN 0 AND 5) NOT VALID;
