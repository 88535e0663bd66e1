-- strata.verify: is the ledger as the API left it? strata up and strata
-- status call it first, so a changed ledger is reported as such (what, when,
-- by whom) instead of as a misleading "file changed" or "renumber it".
-- strata.repair: a DBA's deliberate change, recorded with who and why.

CREATE FUNCTION strata.verify()
RETURNS TABLE (version bigint, problem text, changed_at timestamptz, changed_by text, detail text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    head bigint;
BEGIN
    -- 1. Changes the audit trigger saw (what, when, by whom).
    RETURN QUERY
    SELECT coalesce((a.old_row->>'version')::bigint, (a.new_row->>'version')::bigint),
           format('%s on strata.%s outside the strata API', lower(a.operation), a.table_name),
           a.at,
           format('%s%s (application %s, client %s)', a.session_role,
                  CASE WHEN a.as_role <> a.session_role THEN ' as ' || a.as_role ELSE '' END,
                  coalesce(nullif(a.application, ''), '-'), coalesce(host(a.client_addr), 'local')),
           format('old: %s new: %s', coalesce(a.old_row::text, '-'), coalesce(a.new_row::text, '-'))
    FROM strata.audit a
    WHERE a.resolved_by IS NULL
    ORDER BY a.id;

    -- 2. History rows that are not as the API wrote them, but the trigger
    --    saw nothing (it was bypassed): no when/by whom.
    RETURN QUERY
    SELECT h.version,
           CASE WHEN h.event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM strata.events e WHERE e.id = h.event_id)
                THEN 'history row refers to a log event that was removed'
                ELSE 'history row changed outside the strata API (audit trigger bypassed)' END,
           NULL::timestamptz, NULL::text,
           format('state %s, checksum %s, applied %s by %s', h.state, encode(h.checksum, 'hex'),
                  h.applied_at, h.applied_by)
    FROM strata.history h
    WHERE (h.seal IS DISTINCT FROM strata.seal(h)
           OR (h.event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM strata.events e WHERE e.id = h.event_id)))
      AND NOT EXISTS (SELECT 1 FROM strata.audit a
                      WHERE a.resolved_by IS NULL
                        AND h.version IN ((a.old_row->>'version')::bigint, (a.new_row->>'version')::bigint));

    -- 3. Applied migrations whose row is gone: the log says it succeeded and
    --    no repair forgot it since.
    RETURN QUERY
    SELECT s.version, 'history row deleted outside the strata API', NULL::timestamptz, NULL::text,
           format('applied %s by %s (log event %s)', s.at, s.who, s.id)
    FROM (SELECT DISTINCT ON (e.version) e.*
          FROM strata.events e
          WHERE e.version IS NOT NULL AND e.kind IN ('success', 'import', 'repair', 'attempt', 'revert')
          ORDER BY e.version, e.id DESC) s
    WHERE s.kind IN ('success', 'import', 'attempt')
      AND NOT EXISTS (SELECT 1 FROM strata.history h WHERE h.version = s.version)
      AND NOT EXISTS (SELECT 1 FROM strata.audit a
                      WHERE a.resolved_by IS NULL AND (a.old_row->>'version')::bigint = s.version);

    -- 4. The event chain: an edited or removed event breaks it.
    RETURN QUERY
    SELECT c.version, format('log event %s was changed, or the one before it removed', c.id),
           NULL::timestamptz, NULL::text, format('%s at %s by %s', c.kind, c.at, c.who)
    FROM (SELECT e.*, lag(e.hash) OVER (ORDER BY e.id) AS previous,
                 row_number() OVER (ORDER BY e.id) AS n
          FROM strata.events e) c
    WHERE c.hash IS DISTINCT FROM strata.event_hash(CASE WHEN c.n = 1 THEN NULL ELSE c.previous END,
                                                    ROW(c.id, c.at, c.kind, c.version, c.name, c.checksum,
                                                        c.statement, c.message, c.sqlstate, c.who,
                                                        c.application, c.host, c.pid, c.allowed,
                                                        c.hash)::strata.events);

    SELECT l.last_event INTO head FROM strata.lease_state l;
    IF head IS NOT NULL AND head > coalesce((SELECT max(e.id) FROM strata.events e), 0) THEN
        RETURN QUERY SELECT NULL::bigint, format('log events after %s were removed (the newest was %s)',
                                                  (SELECT max(e.id) FROM strata.events e), head),
                            NULL::timestamptz, NULL::text, NULL::text;
    END IF;
