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
END
$$;
