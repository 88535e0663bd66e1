-- Schema snapshots: after each migration, in the transaction of its ledger
-- write (strata.record; strata.finish for a no-transaction migration, whose
-- journal ends there), the managed schemas as strata.describe() deparses
-- them. Stored as deltas: a snapshot keeps only the objects that differ from
-- the one before (definition NULL = the object was removed), so a migration
-- that touches one table stores one row, and strata.snapshot_state holds the
-- latest full description that strata.drift() compares the live catalog with.
--
-- Incremental: a transactional migration's snapshot describes only what it
-- touched. The sentinel's event triggers note every object a migration's DDL
-- creates, alters or drops (strata.snapshot_scope); strata.snapshot_roots()
-- widens that to the tables, views, types and functions whose description
-- can have changed, and only their rows of snapshot_state are replaced.
-- Where that cannot be known for sure (no sentinel, a schema renamed, roles
-- renamed, a no-transaction migration, a restored database whose OIDs
-- differ) the whole schema is described.

-- Which schemas are managed: NULL = every schema but strata, pg_* and
-- information_schema. Set with strata.manage_schemas().
CREATE TABLE strata.snapshot_config (
    singleton boolean PRIMARY KEY DEFAULT true
              CONSTRAINT snapshot_config_is_one_row CHECK (singleton),
    schemas   text[]
);
-- No row: the default. (A row inserted here would collide with the dumped one on restore.)

COMMENT ON TABLE strata.snapshot_config IS
    'The schemas that snapshots and drift cover (NULL: all but strata, pg_* and information_schema). Change it with strata.manage_schemas().';

CREATE TABLE strata.snapshots (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     bigint,
    taken_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    taken_by    text        NOT NULL DEFAULT session_user,
    reason      text        NOT NULL,
    schemas     text[],
    objects     integer     NOT NULL,
    changed     integer     NOT NULL,
    fingerprint bytea       NOT NULL,
    incremental boolean     NOT NULL DEFAULT false,
    -- The OIDs' epoch the roots kept in snapshot_state belong to (strata.snapshot_epoch()).
    epoch       text
);
CREATE INDEX snapshots_version ON strata.snapshots (version);

COMMENT ON TABLE strata.snapshots IS
    'One row per schema snapshot, in order (seq): the migration (version) whose ledger write took it, or NULL for a baseline a DBA took (reason); how many objects the managed schemas had and how many changed; fingerprint = SHA-256 of the full description. Read a snapshot with strata.schema_at(version).';
COMMENT ON COLUMN strata.snapshots.fingerprint IS
    'The XOR of the SHA-256 of every object (kind, identity, definition) of the description: equal fingerprints, equal schemas, whatever the order. Kept up to date object by object, so an incremental snapshot does not hash the whole schema.';
COMMENT ON COLUMN strata.snapshots.incremental IS
    'true: only what the migration touched was described (with what names it); false: the whole managed schema.';

CREATE TABLE strata.snapshot_objects (
    seq        bigint NOT NULL REFERENCES strata.snapshots ON DELETE CASCADE,
    kind       text   NOT NULL,
    identity   text   NOT NULL,
    definition jsonb,
    PRIMARY KEY (kind, identity, seq)
);
CREATE INDEX snapshot_objects_seq ON strata.snapshot_objects (seq);

COMMENT ON TABLE strata.snapshot_objects IS
    'The objects each snapshot changed: the new definition, or NULL when the object was removed. Internal: read strata.schema_at(version).';

-- The latest snapshot in full (what strata.drift() compares with).
CREATE TABLE strata.snapshot_state (
    kind       text  NOT NULL,
    identity   text  NOT NULL,
    definition jsonb NOT NULL,
    seq        bigint NOT NULL,
    -- The table, view, sequence, type or function the object belongs to (NULL: a kind always
    -- described) and its own OID: which rows an incremental snapshot replaces. OIDs of the
    -- latest snapshot's epoch; never compared.
    root       oid,
    objid      oid,
    hash       bytea NOT NULL,
    PRIMARY KEY (kind, identity)
);
CREATE INDEX snapshot_state_root ON strata.snapshot_state (root);
-- Partitions and inheritance children, found by their parent's name once they are detached.
CREATE INDEX snapshot_state_children ON strata.snapshot_state ((definition ->> 'partition of'))
    WHERE kind = 'table' AND (definition ? 'partition of' OR definition ? 'inherits');
