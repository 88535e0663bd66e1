//! Query typing over what the generated catalog and the migrations' own objects bring:
//! resolution errors, built-in functions, functions in FROM, user types, views, functions.

use std::path::PathBuf;

use super::tests::{catalog, errors, shape};
use super::*;

#[test]
fn unknown_functions_and_operators_are_the_servers_errors() {
    let no_function =
        "No function matches the given name and argument types. You might need to add explicit type casts.";
    assert_eq!(
        errors("SELECT my_func(id) AS v FROM users"),
        [format!("1:8: function my_func(bigint) does not exist [{no_function}]")]
    );
    assert_eq!(
        errors("SELECT lower(age) FROM users"),
        [format!("1:8: function lower(integer) does not exist [{no_function}]")]
    );
    let no_operator =
        "No operator matches the given name and argument types. You might need to add explicit type casts.";
    assert_eq!(
        errors("SELECT id FROM users WHERE id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"),
        [format!("1:31: operator does not exist: bigint = uuid [{no_operator}]")]
    );
    assert_eq!(
        errors("SELECT id FROM users WHERE id = 'x'"),
        ["1:33: invalid input syntax for type bigint: \"x\""]
    );
    assert_eq!(
        errors("SELECT email - 1 FROM users"),
        [format!("1:14: operator does not exist: text - integer [{no_operator}]")]
    );
}

#[test]
fn built_in_functions_come_from_the_generated_catalog() {
    // Grouped by the primary key: every column may be used, and each group has a row.
    let (cols, params) = shape(
        "SELECT make_interval(days => $1) AS i, set_config('a.b', $2, true) AS s, encode(sha256('x'), 'hex') AS h, \
         avg(created_at - created_at) AS a, date_part('year', created_at) AS y, extract(year FROM created_at) AS x, \
         pg_notify('c', email) AS n, array_position(ARRAY[1, 2], age) AS p FROM users GROUP BY id",
    );
    assert_eq!(
        cols,
        [
            "i interval null",
            "s text null",
            "h text",
            "a interval",
            "y float8",
            "x numeric",
            "n void null",
            "p int4 null"
        ]
    );
    assert_eq!(params, ["$1 int4", "$2 text"]);
    let (_, params) =
        shape("SELECT id FROM users WHERE lower(email) = lower($1) AND age = abs($2) AND name || $3 = 'x'");
    assert_eq!(params, ["$1 text", "$2 float8", "$3 text"]);
}

/// `$n nullable` for parameters whose target allows NULL.
pub(super) fn nullable_params(sql: &str) -> Vec<usize> {
    let d = describe(&catalog(), sql).unwrap_or_else(|e| panic!("{sql}: {e:#?}"));
    d.params.iter().filter(|p| p.nullable).map(|p| p.index).collect()
}

#[test]
fn parameters_know_whether_their_target_allows_null() {
    assert_eq!(nullable_params("UPDATE users SET name = $1, email = $2 WHERE id = $3"), [1]);
    assert_eq!(nullable_params("INSERT INTO users (email, name, age) VALUES ($1, $2, $3::int4)"), [2, 3]);
    assert_eq!(nullable_params("INSERT INTO posts VALUES ($1, $2, $3, $4, $5)"), [4, 5]);
    assert_eq!(nullable_params("SELECT id FROM users WHERE name IS NOT DISTINCT FROM $1"), [1]);
    assert_eq!(
        nullable_params("SELECT id FROM users WHERE ($1::text IS NULL OR name = $1) AND age > $2"),
        [1]
    );
    assert_eq!(nullable_params("SELECT coalesce($1, name) FROM users WHERE id = $2"), [1]);
    // One use into a NOT NULL column is enough to need a value.
    assert_eq!(nullable_params("UPDATE users SET name = $1, email = $1 WHERE id = $2"), Vec::<usize>::new());
    assert_eq!(
        nullable_params(
            "INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = $3"
        ),
        [2, 3]
    );
}

