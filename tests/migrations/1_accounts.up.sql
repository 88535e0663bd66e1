CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    handle varchar(40) NOT NULL UNIQUE,
    karma int NOT NULL DEFAULT 0,
    balance bigint,
    ratio double precision,
    settings jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    birthday date
);
