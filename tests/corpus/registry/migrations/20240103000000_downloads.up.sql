CREATE TABLE version_downloads (
    version_id bigint NOT NULL REFERENCES versions (id),
    day date NOT NULL,
    count int NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, day)
);
ALTER TABLE packages ADD COLUMN repository text;
ALTER TABLE packages RENAME COLUMN homepage TO website;
ALTER TABLE versions ALTER COLUMN size_bytes TYPE bigint;
