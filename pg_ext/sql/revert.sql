-- strata down and lock-timeout retries: the two ledger writes that are not
-- an up. Both take the runner's lease token (strata.hold), as record.sql's.

-- Revert an applied migration: its down file ran in this transaction, so the
-- history row goes, a revert event says who and when, and the snapshot is
-- taken of the schema the down left. Newest first: reverting below a newer
-- applied version would leave a hole that strata.plan() reports as out of
-- order, so it is refused.
CREATE FUNCTION strata.revert(token uuid, version bigint, down_checksum bytea,
                              duration interval DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    h strata.history;
    newer strata.history;
    event bigint;
BEGIN
    l := strata.hold('strata.revert', token);
    IF version IS NULL OR down_checksum IS NULL OR octet_length(down_checksum) <> 32 THEN
        RAISE EXCEPTION 'strata.revert: the down file checksum of version % is % bytes, expected 32',
                version, octet_length(down_checksum)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the version and the raw SHA-256 digest of the .down.sql file (32 bytes).';
    END IF;
    PERFORM strata.refuse_direct_writes('strata.revert', 'the down of migration ' || version,
        'Down files must not write the strata schema; nothing of this down was applied.');
    IF l.last_xact = pg_current_xact_id() THEN
        RAISE EXCEPTION 'strata.revert: the down of migration % wrote the strata ledger itself', version
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Down files must not call the strata API; nothing of this down was applied.';
    END IF;
    SELECT * INTO h FROM strata.history t WHERE t.version = revert.version;
    IF NOT FOUND OR h.state <> 'applied' THEN
        RAISE EXCEPTION 'strata.revert: version % is %', version,
                CASE WHEN FOUND THEN h.state || ', not applied' ELSE 'not applied' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Only an applied migration can be reverted; strata status shows what is applied.';
    END IF;
    SELECT * INTO newer FROM strata.history t WHERE t.version > revert.version ORDER BY t.version DESC LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'strata.revert: version % is not the newest applied migration: % (%) is %',
                version, newer.version, newer.name, newer.state
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Revert newest first (strata down --to VERSION reverts every newer one in order).';
    END IF;
    event := strata.emit('revert', version, h.name, down_checksum, NULL,
                         format('reverted in %s', coalesce(duration, clock_timestamp() - transaction_timestamp())),
                         NULL, l.host, l.pid, true);
    DELETE FROM strata.history t WHERE t.version = revert.version;
    DELETE FROM strata.steps s WHERE s.version = revert.version;
    PERFORM strata.take_snapshot(
        (SELECT max(t.version) FROM strata.history t),
        format('down %s %s', version, h.name),
        true);
    RETURN event;
END
$$;

COMMENT ON FUNCTION strata.revert(uuid, bigint, bytea, interval) IS
    'Record that the down file of the newest applied migration ran in this transaction: its history row is deleted, a revert event (with the down file''s checksum) is logged and a snapshot taken. Call it right before COMMIT, as strata.record() for an up.';

-- One attempt of a migration gave up on a lock (lock_timeout) and was rolled
-- back; the runner retries it after a pause. message names the blocking
-- sessions; statement is the attempt number.
CREATE FUNCTION strata.retry(token uuid, version bigint, name text, checksum bytea,
                             attempt integer, message text, sqlstate text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    l := strata.hold('strata.retry', token);
    RETURN strata.emit('retry', version, name, checksum, attempt, message, sqlstate, l.host, l.pid, true);
END
$$;

COMMENT ON FUNCTION strata.retry(uuid, bigint, text, bytea, integer, text, text) IS
    'Log that an attempt of a migration was rolled back on a lock timeout and will be retried (statement = the attempt number, message = who blocked it). Call it after the rollback.';

-- Who holds a lock on these tables that a migration may
-- wait for: as pg_locks and pg_stat_activity show them to the extension's
-- owner, so that the migrator, which may not read other roles' queries, can
-- name the session that blocked it. Only sessions holding a granted lock on
-- one of the named tables of this database are shown. tables are resolved
-- by the caller (to_regclass under its search_path); asked is the 1-based
-- position of the table in it.
CREATE FUNCTION strata.blockers(tables regclass[])
RETURNS TABLE (pid integer, usename text, application text, state text, query text,
               transaction_seconds numeric, relation text, mode text, asked integer)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.pid, a.usename::text, a.application_name, a.state, left(a.query, 300),
           round(EXTRACT(EPOCH FROM now() - a.xact_start)::numeric, 1), w.rel::text, l.mode,
           w.n::integer
    FROM unnest(tables) WITH ORDINALITY AS w(rel, n)
    JOIN pg_locks l ON l.locktype = 'relation' AND l.granted
         AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
         AND l.relation = w.rel
    JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.pid <> pg_backend_pid()
    ORDER BY a.xact_start NULLS LAST, a.pid
$$;

COMMENT ON FUNCTION strata.blockers(regclass[]) IS
    'The sessions holding a granted lock on one of these tables (pid, user, application, state, query, seconds in transaction, table, pg_locks mode, position of the table in tables): what strata up names after a lock timeout. SECURITY DEFINER so the migrator sees other roles'' queries for these sessions only.';
