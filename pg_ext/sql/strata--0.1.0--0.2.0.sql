-- strata 0.1.0 -> 0.2.0. The 0.1.0 ledger (strata.history and its rows) is
-- kept; the 0.1.0 functions (session advisory lock, unchecked writes) are
-- replaced by the 0.2.0 API. The rest of this file is sql/ledger.sql,
-- roles.sql, chain.sql, lease.sql, record.sql, plan.sql, verify.sql,
-- backfill.sql, describe_open.sql + migrator/src/schema/describe.sql +
-- describe_close.sql, snapshots.sql, drift.sql, sentinel.sql and privileges.sql
-- verbatim, in install order (a test checks
-- it): an upgraded database has exactly the objects of a fresh 0.2.0 install.
\echo Use "ALTER EXTENSION strata UPDATE TO '0.2.0'" to load this file. \quit

DROP VIEW strata.lock_holder;
DROP FUNCTION strata.try_lock();
DROP FUNCTION strata.unlock();
DROP FUNCTION strata.holds_lock();
DROP FUNCTION strata.require_lock(text);
DROP FUNCTION strata.lock_holder_pid();
DROP FUNCTION strata.lock_key();
DROP FUNCTION strata.record(bigint, text, bytea, boolean, interval);
DROP FUNCTION strata.start(bigint, text, bytea);
DROP FUNCTION strata.finish(bigint, boolean, interval);
DROP FUNCTION strata.check_new_entry(text, bigint, bytea);
DROP FUNCTION strata.plan(bigint[], text[], bytea[]);

-- sql/ledger.sql
-- The 0.2.0 ledger: the log of every event, the lease, the journal of
-- non-transactional migrations, the audit of changes made outside the API,
-- and the views DBAs and apps read. Only the owner (the installing role) can
-- write any of these tables; everyone else goes through the SECURITY DEFINER
-- API (sql/lease.sql, sql/record.sql), which writes through these tables only.

-- event_id + seal make a history row tamper-evident: the seal is a SHA-256
-- over the row and the log event that wrote it (strata.seal, sql/chain.sql);
-- strata.verify() reports a row whose seal no longer matches.
ALTER TABLE strata.history
    ADD COLUMN event_id bigint,
    ADD COLUMN seal     bytea,
    ADD COLUMN allowed  jsonb;

COMMENT ON TABLE strata.history IS
    'Migrations applied by the strata migrator, one row per version. Written only through the strata API (strata.record, strata.start/step/finish, strata.repair); read it through strata.applied. Changes made any other way are audited and reported by strata.verify().';
COMMENT ON COLUMN strata.history.event_id IS
    'The strata.log event that last wrote this row.';
COMMENT ON COLUMN strata.history.seal IS
    'SHA-256 over the row and its event_id, written by the API. strata.verify() reports rows whose seal does not match (changed outside the API).';
COMMENT ON COLUMN strata.history.allowed IS
    'The lint rules the migration silenced with -- strata:allow RULE reason: [{"rule", "reason", "line"}] as the migrator passed them to strata.record() / strata.finish(); NULL when none.';

-- Append-only: every lock, attempt, success, failure, statement, repair, revert, retry and
-- lock break. hash chains each event to the one before it (strata.emit).
CREATE TABLE strata.events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL
                CONSTRAINT events_kind_is_known CHECK (kind IN (
                    'lock', 'unlock', 'lock_expired', 'lock_break',
                    'attempt', 'success', 'failure', 'progress',
                    'resolve', 'repair', 'import', 'revert', 'retry')),
    version     bigint,
    name        text,
    checksum    bytea,
    statement   integer,
    message     text,
    sqlstate    text,
    who         text        NOT NULL,
    application text,
    host        text,
    pid         integer,
    -- success events: the -- strata:allow comments of the migration (strata.history.allowed).
    allowed     jsonb,
    hash        bytea       NOT NULL
);

COMMENT ON TABLE strata.events IS
    'Every ledger event, in order; read it through strata.log. hash = SHA-256 of the previous event''s hash and this event, so a removed or edited event breaks the chain (strata.verify()).';

-- The migration lease: one row, free when token is NULL. A lease is a row,
-- not a session lock, so it works through PgBouncer in transaction pooling
-- and can expire when its runner dies.
CREATE TABLE strata.lease_state (
    singleton    boolean     PRIMARY KEY DEFAULT true
                 CONSTRAINT lease_state_is_one_row CHECK (singleton),
    token        uuid,
    holder       text,
    pid          integer,
    host         text,
    application  text,
    acquired_at  timestamptz,
    heartbeat_at timestamptz,
    expires_at   timestamptz,
    ttl          interval,
    -- The newest event id: strata.verify() reports events removed from the end.
    last_event   bigint,
    -- The transaction that wrote the newest event: strata.record refuses to
    -- record a second migration in one transaction (a migration calling the API).
    last_xact    xid8
);
INSERT INTO strata.lease_state DEFAULT VALUES;

COMMENT ON TABLE strata.lease_state IS
    'The migration lease (one row; token NULL = free). Internal: read it through strata.lease. token is secret to its holder.';

-- The journal of a non-transactional migration: one row per statement.
CREATE TABLE strata.steps (
    version     bigint      NOT NULL,
    statement   integer     NOT NULL,
    checksum    bytea       NOT NULL,
    state       text        NOT NULL
                CONSTRAINT steps_state_is_known CHECK (state IN ('running', 'done', 'failed')),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    PRIMARY KEY (version, statement)
);

COMMENT ON TABLE strata.steps IS
    'Progress of non-transactional migrations: statement index (1-based), SHA-256 of its text, running / done / failed. A running step after a crash is resumed, cleaned up or reported as in doubt by the migrator.';

-- Changes to strata.* that did not come through the API (audit trigger,
-- sql/chain.sql). Not itself audited: it is the evidence, kept until a DBA
-- acknowledges it with strata.repair().
CREATE TABLE strata.audit (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    table_name  text        NOT NULL,
    operation   text        NOT NULL,
    old_row     jsonb,
    new_row     jsonb,
    session_role text       NOT NULL DEFAULT session_user,
    as_role     text        NOT NULL DEFAULT current_user,
    application text        DEFAULT pg_catalog.current_setting('application_name'),
    client_addr inet        DEFAULT pg_catalog.inet_client_addr(),
    xid         xid8        NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    resolved_by bigint
);
CREATE INDEX audit_xid ON strata.audit (xid);

COMMENT ON TABLE strata.audit IS
    'Changes to strata tables made outside the strata API: what (old_row, new_row), when, by whom. Reported by strata.verify() until strata.repair() records a DBA''s decision (resolved_by).';

DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.events', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.steps', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.audit', '');
        -- The identity sequences too, or a restored ledger would reuse ids.
        PERFORM pg_catalog.pg_extension_config_dump('strata.events_id_seq', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.audit_id_seq', '');
    END IF;
END
$$;

CREATE VIEW strata.applied AS
SELECT h.version, h.name, h.checksum, h.applied_at, h.applied_by, h.duration, h.transactional,
       h.allowed
FROM strata.history h
WHERE h.state = 'applied';

COMMENT ON VIEW strata.applied IS
    'The applied migrations: version, name, SHA-256 checksum of the file, when, by whom, how long, whether in a transaction, and the lint rules its -- strata:allow comments silenced (allowed: [{"rule", "reason", "line"}], NULL when none).';

CREATE VIEW strata.log AS
SELECT e.id, e.at, e.kind, e.version, e.name, e.statement, e.message, e.sqlstate,
       e.who, e.application, e.host, e.pid, e.allowed
FROM strata.events e;

COMMENT ON VIEW strata.log IS
    'Every ledger event (ORDER BY id): lock, unlock, lock_expired, lock_break, attempt, success, failure (message, sqlstate), progress (statement done), resolve, repair, import, revert (strata down: the down file ran; checksum is the down file''s), retry (an attempt rolled back on a lock timeout; statement = attempt, message = the blockers); with who (session user), client application, host and pid of the runner; allowed: on success, the -- strata:allow comments of the migration.';

CREATE VIEW strata.lease AS
SELECT l.holder, l.pid, l.host, l.application, l.acquired_at, l.heartbeat_at, l.expires_at,
       l.expires_at <= pg_catalog.clock_timestamp() AS expired
FROM strata.lease_state l
WHERE l.token IS NOT NULL;

COMMENT ON VIEW strata.lease IS
    'Who holds the migration lease (no row: free): role, runner pid and host, application, when taken, last heartbeat, when it expires. An expired lease is free for the next runner; strata lock break --why frees a live one.';

-- sql/roles.sql
-- The two roles a DBA grants (cluster-wide, so created only if missing):
--   strata_migrator: may run strata (EXECUTE on the API); nothing else.
--   strata_reader:   may read the ledger views and check the schema version.
-- A deployer then needs `GRANT strata_migrator TO deployer` plus whatever
-- privileges its migrations use.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'strata_migrator') THEN
        CREATE ROLE strata_migrator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'strata_reader') THEN
        CREATE ROLE strata_reader NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'strata: the roles strata_migrator and strata_reader do not exist and % may not create them', current_user
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Have a role with CREATEROLE run: CREATE ROLE strata_migrator NOLOGIN; CREATE ROLE strata_reader NOLOGIN; then install again.';
END
$$;

-- sql/chain.sql
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

-- sql/lease.sql
-- The migration lease. A row with a secret token (sql/ledger.sql), taken and
-- renewed through these functions, so it depends on no session state: it
-- works through PgBouncer in transaction pooling mode, where consecutive
-- transactions of one client run on different server connections.
--
-- Every ledger write passes the token and runs strata.hold(), which locks the
-- lease row until the write commits: a runner whose lease expired or was
-- broken can never record, and a new runner cannot take the lease between
-- another's check and commit. Waiting runners poll strata.acquire(), which
-- returns at once, so they never sit in a long statement that would hold up
-- a CREATE INDEX CONCURRENTLY of the running migration.

