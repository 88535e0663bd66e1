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
