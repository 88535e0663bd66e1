$describe$;

COMMENT ON FUNCTION strata.describe(text[]) IS
    'Every object of the managed schemas (NULL: all but strata, pg_* and information_schema) as the server deparses it: (kind, identity, definition), by name, never by OID. The same description strata test and strata drift use.';

-- Revoked here, not only in privileges.sql: this function is assembled from three files and must
-- never be left with the default PUBLIC EXECUTE, whatever order the install script gets.
REVOKE ALL ON FUNCTION strata.describe(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION strata.describe(text[]) TO strata_migrator, strata_reader;
