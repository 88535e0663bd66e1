-- Drift: how the live catalog differs from the latest snapshot, object by
-- object and field by field. Both sides are strata.describe() output
-- (names, never OIDs; text deparsed by the server), so formatting, order and
-- OIDs never show: the same schema reports nothing.

CREATE FUNCTION strata.drift()
RETURNS TABLE (kind text, identity text, change text, field text, before text, after text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- PL/pgSQL: as a SQL function the same query ran three times slower. JIT would compile it for
-- seconds where it runs in milliseconds.
SET jit = off
SET work_mem = '64MB'
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH live AS MATERIALIZED (
        SELECT d.kind, d.identity, d.definition
        FROM strata.describe_objects((SELECT c.schemas FROM strata.snapshot_config c), NULL) d
    ),
    objects AS (
        SELECT coalesce(l.kind, s.kind) AS kind, coalesce(l.identity, s.identity) AS identity,
            s.definition AS before, l.definition AS after
        FROM live l
        FULL JOIN strata.snapshot_state s ON s.kind = l.kind AND s.identity = l.identity
        WHERE l.definition IS DISTINCT FROM s.definition
    )
    SELECT o.kind, o.identity,
        CASE WHEN o.before IS NULL THEN 'added' WHEN o.after IS NULL THEN 'removed' ELSE 'changed' END,
        f.field, f.before, f.after
    FROM objects o
    CROSS JOIN LATERAL (
        SELECT NULL::text AS field, o.before::text AS before, o.after::text AS after
        WHERE o.before IS NULL OR o.after IS NULL
        UNION ALL
        SELECT k.key, o.before ->> k.key, o.after ->> k.key
        FROM (SELECT jsonb_object_keys(o.before) UNION SELECT jsonb_object_keys(o.after)) k (key)
        WHERE o.before IS NOT NULL AND o.after IS NOT NULL
          AND (o.before -> k.key) IS DISTINCT FROM (o.after -> k.key)
    ) f
    ORDER BY o.kind COLLATE "C", o.identity COLLATE "C", f.field COLLATE "C";
END
$$;

COMMENT ON FUNCTION strata.drift() IS
    'How the live managed schemas differ from the latest snapshot (the schema the migrations left): one row per object added or removed (before/after: its whole definition as jsonb text), one per changed field of a changed object. No rows: no drift. Without any snapshot yet, every object is added.';
