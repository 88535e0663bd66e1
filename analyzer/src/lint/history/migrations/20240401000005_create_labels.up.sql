SET lock_timeout = '2s';
CREATE TABLE labels (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name text NOT NULL,
    color text NOT NULL DEFAULT '#888888',
    UNIQUE (project_id, name)
);
CREATE TABLE task_labels (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    label_id bigint NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, label_id)
);
CREATE INDEX task_labels_label_id ON task_labels (label_id);
