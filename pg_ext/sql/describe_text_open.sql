-- strata.describe_text(): the description query as text, for describing a whole schema with a
-- plan made for it (see describe_objects). Its body is migrator/src/schema/describe.sql verbatim
-- as a dollar-quoted literal: this file opens it, describe_text_close.sql closes it.
CREATE FUNCTION strata.describe_text() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $describe_text$
SELECT $describe_sql$
