-- strata:no-transaction
CREATE INDEX CONCURRENTLY tasks_due_at ON tasks (due_at) WHERE state <> 'done';
