-- strata 0.1.0 install script, as released (the SQL of pg_ext/sql/ at 0.1.0, in the
-- order pgrx installs it). Kept to test upgrades from 0.1.0; never edit.
-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION strata" to load this file. \quit

-- pg_ext/sql/history.sql
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
SELECT pg_catalog.pg_extension_config_dump('strata.history', '');

-- pg_ext/sql/lock.sql
-- The migration lock: one session-level advisory lock per database.
--
-- Session level (not transaction level) because a run spans many
-- transactions, and non-transactional migrations run outside any.
-- Non-blocking only: the migrator polls strata.try_lock() instead of waiting
-- inside pg_advisory_lock(). A runner blocked in a long statement would hold
-- a snapshot, and CREATE INDEX CONCURRENTLY in the running migrator waits for
-- every older snapshot to finish, so the two would wait on each other.

-- The advisory lock keys, defined once. Arbitrary but fixed: every migrator
-- version must agree on them, so never change them in an upgrade script.
CREATE FUNCTION strata.lock_key(OUT key1 integer, OUT key2 integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 1398034497, 1413563725 $$;

COMMENT ON FUNCTION strata.lock_key() IS
    'The (key1, key2) pair of the two-int advisory lock used as the migration lock. Internal; use strata.try_lock() / strata.unlock().';

-- Which session holds the lock (NULL when free)? Read from pg_locks because
-- Postgres has no function that reports advisory lock holders. Two-int advisory
-- locks show up as classid = key1, objid = key2, objsubid = 2, scoped to the
-- database; the lock is exclusive, so at most one granted row matches.
-- VOLATILE: the answer changes within a statement when try_lock/unlock run.
CREATE FUNCTION strata.lock_holder_pid() RETURNS integer
LANGUAGE sql VOLATILE
AS $$
    SELECT l.pid
    FROM pg_catalog.pg_locks l, strata.lock_key() k
    WHERE l.locktype = 'advisory'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                        WHERE d.datname = pg_catalog.current_database())
      AND l.classid = k.key1::oid
      AND l.objid = k.key2::oid
      AND l.objsubid = 2
      AND l.granted
$$;

COMMENT ON FUNCTION strata.lock_holder_pid() IS
    'The pid of the session holding the strata migration lock in this database, NULL when it is free. Internal; see strata.lock_holder.';

-- Does this session hold the lock?
CREATE FUNCTION strata.holds_lock() RETURNS boolean
LANGUAGE sql VOLATILE
AS $$
    SELECT strata.lock_holder_pid() IS NOT DISTINCT FROM pg_catalog.pg_backend_pid()
$$;

COMMENT ON FUNCTION strata.holds_lock() IS
    'true if this session holds the strata migration lock. strata.record(), strata.start() and strata.finish() require it.';

-- Raise unless this session holds the lock. Shared by every function that
-- writes the ledger, so they all fail the same way: without the lock, two
-- migrators could interleave and record each other's half-applied state.
-- caller names the public function in the message (e.g. 'strata.record').
CREATE FUNCTION strata.require_lock(caller text) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    IF NOT strata.holds_lock() THEN
        RAISE EXCEPTION '%: this session does not hold the migration lock', caller
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Call SELECT strata.try_lock() until it returns true before applying migrations, and keep the session until they are recorded.';
    END IF;
END
$$;

COMMENT ON FUNCTION strata.require_lock(text) IS
    'Raise 55P03 (lock_not_available) unless this session holds the strata migration lock; caller prefixes the message. Internal, used by strata.record(), strata.start() and strata.finish().';

-- Take the lock without waiting. Advisory locks stack (two takes need two
-- releases), so a second call in the same session returns true without
-- taking it again; one strata.unlock() then always releases it.
CREATE FUNCTION strata.try_lock() RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    IF strata.holds_lock() THEN
        RETURN true;
    END IF;
    RETURN (SELECT pg_catalog.pg_try_advisory_lock(k.key1, k.key2)
            FROM strata.lock_key() k);
END
$$;

COMMENT ON FUNCTION strata.try_lock() IS
    'Take the strata migration lock for this session without waiting: true if this session now holds it (including when it already did), false if another session holds it. Poll until true; release with strata.unlock().';

-- Release the lock. Loops so that holds taken directly with
-- pg_try_advisory_lock(key1, key2) are released too, and stops when a release
-- fails (a transaction-level hold on the same keys cannot be released here).
CREATE FUNCTION strata.unlock() RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    k1 integer;
    k2 integer;
    released boolean := false;
