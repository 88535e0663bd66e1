use std::path::PathBuf;

use super::catalog_tests::shape_in;
use super::*;

const SCHEMA: &str = "
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    name text,
    age int,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE posts (
    id serial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title varchar(200) NOT NULL,
    body text,
    tags text[]
);
CREATE TABLE events (id bigint PRIMARY KEY, data jsonb NOT NULL, at timestamp NOT NULL);";

pub(super) fn catalog() -> Catalog {
    let statements = crate::parse_script(SCHEMA).unwrap();
    let mut c = Catalog::default();
    c.apply_script(SCHEMA, &PathBuf::from("schema.sql"), &statements).unwrap();
    c
}

/// `name type [null]` per column, and `$n type` per parameter.
pub(super) fn shape(sql: &str) -> (Vec<String>, Vec<String>) {
    let d = describe(&catalog(), sql).unwrap_or_else(|e| panic!("{sql}: {e:#?}"));
    let cols = d
        .columns
        .iter()
        .map(|c| format!("{} {}{}", c.name, c.ty, if c.nullable { " null" } else { "" }))
        .collect();
    let params = d.params.iter().map(|p| format!("${} {}", p.index, p.ty)).collect();
    (cols, params)
}

pub(super) fn errors(sql: &str) -> Vec<String> {
    describe(&catalog(), sql)
        .expect_err("query should fail")
        .iter()
        .map(|d| {
            let hint = d.hint.as_deref().map(|h| format!(" [{h}]")).unwrap_or_default();
            format!("{}:{}: {}{hint}", d.line, d.column, d.message)
        })
        .collect()
}

#[test]
fn select_columns_with_schema_nullability_and_param_from_comparison() {
    let (cols, params) = shape("SELECT id, email, name FROM users WHERE id = $1");
    assert_eq!(cols, ["id int8", "email text", "name text null"]);
    assert_eq!(params, ["$1 int8"]);
}

#[test]
fn left_join_makes_the_optional_side_nullable() {
    let (cols, _) = shape(
        "SELECT u.email, p.title, p.id AS post_id FROM users u LEFT JOIN posts p ON p.author_id = u.id",
    );
    assert_eq!(cols, ["email text", "title varchar null", "post_id int4 null"]);
    let (cols, _) = shape("SELECT u.email, p.title FROM posts p RIGHT JOIN users u ON p.author_id = u.id");
    assert_eq!(cols, ["email text", "title varchar null"]);
    let (cols, _) = shape("SELECT u.email, p.title FROM users u JOIN posts p ON p.author_id = u.id");
    assert_eq!(cols, ["email text", "title varchar"]);
}

#[test]
fn star_expands_in_order() {
    let (cols, _) = shape("SELECT p.*, u.email FROM posts p JOIN users u ON u.id = p.author_id");
    assert_eq!(
        cols,
        ["id int4", "author_id int8", "title varchar", "body text null", "tags text[] null", "email text"]
    );
}

#[test]
fn insert_returning_types_params_from_target_columns() {
    let (cols, params) =
        shape("INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING id, title");
    assert_eq!(cols, ["id int4", "title varchar"]);
    assert_eq!(params, ["$1 int8", "$2 varchar", "$3 text"]);
}

#[test]
fn update_and_delete() {
    let (cols, params) = shape("UPDATE users SET name = $1, age = age + 1 WHERE id = $2 RETURNING name, age");
    assert_eq!(cols, ["name text null", "age int4 null"]);
    assert_eq!(params, ["$1 text", "$2 int8"]);
    let (cols, params) = shape("DELETE FROM posts WHERE author_id = $1 AND title LIKE $2");
    assert!(cols.is_empty());
    assert_eq!(params, ["$1 int8", "$2 text"]);
}

#[test]
fn params_from_in_any_limit_and_casts() {
    let (_, params) =
        shape("SELECT id FROM users WHERE id = ANY($1) AND age IN ($2, $3) LIMIT $4 OFFSET $5::int4");
    assert_eq!(params, ["$1 int8[]", "$2 int4", "$3 int4", "$4 int8", "$5 int4"]);
}

