//! Nullability narrowed by WHERE and inner joins' ON, never through OR / NOT or an outer
//! join's ON.

use super::tests::shape;

fn columns(sql: &str) -> Vec<String> {
    shape(sql).0
}

#[test]
fn top_level_conjuncts_narrow_their_columns() {
    assert_eq!(columns("SELECT name FROM users WHERE name IS NOT NULL"), ["name text"]);
    assert_eq!(columns("SELECT name, age FROM users WHERE name = $1 AND age > 5"), ["name text", "age int4"]);
    assert_eq!(columns("SELECT u.name FROM users u WHERE u.name IN ('a', 'b')"), ["name text"]);
    assert_eq!(columns("SELECT name FROM users WHERE name LIKE 'a%'"), ["name text"]);
    assert_eq!(columns("SELECT age FROM users WHERE age BETWEEN 1 AND 9"), ["age int4"]);
    assert_eq!(columns("SELECT age FROM users WHERE age NOT BETWEEN SYMMETRIC 9 AND 1"), ["age int4"]);
    assert_eq!(columns("SELECT age FROM users WHERE age = ANY ($1)"), ["age int4"]);
    // Strict operators and functions all the way down.
    assert_eq!(
        columns("SELECT name, age FROM users WHERE lower(name) = 'x' AND age + 1 > 2"),
        ["name text", "age int4"]
    );
    assert_eq!(columns("SELECT body FROM posts WHERE body::int > 3"), ["body text"]);
}

#[test]
fn or_not_and_non_strict_tests_do_not_narrow() {
    assert_eq!(columns("SELECT name FROM users WHERE name = 'a' OR age = 1"), ["name text null"]);
    assert_eq!(columns("SELECT name FROM users WHERE NOT (name IS NULL)"), ["name text null"]);
    assert_eq!(columns("SELECT name FROM users WHERE name IS DISTINCT FROM 'a'"), ["name text null"]);
    assert_eq!(columns("SELECT name FROM users WHERE coalesce(name, 'x') = 'x'"), ["name text null"]);
    assert_eq!(columns("SELECT name FROM users WHERE name IS NULL"), ["name text null"]);
    assert_eq!(columns("SELECT name FROM users WHERE (name = 'a') IS NOT FALSE"), ["name text null"]);
    // An empty array makes ALL true whatever the value.
    assert_eq!(columns("SELECT age FROM users WHERE age > ALL ($1)"), ["age int4 null"]);
}

#[test]
fn outer_joins_are_narrowed_by_where_not_by_their_on() {
    // WHERE on the optional side: the unmatched rows are gone, so its NOT NULL columns are too.
    assert_eq!(
        columns(
            "SELECT p.title, p.body FROM users u LEFT JOIN posts p ON p.author_id = u.id WHERE p.body <> ''"
        ),
        ["title varchar", "body text"]
    );
    assert_eq!(
        columns(
            "SELECT p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id AND p.title IS NOT NULL"
        ),
        ["title varchar null"]
    );
    // An inner join's ON filters like WHERE.
    assert_eq!(columns("SELECT u.name FROM users u JOIN posts p ON p.body = u.name"), ["name text"]);
    // ... but an outer join above it brings the NULLs back.
    assert_eq!(
        columns(
            "SELECT p.body FROM events e LEFT JOIN (posts p JOIN users u ON u.id = p.author_id AND p.body = u.name) ON true"
        ),
        ["body text null"]
    );
}

#[test]
fn only_the_querys_own_columns_and_delete_returning_narrow() {
    // The outer query's row is not filtered by the subquery's WHERE.
    assert_eq!(
        columns("SELECT u.name, (SELECT count(*) FROM posts p WHERE p.body = u.name) AS n FROM users u"),
        ["name text null", "n int8 null"]
    );
    assert_eq!(columns("DELETE FROM users WHERE name IS NOT NULL RETURNING name"), ["name text"]);
    assert_eq!(
        columns("UPDATE users SET name = NULL WHERE name IS NOT NULL RETURNING name"),
        ["name text null"]
    );
}

#[test]
fn having_narrows_the_outputs_it_rejects_null_for() {
    let (cols, _) = shape(
        "SELECT author_id, max(body) AS last, min(body) AS first, sum(id) AS total FROM posts
         GROUP BY author_id HAVING max(body) IS NOT NULL AND sum(id) > $1",
    );
    assert_eq!(cols, ["author_id int8", "last text", "first text null", "total int8"]);
    let (cols, _) = shape("SELECT body, count(*) FROM posts GROUP BY body HAVING body IS NOT NULL");
    assert_eq!(cols, ["body text", "count int8"]);
    // Not through OR, and not an expression that only contains the rejected one.
    let (cols, _) = shape(
        "SELECT max(body) AS m, max(body) || '!' AS e FROM posts GROUP BY author_id HAVING max(body) > 'a' OR count(*) > 1",
    );
    assert_eq!(cols, ["m text null", "e text null"]);
    let (cols, _) = shape("SELECT max(body) AS m FROM posts GROUP BY author_id HAVING length(max(body)) > 1");
    assert_eq!(cols, ["m text"]);
}

#[test]
fn grouping_sets_leave_aggregates_as_they_are() {
    let (cols, _) = shape("SELECT author_id, count(*), max(body) FROM posts GROUP BY ROLLUP (author_id)");
    assert_eq!(cols, ["author_id int8 null", "count int8", "max text null"]);
}