CREATE FUNCTION strata.acquire(ttl interval, pid integer DEFAULT NULL,
                               host text DEFAULT NULL, application text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    now_at timestamptz := clock_timestamp();
    new_token uuid := gen_random_uuid();
BEGIN
    IF ttl IS NULL OR ttl <= '0'::interval OR ttl > '1 day'::interval THEN
        RAISE EXCEPTION 'strata.acquire: ttl must be between 0 and 1 day (got %)', ttl
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The lease expires ttl after its last renewal; the migrator renews it every ttl/3.';
    END IF;
    SELECT * INTO l FROM strata.lease_state FOR UPDATE;
    IF l.token IS NOT NULL AND l.expires_at > now_at THEN
        RETURN NULL;
    END IF;
    IF l.token IS NOT NULL THEN
        PERFORM strata.emit('lock_expired', NULL, NULL, NULL, NULL,
            format('lease of %s (pid %s on %s, application %s, taken %s) expired at %s, last heartbeat %s',
                   l.holder, l.pid, l.host, l.application, l.acquired_at, l.expires_at, l.heartbeat_at),
            NULL, l.host, l.pid);
    END IF;
    UPDATE strata.lease_state
    SET token = new_token,
        holder = session_user,
        pid = coalesce(acquire.pid, pg_backend_pid()),
        host = coalesce(acquire.host, inet_client_addr()::text, 'local'),
        application = coalesce(acquire.application, nullif(current_setting('application_name'), '')),
        acquired_at = now_at,
        heartbeat_at = now_at,
        expires_at = now_at + acquire.ttl,
        ttl = acquire.ttl;
    PERFORM strata.emit('lock', NULL, NULL, NULL, NULL, format('lease taken for %s', acquire.ttl),
                        NULL, acquire.host, acquire.pid);
    RETURN new_token;
END
$$;

COMMENT ON FUNCTION strata.acquire(interval, integer, text, text) IS
    'Take the migration lease without waiting: a secret token, or NULL while another runner holds an unexpired lease. pid, host and application describe the runner (strata.lease). The lease expires ttl after it was taken or last renewed. Poll until not NULL.';

-- The caller's lease, locked until its transaction ends; raises unless token
-- is the current, unexpired lease. Internal, used by every ledger write.
CREATE FUNCTION strata.hold(caller text, token uuid) RETURNS strata.lease_state
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    SELECT * INTO l FROM strata.lease_state FOR UPDATE;
    IF token IS NULL OR l.token IS DISTINCT FROM token THEN
        RAISE EXCEPTION '%: this runner does not hold the migration lease', caller
            USING ERRCODE = 'lock_not_available',
                  DETAIL = CASE WHEN l.token IS NULL THEN 'Nobody holds the lease (it was released or broken).'
                           ELSE format('The lease is held by %s (pid %s on %s, application %s) since %s.',
                                       l.holder, l.pid, l.host, l.application, l.acquired_at) END,
                  HINT = 'Take the lease with strata.acquire() and pass its token. A runner that lost its lease must stop: nothing it does is recorded.';
    END IF;
    IF l.expires_at <= clock_timestamp() THEN
        RAISE EXCEPTION '%: the migration lease expired at %', caller, l.expires_at
            USING ERRCODE = 'lock_not_available',
                  DETAIL = format('Last heartbeat %s; the lease lasts %s after each renewal.', l.heartbeat_at, l.ttl),
                  HINT = 'Renew the lease (strata.renew) more often than its ttl, or take a longer ttl. This write was refused, so nothing was recorded.';
    END IF;
    RETURN l;
END
$$;

COMMENT ON FUNCTION strata.hold(text, uuid) IS
    'Lock the lease row and raise 55P03 unless token is the current unexpired lease. Internal.';

CREATE FUNCTION strata.renew(token uuid) RETURNS timestamptz
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    l := strata.hold('strata.renew', token);
    UPDATE strata.lease_state
    SET heartbeat_at = clock_timestamp(), expires_at = clock_timestamp() + l.ttl
    RETURNING expires_at INTO l.expires_at;
    RETURN l.expires_at;
END
$$;

COMMENT ON FUNCTION strata.renew(uuid) IS
    'Heartbeat: extend the lease by its ttl; returns the new expiry. Raises 55P03 if token is not the current unexpired lease.';

CREATE FUNCTION strata.release(token uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    SELECT * INTO l FROM strata.lease_state FOR UPDATE;
    IF token IS NULL OR l.token IS DISTINCT FROM token THEN
        RETURN false;
    END IF;
    PERFORM strata.emit('unlock', NULL, NULL, NULL, NULL, NULL, NULL, l.host, l.pid);
    UPDATE strata.lease_state
    SET token = NULL, holder = NULL, pid = NULL, host = NULL, application = NULL,
        acquired_at = NULL, heartbeat_at = NULL, expires_at = NULL, ttl = NULL;
    RETURN true;
END
$$;

COMMENT ON FUNCTION strata.release(uuid) IS
    'Give the lease back: true if token held it (also when expired but not yet taken), false otherwise.';

CREATE FUNCTION strata.break_lock(why text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
BEGIN
    IF coalesce(btrim(why), '') = '' THEN
        RAISE EXCEPTION 'strata.break_lock: say why the lease is broken'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The reason is recorded in strata.log for whoever investigates later.';
    END IF;
    SELECT * INTO l FROM strata.lease_state FOR UPDATE;
    IF l.token IS NULL THEN
        RETURN false;
    END IF;
    PERFORM strata.emit('lock_break', NULL, NULL, NULL, NULL,
        format('broke the lease of %s (pid %s on %s, application %s, taken %s, expires %s): %s',
               l.holder, l.pid, l.host, l.application, l.acquired_at, l.expires_at, why),
        NULL, NULL, NULL);
    UPDATE strata.lease_state
    SET token = NULL, holder = NULL, pid = NULL, host = NULL, application = NULL,
        acquired_at = NULL, heartbeat_at = NULL, expires_at = NULL, ttl = NULL;
    RETURN true;
END
$$;

COMMENT ON FUNCTION strata.break_lock(text) IS
    'Free the lease whoever holds it, recording who broke it and why in strata.log; false if it was free. The previous holder''s later ledger writes fail (55P03).';

-- sql/record.sql
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

-- sql/plan.sql
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
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
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

-- Schema-version checks for apps (granted to strata_reader): an app's
-- start-up compares the migrations it was built with against the ledger.

CREATE FUNCTION strata.current_version() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT max(h.version) FROM strata.history h WHERE h.state = 'applied' $$;

COMMENT ON FUNCTION strata.current_version() IS
    'The newest applied migration version, NULL when none is applied.';

CREATE FUNCTION strata.require_version(version bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    newest bigint := strata.current_version();
BEGIN
    IF version IS NULL THEN
        RAISE EXCEPTION 'strata.require_version: version must not be NULL'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass the newest migration version the app needs.';
    END IF;
    IF newest IS NULL OR newest < version
       OR NOT EXISTS (SELECT 1 FROM strata.history h WHERE h.version = require_version.version AND h.state = 'applied') THEN
        RAISE EXCEPTION 'strata: the database schema is behind: version % is not applied (current version %)',
                version, coalesce(newest::text, 'none')
            USING ERRCODE = 'ST001',
                  HINT = 'Run strata up (or the migrations of this release) before starting this version of the app.';
    END IF;
    RETURN newest;
END
$$;

COMMENT ON FUNCTION strata.require_version(bigint) IS
    'Return the current version, or raise SQLSTATE ST001 (schema behind) unless migration version is applied and no older than the newest applied one.';

CREATE FUNCTION strata.compare(versions bigint[], checksums bytea[])
RETURNS TABLE (version bigint, status text, checksum bytea, applied_checksum bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF versions IS NULL OR checksums IS NULL OR cardinality(versions) <> cardinality(checksums) THEN
        RAISE EXCEPTION 'strata.compare: versions and checksums must be non-NULL arrays of the same length'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass one element per migration the app was built with, at the same position in both arrays.';
    END IF;
    RETURN QUERY
    WITH app AS (
        SELECT u.v, u.c FROM unnest(versions, checksums) AS u(v, c)
    ), db AS (
        SELECT h.version AS v, h.checksum AS c FROM strata.history h WHERE h.state = 'applied'
    )
    SELECT coalesce(app.v, db.v),
           CASE WHEN db.v IS NULL THEN 'missing'
                WHEN app.v IS NULL THEN 'extra'
                ELSE 'different' END,
           app.c, db.c
    FROM app FULL JOIN db ON db.v = app.v
    WHERE app.v IS NULL OR db.v IS NULL OR app.c IS DISTINCT FROM db.c
    ORDER BY 1;
END
$$;

COMMENT ON FUNCTION strata.compare(bigint[], bytea[]) IS
    'Compare an app''s migrations (versions and SHA-256 checksums) with the applied ones; one row per difference: missing (not applied in the database), extra (applied, unknown to the app: the database is newer), different (checksums differ).';

CREATE FUNCTION strata.ledger_version() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.2.0'::text $$;

COMMENT ON FUNCTION strata.ledger_version() IS
    'The version of the strata objects in this database (the extension version, or what strata init installed).';

-- sql/verify.sql
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

-- sql/backfill.sql
-- Rows written before the seals existed (by strata 0.1.0) get an 'import'
-- event and a seal, so strata.verify() accepts the ledger as it was at the
-- upgrade. A no-op on a fresh install.
DO $$
DECLARE
    h strata.history;
BEGIN
    FOR h IN SELECT * FROM strata.history t WHERE t.seal IS NULL ORDER BY t.version LOOP
        h.event_id := strata.emit('import', h.version, h.name, h.checksum, NULL,
            format('%s row written before strata 0.2.0 (at %s by %s)', h.state, h.applied_at, h.applied_by),
            NULL, NULL, NULL);
        PERFORM strata.put_history(h);
    END LOOP;
END
$$;

-- sql/describe_text_open.sql
-- strata.describe_text(): the description query as text, for describing a whole schema with a
-- plan made for it (see describe_objects). Its body is migrator/src/schema/describe.sql verbatim
-- as a dollar-quoted literal: this file opens it, describe_text_close.sql closes it.
CREATE FUNCTION strata.describe_text() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $describe_text$
SELECT $describe_sql$

-- sql/../../migrator/src/schema/describe.sql
-- The managed schemas as the server itself deparses them: one row per object,
-- (kind, identity, definition, root, objid), identified by name and never by OID, unsorted
-- (every consumer keys the rows by kind and identity; strata.describe() sorts its own), root
-- and objid, the object's own OID, only say which rows an incremental snapshot replaces; they
-- are never compared.
--
-- $1 text[]: the managed schemas; NULL means every schema but strata, pg_* and information_schema.
-- $2 oid[]: the roots to describe (NULL: all). Each row has a root: the table, view, sequence, type
-- or function it belongs to (a column, constraint, index, trigger, policy or rule belongs to its
-- table; a domain constraint to its domain; statistics, collations, operators and text search
-- configurations are their own roots), NULL for the kinds that are always described (schemas,
-- extensions, default privileges). An incremental snapshot describes only the roots a migration
-- touched.
-- Run it with search_path = pg_catalog, so every name the server deparses (and regclass prints)
-- comes out schema-qualified and the text does not depend on the session, and with jit = off
-- (on a large schema the plan's cost passes jit_above_cost, and compiling this query takes
-- seconds where running it takes milliseconds). The CLI sets both; the extension's
-- strata.describe_objects(schemas, roots) is this one SELECT as a PL/pgSQL RETURN QUERY (so a
-- session plans it once) with both pinned.
--
-- definition is a flat jsonb object; a field that is NULL, false or the default is left out, so
-- two descriptions compare field by field. Comments and grants are fields of their object.
-- Objects that belong to an extension are described by the extension's row alone.
WITH managed AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
    FROM pg_catalog.pg_namespace n
    WHERE CASE
        WHEN $1::text[] IS NULL THEN n.nspname <> 'strata' AND n.nspname <> 'information_schema'
            AND n.nspname !~ '^pg_'
        ELSE n.nspname = ANY ($1::text[])
    END
),
-- The relations, types and functions described: every one of the managed schemas, or the
-- roots' (a relation's indexes with it). Each is a scan when $2 is NULL and index lookups from
-- the roots otherwise, so one cached plan serves a whole schema and a few objects alike.
roots AS (
    SELECT DISTINCT r.oid FROM unnest($2::oid[]) r (oid)
),
rel AS (
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname) AS qname
    FROM pg_catalog.pg_class c JOIN managed m ON m.oid = c.relnamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_class c ON c.oid = r.oid AND c.relkind NOT IN ('i', 'I')
    JOIN managed m ON m.oid = c.relnamespace
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    JOIN managed m ON m.oid = c.relnamespace
),
-- The types, without the implicit ones (the arrays of other types, the row types of tables and
-- views): most of a schema's pg_type rows, which only the filter reads. Both branches test it the
-- same way: an implicit array is its element type's typarray (pg_type has no index on typarray),
-- so a whole schema hashes the lookups and a few roots look them up by index.
typ AS (
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM pg_catalog.pg_type t JOIN managed m ON m.oid = t.typnamespace
    WHERE $2::oid[] IS NULL AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    UNION ALL
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM roots r JOIN pg_catalog.pg_type t ON t.oid = r.oid JOIN managed m ON m.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
),
proc AS (
    SELECT p.*, m.nspname FROM pg_catalog.pg_proc p JOIN managed m ON m.oid = p.pronamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT p.*, m.nspname
    FROM roots r JOIN pg_catalog.pg_proc p ON p.oid = r.oid JOIN managed m ON m.oid = p.pronamespace
),
objects (kind, identity, classid, objid, subid, acl, def, root) AS (
    SELECT 'schema', quote_ident(m.nspname), 'pg_namespace'::regclass, m.oid, 0,
        coalesce(m.nspacl, acldefault('n', m.nspowner)), '{}'::jsonb, NULL::oid
    FROM managed m

    UNION ALL
    SELECT 'extension', quote_ident(e.extname), 'pg_extension'::regclass, e.oid, 0, NULL,
        jsonb_build_object('version', e.extversion, 'schema', m.nspname), NULL
    FROM pg_catalog.pg_extension e JOIN managed m ON m.oid = e.extnamespace

    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END,
        c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('r', c.relowner)),
        -- Building a jsonb costs per key, NULL or not, so the fields only some kinds have come in
        -- groups, each built where its kind is.
        jsonb_build_object(
            'type', CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' END,
            'unlogged', nullif(c.relpersistence = 'u', false),
            'inherits', (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                         FROM pg_catalog.pg_inherits i
                         WHERE i.inhrelid = c.oid AND NOT c.relispartition),
            'row security', nullif(c.relrowsecurity, false),
            'force row security', nullif(c.relforcerowsecurity, false),
            'replica identity', CASE WHEN c.relkind IN ('r', 'p') THEN CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                WHEN 'i' THEN 'index' END END,
            'options', array_to_string(c.reloptions, ', ')
        ) || CASE WHEN c.relkind = 'p' OR c.relispartition THEN jsonb_build_object(
            'partition key', CASE c.relkind WHEN 'p' THEN pg_get_partkeydef(c.oid) END,
            'partition of', (SELECT i.inhparent::regclass::text FROM pg_catalog.pg_inherits i
                             WHERE i.inhrelid = c.oid AND c.relispartition),
            'partition bound', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END)
            ELSE '{}' END
          || CASE WHEN c.relkind IN ('v', 'm') THEN jsonb_build_object('definition', pg_get_viewdef(c.oid, true))
            ELSE '{}' END,
        c.oid
    FROM rel c
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')

    UNION ALL
    SELECT 'sequence', c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('s', c.relowner)),
        jsonb_build_object(
            'unlogged', nullif(c.relpersistence = 'u', false),
            'type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text,
            'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
            'cache', s.seqcache::text, 'cycle', nullif(s.seqcycle, false),
            'owned by', coalesce(ot.qname, d.refobjid::regclass::text) || '.' || quote_ident(a.attname)),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
    LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    -- The owning table's name as it is already spelled (regclass looks each one up again).
    LEFT JOIN rel ot ON ot.oid = d.refobjid
    WHERE c.relkind = 'S'

    UNION ALL
    SELECT 'column', c.qname || '.' || quote_ident(a.attname), 'pg_class'::regclass, c.oid, a.attnum,
        a.attacl,
        jsonb_build_object(
            'position', row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
            'type', format_type(a.atttypid, a.atttypmod),
            'not null', nullif(a.attnotnull, false),
            -- A default cannot refer to a column, so it deparses without its table (which
            -- pg_get_expr would open: on a new connection, a relcache build per table).
            'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END
        -- The rarer fields (as for tables): built only where one of them is set. Some servers
        -- keep a private pg_* option on every column, which is not one.
        ) || CASE WHEN a.attgenerated <> '' OR a.attidentity <> '' OR a.attcollation <> ty.typcollation
                OR (a.attoptions IS NOT NULL AND NOT (cardinality(a.attoptions) = 1 AND a.attoptions[1] ^@ 'pg_'))
            THEN jsonb_build_object(
            'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
            'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
            'collation', CASE WHEN a.attcollation <> ty.typcollation THEN
                (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                 FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                 WHERE co.oid = a.attcollation) END,
            'options', (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(a.attoptions) o WHERE o !~ '^pg_'))
            ELSE '{}' END,
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p', 'f')

    UNION ALL
    SELECT 'constraint', c.qname || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object(
            'type', CASE con.contype WHEN 'c' THEN 'check' WHEN 'f' THEN 'foreign key'
                WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'x' THEN 'exclusion'
                WHEN 't' THEN 'trigger' ELSE con.contype::text END,
            'definition', pg_get_constraintdef(con.oid)
        ),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'domain constraint', quote_ident(t.nspname) || '.' || quote_ident(t.typname) || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object('type', 'check', 'definition', pg_get_constraintdef(con.oid)),
        t.oid
    FROM typ t
    JOIN pg_catalog.pg_constraint con ON con.conrelid = 0 AND con.contypid = t.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'index', ic.qname, 'pg_class'::regclass, ic.oid, 0, NULL,
        jsonb_build_object(
            'table', tc.qname,
            -- The index of a primary key, unique or exclusion constraint is that constraint's
            -- definition (a btree with the default operator classes, collations and order, or
            -- the exclusion's whole index), as pg_dump has it: named, not deparsed twice.
            'constraint', tc.qname || '.' || quote_ident(con.conname),
            'definition', CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) END,
            'invalid', nullif(NOT i.indisvalid, false),
            'clustered', nullif(i.indisclustered, false),
            'replica identity', nullif(i.indisreplident, false),
            'options', array_to_string(ic.reloptions, ', ')
        ),
        i.indrelid
    FROM rel ic
    JOIN pg_catalog.pg_index i ON i.indexrelid = ic.oid
    JOIN rel tc ON tc.oid = i.indrelid
    -- A constraint's index has its name (renaming either renames both): an index lookup.
    LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = i.indrelid AND con.contypid = 0
        AND con.conname = ic.relname AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')

    UNION ALL
    SELECT 'type', quote_ident(t.nspname) || '.' || quote_ident(t.typname), 'pg_type'::regclass, t.oid, 0,
        coalesce(t.typacl, acldefault('T', t.typowner)),
        CASE t.typtype
            WHEN 'e' THEN jsonb_build_object('type', 'enum', 'labels',
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
            WHEN 'd' THEN jsonb_build_object('type', 'domain',
                'base', format_type(t.typbasetype, t.typtypmod),
                'not null', nullif(t.typnotnull, false),
                'default', pg_get_expr(t.typdefaultbin, 0))
            WHEN 'c' THEN jsonb_build_object('type', 'composite', 'attributes',
                (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                   ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
            WHEN 'r' THEN (SELECT jsonb_build_object('type', 'range',
                    'subtype', format_type(r.rngsubtype, NULL),
                    'subtype diff', nullif(r.rngsubdiff::regproc::text, '-'))
                FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
            ELSE jsonb_build_object('type', 'base', 'input', t.typinput::regproc::text,
                'output', t.typoutput::regproc::text, 'length', t.typlen::text)
        END,
        t.oid
    FROM typ t

    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
        quote_ident(p.nspname) || '.' || quote_ident(p.proname)
            || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        'pg_proc'::regclass, p.oid, 0, coalesce(p.proacl, acldefault('f', p.proowner)),
        CASE WHEN p.prokind = 'a' THEN (
            SELECT jsonb_build_object('state function', ag.aggtransfn::regproc::text,
                'state type', format_type(ag.aggtranstype, NULL),
                'final function', nullif(ag.aggfinalfn::regproc::text, '-'),
                'combine function', nullif(ag.aggcombinefn::regproc::text, '-'),
                'initial value', ag.agginitval,
                'sort operator', nullif(ag.aggsortop, 0)::regoperator::text)
            FROM pg_catalog.pg_aggregate ag WHERE ag.aggfnoid = p.oid)
        ELSE jsonb_build_object('definition', pg_get_functiondef(p.oid)) END,
        p.oid
    FROM proc p

    UNION ALL
    SELECT 'trigger', c.qname || '.' || quote_ident(tg.tgname), 'pg_trigger'::regclass, tg.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_triggerdef(tg.oid),
            'enabled', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        tg.tgrelid
    FROM pg_catalog.pg_trigger tg JOIN rel c ON c.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal

    UNION ALL
    SELECT 'policy', c.qname || '.' || quote_ident(pol.polname), 'pg_policy'::regclass, pol.oid, 0, NULL,
        jsonb_build_object(
            'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
            'restrictive', nullif(NOT pol.polpermissive, false),
            'roles', (SELECT string_agg(role, ', ' ORDER BY role)
                      FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END
                            FROM unnest(pol.polroles) r) roles (role)),
            'using', pg_get_expr(pol.polqual, pol.polrelid),
            'with check', pg_get_expr(pol.polwithcheck, pol.polrelid)),
        pol.polrelid
    FROM pg_catalog.pg_policy pol JOIN rel c ON c.oid = pol.polrelid

    UNION ALL
    SELECT 'rule', c.qname || '.' || quote_ident(ru.rulename), 'pg_rewrite'::regclass, ru.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_ruledef(ru.oid),
            'enabled', CASE ru.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        ru.ev_class
    FROM pg_catalog.pg_rewrite ru JOIN rel c ON c.oid = ru.ev_class
    WHERE ru.rulename <> '_RETURN'

    UNION ALL
    SELECT 'statistics', quote_ident(m.nspname) || '.' || quote_ident(s.stxname),
        'pg_statistic_ext'::regclass, s.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_statisticsobjdef(s.oid)), s.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_statistic_ext x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_statistic_ext s ON s.oid = k.oid
    JOIN managed m ON m.oid = s.stxnamespace

    UNION ALL
    SELECT 'collation', quote_ident(m.nspname) || '.' || quote_ident(co.collname),
        'pg_collation'::regclass, co.oid, 0, NULL,
        jsonb_build_object('provider', co.collprovider::text, 'deterministic', nullif(co.collisdeterministic, true),
            'collate', co.collcollate, 'ctype', co.collctype), co.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_collation x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_collation co ON co.oid = k.oid
    JOIN managed m ON m.oid = co.collnamespace

    UNION ALL
    SELECT 'operator', quote_ident(m.nspname) || '.' || o.oprname || '('
            || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') || ', '
            || coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')',
        'pg_operator'::regclass, o.oid, 0, NULL,
        jsonb_build_object('function', o.oprcode::regproc::text), o.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_operator x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_operator o ON o.oid = k.oid
    JOIN managed m ON m.oid = o.oprnamespace

    UNION ALL
    SELECT 'text search configuration', quote_ident(m.nspname) || '.' || quote_ident(cfg.cfgname),
        'pg_ts_config'::regclass, cfg.oid, 0, NULL,
        jsonb_build_object('parser', cfg.cfgparser::regclass::text), cfg.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_ts_config x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_ts_config cfg ON cfg.oid = k.oid
    JOIN managed m ON m.oid = cfg.cfgnamespace

    UNION ALL
    SELECT 'default privileges',
        'for ' || quote_ident(pg_get_userbyid(d.defaclrole))
            || coalesce(' in ' || quote_ident(m.nspname), '')
            || ' on ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END,
        'pg_default_acl'::regclass, d.oid, 0, d.defaclacl, '{}'::jsonb, NULL
    FROM pg_catalog.pg_default_acl d LEFT JOIN managed m ON m.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR m.oid IS NOT NULL
),
-- Each distinct ACL is spelled out once: most objects share their owner's default.
grants AS (
    SELECT a.acl, (
        SELECT string_agg(grantee || ': ' || privileges, '; ' ORDER BY grantee)
        FROM (
            SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END
                    AS grantee,
                string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                           ', ' ORDER BY x.privilege_type) AS privileges
            FROM aclexplode(a.acl) x
            GROUP BY x.grantee
        ) per_grantee) AS text
    FROM (SELECT DISTINCT o.acl FROM objects o WHERE o.acl IS NOT NULL) a
)
SELECT o.kind, o.identity,
    -- Most objects (columns, indexes, constraints) have neither: no second jsonb to merge.
    CASE WHEN ds.description IS NULL AND g.text IS NULL THEN jsonb_strip_nulls(o.def)
        ELSE jsonb_strip_nulls(o.def || jsonb_build_object('comment', ds.description, 'grants', g.text))
    END,
    o.root, o.objid
FROM objects o
LEFT JOIN grants g ON g.acl = o.acl
LEFT JOIN pg_catalog.pg_description ds
    ON ds.objoid = o.objid AND ds.classoid = o.classid AND ds.objsubid = o.subid
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
                  WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype = 'e')

