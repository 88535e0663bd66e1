ALTER TYPE task_state ADD VALUE 'blocked' AFTER 'doing';
