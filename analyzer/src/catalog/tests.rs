use super::*;
use std::path::PathBuf;

fn replay(sql: &str) -> Result<Catalog, Diagnostic> {
    let statements = crate::parse_script(sql).expect("test SQL parses");
    let mut catalog = Catalog::default();
    catalog.apply_script(sql, &PathBuf::from("m.sql"), &statements)?;
    Ok(catalog)
}

fn columns(catalog: &Catalog, table: &str) -> Vec<String> {
    catalog
        .table(None, table)
        .unwrap_or_else(|| panic!("no table {table}"))
        .columns
        .iter()
        .map(|c| format!("{} {}{}", c.name, c.ty, if c.not_null { " not null" } else { "" }))
        .collect()
}

fn error(sql: &str) -> String {
    let d = replay(sql).unwrap_err();
    format!("{}:{}: {} ({})", d.line, d.column, d.message, d.sqlstate.unwrap_or("-"))
}

#[test]
fn create_table_normalises_types_and_nullability() {
    let c = replay(
        "CREATE TABLE users (
            id bigserial PRIMARY KEY,
            email varchar(200) NOT NULL,
            name text,
            age integer NULL,
            score double precision,
            active boolean DEFAULT true NOT NULL,
            created_at timestamp with time zone NOT NULL DEFAULT now(),
            tags text[],
            n int GENERATED ALWAYS AS IDENTITY
        );",
    )
    .unwrap();
    assert_eq!(
        columns(&c, "users"),
        [
            "id int8 not null",
            "email varchar not null",
            "name text",
            "age int4",
            "score float8",
            "active bool not null",
            "created_at timestamptz not null",
            "tags text[]",
            "n int4 not null"
        ]
    );
}

#[test]
fn table_level_primary_key_and_like_and_schemas() {
    let c = replay(
        "CREATE SCHEMA app;
         CREATE TABLE app.t (a int, b text, PRIMARY KEY (a));
         CREATE TABLE copy (LIKE app.t);",
    )
    .unwrap();
    assert_eq!(columns(&c, "copy"), ["a int4 not null", "b text"]);
    assert!(c.table(Some("app"), "t").is_some());
    assert!(c.table(None, "t").is_none());
}

#[test]
fn alter_table_add_drop_rename_retype() {
    let c = replay(
        "CREATE TABLE t (a int, b text, c text);
         ALTER TABLE t ADD COLUMN d uuid NOT NULL, DROP COLUMN b;
         ALTER TABLE t ADD COLUMN IF NOT EXISTS d int;
         ALTER TABLE t DROP COLUMN IF EXISTS zzz;
         ALTER TABLE t RENAME COLUMN c TO title;
         ALTER TABLE t ALTER COLUMN a TYPE bigint, ALTER COLUMN a SET NOT NULL;
         ALTER TABLE t ALTER COLUMN d DROP NOT NULL;
         ALTER TABLE t RENAME TO things;
         ALTER TABLE IF EXISTS nothing ADD COLUMN x int;",
    )
    .unwrap();
    assert_eq!(columns(&c, "things"), ["a int8 not null", "title text", "d uuid"]);
    assert!(c.table(None, "t").is_none());
}

#[test]
fn drop_table_honours_if_exists() {
    let c =
        replay("CREATE TABLE a (x int); CREATE TABLE b (x int); DROP TABLE a, b; DROP TABLE IF EXISTS a;")
            .unwrap();
    assert_eq!(c.tables().count(), 0);
}

#[test]
fn errors_carry_sqlstate_and_position() {
    assert_eq!(
        error("CREATE TABLE t (a int);\nCREATE TABLE t (b int);"),
        "2:14: relation \"t\" already exists (42P07)"
    );
    assert_eq!(
        error("CREATE TABLE t (a int, a text);"),
        "1:24: column \"a\" specified more than once (42701)"
    );
    assert_eq!(error("ALTER TABLE nope ADD COLUMN a int;"), "1:13: relation \"nope\" does not exist (42P01)");
    assert_eq!(
        error("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN a int;"),
        "2:26: column \"a\" of relation \"t\" already exists (42701)"
    );
    assert_eq!(
        error("CREATE TABLE t (a int);\nALTER TABLE t DROP COLUMN b;"),
        "2:1: column \"b\" of relation \"t\" does not exist (42703)"
    );
    assert_eq!(error("DROP TABLE t;"), "1:1: table \"t\" does not exist (42P01)");
    assert_eq!(error("CREATE TABLE x.t (a int);"), "1:14: schema \"x\" does not exist (3F000)");
}

