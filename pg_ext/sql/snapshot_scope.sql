-- Incremental snapshots: what a migration's DDL touched, and which roots (tables, views,
-- sequences, types, functions) its snapshot must describe again. The sentinel's event triggers
-- fill strata.snapshot_scope; strata.take_snapshot() reads it through
-- strata.snapshot_scope_roots(). Object hashes make the fingerprint incremental too.

-- The objects the running migration's DDL created, altered or dropped, noted by the sentinel's
-- event triggers (classid NULL: a command that names no object, such as GRANT); read and
-- emptied by the migration's snapshot. Unlogged: it never has to outlive a crash (that aborts
-- the migration; a no-transaction migration's snapshot describes everything).
CREATE UNLOGGED TABLE strata.snapshot_scope (
    classid oid,
    objid   oid,
    xid     xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);

COMMENT ON TABLE strata.snapshot_scope IS
    'What the running migration''s DDL touched, for its incremental snapshot. Internal.';

-- An object's hash, and the fingerprint of a set of objects: the XOR of their hashes, so it
-- does not depend on order and is kept up to date object by object.
CREATE FUNCTION strata.object_hash(kind text, identity text, definition jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(kind || E'\t' || identity || E'\t' || definition::text, 'UTF8'))
$$;

CREATE FUNCTION strata.hash_bits(hash bytea) RETURNS bit(256)
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ('x' || pg_catalog.encode(hash, 'hex'))::bit(256) $$;

CREATE FUNCTION strata.bits_hash(bits bit(256)) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.decode(pg_catalog.string_agg(
        pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.substring(bits, i, 64)::bigint), 16, '0'), '' ORDER BY i), 'hex')
    FROM pg_catalog.generate_series(1, 193, 64) i
$$;

COMMENT ON FUNCTION strata.object_hash(text, text, jsonb) IS
    'SHA-256 of one described object (kind, identity, definition as canonical jsonb text). Internal.';

-- The OIDs of this database's objects are only valid where they were taken: a restored copy
-- (pg_dump) or an upgraded cluster gives strata's own objects new OIDs, and then the roots kept
-- in snapshot_state are stale and the next snapshot describes everything.
CREATE FUNCTION strata.snapshot_epoch() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT n.oid::text || '/' || c.oid::text || '/' || p.oid::text
            FROM pg_catalog.pg_namespace n
            JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'snapshot_state'
            JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = 'take_snapshot'
            WHERE n.nspname = 'strata');
END
$$;

