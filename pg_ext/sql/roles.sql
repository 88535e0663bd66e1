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