-- sql/describe_text_close.sql
$describe_sql$::text
$describe_text$;

COMMENT ON FUNCTION strata.describe_text() IS
    'The text of the description query (migrator/src/schema/describe.sql). Internal.';
REVOKE ALL ON FUNCTION strata.describe_text() FROM PUBLIC;

-- sql/describe_open.sql
-- strata.describe_objects(schemas, roots): the managed schemas as the server deparses them. The
-- body is migrator/src/schema/describe.sql verbatim (the one description `strata test` uses
-- too): this file opens the function, that file is its body, describe_close.sql closes it.
-- PL/pgSQL, not SQL, so that a session plans the query once: an incremental snapshot after each
-- migration describes a few roots with a cached generic plan of index lookups (nested loops),
-- costing what describing them costs, not a planning of the whole query. A whole schema
-- (roots NULL) is described by the same text planned for it, with hash joins.
CREATE FUNCTION strata.describe_objects(schemas text[], roots oid[])
RETURNS TABLE (kind text, identity text, definition jsonb, root oid, objid oid)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- JIT compiling this one big query costs seconds where running it costs milliseconds.
SET jit = off
SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off
SET enable_mergejoin = off
-- The description of a large schema is sorted in memory, not on disk.
SET work_mem = '64MB'
AS $describe$
#variable_conflict use_column
BEGIN
IF roots IS NULL THEN
    PERFORM pg_catalog.set_config('enable_hashjoin', 'on', true);
    PERFORM pg_catalog.set_config('enable_mergejoin', 'on', true);
    RETURN QUERY EXECUTE strata.describe_text() USING schemas, roots;
    RETURN;
