CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    country char(2),
    device text NOT NULL DEFAULT 'web'
);
