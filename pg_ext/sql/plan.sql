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
LANGUAGE plpgsql STABLE
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