END IF;
RETURN QUERY

-- sql/../../migrator/src/schema/describe.sql
-- The managed schemas as the server itself deparses them: one row per object,
-- (kind, identity, definition, root, objid), identified by name and never by OID, unsorted
-- (every consumer keys the rows by kind and identity; strata.describe() sorts its own), root
-- and objid, the object's own OID, only say which rows an incremental snapshot replaces; they
-- are never compared.
--
-- $1 text[]: the managed schemas; NULL means every schema but strata, pg_* and information_schema.
-- $2 oid[]: the roots to describe (NULL: all). Each row has a root: the table, view, sequence, type
-- or function it belongs to (a column, constraint, index, trigger, policy or rule belongs to its
-- table; a domain constraint to its domain; statistics, collations, operators and text search
-- configurations are their own roots), NULL for the kinds that are always described (schemas,
-- extensions, default privileges). An incremental snapshot describes only the roots a migration
-- touched.
-- Run it with search_path = pg_catalog, so every name the server deparses (and regclass prints)
-- comes out schema-qualified and the text does not depend on the session, and with jit = off
-- (on a large schema the plan's cost passes jit_above_cost, and compiling this query takes
-- seconds where running it takes milliseconds). The CLI sets both; the extension's
-- strata.describe_objects(schemas, roots) is this one SELECT as a PL/pgSQL RETURN QUERY (so a
-- session plans it once) with both pinned.
--
-- definition is a flat jsonb object; a field that is NULL, false or the default is left out, so
-- two descriptions compare field by field. Comments and grants are fields of their object.
-- Objects that belong to an extension are described by the extension's row alone.
WITH managed AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
    FROM pg_catalog.pg_namespace n
    WHERE CASE
        WHEN $1::text[] IS NULL THEN n.nspname <> 'strata' AND n.nspname <> 'information_schema'
            AND n.nspname !~ '^pg_'
        ELSE n.nspname = ANY ($1::text[])
    END
),
-- The relations, types and functions described: every one of the managed schemas, or the
-- roots' (a relation's indexes with it). Each is a scan when $2 is NULL and index lookups from
-- the roots otherwise, so one cached plan serves a whole schema and a few objects alike.
roots AS (
    SELECT DISTINCT r.oid FROM unnest($2::oid[]) r (oid)
),
rel AS (
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname) AS qname
    FROM pg_catalog.pg_class c JOIN managed m ON m.oid = c.relnamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_class c ON c.oid = r.oid AND c.relkind NOT IN ('i', 'I')
    JOIN managed m ON m.oid = c.relnamespace
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    JOIN managed m ON m.oid = c.relnamespace
),
-- The types, without the implicit ones (the arrays of other types, the row types of tables and
-- views): most of a schema's pg_type rows, which only the filter reads. Both branches test it the
-- same way: an implicit array is its element type's typarray (pg_type has no index on typarray),
-- so a whole schema hashes the lookups and a few roots look them up by index.
typ AS (
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM pg_catalog.pg_type t JOIN managed m ON m.oid = t.typnamespace
    WHERE $2::oid[] IS NULL AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    UNION ALL
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM roots r JOIN pg_catalog.pg_type t ON t.oid = r.oid JOIN managed m ON m.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
),
proc AS (
    SELECT p.*, m.nspname FROM pg_catalog.pg_proc p JOIN managed m ON m.oid = p.pronamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT p.*, m.nspname
    FROM roots r JOIN pg_catalog.pg_proc p ON p.oid = r.oid JOIN managed m ON m.oid = p.pronamespace
),
objects (kind, identity, classid, objid, subid, acl, def, root) AS (
    SELECT 'schema', quote_ident(m.nspname), 'pg_namespace'::regclass, m.oid, 0,
        coalesce(m.nspacl, acldefault('n', m.nspowner)), '{}'::jsonb, NULL::oid
    FROM managed m

    UNION ALL
    SELECT 'extension', quote_ident(e.extname), 'pg_extension'::regclass, e.oid, 0, NULL,
        jsonb_build_object('version', e.extversion, 'schema', m.nspname), NULL
    FROM pg_catalog.pg_extension e JOIN managed m ON m.oid = e.extnamespace

    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END,
        c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('r', c.relowner)),
        -- Building a jsonb costs per key, NULL or not, so the fields only some kinds have come in
        -- groups, each built where its kind is.
        jsonb_build_object(
            'type', CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' END,
            'unlogged', nullif(c.relpersistence = 'u', false),
            'inherits', (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                         FROM pg_catalog.pg_inherits i
                         WHERE i.inhrelid = c.oid AND NOT c.relispartition),
            'row security', nullif(c.relrowsecurity, false),
            'force row security', nullif(c.relforcerowsecurity, false),
            'replica identity', CASE WHEN c.relkind IN ('r', 'p') THEN CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                WHEN 'i' THEN 'index' END END,
            'options', array_to_string(c.reloptions, ', ')
        ) || CASE WHEN c.relkind = 'p' OR c.relispartition THEN jsonb_build_object(
            'partition key', CASE c.relkind WHEN 'p' THEN pg_get_partkeydef(c.oid) END,
            'partition of', (SELECT i.inhparent::regclass::text FROM pg_catalog.pg_inherits i
                             WHERE i.inhrelid = c.oid AND c.relispartition),
            'partition bound', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END)
            ELSE '{}' END
          || CASE WHEN c.relkind IN ('v', 'm') THEN jsonb_build_object('definition', pg_get_viewdef(c.oid, true))
            ELSE '{}' END,
        c.oid
    FROM rel c
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')

    UNION ALL
    SELECT 'sequence', c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('s', c.relowner)),
        jsonb_build_object(
            'unlogged', nullif(c.relpersistence = 'u', false),
            'type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text,
            'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
            'cache', s.seqcache::text, 'cycle', nullif(s.seqcycle, false),
            'owned by', coalesce(ot.qname, d.refobjid::regclass::text) || '.' || quote_ident(a.attname)),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
    LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    -- The owning table's name as it is already spelled (regclass looks each one up again).
    LEFT JOIN rel ot ON ot.oid = d.refobjid
    WHERE c.relkind = 'S'

    UNION ALL
    SELECT 'column', c.qname || '.' || quote_ident(a.attname), 'pg_class'::regclass, c.oid, a.attnum,
        a.attacl,
        jsonb_build_object(
            'position', row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
            'type', format_type(a.atttypid, a.atttypmod),
            'not null', nullif(a.attnotnull, false),
            -- A default cannot refer to a column, so it deparses without its table (which
            -- pg_get_expr would open: on a new connection, a relcache build per table).
            'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END
        -- The rarer fields (as for tables): built only where one of them is set. Some servers
        -- keep a private pg_* option on every column, which is not one.
        ) || CASE WHEN a.attgenerated <> '' OR a.attidentity <> '' OR a.attcollation <> ty.typcollation
                OR (a.attoptions IS NOT NULL AND NOT (cardinality(a.attoptions) = 1 AND a.attoptions[1] ^@ 'pg_'))
            THEN jsonb_build_object(
            'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
            'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
            'collation', CASE WHEN a.attcollation <> ty.typcollation THEN
                (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                 FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                 WHERE co.oid = a.attcollation) END,
            'options', (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(a.attoptions) o WHERE o !~ '^pg_'))
            ELSE '{}' END,
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p', 'f')

    UNION ALL
    SELECT 'constraint', c.qname || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object(
            'type', CASE con.contype WHEN 'c' THEN 'check' WHEN 'f' THEN 'foreign key'
                WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'x' THEN 'exclusion'
                WHEN 't' THEN 'trigger' ELSE con.contype::text END,
            'definition', pg_get_constraintdef(con.oid)
        ),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'domain constraint', quote_ident(t.nspname) || '.' || quote_ident(t.typname) || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object('type', 'check', 'definition', pg_get_constraintdef(con.oid)),
        t.oid
    FROM typ t
    JOIN pg_catalog.pg_constraint con ON con.conrelid = 0 AND con.contypid = t.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'index', ic.qname, 'pg_class'::regclass, ic.oid, 0, NULL,
        jsonb_build_object(
            'table', tc.qname,
            -- The index of a primary key, unique or exclusion constraint is that constraint's
            -- definition (a btree with the default operator classes, collations and order, or
            -- the exclusion's whole index), as pg_dump has it: named, not deparsed twice.
            'constraint', tc.qname || '.' || quote_ident(con.conname),
            'definition', CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) END,
            'invalid', nullif(NOT i.indisvalid, false),
            'clustered', nullif(i.indisclustered, false),
            'replica identity', nullif(i.indisreplident, false),
            'options', array_to_string(ic.reloptions, ', ')
        ),
        i.indrelid
    FROM rel ic
    JOIN pg_catalog.pg_index i ON i.indexrelid = ic.oid
    JOIN rel tc ON tc.oid = i.indrelid
    -- A constraint's index has its name (renaming either renames both): an index lookup.
    LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = i.indrelid AND con.contypid = 0
        AND con.conname = ic.relname AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')

    UNION ALL
    SELECT 'type', quote_ident(t.nspname) || '.' || quote_ident(t.typname), 'pg_type'::regclass, t.oid, 0,
        coalesce(t.typacl, acldefault('T', t.typowner)),
        CASE t.typtype
            WHEN 'e' THEN jsonb_build_object('type', 'enum', 'labels',
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
            WHEN 'd' THEN jsonb_build_object('type', 'domain',
                'base', format_type(t.typbasetype, t.typtypmod),
                'not null', nullif(t.typnotnull, false),
                'default', pg_get_expr(t.typdefaultbin, 0))
            WHEN 'c' THEN jsonb_build_object('type', 'composite', 'attributes',
                (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                   ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
            WHEN 'r' THEN (SELECT jsonb_build_object('type', 'range',
                    'subtype', format_type(r.rngsubtype, NULL),
                    'subtype diff', nullif(r.rngsubdiff::regproc::text, '-'))
                FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
            ELSE jsonb_build_object('type', 'base', 'input', t.typinput::regproc::text,
                'output', t.typoutput::regproc::text, 'length', t.typlen::text)
        END,
        t.oid
    FROM typ t

    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
        quote_ident(p.nspname) || '.' || quote_ident(p.proname)
            || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        'pg_proc'::regclass, p.oid, 0, coalesce(p.proacl, acldefault('f', p.proowner)),
        CASE WHEN p.prokind = 'a' THEN (
            SELECT jsonb_build_object('state function', ag.aggtransfn::regproc::text,
                'state type', format_type(ag.aggtranstype, NULL),
                'final function', nullif(ag.aggfinalfn::regproc::text, '-'),
                'combine function', nullif(ag.aggcombinefn::regproc::text, '-'),
                'initial value', ag.agginitval,
                'sort operator', nullif(ag.aggsortop, 0)::regoperator::text)
            FROM pg_catalog.pg_aggregate ag WHERE ag.aggfnoid = p.oid)
        ELSE jsonb_build_object('definition', pg_get_functiondef(p.oid)) END,
        p.oid
    FROM proc p

    UNION ALL
    SELECT 'trigger', c.qname || '.' || quote_ident(tg.tgname), 'pg_trigger'::regclass, tg.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_triggerdef(tg.oid),
            'enabled', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        tg.tgrelid
    FROM pg_catalog.pg_trigger tg JOIN rel c ON c.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal

    UNION ALL
    SELECT 'policy', c.qname || '.' || quote_ident(pol.polname), 'pg_policy'::regclass, pol.oid, 0, NULL,
        jsonb_build_object(
            'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
            'restrictive', nullif(NOT pol.polpermissive, false),
            'roles', (SELECT string_agg(role, ', ' ORDER BY role)
                      FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END
                            FROM unnest(pol.polroles) r) roles (role)),
            'using', pg_get_expr(pol.polqual, pol.polrelid),
            'with check', pg_get_expr(pol.polwithcheck, pol.polrelid)),
        pol.polrelid
    FROM pg_catalog.pg_policy pol JOIN rel c ON c.oid = pol.polrelid

    UNION ALL
    SELECT 'rule', c.qname || '.' || quote_ident(ru.rulename), 'pg_rewrite'::regclass, ru.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_ruledef(ru.oid),
            'enabled', CASE ru.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        ru.ev_class
    FROM pg_catalog.pg_rewrite ru JOIN rel c ON c.oid = ru.ev_class
    WHERE ru.rulename <> '_RETURN'

    UNION ALL
    SELECT 'statistics', quote_ident(m.nspname) || '.' || quote_ident(s.stxname),
        'pg_statistic_ext'::regclass, s.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_statisticsobjdef(s.oid)), s.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_statistic_ext x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_statistic_ext s ON s.oid = k.oid
    JOIN managed m ON m.oid = s.stxnamespace

    UNION ALL
    SELECT 'collation', quote_ident(m.nspname) || '.' || quote_ident(co.collname),
        'pg_collation'::regclass, co.oid, 0, NULL,
        jsonb_build_object('provider', co.collprovider::text, 'deterministic', nullif(co.collisdeterministic, true),
            'collate', co.collcollate, 'ctype', co.collctype), co.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_collation x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_collation co ON co.oid = k.oid
    JOIN managed m ON m.oid = co.collnamespace

    UNION ALL
    SELECT 'operator', quote_ident(m.nspname) || '.' || o.oprname || '('
            || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') || ', '
            || coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')',
        'pg_operator'::regclass, o.oid, 0, NULL,
        jsonb_build_object('function', o.oprcode::regproc::text), o.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_operator x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_operator o ON o.oid = k.oid
    JOIN managed m ON m.oid = o.oprnamespace

    UNION ALL
    SELECT 'text search configuration', quote_ident(m.nspname) || '.' || quote_ident(cfg.cfgname),
        'pg_ts_config'::regclass, cfg.oid, 0, NULL,
        jsonb_build_object('parser', cfg.cfgparser::regclass::text), cfg.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_ts_config x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_ts_config cfg ON cfg.oid = k.oid
    JOIN managed m ON m.oid = cfg.cfgnamespace

    UNION ALL
    SELECT 'default privileges',
        'for ' || quote_ident(pg_get_userbyid(d.defaclrole))
            || coalesce(' in ' || quote_ident(m.nspname), '')
            || ' on ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END,
        'pg_default_acl'::regclass, d.oid, 0, d.defaclacl, '{}'::jsonb, NULL
    FROM pg_catalog.pg_default_acl d LEFT JOIN managed m ON m.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR m.oid IS NOT NULL
),
-- Each distinct ACL is spelled out once: most objects share their owner's default.
grants AS (
    SELECT a.acl, (
        SELECT string_agg(grantee || ': ' || privileges, '; ' ORDER BY grantee)
        FROM (
            SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END
                    AS grantee,
                string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                           ', ' ORDER BY x.privilege_type) AS privileges
            FROM aclexplode(a.acl) x
            GROUP BY x.grantee
        ) per_grantee) AS text
    FROM (SELECT DISTINCT o.acl FROM objects o WHERE o.acl IS NOT NULL) a
)
SELECT o.kind, o.identity,
    -- Most objects (columns, indexes, constraints) have neither: no second jsonb to merge.
    CASE WHEN ds.description IS NULL AND g.text IS NULL THEN jsonb_strip_nulls(o.def)
        ELSE jsonb_strip_nulls(o.def || jsonb_build_object('comment', ds.description, 'grants', g.text))
    END,
    o.root, o.objid
