-- Ledger writes for migrations. Each takes the runner's lease token and
-- checks it (strata.hold), so only the current lease holder records, and a
-- runner that lost its lease (expired, broken) gets 55P03 instead.
--
-- Transactional migrations: strata.record inside the migration's own
-- transaction, right before COMMIT, so the schema change and its ledger row
-- commit or roll back together; after a rollback, strata.fail logs the
-- failure. Non-transactional migrations (`-- strata:no-transaction`):
-- strata.start, then strata.step around each statement, then strata.finish.

-- A migration (or a down) that wrote strata.* directly (possible only for
-- the owner or a superuser: the trigger audited it in this transaction) is
-- refused before it commits, so the forged or deleted rows never land. what
-- names it in the message ('migration 5'), hint says what to do.
CREATE FUNCTION strata.refuse_direct_writes(caller text, what text, hint text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    changed strata.audit;
BEGIN
    SELECT * INTO changed FROM strata.audit a
    WHERE a.xid = pg_current_xact_id()
    ORDER BY a.id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%: % changed strata.% directly (%)', caller, what,
                changed.table_name, changed.operation
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('old row: %s; new row: %s', coalesce(changed.old_row::text, '-'),
                                  coalesce(changed.new_row::text, '-')),
                  HINT = hint;
    END IF;
END
$$;

COMMENT ON FUNCTION strata.refuse_direct_writes(text, text, text) IS
    'Raise 42501 when this transaction changed strata.* outside the API (the audit trigger saw it). Internal.';

-- The checks every new history row needs. caller names the public function
-- in the messages.
CREATE FUNCTION strata.check_new_entry(caller text, version bigint, checksum bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_version  ALIAS FOR $2;
    new_checksum ALIAS FOR $3;
    previous strata.history;
BEGIN
    IF new_version IS NULL OR new_checksum IS NULL OR octet_length(new_checksum) <> 32 THEN
        RAISE EXCEPTION '%: checksum of version % is % bytes, expected 32',
                caller, new_version, octet_length(new_checksum)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the version and the raw SHA-256 digest of the .up.sql file (32 bytes), not its hex text.';
    END IF;
    PERFORM strata.refuse_direct_writes(caller, 'migration ' || new_version,
        'Migrations must not write the strata schema; nothing of this migration was applied. A DBA repairs the ledger with strata.repair().');
    SELECT * INTO previous FROM strata.history h WHERE h.version = new_version;
    IF FOUND THEN
        RAISE EXCEPTION '%: version % (%) is already recorded as % at % by %',
                caller, previous.version, previous.name, previous.state,
                previous.applied_at, previous.applied_by
            USING ERRCODE = 'unique_violation',
                  HINT = 'A version is recorded once: give a new migration a new version. To redo this one, a DBA records it with strata.repair(version, ''forget'', why).';
    END IF;
END
$$;

COMMENT ON FUNCTION strata.check_new_entry(text, bigint, bytea) IS
    'Raise unless a new history row may be written: 22023 bad checksum, 42501 the transaction changed strata.* outside the API, 23505 version already recorded. Internal.';

-- The -- strata:allow comments a migration passes to strata.record() or
-- strata.finish(): a JSON array of {"rule": text, "reason": text, "line": n}
-- (rule not empty, line >= 1), returned as stored (NULL for none).
CREATE FUNCTION strata.check_allowed(caller text, version bigint, allowed jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a jsonb;
BEGIN
    IF allowed IS NULL OR allowed = '[]'::jsonb THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(allowed) <> 'array' THEN
        RAISE EXCEPTION '%: allowed of version % must be a JSON array, not %', caller, version, jsonb_typeof(allowed)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass [{"rule": "rule-id", "reason": "why it is safe", "line": 3}, ...]: one object per -- strata:allow comment of the migration file.';
    END IF;
    FOR a IN SELECT x FROM jsonb_array_elements(allowed) t (x) LOOP
        IF jsonb_typeof(a) IS DISTINCT FROM 'object'
           OR jsonb_typeof(a->'rule') IS DISTINCT FROM 'string' OR btrim(a->>'rule') = ''
           OR jsonb_typeof(a->'reason') IS DISTINCT FROM 'string'
           OR jsonb_typeof(a->'line') IS DISTINCT FROM 'number' OR (a->>'line') !~ '^[1-9][0-9]{0,8}$'
           OR EXISTS (SELECT FROM jsonb_object_keys(a) k WHERE k NOT IN ('rule', 'reason', 'line')) THEN
            RAISE EXCEPTION '%: allowed of version % has an entry that is not {"rule", "reason", "line"}: %',
                    caller, version, a
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Each entry: {"rule": "rule-id" (not empty), "reason": "why it is safe", "line": the 1-based line of the comment}.';
        END IF;
    END LOOP;
    RETURN allowed;
END
$$;

COMMENT ON FUNCTION strata.check_allowed(text, bigint, jsonb) IS
    'Raise 22023 unless allowed is a JSON array of {"rule", "reason", "line"}; NULL for none. Internal.';

-- Write a history row with its seal. Internal.
CREATE FUNCTION strata.put_history(h strata.history) RETURNS strata.history
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    h.seal := strata.seal(h);
    INSERT INTO strata.history AS t
        (version, name, checksum, state, applied_at, applied_by, duration, transactional, event_id,
         allowed, seal)
    VALUES (h.version, h.name, h.checksum, h.state, h.applied_at, h.applied_by, h.duration,
            h.transactional, h.event_id, h.allowed, h.seal)
    ON CONFLICT (version) DO UPDATE
    SET name = excluded.name, checksum = excluded.checksum, state = excluded.state,
        applied_at = excluded.applied_at, applied_by = excluded.applied_by,
        duration = excluded.duration, transactional = excluded.transactional,
        event_id = excluded.event_id, allowed = excluded.allowed, seal = excluded.seal;
    RETURN h;
END
$$;

COMMENT ON FUNCTION strata.put_history(strata.history) IS
    'Insert or replace a history row, sealed. Internal.';

CREATE FUNCTION strata.record(token uuid, version bigint, name text, checksum bytea,
                              duration interval DEFAULT NULL, allowed jsonb DEFAULT NULL)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    h strata.history;
BEGIN
    l := strata.hold('strata.record', token);
    PERFORM strata.check_new_entry('strata.record', version, checksum);
    -- The token is in the migrator's query text, which the migration could
    -- read (current_query()): a migration event it wrote with it would show here.
    IF l.last_xact = pg_current_xact_id() THEN
        RAISE EXCEPTION 'strata.record: migration % wrote the strata ledger itself', version
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('An earlier ledger event (%s) was written in this same transaction.', l.last_event),
                  HINT = 'Migrations must not call the strata API; nothing of this migration was applied.';
    END IF;
    h.version := version;
    h.name := name;
    h.checksum := checksum;
    h.state := 'applied';
    h.applied_at := now();
    h.applied_by := session_user;
    -- Time spent so far in this transaction, i.e. by the migration.
    h.duration := coalesce(duration, clock_timestamp() - transaction_timestamp());
    h.transactional := true;
    h.allowed := CASE WHEN allowed IS NOT NULL THEN strata.check_allowed('strata.record', version, allowed) END;
    h.event_id := strata.emit('success', version, name, checksum, NULL, NULL, NULL, l.host, l.pid, true,
                              h.allowed);
    RETURN strata.put_history(h);
END
$$;

COMMENT ON FUNCTION strata.record(uuid, bigint, text, bytea, interval, jsonb) IS
    'Record a migration as applied. Call it in the migration''s transaction, right before COMMIT, with the lease token from strata.acquire(); it renews the lease. duration defaults to the time spent in the current transaction; allowed lists the file''s -- strata:allow comments ([{"rule", "reason", "line"}], kept in strata.applied and its success event).';

CREATE FUNCTION strata.fail(token uuid, version bigint, name text, checksum bytea,
                            message text, sqlstate text, statement integer DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    l := strata.hold('strata.fail', token);
    RETURN strata.emit('failure', version, name, checksum, statement, message, sqlstate, l.host, l.pid, true);
END
$$;

COMMENT ON FUNCTION strata.fail(uuid, bigint, text, bytea, text, text, integer) IS
    'Log that a migration failed (message, SQLSTATE, 1-based statement if known). Call it after the rollback, so the failure stays in strata.log.';

-- Non-transactional migrations ------------------------------------------

CREATE FUNCTION strata.start(token uuid, version bigint, name text, checksum bytea)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    h strata.history;
    resuming boolean := false;
BEGIN
    l := strata.hold('strata.start', token);
    SELECT * INTO h FROM strata.history t WHERE t.version = start.version;
    IF FOUND AND h.state IN ('running', 'failed') AND h.transactional = false THEN
        IF h.checksum <> start.checksum THEN
            RAISE EXCEPTION 'strata.start: version % (%) changed since its unfinished run began', h.version, h.name
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('recorded checksum %s, file checksum %s',
                                      encode(h.checksum, 'hex'), encode(start.checksum, 'hex')),
                      HINT = 'Restore the file as it was, so the run resumes where it stopped; or record a decision with strata.repair().';
        END IF;
        resuming := true;
    ELSE
        PERFORM strata.check_new_entry('strata.start', version, checksum);
        h.version := version;
        h.name := name;
        h.checksum := checksum;
        h.applied_by := session_user;
        h.duration := '0';
        h.transactional := false;
    END IF;
    h.state := 'running';
    h.applied_at := now();
    h.event_id := strata.emit('attempt', version, name, checksum, NULL,
                              CASE WHEN resuming THEN 'resuming' END, NULL, l.host, l.pid, true);
    RETURN strata.put_history(h);
END
$$;

COMMENT ON FUNCTION strata.start(uuid, bigint, text, bytea) IS
    'Begin (or resume, when its row is running or failed with the same checksum) a non-transactional migration: its history row becomes running. Call in autocommit before the first statement.';

CREATE FUNCTION strata.step(token uuid, version bigint, statement integer, checksum bytea, state text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    l := strata.hold('strata.step', token);
    IF state NOT IN ('running', 'done', 'failed') OR statement IS NULL OR statement < 1 THEN
        RAISE EXCEPTION 'strata.step: state must be running, done or failed and statement >= 1 (got %, %)', state, statement
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Call strata.step(token, version, n, sha256 of statement n, ''running'') before statement n and ''done'' after it.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM strata.history h WHERE h.version = step.version AND h.state = 'running') THEN
        RAISE EXCEPTION 'strata.step: version % is not running', version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call strata.start() first.';
    END IF;
    INSERT INTO strata.steps AS s (version, statement, checksum, state, started_at)
    VALUES (step.version, step.statement, step.checksum, step.state, clock_timestamp())
    ON CONFLICT ON CONSTRAINT steps_pkey DO UPDATE
    SET checksum = excluded.checksum, state = excluded.state,
        started_at = CASE WHEN excluded.state = 'running' THEN excluded.started_at ELSE s.started_at END,
        finished_at = CASE WHEN excluded.state = 'running' THEN NULL ELSE clock_timestamp() END;
    IF state = 'done' THEN
        PERFORM strata.emit('progress', version, NULL, checksum, statement, 'done', NULL, l.host, l.pid, true);
    ELSE
        UPDATE strata.lease_state SET heartbeat_at = clock_timestamp(), expires_at = clock_timestamp() + l.ttl;
    END IF;
END
$$;

COMMENT ON FUNCTION strata.step(uuid, bigint, integer, bytea, text) IS
    'Journal statement n (1-based) of a running non-transactional migration: running before it runs, done after (a progress event), failed when it failed. checksum is the SHA-256 of the statement text.';

CREATE FUNCTION strata.finish(token uuid, version bigint, succeeded boolean, duration interval,
                              message text DEFAULT NULL, sqlstate text DEFAULT NULL,
                              statement integer DEFAULT NULL, allowed jsonb DEFAULT NULL)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    h strata.history;
BEGIN
    l := strata.hold('strata.finish', token);
    IF succeeded IS NULL OR duration IS NULL THEN
        RAISE EXCEPTION 'strata.finish: succeeded and duration of version % must not be NULL', version
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass whether the migration''s statements all succeeded, and how long they took.';
    END IF;
    SELECT * INTO h FROM strata.history t WHERE t.version = finish.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'strata.finish: version % is not recorded', version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call strata.start() (in autocommit) before running a non-transactional migration.';
    END IF;
    IF h.state <> 'running' THEN
        RAISE EXCEPTION 'strata.finish: version % (%) is %, not running (since % by %)',
                h.version, h.name, h.state, h.applied_at, h.applied_by
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'strata.finish() ends a migration begun with strata.start() and not finished yet; strata.start() resumes a failed one.';
    END IF;
    h.state := CASE WHEN succeeded THEN 'applied' ELSE 'failed' END;
    h.duration := finish.duration;
    h.applied_at := CASE WHEN succeeded THEN now() ELSE h.applied_at END;
    h.allowed := CASE WHEN succeeded THEN strata.check_allowed('strata.finish', version, allowed) END;
    h.event_id := strata.emit(CASE WHEN succeeded THEN 'success' ELSE 'failure' END, version, h.name,
                              h.checksum, statement, message, sqlstate, l.host, l.pid, true, h.allowed);
    IF succeeded THEN
        DELETE FROM strata.steps s WHERE s.version = finish.version;
    END IF;
    RETURN strata.put_history(h);
END
$$;

COMMENT ON FUNCTION strata.finish(uuid, bigint, boolean, interval, text, text, integer, jsonb) IS
    'End a non-transactional migration begun with strata.start(): applied if succeeded (its journal is cleared; allowed as for strata.record()), else failed with message, SQLSTATE and the failing statement. Raises 55000 unless the row is running.';

CREATE FUNCTION strata.progress(version bigint)
RETURNS TABLE (statement integer, checksum bytea, state text, started_at timestamptz, finished_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.statement, s.checksum, s.state, s.started_at, s.finished_at
    FROM strata.steps s WHERE s.version = $1 ORDER BY s.statement
$$;

COMMENT ON FUNCTION strata.progress(bigint) IS
    'The journal of an unfinished non-transactional migration: each statement (1-based) a run started, with the SHA-256 of its text and whether it is running, done or failed.';

CREATE FUNCTION strata.resolve(token uuid, version bigint, decision text, why text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    s strata.steps;
BEGIN
    l := strata.hold('strata.resolve', token);
    IF decision IS NULL OR decision NOT IN ('done', 'retry') OR coalesce(btrim(why), '') = '' THEN
        RAISE EXCEPTION 'strata.resolve: decision must be done or retry, and why must be given'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'done: the statement completed, the next run skips it; retry: the next run runs it again.';
    END IF;
    SELECT * INTO s FROM strata.steps t
    WHERE t.version = resolve.version AND t.state <> 'done'
    ORDER BY t.statement LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'strata.resolve: migration % has no statement in doubt', version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'strata status lists unfinished non-transactional migrations and their statements.';
    END IF;
    IF decision = 'done' THEN
        UPDATE strata.steps t SET state = 'done', finished_at = clock_timestamp()
        WHERE t.version = s.version AND t.statement = s.statement;
    ELSE
        DELETE FROM strata.steps t WHERE t.version = s.version AND t.statement = s.statement;
    END IF;
    PERFORM strata.emit('resolve', version, NULL, s.checksum, s.statement, format('%s: %s', decision, why),
                        NULL, l.host, l.pid, true);
    RETURN s.statement;
END
$$;

COMMENT ON FUNCTION strata.resolve(uuid, bigint, text, text) IS
    'A DBA''s decision on the first unfinished statement of a non-transactional migration: done (it completed; skipped on resume) or retry (run again). Logged with who and why; returns the statement index.';
