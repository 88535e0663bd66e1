-- strata.describe(schemas): the managed schemas as the server deparses them. The body is
-- migrator/src/schema/describe.sql verbatim (the one description `strata test` uses too): this
-- file opens the function, that file is its body, describe_close.sql closes it.
CREATE FUNCTION strata.describe(schemas text[] DEFAULT NULL)
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
-- JIT compiling this one big query costs seconds where running it costs milliseconds.
SET jit = off
AS $describe$
