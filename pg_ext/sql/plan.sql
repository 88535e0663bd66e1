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
