-- strata.describe_objects(schemas, roots): the managed schemas as the server deparses them. The
-- body is migrator/src/schema/describe.sql verbatim (the one description `strata test` uses
-- too): this file opens the function, that file is its body, describe_close.sql closes it.
-- PL/pgSQL, not SQL, so that a session plans the query once: an incremental snapshot after each
-- migration describes a few roots with a cached generic plan of index lookups (nested loops),
-- costing what describing them costs, not a planning of the whole query. A whole schema
-- (roots NULL) is described by the same text planned for it, with hash joins.
CREATE FUNCTION strata.describe_objects(schemas text[], roots oid[])
RETURNS TABLE (kind text, identity text, definition jsonb, root oid, objid oid)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- JIT compiling this one big query costs seconds where running it costs milliseconds.
SET jit = off
SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off
SET enable_mergejoin = off
-- The description of a large schema is sorted in memory, not on disk.
SET work_mem = '64MB'
AS $describe$
#variable_conflict use_column
BEGIN
IF roots IS NULL THEN
    PERFORM pg_catalog.set_config('enable_hashjoin', 'on', true);
    PERFORM pg_catalog.set_config('enable_mergejoin', 'on', true);
    RETURN QUERY EXECUTE strata.describe_text() USING schemas, roots;
    RETURN;
END IF;
RETURN QUERY