#[test]
fn functions_in_from_with_aliases_ordinality_and_lateral() {
    let (cols, params) = shape("SELECT * FROM unnest($1::text[], $2::int[]) AS t(name, n)");
    assert_eq!(cols, ["name text null", "n int4 null"]);
    assert_eq!(params, ["$1 text[]", "$2 int4[]"]);
    let (cols, _) = shape("SELECT g, g.g AS again FROM generate_series(1, 10) AS g");
    assert_eq!(cols, ["g int4", "again int4"]);
    let (cols, _) = shape("SELECT * FROM generate_series(now(), now() + interval '1 day', '1 hour') WITH ORDINALITY AS s(at, i)");
    assert_eq!(cols, ["at timestamptz", "i int8"]);
    let (cols, _) = shape("SELECT e.id, kv.key, kv.value FROM events e, jsonb_each(e.data) kv");
    assert_eq!(cols, ["id int8", "key text", "value jsonb"]);
    let (cols, _) =
        shape("SELECT x.value FROM events e CROSS JOIN LATERAL jsonb_array_elements_text(e.data) AS x");
    assert_eq!(cols, ["value text null"]);
    let (cols, _) = shape("SELECT r.a, r.b FROM events e, jsonb_to_recordset(e.data) AS r(a int, b text)");
    assert_eq!(cols, ["a int4 null", "b text null"]);
    let (cols, _) = shape("SELECT u.id, t.tag FROM posts u, unnest(u.tags) AS t(tag)");
    assert_eq!(cols, ["id int4", "tag text"]);
    let (cols, _) = shape("SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY['a'])) AS r(n, s)");
    assert_eq!(cols, ["n int4 null", "s text null"]);
    let (cols, _) = shape("SELECT l FROM lower('ABC') AS l");
    assert_eq!(cols, ["l text"]);
}

pub(super) fn catalog_with(extra: &str) -> Catalog {
    let mut c = catalog();
    let statements = crate::parse_script(extra).unwrap();
    c.apply_script(extra, &PathBuf::from("extra.sql"), &statements).unwrap();
    c
}

pub(super) fn shape_in(c: &Catalog, sql: &str) -> (Vec<String>, Vec<String>) {
    let d = describe(c, sql).unwrap_or_else(|e| panic!("{sql}: {e:#?}"));
    let cols = d
        .columns
        .iter()
        .map(|c| format!("{} {}{}", c.name, c.ty, if c.nullable { " null" } else { "" }))
        .collect();
    (cols, d.params.iter().map(|p| format!("${} {}", p.index, p.ty)).collect())
}

#[test]
fn enums_domains_views_and_functions_are_modelled() {
    let c = catalog_with(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');
         ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
         ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
         CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%@%');
         CREATE TABLE people (id int PRIMARY KEY, m mood, contact email);
         CREATE VIEW adults AS SELECT u.id, u.email, u.age, p.m AS mood FROM users u LEFT JOIN people p ON p.id = u.age WHERE u.age >= 18;
         CREATE MATERIALIZED VIEW stats (n, oldest) AS SELECT count(*), max(age) FROM users;
         CREATE FUNCTION add_one(x int, step int DEFAULT 1) RETURNS int LANGUAGE sql STRICT AS 'SELECT x + step';
         CREATE FUNCTION recent(days int) RETURNS TABLE (id bigint, at timestamptz) LANGUAGE sql
           AS 'SELECT id, created_at FROM users WHERE created_at > now() - make_interval(days => days)';
         ALTER TYPE mood RENAME TO feeling;",
    );
    let (cols, params) = shape_in(&c, "SELECT id, m, contact FROM people WHERE m = $1 OR m = 'happy'");
    assert_eq!(cols, ["id int4", "m feeling null", "contact text"]);
    assert_eq!(params, ["$1 feeling"]);
    let errs: Vec<String> = describe(&c, "SELECT id FROM people WHERE m = 'sad'")
        .unwrap_err()
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(errs, ["invalid input value for enum feeling: \"sad\""]);
    let (cols, _) = shape_in(&c, "SELECT * FROM adults");
    // `WHERE u.age >= 18` lets no NULL age through.
    assert_eq!(cols, ["id int8", "email text", "age int4", "mood feeling null"]);
    let (cols, _) = shape_in(&c, "SELECT n, oldest FROM stats");
    assert_eq!(cols, ["n int8", "oldest int4 null"]);
    let (cols, params) = shape_in(&c, "SELECT add_one(age) AS a, add_one($1, 2) AS b FROM users");
    assert_eq!(cols, ["a int4 null", "b int4 null"]);
    assert_eq!(params, ["$1 int4"]);
    let (cols, _) = shape_in(&c, "SELECT r.id, r.at FROM recent(7) AS r");
    assert_eq!(cols, ["id int8 null", "at timestamptz null"]);
}

