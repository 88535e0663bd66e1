ALTER TABLE tasks VALIDATE CONSTRAINT tasks_priority_range;