FROM objects o
LEFT JOIN grants g ON g.acl = o.acl
LEFT JOIN pg_catalog.pg_description ds
    ON ds.objoid = o.objid AND ds.classoid = o.classid AND ds.objsubid = o.subid
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
                  WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype = 'e')

-- sql/describe_close.sql
;
END
$describe$;

COMMENT ON FUNCTION strata.describe_objects(text[], oid[]) IS
    'The objects of the managed schemas (NULL: all but strata, pg_* and information_schema) that belong to the given roots (NULL: all), with the root each belongs to: its table, view, sequence, type or function (NULL for schemas, extensions and the other kinds always described). Internal: strata.describe() and incremental snapshots use it.';

-- SECURITY DEFINER so that describe_objects stays internal; it reads nothing but the catalogs,
-- which every role can read.
CREATE FUNCTION strata.describe(schemas text[] DEFAULT NULL)
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.kind, d.identity, d.definition FROM strata.describe_objects(schemas, NULL) d
    ORDER BY d.kind COLLATE "C", d.identity COLLATE "C"
$$;

COMMENT ON FUNCTION strata.describe(text[]) IS
    'Every object of the managed schemas (NULL: all but strata, pg_* and information_schema) as the server deparses it: (kind, identity, definition), by name, never by OID. The same description strata test and strata drift use.';