#[test]
fn system_catalogs_can_be_queried() {
    let (cols, params) = shape(
        "SELECT c.relname, c.relkind, a.attname, a.attnotnull FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname = $1",
    );
    assert_eq!(cols, ["relname name", "relkind char", "attname name", "attnotnull bool"]);
    assert_eq!(params, ["$1 name"]);
    let (cols, _) = shape("SELECT table_name, column_name, is_nullable FROM information_schema.columns");
    assert_eq!(cols, ["table_name name null", "column_name name null", "is_nullable varchar null"]);
}

#[test]
fn parameters_typed_from_insert_select_multi_assignment_and_values() {
    let (_, params) = shape("INSERT INTO users (email, name) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = $1)");
    assert_eq!(params, ["$1 text", "$2 text"]);
    assert_eq!(nullable_params("INSERT INTO users (email, name) SELECT $1, $2"), [2]);
    let (_, params) = shape("UPDATE users SET (name, age) = ($1, $2) WHERE id = $3");
    assert_eq!(params, ["$1 text", "$2 int4", "$3 int8"]);
    assert_eq!(nullable_params("UPDATE users SET (email, age) = ($1, $2) WHERE id = $3"), [2]);
    let (cols, params) = shape("SELECT * FROM (VALUES (NULL, $1), (NULL, NULL)) AS v(a, b)");
    assert_eq!(cols, ["a text null", "b text null"]);
    assert_eq!(params, ["$1 text"]);
}

#[test]
fn grouped_aggregates_of_not_null_inputs_are_not_null() {
    let (cols, _) = shape(
        "SELECT author_id, max(id) AS top, sum(id) AS s, max(body) AS b, array_agg(body) AS bodies, count(*) AS n \
         FROM posts GROUP BY author_id",
    );
    assert_eq!(cols, ["author_id int8", "top int4", "s int8", "b text null", "bodies text[]", "n int8"]);
    // Without GROUP BY an aggregate over no rows is NULL; FILTER can leave a group empty.
    let (cols, _) = shape("SELECT max(id) AS top, max(id) FILTER (WHERE id > 1) AS f FROM posts");
    assert_eq!(cols, ["top int4 null", "f int4 null"]);
    let (cols, _) = shape("SELECT author_id, count(*) AS n FROM posts GROUP BY ROLLUP (author_id)");
    assert_eq!(cols, ["author_id int8 null", "n int8"]);
}

#[test]
fn a_domain_stays_a_domain_where_postgres_keeps_it() {
    let c = catalog_with(
        "CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
         CREATE TABLE people (id int PRIMARY KEY, mail email);",
    );
    // anyelement binds the domain itself; values of one type keep it; an unknown literal
    // among them smashes it to text (select_common_type); max(text) is not polymorphic.
    let (cols, _) = shape_in(&c, "SELECT array_agg(mail) AS a, max(mail) AS e FROM people");
    assert_eq!(cols, ["a email[] null", "e text null"]);
    let (cols, _) = shape_in(
        &c,
        "SELECT ARRAY[mail] AS b, coalesce(mail, mail) AS c, coalesce(mail, 'x') AS d FROM people",
    );
    // (The server describes a domain-typed column by its base type.)
    assert_eq!(cols, ["b email[]", "c text null", "d text"]);
}

