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