END
$$;

COMMENT ON FUNCTION strata.verify() IS
    'Everything in the ledger that did not come through the API: audited changes (with when and by whom), rows whose seal does not match, deleted rows of applied migrations, a broken event chain. No rows: the ledger is intact.';

CREATE FUNCTION strata.repair(version bigint, action text, why text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    h strata.history;
    found_row boolean;
    repair_event bigint;
BEGIN
    IF coalesce(btrim(why), '') = '' OR action IS NULL OR action NOT IN ('accept', 'forget', 'applied') THEN
        RAISE EXCEPTION 'strata.repair: action must be accept, forget or applied, and why must be given'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'accept: the row as it is now is right (re-sealed, audit acknowledged); forget: delete the row so the migration runs again; applied: mark an unfinished non-transactional migration applied. why is recorded in strata.log.';
    END IF;
    -- Serialise with runners: the chain needs the lease row lock.
    PERFORM 1 FROM strata.lease_state FOR UPDATE;
    SELECT * INTO h FROM strata.history t WHERE t.version = repair.version;
    found_row := FOUND;
    IF version IS NOT NULL AND NOT found_row AND action <> 'forget' THEN
        RAISE EXCEPTION 'strata.repair: version % has no history row', version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Use action forget to acknowledge a deleted row (the migration will run again).';
    END IF;
    repair_event := strata.emit('repair', version, h.name, h.checksum, NULL, format('%s: %s', action, why),
                         NULL, NULL, NULL);
    IF version IS NULL THEN
        -- Accept the whole ledger as it is now: re-seal every row, restart the chain.
        IF action <> 'accept' THEN
            RAISE EXCEPTION 'strata.repair: only accept applies to every version (version NULL)'
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the version to forget or mark applied.';
        END IF;
        FOR h IN SELECT * FROM strata.history LOOP
            h.event_id := repair_event;
            PERFORM strata.put_history(h);
        END LOOP;
        PERFORM strata.rechain();
        UPDATE strata.audit a SET resolved_by = repair_event WHERE a.resolved_by IS NULL;
        RETURN repair_event;
    END IF;
    IF action = 'forget' THEN
        DELETE FROM strata.history t WHERE t.version = repair.version;
        DELETE FROM strata.steps s WHERE s.version = repair.version;
    ELSE
        IF action = 'applied' THEN
            h.state := 'applied';
        END IF;
        h.event_id := repair_event;
        PERFORM strata.put_history(h);
    END IF;
    UPDATE strata.audit a SET resolved_by = repair_event
    WHERE a.resolved_by IS NULL
      AND repair.version IN ((a.old_row->>'version')::bigint, (a.new_row->>'version')::bigint);
    RETURN repair_event;
END
$$;

COMMENT ON FUNCTION strata.repair(bigint, text, text) IS
    'A DBA''s deliberate ledger change, logged with who and why (a repair event): accept (the row is right as it is: re-seal it and acknowledge its audited changes; version NULL accepts the whole ledger and re-links the log), forget (delete the row: the migration runs again), applied (mark a running / failed non-transactional migration applied).';

-- Re-link every event's hash to its predecessor (after a DBA accepted a
-- changed log with strata.repair(NULL, 'accept', why)). Internal.
CREATE FUNCTION strata.rechain() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e strata.events;
    previous bytea;
BEGIN
    FOR e IN SELECT * FROM strata.events ORDER BY id LOOP
        e.hash := strata.event_hash(previous, e);
        UPDATE strata.events t SET hash = e.hash WHERE t.id = e.id;
        previous := e.hash;
    END LOOP;
    UPDATE strata.lease_state SET last_event = (SELECT max(t.id) FROM strata.events t);
END
$$;
