CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    body text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}'
);
