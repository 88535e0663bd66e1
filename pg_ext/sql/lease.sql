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