#[test]
fn expressions_aggregates_and_overrides() {
    let (cols, _) = shape(
        "SELECT count(*) AS n, max(age) AS oldest, lower(email) AS e, now() AS t, \
         coalesce(name, email) AS display, EXISTS (SELECT 1 FROM posts) AS any_posts, \
         (SELECT count(*) FROM posts p WHERE p.author_id = u.id) AS \"posts!\", \
         age::int8 AS age8, 1 AS one, 'x' AS lit, name AS \"name?\" FROM users u GROUP BY u.id",
    );
    assert_eq!(
        cols,
        [
            "n int8",
            "oldest int4 null",
            "e text",
            "t timestamptz",
            "display text",
            "any_posts bool",
            "posts int8",
            "age8 int8 null",
            "one int4",
            "lit text",
            "name text null"
        ]
    );
}

#[test]
fn ctes_and_subqueries() {
    let (cols, params) = shape(
        "WITH recent AS (SELECT id, title FROM posts WHERE id > $1) \
         SELECT r.title, s.n FROM recent r, (SELECT count(*) AS n FROM users) s",
    );
    assert_eq!(cols, ["title varchar", "n int8"]);
    assert_eq!(params, ["$1 int4"]);
}

#[test]
fn unknown_column_and_table_errors_point_at_them_with_hints() {
    assert_eq!(
        errors("SELECT id, nme FROM users"),
        ["1:12: column \"nme\" does not exist [did you mean \"name\"?]"]
    );
    assert_eq!(
        errors("SELECT id FROM user_accounts"),
        ["1:16: relation \"user_accounts\" does not exist [no migration creates it: check the name, or add a migration]"]
    );
    assert_eq!(
        errors("SELECT * FROM usrs"),
        ["1:15: relation \"usrs\" does not exist [did you mean \"users\"?]"]
    );
}

#[test]
fn all_errors_are_collected() {
    let errs = errors("SELECT a, b FROM users\nWHERE c = $1");
    assert_eq!(
        errs,
        [
            "1:8: column \"a\" does not exist",
            "1:11: column \"b\" does not exist",
            "2:7: column \"c\" does not exist"
        ]
    );
    // With nothing else wrong, the untyped parameter is the error.
    assert_eq!(
        errors("SELECT id FROM users WHERE $1 IS NULL"),
        ["1:28: could not determine data type of parameter $1 [add a cast, e.g. $1::text or $1::int8]"]
    );
}

#[test]
fn ambiguous_and_wrong_targets() {
    assert_eq!(
        errors("SELECT id FROM users JOIN posts ON true"),
        ["1:8: column reference \"id\" is ambiguous [qualify it with the table name or alias]"]
    );
    assert_eq!(
        errors("INSERT INTO users (emial) VALUES ($1)"),
        ["1:20: column \"emial\" of relation \"users\" does not exist [did you mean \"email\"?]"]
    );
    assert_eq!(
        errors("INSERT INTO users (email) VALUES ($1, $2)")[0],
        "1:39: INSERT has more expressions than target columns"
    );
}

#[test]
fn unnamed_expressions_keep_postgres_names() {
    let (cols, _) = shape("SELECT age + 1, count(*) FROM users GROUP BY age");
    assert_eq!(cols, ["?column? int4 null", "count int8"]);
}

#[test]
fn syntax_errors_and_multiple_statements() {
    assert_eq!(errors("SELECT id FROM users WHERE"), ["1:27: syntax error at end of input"]);
    assert_eq!(errors("SELECT 1; SELECT 2")[0], "1:1: a query must be exactly one SQL statement, found 2 [split the statements into separate queries]");
    assert_eq!(
        errors("CREATE TABLE x (a int)")[0],
        "1:1: checked queries must be SELECT, INSERT, UPDATE, DELETE, MERGE, REFRESH MATERIALIZED VIEW or TRUNCATE [run DDL in a migration instead]"
    );
}

#[test]
fn function_and_operator_types_follow_postgres_resolution() {
    // Each expected type was checked with pg_typeof on PostgreSQL 15.
    let (cols, _) = shape(
        "SELECT date_trunc('day', created_at) AS d, date_trunc('hour', e.at) AS h, round(age) AS r, \
         2 ^ 3 AS p, age * 1.5::float4 AS f, ntile(4) OVER () AS q, \
         1::int8 AS i8, 'x'::text, (age + 1)::int8 FROM users, events e",
    );
    assert_eq!(
        cols,
        [
            "d timestamptz",
            "h timestamp",
            "r float8 null",
            "p float8",
            "f float8 null",
            "q int4 null",
            "i8 int8",
            "text text",
            "int8 int8 null"
        ]
    );
}