-- Revoked here, not only in privileges.sql (which grants describe): these functions are
-- assembled from three files and must never be left with the default PUBLIC EXECUTE, whatever
-- order the install script gets.
REVOKE ALL ON FUNCTION strata.describe_objects(text[], oid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION strata.describe(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata.describe(text[]) TO strata_migrator, strata_reader;

-- sql/snapshots.sql
-- Schema snapshots: after each migration, in the transaction of its ledger
-- write (strata.record; strata.finish for a no-transaction migration, whose
-- journal ends there), the managed schemas as strata.describe() deparses
-- them. Stored as deltas: a snapshot keeps only the objects that differ from
-- the one before (definition NULL = the object was removed), so a migration
-- that touches one table stores one row, and strata.snapshot_state holds the
-- latest full description that strata.drift() compares the live catalog with.
--
-- Incremental: a transactional migration's snapshot describes only what it
-- touched. The sentinel's event triggers note every object a migration's DDL
-- creates, alters or drops (strata.snapshot_scope); strata.snapshot_roots()
-- widens that to the tables, views, types and functions whose description
-- can have changed, and only their rows of snapshot_state are replaced.
-- Where that cannot be known for sure (no sentinel, a schema renamed, roles
-- renamed, a no-transaction migration, a restored database whose OIDs
-- differ) the whole schema is described.

-- Which schemas are managed: NULL = every schema but strata, pg_* and
-- information_schema. Set with strata.manage_schemas().
CREATE TABLE strata.snapshot_config (
    singleton boolean PRIMARY KEY DEFAULT true
              CONSTRAINT snapshot_config_is_one_row CHECK (singleton),
    schemas   text[]
);
-- No row: the default. (A row inserted here would collide with the dumped one on restore.)

COMMENT ON TABLE strata.snapshot_config IS
    'The schemas that snapshots and drift cover (NULL: all but strata, pg_* and information_schema). Change it with strata.manage_schemas().';

CREATE TABLE strata.snapshots (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     bigint,
    taken_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    taken_by    text        NOT NULL DEFAULT session_user,
    reason      text        NOT NULL,
    schemas     text[],
    objects     integer     NOT NULL,
    changed     integer     NOT NULL,
    fingerprint bytea       NOT NULL,
    incremental boolean     NOT NULL DEFAULT false,
    -- The OIDs' epoch the roots kept in snapshot_state belong to (strata.snapshot_epoch()).
    epoch       text
);
CREATE INDEX snapshots_version ON strata.snapshots (version);

COMMENT ON TABLE strata.snapshots IS
    'One row per schema snapshot, in order (seq): the migration (version) whose ledger write took it, or NULL for a baseline a DBA took (reason); how many objects the managed schemas had and how many changed; fingerprint = SHA-256 of the full description. Read a snapshot with strata.schema_at(version).';
COMMENT ON COLUMN strata.snapshots.fingerprint IS
    'The XOR of the SHA-256 of every object (kind, identity, definition) of the description: equal fingerprints, equal schemas, whatever the order. Kept up to date object by object, so an incremental snapshot does not hash the whole schema.';
COMMENT ON COLUMN strata.snapshots.incremental IS
    'true: only what the migration touched was described (with what names it); false: the whole managed schema.';

CREATE TABLE strata.snapshot_objects (
    seq        bigint NOT NULL REFERENCES strata.snapshots ON DELETE CASCADE,
    kind       text   NOT NULL,
    identity   text   NOT NULL,
    definition jsonb,
    PRIMARY KEY (kind, identity, seq)
);
CREATE INDEX snapshot_objects_seq ON strata.snapshot_objects (seq);

COMMENT ON TABLE strata.snapshot_objects IS
    'The objects each snapshot changed: the new definition, or NULL when the object was removed. Internal: read strata.schema_at(version).';

-- The latest snapshot in full (what strata.drift() compares with).
CREATE TABLE strata.snapshot_state (
    kind       text  NOT NULL,
    identity   text  NOT NULL,
    definition jsonb NOT NULL,
    seq        bigint NOT NULL,
    -- The table, view, sequence, type or function the object belongs to (NULL: a kind always
    -- described) and its own OID: which rows an incremental snapshot replaces. OIDs of the
    -- latest snapshot's epoch; never compared.
    root       oid,
    objid      oid,
    hash       bytea NOT NULL,
    PRIMARY KEY (kind, identity)
);
CREATE INDEX snapshot_state_root ON strata.snapshot_state (root);
-- Partitions and inheritance children, found by their parent's name once they are detached.
CREATE INDEX snapshot_state_children ON strata.snapshot_state ((definition ->> 'partition of'))
    WHERE kind = 'table' AND (definition ? 'partition of' OR definition ? 'inherits');
CREATE INDEX snapshot_state_objid ON strata.snapshot_state (objid);

COMMENT ON TABLE strata.snapshot_state IS
    'The latest snapshot, every object in full. Internal: maintained by strata.take_snapshot().';

DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_config', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshots', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_objects', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_state', '');
        -- The identity's sequence too, or a restored database's next snapshot reuses seq 1.
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshots_seq_seq', '');
    END IF;
END
$$;

CREATE FUNCTION strata.take_snapshot(version bigint, reason text, incremental boolean DEFAULT false)
RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- Its statements run once per migration with new parameters: custom plans (the default) were
-- planned again every time (600 small migrations, A/B: `strata up` 2-9% faster generic).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    s strata.snapshots;
    previous strata.snapshots;
    epoch text := strata.snapshot_epoch();
    managed text[];
    roots oid[];
    renamed oid[];
    widened boolean := false;
    removed integer;
    added integer;
    kinds text[];
    identities text[];
    definitions jsonb[];
    root_oids oid[];
    objids oid[];
BEGIN
    SELECT c.schemas INTO managed FROM strata.snapshot_config c;
    SELECT * INTO previous FROM strata.snapshots p ORDER BY p.seq DESC LIMIT 1;
    IF incremental AND previous.seq IS NOT NULL THEN
        roots := strata.snapshot_scope_roots(previous.epoch IS NOT DISTINCT FROM epoch);
    ELSE
        DELETE FROM strata.snapshot_scope;
    END IF;
    IF roots IS NOT NULL THEN
        -- A partition detached (or a child's NO INHERIT) leaves no dependency behind: the
        -- children the touched tables had are described again too.
        roots := roots || ARRAY(
            SELECT c.root FROM strata.snapshot_state p
            JOIN strata.snapshot_state c
                ON c.kind = 'table' AND (c.definition ? 'partition of' OR c.definition ? 'inherits')
               AND (c.definition ->> 'partition of' = p.identity
                    OR p.identity = ANY (string_to_array(c.definition ->> 'inherits', ', ')))
            WHERE p.kind = 'table' AND p.root = ANY (roots));
    END IF;

    LOOP
        SELECT coalesce(array_agg(d.kind), '{}'), coalesce(array_agg(d.identity), '{}'),
               coalesce(array_agg(d.definition), '{}'), coalesce(array_agg(d.root), '{}'),
               coalesce(array_agg(d.objid), '{}')
        INTO kinds, identities, definitions, root_oids, objids
        FROM strata.describe_objects(managed, roots) d;
        EXIT WHEN roots IS NULL OR widened;
        -- A schema renamed or dropped: every identity in it changed; describe everything.
        IF EXISTS (SELECT FROM strata.snapshot_state t
                   WHERE t.kind = 'schema'
                     AND t.identity <> ALL (ARRAY(SELECT l.identity FROM unnest(kinds, identities) l (kind, identity)
                                                  WHERE l.kind = 'schema'))) THEN
            roots := NULL;
            CONTINUE;
        END IF;
        -- A rename shows as a root that still exists losing one of its identities (a table,
        -- column, type or function renamed) or as a type whose definition changed (an enum
        -- label renamed): then what names it is described too (foreign keys of other tables,
        -- views, defaults, policies, triggers print the new name).
        SELECT array_agg(DISTINCT t.root) INTO renamed
        FROM strata.snapshot_state t
        WHERE t.root = ANY (roots) AND t.root = ANY (root_oids)
          AND NOT EXISTS (SELECT FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
                          WHERE l.kind = t.kind AND l.identity = t.identity
                            AND (t.kind <> 'type' OR l.definition = t.definition));
        EXIT WHEN renamed IS NULL;
        roots := roots || strata.snapshot_roots(
            ARRAY(SELECT CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_proc p WHERE p.oid = r) THEN 'pg_proc'::regclass
                              WHEN EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.oid = r) THEN 'pg_type'::regclass
                              ELSE 'pg_class'::regclass END::oid
                  FROM unnest(renamed) r),
            renamed, true);
        widened := true;
    END LOOP;

    INSERT INTO strata.snapshots (version, reason, schemas, objects, changed, fingerprint, incremental, epoch)
    VALUES (take_snapshot.version, take_snapshot.reason, managed, 0, 0, '\x', roots IS NOT NULL, epoch)
    RETURNING * INTO s;

    -- What changed: compared with every stored object, or with those of the roots described.
    IF roots IS NULL THEN
        INSERT INTO strata.snapshot_objects (seq, kind, identity, definition)
        SELECT s.seq, coalesce(l.kind, t.kind), coalesce(l.identity, t.identity), l.definition
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
        FULL JOIN strata.snapshot_state t ON t.kind = l.kind AND t.identity = l.identity
        WHERE l.definition IS DISTINCT FROM t.definition;
    ELSE
        -- Only the stored objects of the roots described (three index scans, no scan of all).
        INSERT INTO strata.snapshot_objects (seq, kind, identity, definition)
        SELECT s.seq, coalesce(l.kind, t.kind), coalesce(l.identity, t.identity), l.definition
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
        FULL JOIN (SELECT x.kind, x.identity, x.definition FROM strata.snapshot_state x
                   WHERE x.root IS NULL OR x.root = ANY (roots) OR x.objid = ANY (roots)) t
            ON t.kind = l.kind AND t.identity = l.identity
        WHERE l.definition IS DISTINCT FROM t.definition;
    END IF;
    GET DIAGNOSTICS s.changed = ROW_COUNT;

    IF roots IS NULL THEN
        s.objects := cardinality(kinds);
        SELECT strata.bits_hash(coalesce(bit_xor(strata.hash_bits(strata.object_hash(l.kind, l.identity, l.definition))),
                                         repeat('0', 256)::bit(256)))
        INTO s.fingerprint
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition);
    ELSE
        -- The fingerprint and the count follow the objects replaced: the old hashes XORed out,
        -- the new ones in.
        SELECT count(*) FILTER (WHERE o.definition IS NULL), count(*) FILTER (WHERE t.kind IS NULL),
               strata.bits_hash(strata.hash_bits(previous.fingerprint)
                   # coalesce(bit_xor(strata.hash_bits(t.hash)), repeat('0', 256)::bit(256))
                   # coalesce(bit_xor(strata.hash_bits(strata.object_hash(o.kind, o.identity, o.definition))),
                              repeat('0', 256)::bit(256)))
        INTO removed, added, s.fingerprint
        FROM strata.snapshot_objects o
        LEFT JOIN strata.snapshot_state t ON t.kind = o.kind AND t.identity = o.identity
        WHERE o.seq = s.seq;
        s.objects := previous.objects + added - removed;
    END IF;

    DELETE FROM strata.snapshot_state t
    USING strata.snapshot_objects o
    WHERE o.seq = s.seq AND o.definition IS NULL AND t.kind = o.kind AND t.identity = o.identity;
    INSERT INTO strata.snapshot_state AS t (kind, identity, definition, seq, root, objid, hash)
    SELECT l.kind, l.identity, l.definition, s.seq, l.root, l.objid,
           strata.object_hash(l.kind, l.identity, l.definition)
    FROM unnest(kinds, identities, definitions, root_oids, objids) l (kind, identity, definition, root, objid)
    ON CONFLICT (kind, identity) DO UPDATE
        SET definition = excluded.definition, root = excluded.root, objid = excluded.objid, hash = excluded.hash,
            seq = CASE WHEN t.definition = excluded.definition THEN t.seq ELSE excluded.seq END
        WHERE t.definition IS DISTINCT FROM excluded.definition
           OR t.root IS DISTINCT FROM excluded.root OR t.objid IS DISTINCT FROM excluded.objid;

    UPDATE strata.snapshots t SET objects = s.objects, changed = s.changed, fingerprint = s.fingerprint
    WHERE t.seq = s.seq;
    RETURN s;
END
$$;

COMMENT ON FUNCTION strata.take_snapshot(bigint, text, boolean) IS
    'Describe the managed schemas now (with incremental: only what the running migration touched, when that is known) and store what changed since the latest snapshot. Internal: run by the ledger write of each migration (trigger snapshot on strata.history) and by strata.accept_drift().';

-- A migration is applied when its history row becomes applied through a
-- success event (strata.record, strata.finish): repairs and imports of old
-- history take no snapshot, since the schema did not change then; nor do
-- writes that did not come through the API (a restore's COPY, a forged row).
CREATE FUNCTION strata.snapshot_migration() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stack text;
BEGIN
    -- Only ledger writes of the API (not a restore's COPY into strata.history, not a forged row).
    GET DIAGNOSTICS stack = PG_CONTEXT;
    IF stack !~ 'PL/pgSQL function strata\.put_history\(' THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT FROM strata.events e WHERE e.id = NEW.event_id AND e.kind = 'success') THEN
        PERFORM strata.take_snapshot(NEW.version, 'migration ' || NEW.version || ' ' || NEW.name,
                                     NEW.transactional);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION strata.snapshot_migration() IS
    'Trigger: take the snapshot of a migration in the transaction of its ledger write. Internal.';

CREATE TRIGGER snapshot AFTER INSERT OR UPDATE OF state, event_id ON strata.history
    FOR EACH ROW WHEN (NEW.state = 'applied') EXECUTE FUNCTION strata.snapshot_migration();

CREATE FUNCTION strata.schema_at(version bigint)
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at_seq bigint;
BEGIN
    SELECT max(s.seq) INTO at_seq FROM strata.snapshots s WHERE s.version = schema_at.version;
    IF at_seq IS NULL THEN
        RAISE EXCEPTION 'strata.schema_at: no snapshot of migration %', schema_at.version
            USING ERRCODE = 'no_data_found',
                  HINT = 'Snapshots are taken from strata 0.2.0 on, one per migration applied; strata.snapshots lists them.';
    END IF;
    RETURN QUERY
    SELECT o.kind, o.identity, o.definition
    FROM (SELECT DISTINCT ON (x.kind, x.identity) x.kind, x.identity, x.definition
          FROM strata.snapshot_objects x
          WHERE x.seq <= at_seq
          ORDER BY x.kind, x.identity, x.seq DESC) o
    WHERE o.definition IS NOT NULL
    ORDER BY o.kind COLLATE "C", o.identity COLLATE "C";
END
$$;

COMMENT ON FUNCTION strata.schema_at(bigint) IS
    'The managed schemas right after migration version was applied (its latest run), object by object, as strata.describe() deparsed them then.';

CREATE FUNCTION strata.manage_schemas(schemas text[]) RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO strata.snapshot_config AS c (schemas) VALUES (manage_schemas.schemas)
    ON CONFLICT (singleton) DO UPDATE SET schemas = excluded.schemas;
    RETURN strata.take_snapshot(NULL, format('managed schemas set to %s',
                                             coalesce(schemas::text, 'the default')));
END
$$;

COMMENT ON FUNCTION strata.manage_schemas(text[]) IS
    'Set which schemas snapshots and drift cover (NULL: all but strata, pg_* and information_schema) and take a baseline snapshot of them. Owner only.';

CREATE FUNCTION strata.accept_drift(why text) RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF coalesce(btrim(why), '') = '' THEN
        RAISE EXCEPTION 'strata.accept_drift: say why the live schema becomes the baseline'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The reason is kept in strata.snapshots. Better: write a migration that makes the change, so the files stay the source of truth.';
    END IF;
    RETURN strata.take_snapshot(NULL, why);
END
$$;

COMMENT ON FUNCTION strata.accept_drift(text) IS
    'Take the live schema as the new baseline (a snapshot with version NULL and the reason). Owner only.';

CREATE FUNCTION strata.latest_snapshot()
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.kind, s.identity, s.definition FROM strata.snapshot_state s
    ORDER BY s.kind COLLATE "C", s.identity COLLATE "C"
$$;

COMMENT ON FUNCTION strata.latest_snapshot() IS
    'The latest snapshot in full (what strata.drift() compares the live schema with), object by object.';

-- sql/snapshot_scope.sql
-- Incremental snapshots: what a migration's DDL touched, and which roots (tables, views,
-- sequences, types, functions) its snapshot must describe again. The sentinel's event triggers
-- fill strata.snapshot_scope; strata.take_snapshot() reads it through
-- strata.snapshot_scope_roots(). Object hashes make the fingerprint incremental too.