CREATE INDEX snapshot_state_objid ON strata.snapshot_state (objid);

COMMENT ON TABLE strata.snapshot_state IS
    'The latest snapshot, every object in full. Internal: maintained by strata.take_snapshot().';

DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_config', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshots', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_objects', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_state', '');
        -- The identity's sequence too, or a restored database's next snapshot reuses seq 1.
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshots_seq_seq', '');
    END IF;
END
$$;

CREATE FUNCTION strata.take_snapshot(version bigint, reason text, incremental boolean DEFAULT false)
RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- Its statements run once per migration with new parameters: custom plans (the default) were
-- planned again every time (600 small migrations, A/B: `strata up` 2-9% faster generic).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    s strata.snapshots;
    previous strata.snapshots;
    epoch text := strata.snapshot_epoch();
    managed text[];
    roots oid[];
    renamed oid[];
    widened boolean := false;
    removed integer;
    added integer;
    kinds text[];
    identities text[];
    definitions jsonb[];
    root_oids oid[];
    objids oid[];
BEGIN
    SELECT c.schemas INTO managed FROM strata.snapshot_config c;
    SELECT * INTO previous FROM strata.snapshots p ORDER BY p.seq DESC LIMIT 1;
    IF incremental AND previous.seq IS NOT NULL THEN
        roots := strata.snapshot_scope_roots(previous.epoch IS NOT DISTINCT FROM epoch);
    ELSE
        DELETE FROM strata.snapshot_scope;
    END IF;
    IF roots IS NOT NULL THEN
        -- A partition detached (or a child's NO INHERIT) leaves no dependency behind: the
        -- children the touched tables had are described again too.
        roots := roots || ARRAY(
            SELECT c.root FROM strata.snapshot_state p
            JOIN strata.snapshot_state c
                ON c.kind = 'table' AND (c.definition ? 'partition of' OR c.definition ? 'inherits')
               AND (c.definition ->> 'partition of' = p.identity
                    OR p.identity = ANY (string_to_array(c.definition ->> 'inherits', ', ')))
            WHERE p.kind = 'table' AND p.root = ANY (roots));
    END IF;

    LOOP
        SELECT coalesce(array_agg(d.kind), '{}'), coalesce(array_agg(d.identity), '{}'),
               coalesce(array_agg(d.definition), '{}'), coalesce(array_agg(d.root), '{}'),
               coalesce(array_agg(d.objid), '{}')
        INTO kinds, identities, definitions, root_oids, objids
        FROM strata.describe_objects(managed, roots) d;
        EXIT WHEN roots IS NULL OR widened;
        -- A schema renamed or dropped: every identity in it changed; describe everything.
        IF EXISTS (SELECT FROM strata.snapshot_state t
                   WHERE t.kind = 'schema'
                     AND t.identity <> ALL (ARRAY(SELECT l.identity FROM unnest(kinds, identities) l (kind, identity)
                                                  WHERE l.kind = 'schema'))) THEN
            roots := NULL;
            CONTINUE;
        END IF;
        -- A rename shows as a root that still exists losing one of its identities (a table,
        -- column, type or function renamed) or as a type whose definition changed (an enum
        -- label renamed): then what names it is described too (foreign keys of other tables,
        -- views, defaults, policies, triggers print the new name).
        SELECT array_agg(DISTINCT t.root) INTO renamed
        FROM strata.snapshot_state t
        WHERE t.root = ANY (roots) AND t.root = ANY (root_oids)
          AND NOT EXISTS (SELECT FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
                          WHERE l.kind = t.kind AND l.identity = t.identity
                            AND (t.kind <> 'type' OR l.definition = t.definition));
        EXIT WHEN renamed IS NULL;
        roots := roots || strata.snapshot_roots(
            ARRAY(SELECT CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_proc p WHERE p.oid = r) THEN 'pg_proc'::regclass
                              WHEN EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.oid = r) THEN 'pg_type'::regclass
                              ELSE 'pg_class'::regclass END::oid
                  FROM unnest(renamed) r),
            renamed, true);
        widened := true;
    END LOOP;

    INSERT INTO strata.snapshots (version, reason, schemas, objects, changed, fingerprint, incremental, epoch)
    VALUES (take_snapshot.version, take_snapshot.reason, managed, 0, 0, '\x', roots IS NOT NULL, epoch)
    RETURNING * INTO s;

    -- What changed: compared with every stored object, or with those of the roots described.
    IF roots IS NULL THEN
        INSERT INTO strata.snapshot_objects (seq, kind, identity, definition)
        SELECT s.seq, coalesce(l.kind, t.kind), coalesce(l.identity, t.identity), l.definition
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
        FULL JOIN strata.snapshot_state t ON t.kind = l.kind AND t.identity = l.identity
        WHERE l.definition IS DISTINCT FROM t.definition;
    ELSE
        -- Only the stored objects of the roots described (three index scans, no scan of all).
        INSERT INTO strata.snapshot_objects (seq, kind, identity, definition)
        SELECT s.seq, coalesce(l.kind, t.kind), coalesce(l.identity, t.identity), l.definition
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
        FULL JOIN (SELECT x.kind, x.identity, x.definition FROM strata.snapshot_state x
                   WHERE x.root IS NULL OR x.root = ANY (roots) OR x.objid = ANY (roots)) t
            ON t.kind = l.kind AND t.identity = l.identity
        WHERE l.definition IS DISTINCT FROM t.definition;
    END IF;
    GET DIAGNOSTICS s.changed = ROW_COUNT;

    IF roots IS NULL THEN
        s.objects := cardinality(kinds);
        SELECT strata.bits_hash(coalesce(bit_xor(strata.hash_bits(strata.object_hash(l.kind, l.identity, l.definition))),
                                         repeat('0', 256)::bit(256)))
        INTO s.fingerprint
        FROM unnest(kinds, identities, definitions) l (kind, identity, definition);
    ELSE
        -- The fingerprint and the count follow the objects replaced: the old hashes XORed out,
        -- the new ones in.
        SELECT count(*) FILTER (WHERE o.definition IS NULL), count(*) FILTER (WHERE t.kind IS NULL),
               strata.bits_hash(strata.hash_bits(previous.fingerprint)
                   # coalesce(bit_xor(strata.hash_bits(t.hash)), repeat('0', 256)::bit(256))
                   # coalesce(bit_xor(strata.hash_bits(strata.object_hash(o.kind, o.identity, o.definition))),
                              repeat('0', 256)::bit(256)))
        INTO removed, added, s.fingerprint
        FROM strata.snapshot_objects o
        LEFT JOIN strata.snapshot_state t ON t.kind = o.kind AND t.identity = o.identity
        WHERE o.seq = s.seq;
        s.objects := previous.objects + added - removed;
    END IF;

    DELETE FROM strata.snapshot_state t
    USING strata.snapshot_objects o
    WHERE o.seq = s.seq AND o.definition IS NULL AND t.kind = o.kind AND t.identity = o.identity;
    INSERT INTO strata.snapshot_state AS t (kind, identity, definition, seq, root, objid, hash)
    SELECT l.kind, l.identity, l.definition, s.seq, l.root, l.objid,
           strata.object_hash(l.kind, l.identity, l.definition)
    FROM unnest(kinds, identities, definitions, root_oids, objids) l (kind, identity, definition, root, objid)
    ON CONFLICT (kind, identity) DO UPDATE
        SET definition = excluded.definition, root = excluded.root, objid = excluded.objid, hash = excluded.hash,
            seq = CASE WHEN t.definition = excluded.definition THEN t.seq ELSE excluded.seq END
        WHERE t.definition IS DISTINCT FROM excluded.definition
           OR t.root IS DISTINCT FROM excluded.root OR t.objid IS DISTINCT FROM excluded.objid;

    UPDATE strata.snapshots t SET objects = s.objects, changed = s.changed, fingerprint = s.fingerprint
    WHERE t.seq = s.seq;
    RETURN s;
