-- strata.describe_objects(schemas, roots): the managed schemas as the server deparses them. The
-- body is migrator/src/schema/describe.sql verbatim (the one description `strata test` uses
-- too): this file opens the function, that file is its body, describe_close.sql closes it.
-- PL/pgSQL, not SQL, so that a session plans the big query once (its plan is cached and, with
-- plan_cache_mode pinned, generic): an incremental snapshot after each migration then costs
-- what describing the touched objects costs, not a planning of the whole query.
CREATE FUNCTION strata.describe_objects(schemas text[], roots oid[])
RETURNS TABLE (kind text, identity text, definition jsonb, root oid, objid oid)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- JIT compiling this one big query costs seconds where running it costs milliseconds.
SET jit = off
SET plan_cache_mode = force_generic_plan
-- The description of a large schema is sorted in memory, not on disk.
SET work_mem = '64MB'
AS $describe$
#variable_conflict use_column
BEGIN
RETURN QUERY