-- The objects the running migration's DDL created, altered or dropped, noted by the sentinel's
-- event triggers (classid NULL: a command that names no object, such as GRANT); read and
-- emptied by the migration's snapshot. Unlogged: it never has to outlive a crash (that aborts
-- the migration; a no-transaction migration's snapshot describes everything).
CREATE UNLOGGED TABLE strata.snapshot_scope (
    classid oid,
    objid   oid,
    xid     xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);

COMMENT ON TABLE strata.snapshot_scope IS
    'What the running migration''s DDL touched, for its incremental snapshot. Internal.';

-- An object's hash, and the fingerprint of a set of objects: the XOR of their hashes, so it
-- does not depend on order and is kept up to date object by object.
CREATE FUNCTION strata.object_hash(kind text, identity text, definition jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(kind || E'\t' || identity || E'\t' || definition::text, 'UTF8'))
$$;

CREATE FUNCTION strata.hash_bits(hash bytea) RETURNS bit(256)
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ('x' || pg_catalog.encode(hash, 'hex'))::bit(256) $$;

CREATE FUNCTION strata.bits_hash(bits bit(256)) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.decode(pg_catalog.string_agg(
        pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.substring(bits, i, 64)::bigint), 16, '0'), '' ORDER BY i), 'hex')
    FROM pg_catalog.generate_series(1, 193, 64) i
$$;

COMMENT ON FUNCTION strata.object_hash(text, text, jsonb) IS
    'SHA-256 of one described object (kind, identity, definition as canonical jsonb text). Internal.';

-- The OIDs of this database's objects are only valid where they were taken: a restored copy
-- (pg_dump) or an upgraded cluster gives strata's own objects new OIDs, and then the roots kept
-- in snapshot_state are stale and the next snapshot describes everything.
CREATE FUNCTION strata.snapshot_epoch() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT n.oid::text || '/' || c.oid::text || '/' || p.oid::text
            FROM pg_catalog.pg_namespace n
            JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'snapshot_state'
            JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = 'take_snapshot'
            WHERE n.nspname = 'strata');
END
$$;