-- The roots whose description the touched objects can change: each object's own root (an
-- index's, constraint's, trigger's, policy's, rule's or default's table; a domain constraint's
-- domain; a composite type's type), then what depends on them. Children tables, their indexes
-- and array types change with their parent and are always followed; with every_dependent, so
-- are views, foreign keys of other tables, policies, defaults, triggers and functions that name
-- them (their deparsed text shows a renamed name).
CREATE FUNCTION strata.snapshot_roots(classids oid[], objids oid[], every_dependent boolean) RETURNS oid[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- Planned once per session, as index lookups from the few objects touched.
SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
BEGIN
    RETURN (
    WITH RECURSIVE closure (classid, objid) AS (
        SELECT t.classid, t.objid FROM unnest(classids, objids) t (classid, objid)
        UNION
        SELECT d.classid, d.objid
        FROM closure c
        JOIN pg_catalog.pg_depend d ON d.refclassid = c.classid AND d.refobjid = c.objid
        WHERE d.deptype <> 'e'
          AND (every_dependent OR d.classid IN ('pg_class'::regclass, 'pg_type'::regclass))
    )
    SELECT coalesce(array_agg(DISTINCT r.root) FILTER (WHERE r.root IS NOT NULL AND r.root <> 0), '{}')
    FROM closure c
    CROSS JOIN LATERAL (
        SELECT c.objid
        UNION ALL SELECT i.indrelid FROM pg_catalog.pg_index i
            WHERE c.classid = 'pg_class'::regclass AND i.indexrelid = c.objid
        UNION ALL SELECT k.reltype FROM pg_catalog.pg_class k
            WHERE c.classid = 'pg_class'::regclass AND k.oid = c.objid AND k.relkind = 'c'
        UNION ALL SELECT t.typrelid FROM pg_catalog.pg_type t
            WHERE c.classid = 'pg_type'::regclass AND t.oid = c.objid
        UNION ALL SELECT CASE WHEN con.conrelid = 0 THEN con.contypid ELSE con.conrelid END
            FROM pg_catalog.pg_constraint con
            WHERE c.classid = 'pg_constraint'::regclass AND con.oid = c.objid
        UNION ALL SELECT tg.tgrelid FROM pg_catalog.pg_trigger tg
            WHERE c.classid = 'pg_trigger'::regclass AND tg.oid = c.objid
        UNION ALL SELECT pol.polrelid FROM pg_catalog.pg_policy pol
            WHERE c.classid = 'pg_policy'::regclass AND pol.oid = c.objid
        UNION ALL SELECT ru.ev_class FROM pg_catalog.pg_rewrite ru
            WHERE c.classid = 'pg_rewrite'::regclass AND ru.oid = c.objid
        UNION ALL SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad
            WHERE c.classid = 'pg_attrdef'::regclass AND ad.oid = c.objid
    ) r (root));
END
$$;

COMMENT ON FUNCTION strata.snapshot_roots(oid[], oid[], boolean) IS
    'The roots (tables, views, sequences, types, functions) whose description the given objects can change. Internal: incremental snapshots.';

-- What an incremental snapshot of the running migration describes; NULL: everything.
CREATE FUNCTION strata.snapshot_scope_roots(same_epoch boolean) RETURNS oid[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    classids oid[];
    objids oid[];
    unnamed boolean;
    roots oid[];
BEGIN
    WITH taken AS (DELETE FROM strata.snapshot_scope s RETURNING s.classid, s.objid, s.xid)
    SELECT array_agg(t.classid) FILTER (WHERE t.classid IS NOT NULL),
           array_agg(t.objid) FILTER (WHERE t.classid IS NOT NULL),
           coalesce(bool_or(t.classid IS NULL), false)
    INTO classids, objids, unnamed
    FROM taken t WHERE t.xid = pg_current_xact_id();

    IF NOT same_epoch
       -- Without both event triggers firing, what the migration touched is not known.
       OR (SELECT count(*) FROM pg_event_trigger e
           WHERE e.evtname IN ('strata_sentinel_ddl', 'strata_sentinel_drop')
             AND (e.evtenabled = 'A'
                  OR (e.evtenabled = 'O' AND current_setting('session_replication_role') <> 'replica'))) < 2
       -- Changes that no event trigger reports, in the migration's batch: roles renamed (every
       -- grant's text), owners reassigned or privileges dropped (DROP OWNED), CLUSTER marking an
       -- index, event triggers or replication roles switched, catalogs written by hand.
       OR current_query() ~* '\m(alter\s+(role|user|group)|reassign\s+owned|drop\s+owned|cluster|session_replication_role|event\s+trigger)\M'
       OR current_query() ~* '\m(update|insert\s+into|delete\s+from)\s+(pg_catalog\s*\.\s*)?pg_[a-z_]+\M'
    THEN
        RETURN NULL;
    END IF;

    roots := strata.snapshot_roots(coalesce(classids, '{}'), coalesce(objids, '{}'), false);
    IF unnamed THEN
        -- GRANT and REVOKE name no object: describe every object that has privileges of its own.
        roots := roots || ARRAY(
            SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relacl IS NOT NULL
            UNION SELECT a.attrelid FROM pg_catalog.pg_attribute a WHERE a.attacl IS NOT NULL
            UNION SELECT p.oid FROM pg_catalog.pg_proc p WHERE p.proacl IS NOT NULL
            UNION SELECT t.oid FROM pg_catalog.pg_type t WHERE t.typacl IS NOT NULL);
    END IF;
    RETURN roots;
END
$$;

COMMENT ON FUNCTION strata.snapshot_scope_roots(boolean) IS
    'The roots the running migration''s snapshot describes, from what its DDL touched (strata.snapshot_scope), or NULL when the whole schema must be described (same_epoch false: the stored roots are OIDs of another database). Internal.';