END
$$;

COMMENT ON FUNCTION strata.take_snapshot(bigint, text, boolean) IS
    'Describe the managed schemas now (with incremental: only what the running migration touched, when that is known) and store what changed since the latest snapshot. Internal: run by the ledger write of each migration (trigger snapshot on strata.history) and by strata.accept_drift().';

-- A migration is applied when its history row becomes applied through a
-- success event (strata.record, strata.finish): repairs and imports of old
-- history take no snapshot, since the schema did not change then; nor do
-- writes that did not come through the API (a restore's COPY, a forged row).
CREATE FUNCTION strata.snapshot_migration() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stack text;
BEGIN
    -- Only ledger writes of the API (not a restore's COPY into strata.history, not a forged row).
    GET DIAGNOSTICS stack = PG_CONTEXT;
    IF stack !~ 'PL/pgSQL function strata\.put_history\(' THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT FROM strata.events e WHERE e.id = NEW.event_id AND e.kind = 'success') THEN
        PERFORM strata.take_snapshot(NEW.version, 'migration ' || NEW.version || ' ' || NEW.name,
                                     NEW.transactional);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION strata.snapshot_migration() IS
    'Trigger: take the snapshot of a migration in the transaction of its ledger write. Internal.';

CREATE TRIGGER snapshot AFTER INSERT OR UPDATE OF state, event_id ON strata.history
    FOR EACH ROW WHEN (NEW.state = 'applied') EXECUTE FUNCTION strata.snapshot_migration();

CREATE FUNCTION strata.schema_at(version bigint)
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at_seq bigint;
BEGIN
    SELECT max(s.seq) INTO at_seq FROM strata.snapshots s WHERE s.version = schema_at.version;
    IF at_seq IS NULL THEN
        RAISE EXCEPTION 'strata.schema_at: no snapshot of migration %', schema_at.version
            USING ERRCODE = 'no_data_found',
                  HINT = 'Snapshots are taken from strata 0.2.0 on, one per migration applied; strata.snapshots lists them.';
    END IF;
    RETURN QUERY
    SELECT o.kind, o.identity, o.definition
    FROM (SELECT DISTINCT ON (x.kind, x.identity) x.kind, x.identity, x.definition
          FROM strata.snapshot_objects x
          WHERE x.seq <= at_seq
          ORDER BY x.kind, x.identity, x.seq DESC) o
    WHERE o.definition IS NOT NULL
    ORDER BY o.kind COLLATE "C", o.identity COLLATE "C";
END
$$;

COMMENT ON FUNCTION strata.schema_at(bigint) IS
    'The managed schemas right after migration version was applied (its latest run), object by object, as strata.describe() deparsed them then.';

CREATE FUNCTION strata.manage_schemas(schemas text[]) RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO strata.snapshot_config AS c (schemas) VALUES (manage_schemas.schemas)
    ON CONFLICT (singleton) DO UPDATE SET schemas = excluded.schemas;
    RETURN strata.take_snapshot(NULL, format('managed schemas set to %s',
                                             coalesce(schemas::text, 'the default')));
END
$$;

COMMENT ON FUNCTION strata.manage_schemas(text[]) IS
    'Set which schemas snapshots and drift cover (NULL: all but strata, pg_* and information_schema) and take a baseline snapshot of them. Owner only.';

CREATE FUNCTION strata.accept_drift(why text) RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF coalesce(btrim(why), '') = '' THEN
        RAISE EXCEPTION 'strata.accept_drift: say why the live schema becomes the baseline'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The reason is kept in strata.snapshots. Better: write a migration that makes the change, so the files stay the source of truth.';
    END IF;
    RETURN strata.take_snapshot(NULL, why);
END
$$;

COMMENT ON FUNCTION strata.accept_drift(text) IS
    'Take the live schema as the new baseline (a snapshot with version NULL and the reason). Owner only.';

CREATE FUNCTION strata.latest_snapshot()
RETURNS TABLE (kind text, identity text, definition jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.kind, s.identity, s.definition FROM strata.snapshot_state s
    ORDER BY s.kind COLLATE "C", s.identity COLLATE "C"
$$;

COMMENT ON FUNCTION strata.latest_snapshot() IS
    'The latest snapshot in full (what strata.drift() compares the live schema with), object by object.';
