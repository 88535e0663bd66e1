//! UNION / CASE / COALESCE / ARRAY / VALUES type errors and recursive CTEs, as the server
//! reports them (checked against Postgres 15).

use super::tests::{errors, shape};

#[test]
fn set_operations_case_and_coalesce_reject_types_that_cannot_be_matched() {
    assert_eq!(
        errors("SELECT 1 UNION SELECT 'a'::text"),
        ["1:23: UNION types integer and text cannot be matched"]
    );
    assert_eq!(
        errors("SELECT 1, 2 UNION SELECT 3, 'a'::text"),
        ["1:29: UNION types integer and text cannot be matched"]
    );
    assert_eq!(
        errors("SELECT 1 INTERSECT SELECT 'a'::text"),
        ["1:27: INTERSECT types integer and text cannot be matched"]
    );
    assert_eq!(
        errors("SELECT 1 EXCEPT SELECT now()"),
        ["1:24: EXCEPT types integer and timestamp with time zone cannot be matched"]
    );
    assert_eq!(
        errors("SELECT CASE WHEN random() > 0.5 THEN 1 ELSE 'x'::text END"),
        ["1:38: CASE types text and integer cannot be matched"]
    );
    assert_eq!(
        errors("SELECT COALESCE(1, 2, 'x'::text, 3)"),
        ["1:23: COALESCE types integer and text cannot be matched"]
    );
    assert_eq!(
        errors("SELECT ARRAY[1, 'x'::text]"),
        ["1:17: ARRAY types integer and text cannot be matched"]
    );
    assert_eq!(errors("VALUES (1), ('x'::text)"), ["1:14: VALUES types integer and text cannot be matched"]);
}

#[test]
fn common_types_follow_the_preferred_type_rules() {
    assert_eq!(shape("SELECT 1 UNION SELECT 2.5").0, ["?column? numeric"]);
    assert_eq!(shape("SELECT 1::int8 UNION SELECT 2.5::float4").0, ["int8 float4"]);
    assert_eq!(shape("SELECT coalesce(age, 1.5) AS a FROM users").0, ["a numeric"]);
    assert_eq!(shape("SELECT CASE WHEN true THEN 1 ELSE NULL END AS c").0, ["c int4 null"]);
}

#[test]
fn recursive_cte_types_come_from_the_first_arm() {
    assert_eq!(
        errors("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n::bigint + 1 FROM t WHERE n < 3) SELECT n FROM t"),
        ["1:32: recursive query \"t\" column 1 has type integer in non-recursive term but type bigint overall \
          [Cast the output of the non-recursive term to the correct type.]"]
    );
    assert_eq!(
        errors("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'a'::text FROM t) SELECT n FROM t"),
        ["1:51: UNION types integer and text cannot be matched"]
    );
    assert_eq!(
        shape("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n::int2 FROM t) SELECT n FROM t").0,
        ["n int4"]
    );
    // Untyped NULL / $n in the first arm are text.
    assert_eq!(
        shape("WITH RECURSIVE t(n) AS (SELECT NULL UNION ALL SELECT n FROM t) SELECT n FROM t").0,
        ["n text null"]
    );
    assert_eq!(
        shape("WITH RECURSIVE t(n) AS (SELECT $1 UNION ALL SELECT n FROM t) SELECT n FROM t"),
        (vec!["n text null".to_string()], vec!["$1 text".to_string()])
    );
    // Not recursive: a plain UNION's common type.
    assert_eq!(
        shape("WITH RECURSIVE x AS (SELECT 1 AS a UNION SELECT 2.5) SELECT a FROM x").0,
        ["a numeric"]
    );
}

#[test]
fn recursive_cte_nullability_is_a_fixpoint_over_both_arms() {
    // `b` is NULL only from the second round on: the first arm and one pass say NOT NULL.
    let sql = "WITH RECURSIVE t(a, b, c) AS (SELECT 1, 2, 3 UNION ALL SELECT a + 1, c, NULL::int FROM t WHERE a < 5) \
               SELECT a, b, c FROM t";
    assert_eq!(shape(sql).0, ["a int4", "b int4 null", "c int4 null"]);
}

#[test]
fn string_literals_take_the_type_of_the_other_values() {
    let (cols, _) = shape("SELECT coalesce(data, '{}') AS d, coalesce(at, '-infinity') AS t, greatest(at, '2020-01-01') AS g FROM events");
    assert_eq!(cols, ["d jsonb", "t timestamp", "g timestamp"]);
    let (cols, _) = shape(
        "SELECT CASE WHEN id > 1 THEN data ELSE '[]' END AS c, ARRAY[at, '2020-01-01'] AS a FROM events",
    );
    assert_eq!(cols, ["c jsonb", "a timestamp[]"]);
    let (cols, _) = shape("SELECT coalesce('a', 'b') AS t, CASE WHEN true THEN 'x' END AS c");
    assert_eq!(cols, ["t text", "c text null"]);
    assert_eq!(
        errors("SELECT coalesce(id, 'x') FROM events"),
        ["1:21: invalid input syntax for type bigint: \"x\""]
    );
}

#[test]
fn coalesce_case_and_array_are_typed_from_their_arguments_not_their_context() {
    // transformCoalesceExpr runs before LIMIT's coercion to bigint: $1 meets an int4.
    let (_, params) = shape("SELECT id FROM events LIMIT coalesce($1, 50)");
    assert_eq!(params, ["$1 int4"]);
    let (_, params) = shape("UPDATE users SET id = CASE WHEN $1 THEN $2 ELSE 0 END");
    assert_eq!(params, ["$1 bool", "$2 int4"]);
    let (_, params) = shape("SELECT CASE WHEN true THEN $1 ELSE $2 END AS x");
    assert_eq!(params, ["$1 text", "$2 text"]);
    // A cast hands its array type down into ARRAY[...] (transformTypeCast).
    let (_, params) = shape("SELECT id FROM events WHERE id = ANY (ARRAY[$1, $2]::int8[])");
    assert_eq!(params, ["$1 int8", "$2 int8"]);
}

#[test]
fn an_array_next_to_an_unknown_literal_takes_it_as_an_array() {
    // func_select_candidate's last rule assumes the known type for the unknown side, and the
    // polymorphic arguments must still agree: array || array, not array || element.
    let (cols, _) = shape("SELECT tags || '{x}' AS a, tags || 'x'::text AS b FROM posts");
    assert_eq!(cols, ["a text[] null", "b text[] null"]);
    assert_eq!(errors("SELECT tags || 'x' FROM posts"), ["1:16: malformed array literal: \"x\""]);
}