BEGIN
    SELECT k.key1, k.key2 INTO k1, k2 FROM strata.lock_key() k;
    WHILE strata.holds_lock() LOOP
        EXIT WHEN NOT pg_catalog.pg_advisory_unlock(k1, k2);
        released := true;
    END LOOP;
    RETURN released;
END
$$;

COMMENT ON FUNCTION strata.unlock() IS
    'Release the strata migration lock held by this session: true if it was released, false if this session did not hold it. Closing the session also releases it.';

CREATE VIEW strata.lock_holder AS
SELECT a.pid,
       a.usename,
       a.application_name,
       a.client_addr,
       a.backend_start,
       a.state,
       a.query
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = strata.lock_holder_pid();

COMMENT ON VIEW strata.lock_holder IS
    'The session holding the strata migration lock in this database (no row when free). query is its current or last statement; to end a stuck run: SELECT pg_terminate_backend(pid) FROM strata.lock_holder.';

-- pg_ext/sql/plan.sql
-- strata.plan: compare the migration files the migrator found with the ledger.
--
-- The comparison lives in the database, not in the migrator, so that every
-- migrator version (and a DBA in psql) gets the same answer from the same
-- ledger. The files arrive as three parallel arrays because that is the
-- simplest shape every Postgres client library can bind.

CREATE FUNCTION strata.plan(versions bigint[], names text[], checksums bytea[])
RETURNS TABLE (
    version          bigint,
    name             text,
    status           text,
    checksum         bytea,
    applied_checksum bytea,
    applied_at       timestamptz
)
LANGUAGE plpgsql STABLE
AS $$
-- The output columns are also plpgsql variables; in the queries below the
-- names always mean table columns.
#variable_conflict use_column
DECLARE
    bad_version bigint;
    bad_length  integer;
BEGIN
    -- Reject malformed input up front: a wrong answer here would make the
    -- migrator apply or skip the wrong migrations.
    IF versions IS NULL OR names IS NULL OR checksums IS NULL THEN
        RAISE EXCEPTION 'strata.plan: versions, names and checksums must not be NULL'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass empty arrays when there are no migration files.';
    END IF;

    IF cardinality(names) <> cardinality(versions)
       OR cardinality(checksums) <> cardinality(versions) THEN
        RAISE EXCEPTION 'strata.plan: versions, names and checksums must have the same length (got %, %, %)',
                cardinality(versions), cardinality(names), cardinality(checksums)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass one element per migration file, at the same position in all three arrays.';
    END IF;

    IF EXISTS (SELECT 1 FROM unnest(versions, names, checksums) AS u(v, n, c)
               WHERE u.v IS NULL OR u.n IS NULL OR u.c IS NULL) THEN
        RAISE EXCEPTION 'strata.plan: versions, names and checksums must not contain NULL'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Every migration file needs a version, a name and the SHA-256 of its .up.sql file.';
    END IF;

    SELECT u.v, octet_length(u.c) INTO bad_version, bad_length
    FROM unnest(versions, checksums) AS u(v, c)
    WHERE octet_length(u.c) <> 32
    ORDER BY u.v
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'strata.plan: checksum of version % is % bytes, expected 32', bad_version, bad_length
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the raw SHA-256 digest of the .up.sql file (32 bytes), not its hex text.';
    END IF;

    SELECT u.v INTO bad_version
    FROM unnest(versions) AS u(v)
    GROUP BY u.v
    HAVING count(*) > 1
    ORDER BY u.v
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'strata.plan: version % appears more than once', bad_version
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Two migration files share this version; give one of them a new version.';
    END IF;

    RETURN QUERY
    WITH files AS (
        SELECT u.version, u.name, u.checksum
        FROM unnest(versions, names, checksums) AS u(version, name, checksum)
    ),
    -- Only applied rows decide out_of_order: a failed or running row is
    -- reported by itself and stops the migrator anyway.
    newest AS (
        SELECT max(h.version) AS version
        FROM strata.history h
        WHERE h.state = 'applied'
    )
    SELECT coalesce(f.version, h.version),
           coalesce(f.name, h.name),
           CASE
               WHEN h.version IS NULL THEN
                   CASE WHEN newest.version IS NULL OR f.version > newest.version
                        THEN 'pending' ELSE 'out_of_order' END
               -- An unfinished migration matters more than a missing or
               -- edited file: it must be resolved first.
               WHEN h.state <> 'applied' THEN h.state
               WHEN f.version IS NULL THEN 'missing_file'
               WHEN f.checksum <> h.checksum THEN 'checksum_mismatch'
               ELSE 'applied'
           END,
           f.checksum,
           h.checksum,
           h.applied_at
    FROM files f
    FULL JOIN strata.history h ON h.version = f.version
    CROSS JOIN newest
    ORDER BY 1;
