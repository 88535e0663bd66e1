-- Runs first. Whoever owns the schema strata can drop or replace any object
-- in it, so a ledger installed into someone else's schema could be rewritten
-- by that role: refuse, before anything is created.
DO $$
DECLARE
    owner_name text;
BEGIN
    SELECT r.rolname INTO owner_name
    FROM pg_catalog.pg_namespace n
    JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
    WHERE n.nspname = 'strata';
    IF FOUND AND owner_name <> current_user THEN
        RAISE EXCEPTION 'strata: schema strata already exists and is owned by %, not by %', owner_name, current_user
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The owner of a schema can drop or replace every object in it, so it could rewrite the migration ledger.',
                  HINT = 'Drop or rename that schema first, or have its owner install strata.';
    END IF;
END
$$;
