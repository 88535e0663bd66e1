CREATE TABLE versions (
    id bigserial PRIMARY KEY,
    package_id bigint NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    num text NOT NULL,
    major int NOT NULL,
    minor int NOT NULL,
    patch int NOT NULL,
    yanked boolean NOT NULL DEFAULT false,
    size_bytes int,
    checksum bytea NOT NULL,
    features jsonb NOT NULL DEFAULT '{}',
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (package_id, num)
);
CREATE TABLE dependencies (
    version_id bigint NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    package_id bigint NOT NULL REFERENCES packages (id),
    req text NOT NULL,
    optional boolean NOT NULL DEFAULT false,
    kind smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, package_id)
);
