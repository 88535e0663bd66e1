-- Schema snapshots: after each migration, in the transaction of its ledger
-- write (strata.record; strata.finish for a no-transaction migration, whose
-- journal ends there), the managed schemas as strata.describe() deparses
-- them. Stored as deltas: a snapshot keeps only the objects that differ from
-- the one before (definition NULL = the object was removed), so a migration
-- that touches one table stores one row, and strata.snapshot_state holds the
-- latest full description that strata.drift() compares the live catalog with.

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
    fingerprint bytea       NOT NULL
);
CREATE INDEX snapshots_version ON strata.snapshots (version);

COMMENT ON TABLE strata.snapshots IS
    'One row per schema snapshot, in order (seq): the migration (version) whose ledger write took it, or NULL for a baseline a DBA took (reason); how many objects the managed schemas had and how many changed; fingerprint = SHA-256 of the full description. Read a snapshot with strata.schema_at(version).';
COMMENT ON COLUMN strata.snapshots.fingerprint IS
    'SHA-256 over every (kind, identity, definition) of the description, in order: equal fingerprints, equal schemas.';

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
    PRIMARY KEY (kind, identity)
);

COMMENT ON TABLE strata.snapshot_state IS
    'The latest snapshot, every object in full. Internal: maintained by strata.take_snapshot().';

DO $$
BEGIN
    IF coalesce(pg_catalog.current_setting('strata.init', true), '') <> 'on' THEN
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_config', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshots', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_objects', '');
        PERFORM pg_catalog.pg_extension_config_dump('strata.snapshot_state', '');
    END IF;
END
$$;

-- The fingerprint of a description: order and text do not depend on the
-- session (jsonb's text form is canonical; "C" collation).
CREATE FUNCTION strata.fingerprint(kinds text[], identities text[], definitions jsonb[]) RETURNS bytea
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(coalesce(pg_catalog.string_agg(
        o.k || E'\t' || o.i || E'\t' || o.d::text, E'\n' ORDER BY o.k COLLATE "C", o.i COLLATE "C"), ''), 'UTF8'))
    FROM unnest(kinds, identities, definitions) o (k, i, d)
$$;

COMMENT ON FUNCTION strata.fingerprint(text[], text[], jsonb[]) IS
    'SHA-256 of a description (kind, identity, definition), whatever order the rows come in. Internal.';

CREATE FUNCTION strata.take_snapshot(version bigint, reason text) RETURNS strata.snapshots
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s strata.snapshots;
    managed text[];
    kinds text[];
    identities text[];
    definitions jsonb[];
BEGIN
    SELECT c.schemas INTO managed FROM strata.snapshot_config c;
    INSERT INTO strata.snapshots (version, reason, schemas, objects, changed, fingerprint)
    VALUES (take_snapshot.version, take_snapshot.reason, managed, 0, 0, '\x')
    RETURNING * INTO s;

    -- Described once; a temp table would itself be DDL the sentinel sees.
    SELECT coalesce(array_agg(d.kind), '{}'), coalesce(array_agg(d.identity), '{}'),
           coalesce(array_agg(d.definition), '{}')
    INTO kinds, identities, definitions
    FROM strata.describe(managed) d;

    INSERT INTO strata.snapshot_objects (seq, kind, identity, definition)
    SELECT s.seq, coalesce(l.kind, t.kind), coalesce(l.identity, t.identity), l.definition
    FROM unnest(kinds, identities, definitions) l (kind, identity, definition)
    FULL JOIN strata.snapshot_state t ON t.kind = l.kind AND t.identity = l.identity
    WHERE l.definition IS DISTINCT FROM t.definition;
    GET DIAGNOSTICS s.changed = ROW_COUNT;

    DELETE FROM strata.snapshot_state t
    USING strata.snapshot_objects o
    WHERE o.seq = s.seq AND o.definition IS NULL AND t.kind = o.kind AND t.identity = o.identity;
    INSERT INTO strata.snapshot_state AS t (kind, identity, definition, seq)
    SELECT o.kind, o.identity, o.definition, o.seq
    FROM strata.snapshot_objects o WHERE o.seq = s.seq AND o.definition IS NOT NULL
    ON CONFLICT (kind, identity) DO UPDATE SET definition = excluded.definition, seq = excluded.seq;

    s.objects := cardinality(kinds);
    s.fingerprint := strata.fingerprint(kinds, identities, definitions);
    UPDATE strata.snapshots t SET objects = s.objects, changed = s.changed, fingerprint = s.fingerprint
    WHERE t.seq = s.seq;
    RETURN s;
END
$$;

COMMENT ON FUNCTION strata.take_snapshot(bigint, text) IS
    'Describe the managed schemas now and store what changed since the latest snapshot. Internal: run by the ledger write of each migration (trigger snapshot on strata.history) and by strata.accept_drift().';

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
        PERFORM strata.take_snapshot(NEW.version, 'migration ' || NEW.version || ' ' || NEW.name);
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
