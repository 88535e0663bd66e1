SET lock_timeout = '2s';
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES orgs (id),
    email text NOT NULL,
    name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_length CHECK (length(email) <= 320)
);
CREATE INDEX users_org_id ON users (org_id);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
