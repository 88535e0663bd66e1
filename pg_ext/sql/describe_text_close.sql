$describe_sql$::text
$describe_text$;

COMMENT ON FUNCTION strata.describe_text() IS
    'The text of the description query (migrator/src/schema/describe.sql). Internal.';
REVOKE ALL ON FUNCTION strata.describe_text() FROM PUBLIC;