#[test]
fn tables_and_views_have_row_types() {
    let c = catalog_with(
        "CREATE FUNCTION recent_posts(n int) RETURNS SETOF posts LANGUAGE sql AS $$ SELECT * FROM posts LIMIT n $$;
         CREATE VIEW titles AS SELECT id, title FROM posts;
         ALTER TABLE posts RENAME TO articles;
         ALTER TABLE articles ADD COLUMN draft boolean NOT NULL DEFAULT true;",
    );
    // The function follows the rename and sees the new column; a function's rows are not
    // checked against the table's NOT NULLs.
    let (cols, params) = shape_in(&c, "SELECT id, title, draft FROM recent_posts($1)");
    assert_eq!(cols, ["id int4 null", "title varchar null", "draft bool null"]);
    assert_eq!(params, ["$1 int4"]);
    // A FROM item's name alone is its whole row: the relation's row type, else a record.
    let (cols, _) = shape_in(
        &c,
        "SELECT a, row_to_json(a) AS j, t, x FROM articles a LEFT JOIN titles t ON t.id = a.id, (SELECT 1) x",
    );
    assert_eq!(cols, ["a articles", "j json", "t titles null", "x record"]);
    let (cols, _) =
        shape_in(&c, "SELECT (NULL::articles).title AS t, jsonb_populate_record(NULL::titles, '{}') AS r");
    assert_eq!(cols, ["t varchar null", "r titles null"]);
}

#[test]
fn alter_database_set_search_path_is_the_path_of_the_applications_sessions() {
    let schema = "CREATE SCHEMA app;
         CREATE TABLE app.items (id int NOT NULL, label text);
         CREATE TABLE items (id bigint);
         ALTER DATABASE appdb SET search_path TO app, public;
         ALTER DATABASE appdb SET statement_timeout = '5s';
         CREATE TABLE later (x int);";
    let c = catalog_with(schema);
    // The migration's own session keeps its path: `later` is created in public.
    assert!(c.tables().any(|t| t.schema == "public" && t.name == "later"));
    let (cols, _) = shape_in(&c, "SELECT id, label FROM items");
    assert_eq!(cols, ["id int4", "label text null"]);
    let (cols, _) = shape_in(&c, "SELECT x FROM later JOIN public.items p ON p.id = x");
    assert_eq!(cols, ["x int4"]);
    assert!(c.unsupported.is_empty(), "{:?}", c.unsupported);
    let c = catalog_with(&format!("{schema}\nALTER DATABASE appdb RESET search_path;"));
    let (cols, _) = shape_in(&c, "SELECT id FROM items");
    assert_eq!(cols, ["id int8 null"]);
}

#[test]
fn alter_role_set_search_path_is_reported_as_not_modelled() {
    let c = catalog_with(
        "CREATE SCHEMA app;
         CREATE TABLE app.items (id int NOT NULL);
         CREATE TABLE items (id bigint);
         ALTER ROLE app_user SET search_path TO app, public;
         ALTER ROLE app_user SET work_mem = '64MB';",
    );
    assert_eq!(c.unsupported.len(), 1);
    assert!(
        c.unsupported[0].message.starts_with("ALTER ROLE ... SET search_path"),
        "{}",
        c.unsupported[0].message
    );
    // Queries keep the database's path, and the catalog is still trusted for everything else.
    let (cols, _) = shape_in(&c, "SELECT id FROM items");
    assert_eq!(cols, ["id int8 null"]);
    assert!(describe(&c, "SELECT * FROM nope").is_err());
}
