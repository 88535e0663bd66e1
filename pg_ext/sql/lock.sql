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
