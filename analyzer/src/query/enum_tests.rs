//! Enum labels in queries: every place a string literal becomes an enum value is checked
//! against the labels the migrations gave the enum (CREATE TYPE, ADD VALUE, RENAME VALUE).

use super::catalog_tests::catalog_with;
use super::*;

fn enum_catalog() -> Catalog {
    catalog_with(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');
         ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
         ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
         CREATE TABLE diary (id int PRIMARY KEY, m mood NOT NULL, maybe mood, ms mood[]);",
    )
}

/// `line:column: message (SQLSTATE)` of each error.
fn enum_errors(sql: &str) -> Vec<String> {
    describe(&enum_catalog(), sql)
        .expect_err("query should fail")
        .iter()
        .map(|d| format!("{}:{}: {} ({})", d.line, d.column, d.message, d.sqlstate.unwrap_or("-")))
        .collect()
}

#[test]
fn a_bad_label_is_the_servers_22p02_at_the_literal() {
    let bad = |col: usize| format!("1:{col}: invalid input value for enum mood: \"happyy\" (22P02)");
    assert_eq!(enum_errors("SELECT id FROM diary WHERE m = 'happyy'"), [bad(32)]);
    assert_eq!(enum_errors("SELECT 'happyy'::mood AS m"), [bad(8)]);
    assert_eq!(enum_errors("SELECT CAST('happyy' AS mood) AS m"), [bad(13)]);
    assert_eq!(enum_errors("INSERT INTO diary (id, m) VALUES (1, 'happyy')"), [bad(38)]);
    assert_eq!(enum_errors("UPDATE diary SET maybe = 'happyy'"), [bad(26)]);
    assert_eq!(enum_errors("SELECT id FROM diary WHERE m IN ('sad', 'happyy')"), [bad(41)]);
}

#[test]
fn labels_follow_add_and_rename_value() {
    let c = enum_catalog();
    for sql in [
        "SELECT id FROM diary WHERE m = 'happy' OR m = 'fine'",
        "INSERT INTO diary (id, m, maybe) VALUES (1, 'sad', NULL)",
        "SELECT 'fine'::mood AS m",
    ] {
        describe(&c, sql).unwrap_or_else(|e| panic!("{sql}: {e:#?}"));
    }
    assert_eq!(
        enum_errors("SELECT 'ok'::mood AS m"),
        ["1:8: invalid input value for enum mood: \"ok\" (22P02)"]
    );
}

#[test]
fn other_literals_are_not_read_as_enums() {
    let c = enum_catalog();
    // Text compared with text, and an array literal (not checked element by element).
    for sql in ["SELECT id FROM diary WHERE m::text = 'happyy'", "SELECT '{sad,ok}'::mood[] AS ms"] {
        describe(&c, sql).unwrap_or_else(|e| panic!("{sql}: {e:#?}"));
    }
}
