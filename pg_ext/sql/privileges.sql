-- Privileges are the boundary. Nothing is granted to PUBLIC; the tables are
-- writable only by their owner (the installing role), and everything else
-- goes through the SECURITY DEFINER API:
--   strata_migrator: EXECUTE on the API, SELECT on the views;
--   strata_reader:   SELECT on the views, EXECUTE on the version checks.
-- Runs last (finalize) so it covers every object created above.

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
    strata.record(uuid, bigint, text, bytea, interval),
    strata.fail(uuid, bigint, text, bytea, text, text, integer),
    strata.start(uuid, bigint, text, bytea),
    strata.step(uuid, bigint, integer, bytea, text),
    strata.finish(uuid, bigint, boolean, interval, text, text, integer)
TO strata_migrator;
