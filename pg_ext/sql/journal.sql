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
