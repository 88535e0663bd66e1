;
END
$describe$;

COMMENT ON FUNCTION strata.describe_objects(text[], oid[]) IS
    'The objects of the managed schemas (NULL: all but strata, pg_* and information_schema) that belong to the given roots (NULL: all), with the root each belongs to: its table, view, sequence, type or function (NULL for schemas, extensions and the other kinds always described). Internal: strata.describe() and incremental snapshots use it.';

-- SECURITY DEFINER so that describe_objects stays internal; it reads nothing but the catalogs,
-- which every role can read.
CREATE FUNCTION strata.describe(schemas text[] DEFAULT NULL)
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.kind, d.identity, d.definition FROM strata.describe_objects(schemas, NULL) d
    ORDER BY d.kind COLLATE "C", d.identity COLLATE "C"
$$;

COMMENT ON FUNCTION strata.describe(text[]) IS
    'Every object of the managed schemas (NULL: all but strata, pg_* and information_schema) as the server deparses it: (kind, identity, definition), by name, never by OID. The same description strata test and strata drift use.';

-- Revoked here, not only in privileges.sql (which grants describe): these functions are
-- assembled from three files and must never be left with the default PUBLIC EXECUTE, whatever
-- order the install script gets.
REVOKE ALL ON FUNCTION strata.describe_objects(text[], oid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION strata.describe(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata.describe(text[]) TO strata_migrator, strata_reader;
