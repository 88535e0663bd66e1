$describe$;

COMMENT ON FUNCTION strata.describe(text[]) IS
    'Every object of the managed schemas (NULL: all but strata, pg_* and information_schema) as the server deparses it: (kind, identity, definition), by name, never by OID. The same description strata test and strata drift use.';
