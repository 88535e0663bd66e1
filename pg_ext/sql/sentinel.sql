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
