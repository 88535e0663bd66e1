//! MERGE and row constructors, as Postgres 15 types and rejects them.

use super::tests::{errors, shape};

#[test]
fn merge_types_parameters_from_target_columns_and_source() {
    let (cols, params) = shape(
        "MERGE INTO users t USING posts s ON t.id = s.author_id \
         WHEN MATCHED AND s.title = $1 THEN UPDATE SET name = $2, age = $3 \
         WHEN MATCHED THEN DELETE \
         WHEN NOT MATCHED THEN INSERT (id, email) VALUES ($4, $5)",
    );
    assert!(cols.is_empty());
    assert_eq!(params, ["$1 text", "$2 text", "$3 int4", "$4 int8", "$5 text"]);
    let (_, params) = shape(
        "MERGE INTO users t USING (SELECT $1::int8 AS id) s ON t.id = s.id \
         WHEN NOT MATCHED THEN INSERT VALUES (s.id, $2, DEFAULT) WHEN MATCHED THEN DO NOTHING",
    );
    assert_eq!(params, ["$1 int8", "$2 text"]);
}

#[test]
fn merge_errors_are_the_servers() {
    assert_eq!(
        errors(
            "MERGE INTO users t USING posts s ON t.id = s.author_id WHEN MATCHED THEN UPDATE SET nope = 1"
        ),
        ["1:85: column \"nope\" of relation \"users\" does not exist"]
    );
    assert_eq!(
        errors("MERGE INTO users t USING posts s ON t.id = s.nope WHEN MATCHED THEN DELETE"),
        ["1:44: column \"s.nope\" does not exist"]
    );
    assert_eq!(
        errors("MERGE INTO users t USING posts s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, email) VALUES (t.id, 'x')"),
        ["1:98: invalid reference to FROM-clause entry for table \"t\" \
          [There is an entry for table \"t\", but it cannot be referenced from this part of the query.]"]
    );
    assert_eq!(
        errors("MERGE INTO users t USING posts s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, email) VALUES (1, 'a', 3)"),
        ["1:106: INSERT has more expressions than target columns"]
    );
    assert_eq!(
        errors("MERGE INTO users t USING posts s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING t.id"),
        ["1:74: syntax error at or near \"RETURNING\" [Postgres 15 does not support this form of MERGE]"]
    );
}

#[test]
fn row_constructors_compare_element_by_element() {
    assert_eq!(shape("SELECT id FROM users WHERE (id, name) = ($1, $2)").1, ["$1 int8", "$2 text"]);
    assert_eq!(
        shape("SELECT id FROM users WHERE (id, name) IN ((1, 'x'), ($1, $2))").1,
        ["$1 int8", "$2 text"]
    );
    assert_eq!(
        shape("SELECT id FROM users WHERE (id, age) IN (VALUES ($1, $2), (1, 2))").1,
        ["$1 int4", "$2 int4"]
    );
    assert_eq!(
        shape("SELECT id FROM users WHERE (id, email) IN (SELECT author_id, $1 FROM posts)").1,
        ["$1 text"]
    );
    assert_eq!(
        shape("SELECT row(id, name) AS r, (id, age) < ($1, 5) AS lt FROM users"),
        (vec!["r record".to_string(), "lt bool null".to_string()], vec!["$1 int8".to_string()])
    );
    assert_eq!(
        errors("SELECT (id, name) = (1, 2, 3) FROM users"),
        ["1:19: unequal number of entries in row expressions"]
    );
    assert_eq!(
        errors("SELECT (id, name) = (1, now()) FROM users"),
        ["1:19: operator does not exist: text = timestamp with time zone [No operator matches the given name and argument types. You might need to add explicit type casts.]"]
    );
}

#[test]
fn sublink_comparisons_need_an_operator() {
    let no_operator =
        "[No operator matches the given name and argument types. You might need to add explicit type casts.]";
    assert_eq!(
        errors("SELECT id FROM users WHERE age IN (SELECT $1)"),
        [format!("1:32: operator does not exist: integer = text {no_operator}")]
    );
    assert_eq!(
        errors("SELECT id FROM users WHERE (id, name) IN (VALUES ($1, $2))"),
        [format!("1:39: operator does not exist: bigint = text {no_operator}")]
    );
    assert_eq!(
        shape("SELECT id FROM users WHERE id IN (SELECT author_id FROM posts WHERE title = $1)").1,
        ["$1 text"]
    );
    assert_eq!(shape("SELECT id FROM users WHERE $1 = ANY (SELECT age FROM users)").1, ["$1 int4"]);
}
