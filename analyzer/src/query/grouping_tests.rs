//! 42803 for ungrouped columns, each case checked against Postgres 15.

use super::tests::catalog;

fn ungrouped(sql: &str) -> Vec<String> {
    match crate::describe(&catalog(), sql) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .iter()
            .filter(|e| e.message.contains("GROUP BY clause"))
            .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
            .collect(),
    }
}

fn message(at: &str, column: &str) -> Vec<String> {
    vec![format!(
        "{at}: column \"{column}\" must appear in the GROUP BY clause or be used in an aggregate function"
    )]
}

#[test]
fn ungrouped_columns_are_rejected_where_postgres_rejects_them() {
    assert_eq!(ungrouped("SELECT id, count(*) FROM users GROUP BY name"), message("1:8", "users.id"));
    assert_eq!(ungrouped("SELECT name, count(*) FROM users"), message("1:8", "users.name"));
    assert_eq!(ungrouped("SELECT count(*) FROM users HAVING name = 'x'"), message("1:35", "users.name"));
    assert_eq!(ungrouped("SELECT lower(email) FROM users GROUP BY name"), message("1:14", "users.email"));
    assert_eq!(
        ungrouped("SELECT CASE WHEN age > 1 THEN name END FROM users GROUP BY name"),
        message("1:18", "users.age")
    );
    assert_eq!(
        ungrouped("SELECT u.email, count(p.id) FROM users u JOIN posts p ON p.author_id = u.id GROUP BY p.author_id"),
        message("1:8", "u.email")
    );
}

#[test]
fn grouped_columns_and_functional_dependencies_pass() {
    for ok in [
        "SELECT name, count(*) FROM users GROUP BY id",
        "SELECT u.email, count(p.id) FROM users u JOIN posts p ON p.author_id = u.id GROUP BY u.id",
        "SELECT age + 1, count(*) FROM users GROUP BY age",
        "SELECT count(*) FROM users",
        "SELECT name, (SELECT count(*) FROM posts) FROM users",
        "SELECT name, count(*) OVER () FROM users",
        "SELECT lower(name), count(*) FROM users GROUP BY lower(name)",
        "SELECT name FROM users GROUP BY 1",
        "SELECT u.name, (SELECT max(title) FROM posts WHERE author_id = u.id) FROM users u GROUP BY u.id",
        "SELECT coalesce(name, email), count(*) FROM users GROUP BY name, email",
        "SELECT name, sum(count(*)) OVER () FROM users GROUP BY name",
    ] {
        assert_eq!(ungrouped(ok), Vec::<String>::new(), "{ok}");
    }
}

#[test]
fn grouping_is_a_not_null_integer_mask() {
    let (cols, _) = super::tests::shape(
        "SELECT author_id, title, GROUPING(author_id, title) AS level, count(*) FROM posts GROUP BY ROLLUP (author_id, title)",
    );
    assert_eq!(cols, ["author_id int8 null", "title varchar null", "level int4", "count int8"]);
}
