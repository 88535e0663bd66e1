CREATE TABLE publishers (
    id bigserial PRIMARY KEY,
    login varchar(64) NOT NULL UNIQUE,
    email text,
    verified boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE packages (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    publisher_id bigint NOT NULL REFERENCES publishers (id),
    description text,
    keywords text[] NOT NULL DEFAULT '{}',
    downloads bigint NOT NULL DEFAULT 0,
    homepage text,
    created_at timestamptz NOT NULL DEFAULT now()
);
