-- The managed schemas as the server itself deparses them: one row per object,
-- (kind, identity, definition, root, objid), identified by name and never by OID, unsorted
-- (every consumer keys the rows by kind and identity; strata.describe() sorts its own), root
-- and objid, the object's own OID, only say which rows an incremental snapshot replaces; they
-- are never compared.
--
-- $1 text[]: the managed schemas; NULL means every schema but strata, pg_* and information_schema.
-- $2 oid[]: the roots to describe (NULL: all). Each row has a root: the table, view, sequence, type
-- or function it belongs to (a column, constraint, index, trigger, policy or rule belongs to its
-- table; a domain constraint to its domain; statistics, collations, operators and text search
-- configurations are their own roots), NULL for the kinds that are always described (schemas,
-- extensions, default privileges). An incremental snapshot describes only the roots a migration
-- touched.
-- Run it with search_path = pg_catalog, so every name the server deparses (and regclass prints)
-- comes out schema-qualified and the text does not depend on the session, and with jit = off
-- (on a large schema the plan's cost passes jit_above_cost, and compiling this query takes
-- seconds where running it takes milliseconds). The CLI sets both; the extension's
-- strata.describe_objects(schemas, roots) is this one SELECT as a PL/pgSQL RETURN QUERY (so a
-- session plans it once) with both pinned.
--
-- definition is a flat jsonb object; a field that is NULL, false or the default is left out, so
-- two descriptions compare field by field. Comments and grants are fields of their object.
-- Objects that belong to an extension are described by the extension's row alone.
WITH managed AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
    FROM pg_catalog.pg_namespace n
    WHERE CASE
        WHEN $1::text[] IS NULL THEN n.nspname <> 'strata' AND n.nspname <> 'information_schema'
            AND n.nspname !~ '^pg_'
        ELSE n.nspname = ANY ($1::text[])
    END
),
-- The relations, types and functions described: every one of the managed schemas, or the
-- roots' (a relation's indexes with it). Each is a scan when $2 is NULL and index lookups from
-- the roots otherwise, so one cached plan serves a whole schema and a few objects alike.
roots AS (
    SELECT DISTINCT r.oid FROM unnest($2::oid[]) r (oid)
),
rel AS (
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname) AS qname
    FROM pg_catalog.pg_class c JOIN managed m ON m.oid = c.relnamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_class c ON c.oid = r.oid AND c.relkind NOT IN ('i', 'I')
    JOIN managed m ON m.oid = c.relnamespace
    UNION ALL
    SELECT c.*, quote_ident(m.nspname) || '.' || quote_ident(c.relname)
    FROM roots r
    JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    JOIN managed m ON m.oid = c.relnamespace
),
-- The types, without the implicit ones (the arrays of other types, the row types of tables and
-- views): most of a schema's pg_type rows, which only the filter reads. Both branches test it the
-- same way: an implicit array is its element type's typarray (pg_type has no index on typarray),
-- so a whole schema hashes the lookups and a few roots look them up by index.
typ AS (
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM pg_catalog.pg_type t JOIN managed m ON m.oid = t.typnamespace
    WHERE $2::oid[] IS NULL AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    UNION ALL
    SELECT t.oid, t.typname, t.typtype, t.typowner, t.typacl, t.typbasetype, t.typtypmod,
        t.typnotnull, t.typdefaultbin, t.typrelid, t.typinput, t.typoutput, t.typlen, m.nspname
    FROM roots r JOIN pg_catalog.pg_type t ON t.oid = r.oid JOIN managed m ON m.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND NOT (t.typcategory = 'A' AND t.typelem <> 0
               AND EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
),
proc AS (
    SELECT p.*, m.nspname FROM pg_catalog.pg_proc p JOIN managed m ON m.oid = p.pronamespace
    WHERE $2::oid[] IS NULL
    UNION ALL
    SELECT p.*, m.nspname
    FROM roots r JOIN pg_catalog.pg_proc p ON p.oid = r.oid JOIN managed m ON m.oid = p.pronamespace
),
objects (kind, identity, classid, objid, subid, acl, def, root) AS (
    SELECT 'schema', quote_ident(m.nspname), 'pg_namespace'::regclass, m.oid, 0,
        coalesce(m.nspacl, acldefault('n', m.nspowner)), '{}'::jsonb, NULL::oid
    FROM managed m

    UNION ALL
    SELECT 'extension', quote_ident(e.extname), 'pg_extension'::regclass, e.oid, 0, NULL,
        jsonb_build_object('version', e.extversion, 'schema', m.nspname), NULL
    FROM pg_catalog.pg_extension e JOIN managed m ON m.oid = e.extnamespace

    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END,
        c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('r', c.relowner)),
        -- Building a jsonb costs per key, NULL or not, so the fields only some kinds have come in
        -- groups, each built where its kind is.
        jsonb_build_object(
            'type', CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' END,
            'unlogged', nullif(c.relpersistence = 'u', false),
            'inherits', (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                         FROM pg_catalog.pg_inherits i
                         WHERE i.inhrelid = c.oid AND NOT c.relispartition),
            'row security', nullif(c.relrowsecurity, false),
            'force row security', nullif(c.relforcerowsecurity, false),
            'replica identity', CASE WHEN c.relkind IN ('r', 'p') THEN CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                WHEN 'i' THEN 'index' END END,
            'options', array_to_string(c.reloptions, ', ')
        ) || CASE WHEN c.relkind = 'p' OR c.relispartition THEN jsonb_build_object(
            'partition key', CASE c.relkind WHEN 'p' THEN pg_get_partkeydef(c.oid) END,
            'partition of', (SELECT i.inhparent::regclass::text FROM pg_catalog.pg_inherits i
                             WHERE i.inhrelid = c.oid AND c.relispartition),
            'partition bound', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END)
            ELSE '{}' END
          || CASE WHEN c.relkind IN ('v', 'm') THEN jsonb_build_object('definition', pg_get_viewdef(c.oid, true))
            ELSE '{}' END,
        c.oid
    FROM rel c
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')

    UNION ALL
    SELECT 'sequence', c.qname, 'pg_class'::regclass, c.oid, 0, coalesce(c.relacl, acldefault('s', c.relowner)),
        jsonb_build_object(
            'unlogged', nullif(c.relpersistence = 'u', false),
            'type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text,
            'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
            'cache', s.seqcache::text, 'cycle', nullif(s.seqcycle, false),
            'owned by', coalesce(ot.qname, d.refobjid::regclass::text) || '.' || quote_ident(a.attname)),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
    LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    -- The owning table's name as it is already spelled (regclass looks each one up again).
    LEFT JOIN rel ot ON ot.oid = d.refobjid
    WHERE c.relkind = 'S'

    UNION ALL
    SELECT 'column', c.qname || '.' || quote_ident(a.attname), 'pg_class'::regclass, c.oid, a.attnum,
        a.attacl,
        jsonb_build_object(
            'position', row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
            'type', format_type(a.atttypid, a.atttypmod),
            'not null', nullif(a.attnotnull, false),
            -- A default cannot refer to a column, so it deparses without its table (which
            -- pg_get_expr would open: on a new connection, a relcache build per table).
            'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END
        -- The rarer fields (as for tables): built only where one of them is set. Some servers
        -- keep a private pg_* option on every column, which is not one.
        ) || CASE WHEN a.attgenerated <> '' OR a.attidentity <> '' OR a.attcollation <> ty.typcollation
                OR (a.attoptions IS NOT NULL AND NOT (cardinality(a.attoptions) = 1 AND a.attoptions[1] ^@ 'pg_'))
            THEN jsonb_build_object(
            'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
            'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
            'collation', CASE WHEN a.attcollation <> ty.typcollation THEN
                (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                 FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                 WHERE co.oid = a.attcollation) END,
            'options', (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(a.attoptions) o WHERE o !~ '^pg_'))
            ELSE '{}' END,
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p', 'f')

    UNION ALL
    SELECT 'constraint', c.qname || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object(
            'type', CASE con.contype WHEN 'c' THEN 'check' WHEN 'f' THEN 'foreign key'
                WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'x' THEN 'exclusion'
                WHEN 't' THEN 'trigger' ELSE con.contype::text END,
            'definition', pg_get_constraintdef(con.oid)
        ),
        c.oid
    FROM rel c
    JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'domain constraint', quote_ident(t.nspname) || '.' || quote_ident(t.typname) || '.' || quote_ident(con.conname),
        'pg_constraint'::regclass, con.oid, 0, NULL,
        jsonb_build_object('type', 'check', 'definition', pg_get_constraintdef(con.oid)),
        t.oid
    FROM typ t
    JOIN pg_catalog.pg_constraint con ON con.conrelid = 0 AND con.contypid = t.oid
    WHERE con.contype <> 'n'

    UNION ALL
    SELECT 'index', ic.qname, 'pg_class'::regclass, ic.oid, 0, NULL,
        jsonb_build_object(
            'table', tc.qname,
            -- The index of a primary key, unique or exclusion constraint is that constraint's
            -- definition (a btree with the default operator classes, collations and order, or
            -- the exclusion's whole index), as pg_dump has it: named, not deparsed twice.
            'constraint', tc.qname || '.' || quote_ident(con.conname),
            'definition', CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) END,
            'invalid', nullif(NOT i.indisvalid, false),
            'clustered', nullif(i.indisclustered, false),
            'replica identity', nullif(i.indisreplident, false),
            'options', array_to_string(ic.reloptions, ', ')
        ),
        i.indrelid
    FROM rel ic
    JOIN pg_catalog.pg_index i ON i.indexrelid = ic.oid
    JOIN rel tc ON tc.oid = i.indrelid
    -- A constraint's index has its name (renaming either renames both): an index lookup.
    LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = i.indrelid AND con.contypid = 0
        AND con.conname = ic.relname AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')

    UNION ALL
    SELECT 'type', quote_ident(t.nspname) || '.' || quote_ident(t.typname), 'pg_type'::regclass, t.oid, 0,
        coalesce(t.typacl, acldefault('T', t.typowner)),
        CASE t.typtype
            WHEN 'e' THEN jsonb_build_object('type', 'enum', 'labels',
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
            WHEN 'd' THEN jsonb_build_object('type', 'domain',
                'base', format_type(t.typbasetype, t.typtypmod),
                'not null', nullif(t.typnotnull, false),
                'default', pg_get_expr(t.typdefaultbin, 0))
            WHEN 'c' THEN jsonb_build_object('type', 'composite', 'attributes',
                (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                   ', ' ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
            WHEN 'r' THEN (SELECT jsonb_build_object('type', 'range',
                    'subtype', format_type(r.rngsubtype, NULL),
                    'subtype diff', nullif(r.rngsubdiff::regproc::text, '-'))
                FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
            ELSE jsonb_build_object('type', 'base', 'input', t.typinput::regproc::text,
                'output', t.typoutput::regproc::text, 'length', t.typlen::text)
        END,
        t.oid
    FROM typ t

    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
        quote_ident(p.nspname) || '.' || quote_ident(p.proname)
            || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        'pg_proc'::regclass, p.oid, 0, coalesce(p.proacl, acldefault('f', p.proowner)),
        CASE WHEN p.prokind = 'a' THEN (
            SELECT jsonb_build_object('state function', ag.aggtransfn::regproc::text,
                'state type', format_type(ag.aggtranstype, NULL),
                'final function', nullif(ag.aggfinalfn::regproc::text, '-'),
                'combine function', nullif(ag.aggcombinefn::regproc::text, '-'),
                'initial value', ag.agginitval,
                'sort operator', nullif(ag.aggsortop, 0)::regoperator::text)
            FROM pg_catalog.pg_aggregate ag WHERE ag.aggfnoid = p.oid)
        ELSE jsonb_build_object('definition', pg_get_functiondef(p.oid)) END,
        p.oid
    FROM proc p

    UNION ALL
    SELECT 'trigger', c.qname || '.' || quote_ident(tg.tgname), 'pg_trigger'::regclass, tg.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_triggerdef(tg.oid),
            'enabled', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        tg.tgrelid
    FROM pg_catalog.pg_trigger tg JOIN rel c ON c.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal

    UNION ALL
    SELECT 'policy', c.qname || '.' || quote_ident(pol.polname), 'pg_policy'::regclass, pol.oid, 0, NULL,
        jsonb_build_object(
            'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
            'restrictive', nullif(NOT pol.polpermissive, false),
            'roles', (SELECT string_agg(role, ', ' ORDER BY role)
                      FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END
                            FROM unnest(pol.polroles) r) roles (role)),
            'using', pg_get_expr(pol.polqual, pol.polrelid),
            'with check', pg_get_expr(pol.polwithcheck, pol.polrelid)),
        pol.polrelid
    FROM pg_catalog.pg_policy pol JOIN rel c ON c.oid = pol.polrelid

    UNION ALL
    SELECT 'rule', c.qname || '.' || quote_ident(ru.rulename), 'pg_rewrite'::regclass, ru.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_ruledef(ru.oid),
            'enabled', CASE ru.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                WHEN 'A' THEN 'always' END),
        ru.ev_class
    FROM pg_catalog.pg_rewrite ru JOIN rel c ON c.oid = ru.ev_class
    WHERE ru.rulename <> '_RETURN'

    UNION ALL
    SELECT 'statistics', quote_ident(m.nspname) || '.' || quote_ident(s.stxname),
        'pg_statistic_ext'::regclass, s.oid, 0, NULL,
        jsonb_build_object('definition', pg_get_statisticsobjdef(s.oid)), s.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_statistic_ext x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_statistic_ext s ON s.oid = k.oid
    JOIN managed m ON m.oid = s.stxnamespace

    UNION ALL
    SELECT 'collation', quote_ident(m.nspname) || '.' || quote_ident(co.collname),
        'pg_collation'::regclass, co.oid, 0, NULL,
        jsonb_build_object('provider', co.collprovider::text, 'deterministic', nullif(co.collisdeterministic, true),
            'collate', co.collcollate, 'ctype', co.collctype), co.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_collation x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_collation co ON co.oid = k.oid
    JOIN managed m ON m.oid = co.collnamespace

    UNION ALL
    SELECT 'operator', quote_ident(m.nspname) || '.' || o.oprname || '('
            || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') || ', '
            || coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')',
        'pg_operator'::regclass, o.oid, 0, NULL,
        jsonb_build_object('function', o.oprcode::regproc::text), o.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_operator x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_operator o ON o.oid = k.oid
    JOIN managed m ON m.oid = o.oprnamespace

    UNION ALL
    SELECT 'text search configuration', quote_ident(m.nspname) || '.' || quote_ident(cfg.cfgname),
        'pg_ts_config'::regclass, cfg.oid, 0, NULL,
        jsonb_build_object('parser', cfg.cfgparser::regclass::text), cfg.oid
    FROM (SELECT x.oid FROM pg_catalog.pg_ts_config x WHERE $2::oid[] IS NULL UNION ALL SELECT r.oid FROM roots r) k
    JOIN pg_catalog.pg_ts_config cfg ON cfg.oid = k.oid
    JOIN managed m ON m.oid = cfg.cfgnamespace

    UNION ALL
    SELECT 'default privileges',
        'for ' || quote_ident(pg_get_userbyid(d.defaclrole))
            || coalesce(' in ' || quote_ident(m.nspname), '')
            || ' on ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END,
        'pg_default_acl'::regclass, d.oid, 0, d.defaclacl, '{}'::jsonb, NULL
    FROM pg_catalog.pg_default_acl d LEFT JOIN managed m ON m.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR m.oid IS NOT NULL
),
-- Each distinct ACL is spelled out once: most objects share their owner's default.
grants AS (
    SELECT a.acl, (
        SELECT string_agg(grantee || ': ' || privileges, '; ' ORDER BY grantee)
        FROM (
            SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END
                    AS grantee,
                string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                           ', ' ORDER BY x.privilege_type) AS privileges
            FROM aclexplode(a.acl) x
            GROUP BY x.grantee
        ) per_grantee) AS text
    FROM (SELECT DISTINCT o.acl FROM objects o WHERE o.acl IS NOT NULL) a
)
SELECT o.kind, o.identity,
    -- Most objects (columns, indexes, constraints) have neither: no second jsonb to merge.
    CASE WHEN ds.description IS NULL AND g.text IS NULL THEN jsonb_strip_nulls(o.def)
        ELSE jsonb_strip_nulls(o.def || jsonb_build_object('comment', ds.description, 'grants', g.text))
    END,
    o.root, o.objid
FROM objects o
LEFT JOIN grants g ON g.acl = o.acl
LEFT JOIN pg_catalog.pg_description ds
    ON ds.objoid = o.objid AND ds.classoid = o.classid AND ds.objsubid = o.subid
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
                  WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype = 'e')
