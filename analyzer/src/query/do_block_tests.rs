//! Relations a DO block may have touched: typed as nullable, with the block as the reason.

use super::catalog_tests::{catalog_with, shape_in};
use super::describe;

#[test]
fn tables_a_do_block_names_lose_their_not_null() {
    let c = catalog_with(
        "DO $$ BEGIN
           UPDATE users SET email = NULL WHERE false;
           ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
         END $$;",
    );
    let d = describe(&c, "SELECT id, email FROM users").unwrap();
    assert!(d.columns.iter().all(|c| c.nullable), "{:?}", d.columns);
    assert_eq!(
        d.columns[1].why_nullable.as_deref(),
        Some("column \"email\" of \"users\" may have been changed by the DO block at extra.sql:1, which the analyzer cannot follow")
    );
    // Not named in the body: trusted as before.
    assert_eq!(shape_in(&c, "SELECT id, title FROM posts").0, ["id int4", "title varchar"]);
    assert!(c.unsupported.iter().any(|n| n.message.contains("DO block") && n.line == 1));
}

#[test]
fn dynamic_sql_or_a_function_call_may_touch_every_table() {
    let c = catalog_with("DO $$ BEGIN EXECUTE 'ALTER TABLE ' || 'posts ALTER title DROP NOT NULL'; END $$;");
    assert_eq!(shape_in(&c, "SELECT id, title FROM posts").0, ["id int4 null", "title varchar null"]);
    assert_eq!(shape_in(&c, "SELECT created_at FROM users").0, ["created_at timestamptz null"]);
    let c = catalog_with(
        "CREATE FUNCTION fix() RETURNS void LANGUAGE sql AS 'SELECT 1';
         DO $$ BEGIN PERFORM fix(); END $$;",
    );
    assert_eq!(shape_in(&c, "SELECT id FROM events").0, ["id int8 null"]);
}

#[test]
fn later_modelled_statements_vouch_again() {
    let c = catalog_with(
        "DO $$ BEGIN UPDATE users SET name = 'x' WHERE name IS NULL; END $$;
         ALTER TABLE users ALTER COLUMN name SET NOT NULL;
         ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT '';",
    );
    assert_eq!(
        shape_in(&c, "SELECT id, name, nick FROM users").0,
        ["id int8 null", "name text", "nick text"]
    );
    // A filter still narrows a doubted column.
    assert_eq!(shape_in(&c, "SELECT id FROM users WHERE id = $1").0, ["id int8"]);
}

#[test]
fn the_doubt_follows_a_renamed_table() {
    let c = catalog_with(
        "DO $$ BEGIN UPDATE events SET at = now(); END $$;
         CREATE SCHEMA archive;
         ALTER TABLE events RENAME TO old_events;
         ALTER TABLE old_events SET SCHEMA archive;",
    );
    assert_eq!(
        shape_in(&c, "SELECT id, at FROM archive.old_events").0,
        ["id int8 null", "at timestamp null"]
    );
}

#[test]
fn calling_a_migrations_routine_doubts_what_its_body_names() {
    let c = catalog_with(
        "CREATE FUNCTION backfill() RETURNS void LANGUAGE plpgsql AS $$
           BEGIN UPDATE posts SET body = NULL WHERE false; END $$;
         CREATE PROCEDURE anything() LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SELECT 1'; END $$;
         SELECT backfill();",
    );
    assert_eq!(shape_in(&c, "SELECT id FROM posts").0, ["id int4 null"]);
    assert_eq!(shape_in(&c, "SELECT id FROM users").0, ["id int8"]);
    let d = describe(&c, "SELECT title FROM posts").unwrap();
    assert!(d.columns[0].why_nullable.as_deref().unwrap().contains("the call of backfill() at extra.sql:4"));
    let c = catalog_with(
        "CREATE PROCEDURE anything() LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SELECT 1'; END $$;
         CALL anything();",
    );
    assert_eq!(shape_in(&c, "SELECT id FROM users").0, ["id int8 null"]);
}