END
$$;

COMMENT ON FUNCTION strata.plan(bigint[], text[], bytea[]) IS
    'Compare migration files (parallel arrays of version, name, SHA-256 of the .up.sql) with strata.history. One row per version in either, by version; status is applied, pending, out_of_order (a later version is already applied), checksum_mismatch (file changed after it was applied), missing_file, failed or running.';

-- pg_ext/sql/record.sql
-- strata.record: write the ledger row for a migration that just ran.
--
-- The migrator calls it inside the migration's own transaction, right before
-- COMMIT, so the schema change and its ledger row commit or roll back
-- together. The checks below turn migrator bugs and concurrent runs into
-- clear errors instead of a silently wrong ledger. Migrations that cannot
-- run in a transaction use strata.start / strata.finish (sql/journal.sql).

-- The checks every new ledger row needs, shared by strata.record and
-- strata.start (sql/journal.sql) so both fail with the same SQLSTATEs, messages
-- and HINTs. caller names the public function in the messages.
CREATE FUNCTION strata.check_new_entry(caller text, version bigint, checksum bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    new_version  ALIAS FOR $2;
    new_checksum ALIAS FOR $3;
    previous strata.history;
BEGIN
    PERFORM strata.require_lock(caller);

    IF octet_length(new_checksum) <> 32 THEN
        RAISE EXCEPTION '%: checksum of version % is % bytes, expected 32',
                caller, new_version, octet_length(new_checksum)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the raw SHA-256 digest of the .up.sql file (32 bytes), not its hex text.';
    END IF;

    -- Checked before INSERT so the error says who applied it and when; the
    -- primary key still guards against a race with a lock-less writer.
    SELECT * INTO previous FROM strata.history h WHERE h.version = new_version;
    IF FOUND THEN
        RAISE EXCEPTION '%: version % (%) is already recorded as % at % by %',
                caller, previous.version, previous.name, previous.state,
                previous.applied_at, previous.applied_by
            USING ERRCODE = 'unique_violation',
                  HINT = 'A version is recorded once: give a new migration a new version. To redo this one, a DBA must first delete its row from strata.history.';
    END IF;
END
$$;

COMMENT ON FUNCTION strata.check_new_entry(text, bigint, bytea) IS
    'Raise unless a new strata.history row for version may be written: 55P03 without the migration lock, 22023 if checksum is not 32 bytes, 23505 if the version is already recorded. caller prefixes the messages. Internal, used by strata.record() and strata.start().';

CREATE FUNCTION strata.record(
    version       bigint,
    name          text,
    checksum      bytea,
    transactional boolean  DEFAULT true,
    duration      interval DEFAULT NULL
)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    new_version       ALIAS FOR $1;
    new_name          ALIAS FOR $2;
    new_checksum      ALIAS FOR $3;
    new_transactional ALIAS FOR $4;
    new_duration      ALIAS FOR $5;
    recorded strata.history;
BEGIN
    PERFORM strata.check_new_entry('strata.record', new_version, new_checksum);

    INSERT INTO strata.history
        (version, name, checksum, state, duration, transactional)
    VALUES
        (new_version, new_name, new_checksum, 'applied',
         -- Time spent so far in this transaction, i.e. by the migration.
         coalesce(new_duration, clock_timestamp() - transaction_timestamp()),
         coalesce(new_transactional, true))
    RETURNING * INTO recorded;

    RETURN recorded;
END
$$;

COMMENT ON FUNCTION strata.record(bigint, text, bytea, boolean, interval) IS
    'Record a migration as applied (state applied) in strata.history. Call it in the migration''s transaction, right before COMMIT, while holding strata.try_lock(). duration defaults to the time spent in the current transaction.';

-- pg_ext/sql/journal.sql
-- strata.start / strata.finish: the ledger rows of a non-transactional
-- migration (a file marked `-- strata:no-transaction`, e.g. CREATE INDEX
-- CONCURRENTLY).
--
-- Such a migration runs statement by statement outside a transaction, so its
-- ledger row cannot commit atomically with it as strata.record's does. The
-- migrator instead commits a 'running' row (strata.start, in autocommit)
-- before the first statement, and turns it into 'applied' or 'failed'
-- (strata.finish) afterwards. A crash or error half way thus leaves a visible
-- 'running' or 'failed' row: strata.plan() reports it and the migrator refuses
-- to continue past it until a DBA has inspected the database (README.md).

CREATE FUNCTION strata.start(version bigint, name text, checksum bytea)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    new_version  ALIAS FOR $1;
    new_name     ALIAS FOR $2;
    new_checksum ALIAS FOR $3;
    started strata.history;
BEGIN
    -- Same checks, messages and HINTs as strata.record.
    PERFORM strata.check_new_entry('strata.start', new_version, new_checksum);

    -- duration is only known at strata.finish; applied_at is the start time
    -- until then, so a DBA can see how long a 'running' row has been running.
    INSERT INTO strata.history
        (version, name, checksum, state, applied_at, duration, transactional)
    VALUES
        (new_version, new_name, new_checksum, 'running', now(), '0', false)
    RETURNING * INTO started;

    RETURN started;
END
$$;

COMMENT ON FUNCTION strata.start(bigint, text, bytea) IS
    'Record that a non-transactional migration is starting: inserts its strata.history row with state running (transactional false, duration 0, applied_at now()). Call it in autocommit, so the row is committed before the migration''s first statement, while holding strata.try_lock(); then call strata.finish().';

CREATE FUNCTION strata.finish(version bigint, succeeded boolean, duration interval)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    done_version  ALIAS FOR $1;
    done_duration ALIAS FOR $3;
    existing strata.history;
    finished strata.history;
BEGIN
    PERFORM strata.require_lock('strata.finish');

    -- A NULL succeeded would silently mean 'failed'; a NULL duration would
    -- only fail later with a bare NOT NULL violation.
    IF succeeded IS NULL OR done_duration IS NULL THEN
        RAISE EXCEPTION 'strata.finish: succeeded and duration of version % must not be NULL', done_version
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass whether the migration''s statements all succeeded, and how long they took.';
    END IF;

    -- FOR UPDATE: a concurrent (lock-less) finish of the same row waits and
    -- then sees it is no longer running, instead of overwriting the outcome.
    SELECT * INTO existing FROM strata.history h
    WHERE h.version = done_version
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'strata.finish: version % is not recorded', done_version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call strata.start() (in autocommit) before running a non-transactional migration. If its row was deleted meanwhile, a DBA must check whether the migration took effect.';
    END IF;
    -- Only a running row may be finished: finishing an applied or failed row
    -- again would rewrite an outcome a DBA may already have acted on.
    IF existing.state <> 'running' THEN
        RAISE EXCEPTION 'strata.finish: version % (%) is %, not running (since % by %)',
                existing.version, existing.name, existing.state,
                existing.applied_at, existing.applied_by
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'strata.finish() ends a migration begun with strata.start() and not finished yet. Check strata.history: a failed row is resolved by a DBA (README.md, "Non-transactional migrations").';
    END IF;

    UPDATE strata.history h
    SET state = CASE WHEN succeeded THEN 'applied' ELSE 'failed' END,
        duration = done_duration,
        -- applied_at becomes the time the migration completed; a failed row
        -- keeps its start time, as no migration was applied.
        applied_at = CASE WHEN succeeded THEN now() ELSE h.applied_at END
    WHERE h.version = done_version
    RETURNING * INTO finished;

    RETURN finished;
END
$$;

COMMENT ON FUNCTION strata.finish(bigint, boolean, interval) IS
    'Record the outcome of a non-transactional migration begun with strata.start(): its running row becomes applied (applied_at set to now()) if succeeded, else failed; duration is stored as given. Requires strata.try_lock(). Raises 55000 if the version has no running row.';

-- pg_ext/sql/privileges.sql
-- Only the installing superuser may migrate by default. Functions are
-- executable by PUBLIC unless revoked, and migrating is a privileged act: a
-- DBA grants it to a migration role explicitly (see README.md).
-- Runs last (finalize) so it covers every object created above.

REVOKE ALL ON ALL TABLES IN SCHEMA strata FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA strata FROM PUBLIC;