#[test]
fn json_operators_are_nullable_and_take_text_keys() {
    let (cols, params) =
        shape("SELECT data ->> 'k' AS k, data -> $1 AS v, data #>> $2 AS p FROM events WHERE data ? $3");
    assert_eq!(cols, ["k text null", "v jsonb null", "p text null"]);
    assert_eq!(params, ["$1 text", "$2 text[]", "$3 text"]);
}

#[test]
fn shared_types_resolve_to_the_widest() {
    let (cols, _) = shape("SELECT id FROM posts UNION ALL SELECT id FROM users");
    assert_eq!(cols, ["id int8"]);
    let (cols, _) = shape(
        "SELECT coalesce(p.id, p.author_id) AS c, CASE WHEN true THEN 1 ELSE 2.5 END AS k, \
         ARRAY[p.id, p.author_id] AS a, greatest(p.id, 2::int8) AS g FROM posts p",
    );
    assert_eq!(cols, ["c int8", "k numeric", "a int8[]", "g int8"]);
}

#[test]
fn using_and_natural_joins_merge_columns() {
    let (cols, _) = shape("SELECT id, u.email FROM users u JOIN posts p USING (id)");
    assert_eq!(cols, ["id int8", "email text"]);
    let (cols, _) = shape("SELECT * FROM users JOIN posts USING (id)");
    assert_eq!(cols[0], "id int8");
    assert_eq!(cols.iter().filter(|c| c.starts_with("id ")).count(), 1, "{cols:?}");
    let (cols, _) = shape("SELECT id FROM users NATURAL LEFT JOIN posts");
    assert_eq!(cols, ["id int8"]);
    let (cols, _) = shape("SELECT id FROM posts RIGHT JOIN users USING (id)");
    assert_eq!(cols, ["id int8"]);
}

#[test]
fn lateral_group_by_alias_recursive_cte_and_aliases() {
    let (cols, _) = shape(
        "SELECT u.email, x.title FROM users u LEFT JOIN LATERAL \
         (SELECT title FROM posts p WHERE p.author_id = u.id LIMIT 1) x ON true",
    );
    assert_eq!(cols, ["email text", "title varchar null"]);
    let (cols, _) = shape("SELECT lower(email) AS e, count(*) AS n FROM users GROUP BY e");
    assert_eq!(cols, ["e text", "n int8"]);
    let (cols, _) = shape(
        "WITH RECURSIVE chain(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM chain WHERE n < 10) SELECT n FROM chain",
    );
    assert_eq!(cols, ["n int4"]);
    let (cols, _) =
        shape("SELECT v.a, s.b FROM (VALUES (1, 'x')) AS v(a, b2), (SELECT email FROM users) AS s(b)");
    assert_eq!(cols, ["a int4", "b text"]);
    let (cols, _) = shape("WITH c AS (SELECT id, email FROM users) SELECT x.k, x.e FROM c AS x(k, e)");
    assert_eq!(cols, ["k int8", "e text"]);
    let (cols, _) = shape("SELECT u.uid FROM users AS u(uid)");
    assert_eq!(cols, ["uid int8"]);
    assert_eq!(
        errors("SELECT n FROM (SELECT count(*) AS n FROM users)")[0],
        "1:15: subquery in FROM must have an alias [add one, e.g. (SELECT ...) AS s (optional only from PostgreSQL 16 on)]"
    );
}

#[test]
fn views_are_typed_from_their_query() {
    let sql = "CREATE TABLE t (a int NOT NULL, b text); CREATE VIEW v (x) AS SELECT a, b FROM t; \
               CREATE TABLE c AS SELECT a FROM t;";
    let statements = crate::parse_script(sql).unwrap();
    let mut c = Catalog::default();
    c.apply_script(sql, &PathBuf::from("m.sql"), &statements).unwrap();
    assert_eq!(shape_in(&c, "SELECT x, b FROM v").0, ["x int4", "b text null"]);
    // A table made by a query has no NOT NULL.
    assert_eq!(shape_in(&c, "SELECT a FROM c").0, ["a int4 null"]);
}