-- The roots whose description the touched objects can change: each object's own root (an
-- index's, constraint's, trigger's, policy's, rule's or default's table; a domain constraint's
-- domain; a composite type's type), then what depends on them. Children tables, their indexes
-- and array types change with their parent and are always followed; with every_dependent, so
-- are views, foreign keys of other tables, policies, defaults, triggers and functions that name
-- them (their deparsed text shows a renamed name).
CREATE FUNCTION strata.snapshot_roots(classids oid[], objids oid[], every_dependent boolean) RETURNS oid[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- Planned once per session, as index lookups from the few objects touched.
SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
BEGIN
    RETURN (
    WITH RECURSIVE closure (classid, objid) AS (
        SELECT t.classid, t.objid FROM unnest(classids, objids) t (classid, objid)
        UNION
        SELECT d.classid, d.objid
        FROM closure c
        JOIN pg_catalog.pg_depend d ON d.refclassid = c.classid AND d.refobjid = c.objid
        WHERE d.deptype <> 'e'
          AND (every_dependent OR d.classid IN ('pg_class'::regclass, 'pg_type'::regclass))
    )
    SELECT coalesce(array_agg(DISTINCT r.root) FILTER (WHERE r.root IS NOT NULL AND r.root <> 0), '{}')
    FROM closure c
    CROSS JOIN LATERAL (
        SELECT c.objid
        UNION ALL SELECT i.indrelid FROM pg_catalog.pg_index i
            WHERE c.classid = 'pg_class'::regclass AND i.indexrelid = c.objid
        UNION ALL SELECT k.reltype FROM pg_catalog.pg_class k
            WHERE c.classid = 'pg_class'::regclass AND k.oid = c.objid AND k.relkind = 'c'
        UNION ALL SELECT t.typrelid FROM pg_catalog.pg_type t
            WHERE c.classid = 'pg_type'::regclass AND t.oid = c.objid
        UNION ALL SELECT CASE WHEN con.conrelid = 0 THEN con.contypid ELSE con.conrelid END
            FROM pg_catalog.pg_constraint con
            WHERE c.classid = 'pg_constraint'::regclass AND con.oid = c.objid
        UNION ALL SELECT tg.tgrelid FROM pg_catalog.pg_trigger tg
            WHERE c.classid = 'pg_trigger'::regclass AND tg.oid = c.objid
        UNION ALL SELECT pol.polrelid FROM pg_catalog.pg_policy pol
            WHERE c.classid = 'pg_policy'::regclass AND pol.oid = c.objid
        UNION ALL SELECT ru.ev_class FROM pg_catalog.pg_rewrite ru
            WHERE c.classid = 'pg_rewrite'::regclass AND ru.oid = c.objid
        UNION ALL SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad
            WHERE c.classid = 'pg_attrdef'::regclass AND ad.oid = c.objid
    ) r (root));
END
$$;

COMMENT ON FUNCTION strata.snapshot_roots(oid[], oid[], boolean) IS
    'The roots (tables, views, sequences, types, functions) whose description the given objects can change. Internal: incremental snapshots.';

-- What an incremental snapshot of the running migration describes; NULL: everything.
CREATE FUNCTION strata.snapshot_scope_roots(same_epoch boolean) RETURNS oid[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    classids oid[];
    objids oid[];
    unnamed boolean;
    roots oid[];
BEGIN
    WITH taken AS (DELETE FROM strata.snapshot_scope s RETURNING s.classid, s.objid, s.xid)
    SELECT array_agg(t.classid) FILTER (WHERE t.classid IS NOT NULL),
           array_agg(t.objid) FILTER (WHERE t.classid IS NOT NULL),
           coalesce(bool_or(t.classid IS NULL), false)
    INTO classids, objids, unnamed
    FROM taken t WHERE t.xid = pg_current_xact_id();

    IF NOT same_epoch
       -- Without both event triggers firing, what the migration touched is not known.
       OR (SELECT count(*) FROM pg_event_trigger e
           WHERE e.evtname IN ('strata_sentinel_ddl', 'strata_sentinel_drop')
             AND (e.evtenabled = 'A'
                  OR (e.evtenabled = 'O' AND current_setting('session_replication_role') <> 'replica'))) < 2
       -- Changes that no event trigger reports, in the migration's batch: roles renamed (every
       -- grant's text), owners reassigned or privileges dropped (DROP OWNED), CLUSTER marking an
       -- index, event triggers or replication roles switched, catalogs written by hand.
       OR current_query() ~* '\m(alter\s+(role|user|group)|reassign\s+owned|drop\s+owned|cluster|session_replication_role|event\s+trigger)\M'
       OR current_query() ~* '\m(update|insert\s+into|delete\s+from)\s+(pg_catalog\s*\.\s*)?pg_[a-z_]+\M'
    THEN
        RETURN NULL;
    END IF;

    roots := strata.snapshot_roots(coalesce(classids, '{}'), coalesce(objids, '{}'), false);
    IF unnamed THEN
        -- GRANT and REVOKE name no object: describe every object that has privileges of its own.
        roots := roots || ARRAY(
            SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relacl IS NOT NULL
            UNION SELECT a.attrelid FROM pg_catalog.pg_attribute a WHERE a.attacl IS NOT NULL
            UNION SELECT p.oid FROM pg_catalog.pg_proc p WHERE p.proacl IS NOT NULL
            UNION SELECT t.oid FROM pg_catalog.pg_type t WHERE t.typacl IS NOT NULL);
    END IF;
    RETURN roots;
END
$$;

COMMENT ON FUNCTION strata.snapshot_scope_roots(boolean) IS
    'The roots the running migration''s snapshot describes, from what its DDL touched (strata.snapshot_scope), or NULL when the whole schema must be described (same_epoch false: the stored roots are OIDs of another database). Internal.';


-- sql/drift.sql
-- Drift: how the live catalog differs from the latest snapshot, object by
-- object and field by field. Both sides are strata.describe() output
-- (names, never OIDs; text deparsed by the server), so formatting, order and
-- OIDs never show: the same schema reports nothing.

CREATE FUNCTION strata.drift()
RETURNS TABLE (kind text, identity text, change text, field text, before text, after text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- PL/pgSQL: as a SQL function the same query ran three times slower. JIT would compile it for
-- seconds where it runs in milliseconds.
SET jit = off
SET work_mem = '64MB'
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH live AS MATERIALIZED (
        SELECT d.kind, d.identity, d.definition
        FROM strata.describe_objects((SELECT c.schemas FROM strata.snapshot_config c), NULL) d
    ),
    objects AS (
        SELECT coalesce(l.kind, s.kind) AS kind, coalesce(l.identity, s.identity) AS identity,
            s.definition AS before, l.definition AS after
        FROM live l
        FULL JOIN strata.snapshot_state s ON s.kind = l.kind AND s.identity = l.identity
        WHERE l.definition IS DISTINCT FROM s.definition
    )
    SELECT o.kind, o.identity,
        CASE WHEN o.before IS NULL THEN 'added' WHEN o.after IS NULL THEN 'removed' ELSE 'changed' END,
        f.field, f.before, f.after
    FROM objects o
    CROSS JOIN LATERAL (
        SELECT NULL::text AS field, o.before::text AS before, o.after::text AS after
        WHERE o.before IS NULL OR o.after IS NULL
        UNION ALL
        SELECT k.key, o.before ->> k.key, o.after ->> k.key
        FROM (SELECT jsonb_object_keys(o.before) UNION SELECT jsonb_object_keys(o.after)) k (key)
        WHERE o.before IS NOT NULL AND o.after IS NOT NULL
          AND (o.before -> k.key) IS DISTINCT FROM (o.after -> k.key)
    ) f
    ORDER BY o.kind COLLATE "C", o.identity COLLATE "C", f.field COLLATE "C";
END
$$;

COMMENT ON FUNCTION strata.drift() IS
    'How the live managed schemas differ from the latest snapshot (the schema the migrations left): one row per object added or removed (before/after: its whole definition as jsonb text), one per changed field of a changed object. No rows: no drift. Without any snapshot yet, every object is added.';

-- sql/sentinel.sql
-- The DDL sentinel: event triggers that record every DDL command run outside
-- a migration in strata.ddl_events, and warn or refuse it as strata.guard says.
--
-- A migration's DDL is recognised through the ledger API, never by a setting:
-- the lease is held and unexpired, and the statement running is either the
-- migrator's batch for a transactional migration (it carries the secret lease
-- token, for its strata.record call) or the statement a no-transaction
-- migration journaled as running (strata.step: same SHA-256). Only the lease
-- holder knows the token, and only it can journal a step.
--
-- strata.guard = off | warn (default) | block. A non-superuser can raise the
-- guard in a session but not lower it below what ALTER DATABASE / ALTER ROLE
-- set. The emergency override: a superuser runs the DDL after
-- SET strata.override = 'why'; it runs and is recorded with the reason.
-- Event triggers need a superuser: where strata is installed by `strata init`
-- as a non-superuser, the sentinel is skipped with a notice.

CREATE TABLE strata.ddl_events (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    who             text        NOT NULL DEFAULT session_user,
    application     text,
    client_addr     text,
    backend_pid     integer     NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
    command_tag     text        NOT NULL,
    object_type     text,
    object_identity text,
    statement       text,
    guard           text        NOT NULL,
    outcome         text        NOT NULL
                    CONSTRAINT ddl_events_outcome_is_known CHECK (outcome IN ('warned', 'override')),
    override_reason text,
    xid             xid8        NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
CREATE INDEX ddl_events_at ON strata.ddl_events (at);

COMMENT ON TABLE strata.ddl_events IS
    'DDL run outside a migration (psql hotfixes, ORMs, consoles), recorded by the sentinel event triggers: who, when, application, client address, command tag, object, statement text, the guard in force and whether it ran with a warning or a superuser''s emergency override (with the reason). Refused DDL (strata.guard = block) did not run and is not recorded here.';

DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.ddl_events', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.ddl_events_id_seq', '');
    END IF;
END
$$;

CREATE FUNCTION strata.guard_rank(level text) RETURNS integer
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    -- An unknown value counts as block: a typo must not open the gate.
    SELECT CASE lower(btrim(coalesce(level, 'warn'))) WHEN 'off' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END
$$;

CREATE FUNCTION strata.guard_level() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    session_rank integer := strata.guard_rank(nullif(current_setting('strata.guard', true), ''));
    configured_rank integer;
BEGIN
    IF NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user) THEN
        SELECT max(strata.guard_rank(substr(c.setting, length('strata.guard=') + 1)))
        INTO configured_rank
        FROM pg_db_role_setting s, unnest(s.setconfig) c (setting)
        WHERE s.setdatabase IN (0, (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))
          AND s.setrole IN (0, (SELECT r.oid FROM pg_roles r WHERE r.rolname = session_user))
          AND c.setting LIKE 'strata.guard=%';
        session_rank := greatest(session_rank, configured_rank);
    END IF;
    RETURN (ARRAY['off', 'warn', 'block'])[session_rank + 1];
END
$$;

COMMENT ON FUNCTION strata.guard_level() IS
    'The guard in force for this session: strata.guard (off, warn, block; default warn; unknown values count as block), never lower for a non-superuser than what ALTER DATABASE or ALTER ROLE set.';

CREATE FUNCTION strata.in_migration() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l strata.lease_state;
    q text := current_query();
BEGIN
    SELECT * INTO l FROM strata.lease_state;
    IF l.token IS NULL OR l.expires_at <= clock_timestamp() OR q IS NULL THEN
        RETURN false;
    END IF;
    RETURN strpos(q, l.token::text) > 0
        OR EXISTS (SELECT FROM strata.steps s JOIN strata.history h ON h.version = s.version
                   WHERE h.state = 'running' AND NOT h.transactional AND s.state = 'running'
                     AND s.checksum = sha256(convert_to(q, 'UTF8')));
END
$$;

COMMENT ON FUNCTION strata.in_migration() IS
    'Whether the statement running is part of a migration the lease holder runs: its transactional batch (which carries the lease token) or the statement its no-transaction journal marks running.';

-- Record, warn or refuse one out-of-band command. Internal.
CREATE FUNCTION strata.sentinel_check(level text, tag text, object_type text, object_identity text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    reason text := nullif(btrim(current_setting('strata.override', true)), '');
    superuser boolean := (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user);
    what text := concat_ws(' ', tag, object_identity);
    outcome text := 'warned';
BEGIN
    IF level = 'block' THEN
        IF reason IS NULL OR NOT superuser THEN
            RAISE EXCEPTION 'strata: % outside a migration is refused (strata.guard = block)', what
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'The migration files are the source of truth for this schema; DDL run anywhere else makes the database drift from them.',
                      HINT = 'Write the change as a migration file and run strata up. In an emergency a superuser may SET strata.override = ''why'' and run it; it is recorded in strata.ddl_events.';
        END IF;
        outcome := 'override';
        RAISE WARNING 'strata: % ran outside a migration under an emergency override (%), recorded in strata.ddl_events', what, reason
            USING HINT = 'Add a migration with the same change so the files match the database again (strata drift shows the difference).';
    ELSE
        RAISE WARNING 'strata: % ran outside a migration; recorded in strata.ddl_events', what
            USING HINT = 'Put schema changes in migration files and run strata up; strata drift shows how the database now differs from them.';
    END IF;
    INSERT INTO strata.ddl_events (application, client_addr, command_tag, object_type, object_identity,
                                   statement, guard, outcome, override_reason)
    VALUES (nullif(current_setting('application_name'), ''), coalesce(inet_client_addr()::text, 'local'),
            tag, object_type, object_identity, current_query(), level, outcome,
            CASE WHEN outcome = 'override' THEN reason END);
END
$$;

CREATE FUNCTION strata.sentinel_ddl() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    level text;
    c record;
    seen boolean := false;
BEGIN
    IF strata.in_migration() THEN
        -- What the migration touched, for its incremental snapshot (GRANT and REVOKE name no
        -- object: classid NULL; ALTER DEFAULT PRIVILEGES changes only what is always described).
        INSERT INTO strata.snapshot_scope (classid, objid)
        SELECT d.classid, d.objid FROM pg_event_trigger_ddl_commands() d
        WHERE NOT d.in_extension AND (d.objid IS NOT NULL OR d.command_tag <> 'ALTER DEFAULT PRIVILEGES');
        RETURN;
    END IF;
    level := strata.guard_level();
    IF level = 'off' THEN
        RETURN;
    END IF;
    FOR c IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        seen := true;
        CONTINUE WHEN c.in_extension OR coalesce(c.schema_name, '') ~ '^pg_temp';
        PERFORM strata.sentinel_check(level, c.command_tag, c.object_type, c.object_identity);
    END LOOP;
    -- A few commands (e.g. ALTER DEFAULT PRIVILEGES) report no object; DROPs are
    -- recorded by sql_drop.
    IF NOT seen AND tg_tag NOT IN ('CREATE EXTENSION', 'ALTER EXTENSION') AND tg_tag !~ '^DROP '
       AND current_query() !~* '^\s*(create|alter)\s+extension' THEN
        PERFORM strata.sentinel_check(level, tg_tag, NULL, NULL);
    END IF;
END
$$;

CREATE FUNCTION strata.sentinel_drop() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    level text := strata.guard_level();
    d record;
BEGIN
    IF level <> 'off' AND EXISTS (SELECT FROM pg_event_trigger_dropped_objects() o
               WHERE o.object_type IN ('schema', 'extension') AND o.object_identity = 'strata') THEN
        RAISE EXCEPTION 'strata: the strata ledger cannot be dropped while strata.guard is %', level
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The schema strata holds the migration history, its log and the schema snapshots.',
                  HINT = 'A superuser who really means it runs SET strata.guard = off first (pg_dump the strata schema before).';
    END IF;
    IF strata.in_migration() THEN
        INSERT INTO strata.snapshot_scope (classid, objid)
        SELECT o.classid, o.objid FROM pg_event_trigger_dropped_objects() o WHERE NOT o.is_temporary;
        RETURN;
    END IF;
    IF level = 'off' THEN
        RETURN;
    END IF;
    FOR d IN SELECT * FROM pg_event_trigger_dropped_objects() o
             WHERE o.original AND NOT o.is_temporary LOOP
        PERFORM strata.sentinel_check(level, tg_tag, d.object_type, d.object_identity);
    END LOOP;
END
$$;

-- DROP EXTENSION strata drops the sql_drop trigger with it before it could
-- fire, so the ledger's own drop is refused before it starts.
CREATE FUNCTION strata.sentinel_keep() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    level text := strata.guard_level();
BEGIN
    IF level <> 'off' AND current_query() ~* '\mstrata\M' THEN
        RAISE EXCEPTION 'strata: the strata ledger cannot be dropped while strata.guard is %', level
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The schema strata holds the migration history, its log and the schema snapshots.',
                  HINT = 'A superuser who really means it runs SET strata.guard = off first (pg_dump the strata schema before).';
    END IF;
END
$$;

COMMENT ON FUNCTION strata.sentinel_keep() IS
    'Event trigger (ddl_command_start of DROP EXTENSION / DROP SCHEMA): refuse dropping strata while the guard is on. Internal.';
COMMENT ON FUNCTION strata.sentinel_ddl() IS
    'Event trigger (ddl_command_end): record, warn or refuse DDL run outside a migration. Internal.';
COMMENT ON FUNCTION strata.sentinel_drop() IS
    'Event trigger (sql_drop): the same for DROP, and refuse dropping the strata schema or extension while the guard is on. Internal.';

DO $$
BEGIN
    IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        CREATE EVENT TRIGGER strata_sentinel_ddl ON ddl_command_end
            EXECUTE FUNCTION strata.sentinel_ddl();
        CREATE EVENT TRIGGER strata_sentinel_drop ON sql_drop
            EXECUTE FUNCTION strata.sentinel_drop();
        CREATE EVENT TRIGGER strata_sentinel_keep ON ddl_command_start
            WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
            EXECUTE FUNCTION strata.sentinel_keep();
    ELSE
        RAISE NOTICE 'strata: the DDL sentinel needs a superuser (event triggers); installed without it'
            USING HINT = 'DDL outside migrations is not recorded here; strata drift still finds what it changed.';
    END IF;
END
$$;

-- sql/revert.sql
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

-- sql/privileges.sql
-- Privileges are the boundary. Nothing is granted to PUBLIC; the tables are
-- writable only by their owner (the installing role), and everything else
-- goes through the SECURITY DEFINER API:
--   strata_migrator: EXECUTE on the API, SELECT on the views;
--   strata_reader:   SELECT on the views, EXECUTE on the version checks.
-- Runs last (finalize) so it covers every object created above.

-- Also what a DBA granted to other roles before (0.1.0 documented a direct
-- INSERT, UPDATE grant on strata.history): only the API may write.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT DISTINCT format('TABLE %s', c.oid::regclass) AS object, a.grantee::regrole::text AS grantee
        FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
        WHERE c.relnamespace = 'strata'::regnamespace AND a.grantee NOT IN (0, c.relowner)
        UNION
        SELECT DISTINCT format('FUNCTION %s', p.oid::regprocedure), a.grantee::regrole::text
        FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
        WHERE p.pronamespace = 'strata'::regnamespace AND a.grantee NOT IN (0, p.proowner)
    LOOP
        EXECUTE format('REVOKE ALL ON %s FROM %s', g.object, g.grantee);
    END LOOP;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA strata FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA strata FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA strata FROM PUBLIC;
REVOKE ALL ON SCHEMA strata FROM PUBLIC;

GRANT USAGE ON SCHEMA strata TO strata_migrator, strata_reader;
GRANT SELECT ON strata.applied, strata.log, strata.lease TO strata_migrator, strata_reader;
GRANT EXECUTE ON FUNCTION
    strata.current_version(), strata.require_version(bigint), strata.compare(bigint[], bytea[]),
    strata.ledger_version()
TO strata_migrator, strata_reader;
GRANT EXECUTE ON FUNCTION
    strata.acquire(interval, integer, text, text), strata.renew(uuid), strata.release(uuid),
    strata.break_lock(text),
    strata.plan(bigint[], text[], bytea[]), strata.verify(), strata.repair(bigint, text, text),
    strata.record(uuid, bigint, text, bytea, interval, jsonb),
    strata.fail(uuid, bigint, text, bytea, text, text, integer),
    strata.start(uuid, bigint, text, bytea),
    strata.step(uuid, bigint, integer, bytea, text),
    strata.finish(uuid, bigint, boolean, interval, text, text, integer, jsonb),
    strata.progress(bigint), strata.resolve(uuid, bigint, text, text),
    strata.revert(uuid, bigint, bytea, interval),
    strata.retry(uuid, bigint, text, bytea, integer, text, text), strata.blockers(regclass[])
TO strata_migrator;
-- Snapshots, drift and the sentinel (sql/snapshots.sql, drift.sql, sentinel.sql).
GRANT SELECT ON strata.snapshots, strata.ddl_events TO strata_migrator, strata_reader;
GRANT EXECUTE ON FUNCTION strata.drift(), strata.schema_at(bigint), strata.latest_snapshot(),
    strata.guard_level(), strata.describe(text[])
TO strata_migrator, strata_reader;
