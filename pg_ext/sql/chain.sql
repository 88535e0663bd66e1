-- Tamper evidence: seals on history rows, a hash chain over events, and an
-- audit trigger that records every change not made through the API.
--
-- The trigger tells API writes from others by the call stack: a write made
-- inside one of the strata functions that write (which only the schema's
-- owner can define) skips the audit; a session setting would be forgeable by
-- the migration itself. A superuser can still bypass the trigger; then the
-- seals and the chain (checked by strata.verify()) catch the change.

-- Text forms that do not depend on the session (DateStyle, IntervalStyle,
-- TimeZone): epochs for times, hex for bytes.
--
-- seal and event_hash are the two functions without a pinned search_path, so
-- that the planner inlines them into their callers (a SQL function with a SET
-- clause is called, and parsed and planned again in every transaction: they
-- were a quarter of each ledger write, and most of strata.verify()). They name
-- every function and type schema-qualified, are not SECURITY DEFINER, and are
-- called only by functions that pin search_path themselves.
CREATE FUNCTION strata.seal(h strata.history) RETURNS bytea
LANGUAGE sql STABLE
AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.concat_ws('|',
        h.version, h.name, pg_catalog.encode(h.checksum, 'hex'), h.state,
        EXTRACT(EPOCH FROM h.applied_at), h.applied_by, EXTRACT(EPOCH FROM h.duration),
        h.transactional, h.event_id, h.allowed), 'UTF8'))
$$;

COMMENT ON FUNCTION strata.seal(strata.history) IS
    'The seal of a history row: SHA-256 over its columns and event_id. Internal.';

CREATE FUNCTION strata.event_hash(previous bytea, e strata.events) RETURNS bytea
LANGUAGE sql STABLE
AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.concat_ws('|',
        pg_catalog.encode(coalesce(previous, '\x'::pg_catalog.bytea), 'hex'),
        EXTRACT(EPOCH FROM e.at), e.kind, e.version, e.name, pg_catalog.encode(e.checksum, 'hex'),
        e.statement, e.message, e.sqlstate, e.who, e.application, e.host, e.pid, e.allowed), 'UTF8'))
$$;

COMMENT ON FUNCTION strata.event_hash(bytea, strata.events) IS
    'Hash of an event chained to the previous event''s hash. Internal.';

-- Append one event. The caller holds the lease_state row lock (taken FOR
-- UPDATE), which serialises the chain: no two events share a predecessor.
-- renew_lease: also extend the caller's lease (one row update for both).
-- allowed: a success event's -- strata:allow comments (checked by the caller).
CREATE FUNCTION strata.emit(
    kind text, version bigint, name text, checksum bytea, statement integer,
    message text, sqlstate text, host text, pid integer, renew_lease boolean DEFAULT false,
    allowed jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e strata.events;
    previous bytea;
    new_id bigint;
BEGIN
    SELECT ev.hash INTO previous FROM strata.events ev ORDER BY ev.id DESC LIMIT 1;
    e.at := clock_timestamp();
    e.kind := kind;
    e.version := version;
    e.name := name;
    e.checksum := checksum;
    e.statement := statement;
    e.message := message;
    e.sqlstate := sqlstate;
    e.who := session_user;
    e.application := nullif(current_setting('application_name'), '');
    e.host := coalesce(host, inet_client_addr()::text, 'local');
    e.pid := coalesce(pid, pg_backend_pid());
    e.allowed := allowed;
    e.hash := strata.event_hash(previous, e);
    INSERT INTO strata.events
        (at, kind, version, name, checksum, statement, message, sqlstate, who, application, host, pid,
         allowed, hash)
    VALUES
        (e.at, e.kind, e.version, e.name, e.checksum, e.statement, e.message, e.sqlstate, e.who,
         e.application, e.host, e.pid, e.allowed, e.hash)
    RETURNING id INTO new_id;
    UPDATE strata.lease_state l
    SET last_event = new_id,
        -- Only migration events: taking the lease may share a transaction with them.
        last_xact = CASE WHEN kind IN ('lock', 'unlock', 'lock_expired', 'lock_break') THEN l.last_xact
                         ELSE pg_current_xact_id() END,
        heartbeat_at = CASE WHEN renew_lease THEN e.at ELSE l.heartbeat_at END,
        expires_at = CASE WHEN renew_lease THEN e.at + l.ttl ELSE l.expires_at END;
    RETURN new_id;
END
$$;

COMMENT ON FUNCTION strata.emit(text, bigint, text, bytea, integer, text, text, text, integer, boolean, jsonb) IS
    'Append an event to strata.events, chained to the previous one. Internal: the caller holds the lease_state row lock.';

CREATE FUNCTION strata.audit_change() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stack text;
BEGIN
    GET DIAGNOSTICS stack = PG_CONTEXT;
    IF stack ~ 'PL/pgSQL function strata\.(emit|put_history|acquire|renew|release|break_lock|step|finish|repair|resolve|rechain|revert)\(' THEN
        RETURN NULL;
    END IF;
    INSERT INTO strata.audit (table_name, operation, old_row, new_row)
    VALUES (TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION strata.audit_change() IS
    'Trigger: record in strata.audit a change to a strata table made outside the API. Internal.';

-- ENABLE ALWAYS: also fires under session_replication_role = replica.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON strata.history
    FOR EACH ROW EXECUTE FUNCTION strata.audit_change();
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON strata.history
    FOR EACH STATEMENT EXECUTE FUNCTION strata.audit_change();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON strata.events
    FOR EACH ROW EXECUTE FUNCTION strata.audit_change();
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON strata.events
    FOR EACH STATEMENT EXECUTE FUNCTION strata.audit_change();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON strata.steps
    FOR EACH ROW EXECUTE FUNCTION strata.audit_change();
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON strata.lease_state
    FOR EACH ROW EXECUTE FUNCTION strata.audit_change();
ALTER TABLE strata.history ENABLE ALWAYS TRIGGER audit;
ALTER TABLE strata.history ENABLE ALWAYS TRIGGER audit_truncate;
ALTER TABLE strata.events ENABLE ALWAYS TRIGGER audit;
ALTER TABLE strata.events ENABLE ALWAYS TRIGGER audit_truncate;
ALTER TABLE strata.steps ENABLE ALWAYS TRIGGER audit;
ALTER TABLE strata.lease_state ENABLE ALWAYS TRIGGER audit;
