SET lock_timeout = '2s';
CREATE TYPE task_state AS ENUM ('open', 'doing', 'done');
CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    assignee_id bigint REFERENCES users (id) ON DELETE SET NULL,
    title text NOT NULL,
    state task_state NOT NULL DEFAULT 'open',
    due_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_project_id ON tasks (project_id, state);
CREATE INDEX tasks_assignee_id ON tasks (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX tasks_assignee_all ON tasks (assignee_id);
