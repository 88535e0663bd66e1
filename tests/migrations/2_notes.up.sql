CREATE TABLE notes (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    body text NOT NULL,
    pinned boolean NOT NULL DEFAULT false,
    archived_at timestamptz
);
ALTER TABLE accounts ADD COLUMN bio text;
CREATE TABLE files (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    content bytea NOT NULL,
    thumbnail bytea
);