#[test]
fn aggregated_arrays_know_when_elements_may_be_null() {
    let d = describe(
        &catalog(),
        "SELECT array_agg(p.title) AS titles, array_agg(u.email) AS emails, ARRAY[u.name] AS names \
         FROM users u LEFT JOIN posts p ON p.author_id = u.id GROUP BY u.id",
    )
    .unwrap();
    let elements: Vec<bool> = d.columns.iter().map(|c| c.ty.element_nullable).collect();
    assert_eq!(elements, [true, false, true]);
}

#[test]
fn refresh_and_truncate_name_relations_of_their_kind() {
    let c = super::catalog_tests::catalog_with(
        "CREATE MATERIALIZED VIEW post_counts AS SELECT author_id, count(*) AS n FROM posts GROUP BY 1;",
    );
    for sql in [
        "REFRESH MATERIALIZED VIEW post_counts",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY public.post_counts",
        "TRUNCATE posts, users",
    ] {
        let d = describe(&c, sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        assert!(d.params.is_empty() && d.columns.is_empty());
    }
    let messages = |sql: &str| -> Vec<String> {
        describe(&c, sql)
            .expect_err(sql)
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect()
    };
    assert_eq!(messages("REFRESH MATERIALIZED VIEW posts"), ["1:27: \"posts\" is not a materialized view"]);
    assert_eq!(messages("TRUNCATE post_counts"), ["1:10: \"post_counts\" is not a table"]);
    assert_eq!(messages("TRUNCATE nope"), ["1:10: relation \"nope\" does not exist"]);
}

#[test]
fn tablesample_and_xml_expressions() {
    let (cols, params) =
        shape("SELECT id FROM users TABLESAMPLE BERNOULLI ($1) REPEATABLE ($2) WHERE id > 0");
    assert_eq!(
        (cols, params),
        (vec!["id int8".to_string()], vec!["$1 float4".to_string(), "$2 float8".to_string()])
    );
    let (cols, _) = shape("SELECT xmlelement(name user, email) AS x, xmlforest(name, age), '<a/>'::xml IS DOCUMENT AS d FROM users");
    assert_eq!(cols, ["x xml null", "xmlforest xml null", "d bool null"]);
}

#[test]
fn strict_functions_that_return_null_for_some_values_are_nullable() {
    // Checked on PostgreSQL 15: array_dims('{}') and array_ndims('{}') are NULL, so is
    // date_part('month', 'infinity'::timestamp), to_char('infinity'::timestamp, 'YYYY'), and
    // to_char(interval '1h', '').
    let (cols, _) = shape(
        "SELECT array_dims(ARRAY[id]) AS d, array_ndims(ARRAY[id]) AS n, extract(month FROM at) AS m,
                extract(epoch FROM at) AS e, date_part('year', at) AS y, extract(hour FROM interval '1h') AS h,
                to_char(at, 'YYYY') AS c, to_char(interval '1h', 'HH24') AS i, to_char(interval '1h', $1) AS f,
                to_char(id, '') AS num FROM events",
    );
    assert_eq!(
        cols,
        [
            "d text null",
            "n int4 null",
            "m numeric null",
            "e numeric",
            "y float8",
            "h numeric",
            "c text null",
            "i text",
            "f text null",
            "num text"
        ]
    );
}

#[test]
fn untyped_parameters_resolve_as_the_server_resolves_them() {
    // A SELECT's untyped outputs are text (resolveTargetListUnknowns), in FROM subqueries too.
    assert_eq!(shape("SELECT $1 AS echo"), (vec!["echo text null".to_string()], vec!["$1 text".to_string()]));
    assert_eq!(shape("SELECT s.x FROM (SELECT $1 AS x) s").1, ["$1 text"]);
    // unknown = unknown: a conflict of categories is settled by the string one (text = text).
    assert_eq!(shape("SELECT id FROM users ORDER BY CASE WHEN $1 = 'name' THEN name END").1, ["$1 text"]);
    // OFFSET is typed before LIMIT.
    assert_eq!(errors("SELECT id FROM users LIMIT $1 OFFSET $2 * $1")[0], "1:41: operator is not unique: unknown * unknown [Could not choose a best candidate operator. You might need to add explicit type casts.]");
}
