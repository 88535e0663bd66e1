-- strata.history: the migration ledger, one row per migration version.
--
-- The migrator writes a row in the same transaction as the migration's SQL
-- (through strata.record), so a row exists if and only if the migration
-- committed. Non-transactional migrations are the exception: they get a
-- 'running' row before they start (strata.start, sql/journal.sql). DBAs may
-- read the table directly; the column comments below are what
-- `\d+ strata.history` shows them.

CREATE TABLE strata.history (
    version       bigint      PRIMARY KEY,
    name          text        NOT NULL,
    -- Raw SHA-256 digest, not hex: the CHECK catches callers passing text.
    checksum      bytea       NOT NULL
                  CONSTRAINT history_checksum_is_sha256
                  CHECK (octet_length(checksum) = 32),
    -- 'running' and 'failed' are reserved for non-transactional migrations
    -- (e.g. CREATE INDEX CONCURRENTLY), which cannot commit atomically with
    -- their ledger row and so need a row before and after they run.
    state         text        NOT NULL
                  CONSTRAINT history_state_is_known
                  CHECK (state IN ('running', 'applied', 'failed')),
    applied_at    timestamptz NOT NULL DEFAULT now(),
    applied_by    text        NOT NULL DEFAULT session_user,
    duration      interval    NOT NULL,
    transactional boolean     NOT NULL DEFAULT true
);

COMMENT ON TABLE strata.history IS
    'Migrations applied by the strata migrator, one row per version. Written by strata.record() in the migration''s own transaction, or by strata.start() / strata.finish() around a non-transactional migration; compare with the migration files using strata.plan().';
COMMENT ON COLUMN strata.history.version IS
    'Migration version from the file name: a plain integer or a UTC timestamp YYYYMMDDHHMMSS. Migrations run in ascending version order.';
COMMENT ON COLUMN strata.history.name IS
    'Descriptive part of the migration file name (e.g. create_users for 20240101120000_create_users.up.sql).';
COMMENT ON COLUMN strata.history.checksum IS
    'SHA-256 (32 raw bytes) of the .up.sql file when it was applied. strata.plan() reports checksum_mismatch if the file changed since.';
COMMENT ON COLUMN strata.history.state IS
    'applied: committed. running / failed: a non-transactional migration that started and has not finished, or failed part way; a DBA must inspect the database before retrying.';
COMMENT ON COLUMN strata.history.applied_at IS
    'Start of the transaction that applied the migration (now()); for a non-transactional migration, when strata.finish() recorded it as applied (running / failed rows: when it started).';
COMMENT ON COLUMN strata.history.applied_by IS
    'Session user (login role) that applied the migration.';
COMMENT ON COLUMN strata.history.duration IS
    'How long the migration took, measured inside its transaction (non-transactional: as passed to strata.finish(); 0 while running).';
COMMENT ON COLUMN strata.history.transactional IS
    'false if the migration ran outside a transaction (e.g. CREATE INDEX CONCURRENTLY).';

-- Extension-member tables are left out of pg_dump by default, which would
-- lose the ledger on dump/restore; this makes pg_dump keep all its rows.
-- (Only inside CREATE EXTENSION; `strata init` installs plain objects, which
-- pg_dump keeps anyway.)
DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.history', '');
    END IF;
END
$$;