#[test]
fn unsupported_ddl_is_reported_not_skipped() {
    let c = replay("CREATE TABLE t (a int);\nDO $$ BEGIN END $$;\nCREATE INDEX ON t (a);").unwrap();
    assert_eq!(c.unsupported.len(), 1);
    assert_eq!(c.unsupported[0].line, 2);
    assert!(c.unsupported[0].message.starts_with("a DO block"));
}

#[test]
fn pg_dump_style_sequences_views_and_ctas_replay() {
    let c = replay(
        "CREATE TABLE public.users (id integer NOT NULL, email text);
         CREATE SEQUENCE public.users_id_seq AS integer START WITH 1;
         ALTER TABLE public.users_id_seq OWNER TO app;
         ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;
         ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
         ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
         CREATE VIEW active AS SELECT * FROM users;
         ALTER VIEW active RENAME TO active_users;
         ALTER TABLE active_users OWNER TO app;
         CREATE TABLE backup AS SELECT * FROM users;
         ALTER TABLE backup ADD PRIMARY KEY (id);
         DROP TABLE backup;
         SELECT * INTO snapshot FROM users;
         DROP VIEW active_users;
         CREATE TEMP TABLE scratch (id int);
         CREATE TABLE scratch (id int, note text);
         CREATE SCHEMA AUTHORIZATION app;
         ALTER TABLE scratch SET SCHEMA app;",
    )
    .unwrap();
    assert_eq!(columns(&c, "users"), ["id int4 not null", "email text"]);
    assert!(c.table(Some("app"), "scratch").is_some() && c.table(None, "scratch").is_none());
    let notes: Vec<&str> = c.unsupported.iter().map(|d| d.message.as_str()).collect();
    assert!(notes.is_empty(), "{notes:#?}");
    // Views, CREATE TABLE AS and SELECT INTO are typed from their queries.
    assert!(c.view(None, "active_users").is_none());
    assert_eq!(columns(&c, "snapshot"), ["id int4", "email text"]);
}

#[test]
fn unknown_relations_stay_errors_unless_something_unseen_could_have_made_them() {
    assert_eq!(error("ALTER TABLE ghost OWNER TO app;"), "1:13: relation \"ghost\" does not exist (42P01)");
    let c = replay(
        "DO $$ BEGIN EXECUTE 'CREATE TABLE ghost (id int)'; END $$;\nALTER TABLE ghost ADD COLUMN x int;",
    )
    .unwrap();
    assert_eq!(c.unsupported.len(), 2);
    assert_eq!(c.unsupported[1].line, 2);
}

fn multi_file(files: &[&str]) -> Result<Catalog, Diagnostic> {
    let mut catalog = Catalog::default();
    for (i, sql) in files.iter().enumerate() {
        let statements = crate::parse_script(sql).expect("test SQL parses");
        catalog.apply_script(sql, &PathBuf::from(format!("{i}.sql")), &statements)?;
    }
    Ok(catalog)
}

#[test]
fn search_path_set_in_a_migration_resolves_later_unqualified_names() {
    let c = multi_file(&[
        "CREATE SCHEMA app;
         CREATE TABLE public.shared (id int PRIMARY KEY);
         SET search_path TO app, public;
         CREATE TYPE mood AS ENUM ('ok');
         CREATE TABLE users (id bigint PRIMARY KEY, m mood, s int REFERENCES shared);
         CREATE TABLE posts (id int, user_id bigint NOT NULL REFERENCES users);
         ALTER TABLE users ADD COLUMN name text NOT NULL;
         CREATE VIEW user_names AS SELECT u.name, s.id FROM users u JOIN shared s ON s.id = u.s;",
        // A new file: the runner reset the session, so the default path is back.
        "CREATE TABLE users (id int);",
    ])
    .unwrap();
    assert!(c.table(Some("app"), "posts").is_some());
    assert_eq!(c.table(Some("app"), "users").unwrap().columns.len(), 4);
    assert_eq!(c.table(Some("public"), "users").unwrap().columns.len(), 1);
    assert!(c.view(Some("app"), "user_names").is_some());
    assert_eq!(c.user_types().map(|(k, _)| k.0.as_str()).collect::<Vec<_>>(), ["app"]);
}

