CREATE TABLE people (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    email citext NOT NULL UNIQUE,
    full_name text NOT NULL,
    nickname citext,
    password_hash text NOT NULL,
    attrs hstore,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_name_trgm ON people USING gin (full_name gin_trgm_ops);