#[test]
fn set_config_local_and_reset_change_the_search_path() {
    let c = replay(
        "CREATE SCHEMA a; CREATE SCHEMA b;
         SELECT set_config('search_path', 'A, \"b\"', true);
         CREATE TABLE t1 (id int);
         SET LOCAL search_path = b;
         CREATE TABLE t2 (id int);
         RESET search_path;
         CREATE TABLE t3 (id int);
         SET search_path TO b, a;
         ALTER TABLE t1 ADD COLUMN x int;
         DROP TABLE t2;",
    )
    .unwrap();
    assert_eq!(columns(&c, "t3"), ["id int4"]);
    assert_eq!(c.table(Some("a"), "t1").unwrap().columns.len(), 2);
    assert!(c.table(Some("b"), "t2").is_none());
    // An extension without SCHEMA goes to the first schema of the path.
    let c = replay("CREATE SCHEMA ext; SET search_path = ext, public; CREATE EXTENSION citext;").unwrap();
    assert_eq!(c.extensions.get("citext").map(String::as_str), Some("ext"));
}

#[test]
fn search_path_without_an_existing_schema_has_nowhere_to_create() {
    assert_eq!(
        error("SET search_path TO nope;\nCREATE TABLE t (id int);"),
        "2:14: no schema has been selected to create in (3F000)"
    );
}

#[test]
fn range_types_get_their_multirange_and_constructors() {
    let c = replay(
        "CREATE TYPE floatrange AS RANGE (subtype = float8);
         CREATE TYPE span AS RANGE (subtype = int4, multirange_type_name = spans);
         CREATE TYPE period AS RANGE (subtype = date);
         DROP TYPE period;",
    )
    .unwrap();
    let oid = |name: &str| c.type_oid(&SqlType::new(name));
    let (floatrange, multi) = (oid("floatrange").unwrap(), oid("floatmultirange").unwrap());
    assert_eq!(c.range(floatrange), Some((builtin::oids::FLOAT8, multi)));
    assert_eq!(c.multirange_range(multi), Some(floatrange));
    assert_eq!(c.multirange_range(oid("spans").unwrap()), oid("span"));
    let constructors: Vec<Vec<builtin::Oid>> = c.procs("floatrange").iter().map(|p| p.args.clone()).collect();
    let f = builtin::oids::FLOAT8;
    assert_eq!(constructors, [vec![f, f], vec![f, f, builtin::oids::TEXT]]);
    assert!(c.user_functions().next().is_none(), "constructors are not CREATE FUNCTIONs");
    assert_eq!((oid("period"), oid("period_multirange"), c.procs("period").len()), (None, None, 0));
}

#[test]
fn alter_type_changes_composite_attributes() {
    let c = replay(
        "CREATE TYPE address AS (street text, zip int, note text);
         ALTER TYPE address ADD ATTRIBUTE city varchar(80), DROP ATTRIBUTE note;
         ALTER TYPE address ALTER ATTRIBUTE zip TYPE bigint;
         ALTER TYPE address RENAME ATTRIBUTE street TO line1;
         ALTER TYPE address DROP ATTRIBUTE IF EXISTS nothing;
         CREATE TYPE code AS ENUM ('a');
         CREATE TYPE tagged AS (c code);
         ALTER TYPE code RENAME TO kind;",
    )
    .unwrap();
    let attributes = |name: &str| -> Vec<String> {
        let oid = c.type_oid(&SqlType::new(name)).unwrap();
        c.composite_columns(oid).unwrap().iter().map(|a| format!("{} {}", a.name, a.ty)).collect()
    };
    assert_eq!(attributes("address"), ["line1 text", "zip int8", "city varchar"]);
    assert_eq!(attributes("tagged"), ["c kind"]);
    assert_eq!(
        error("CREATE TYPE a AS (x int); ALTER TYPE a ADD ATTRIBUTE x text;"),
        "1:27: column \"x\" of relation \"a\" already exists (42701)"
    );
    assert!(error("CREATE TYPE a AS (x int); ALTER TYPE a RENAME ATTRIBUTE y TO z;").contains("(42703)"));
    assert!(error("ALTER TYPE nope ADD ATTRIBUTE x int;").contains("(42704)"));
}
