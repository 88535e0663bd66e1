//! The lock table checked statement by statement.

use super::*;

fn catalog_and(setup: &str, sql: &str) -> Effect {
    let mut catalog = Catalog::default();
    let stmts = crate::parse_script(setup).unwrap();
    catalog.apply_script(setup, std::path::Path::new("setup.sql"), &stmts).unwrap();
    let stmt = crate::parse_script(sql).unwrap().remove(0);
    effect(&stmt.node, &catalog)
}

const USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), org_id bigint);
    CREATE INDEX users_email ON users (email);";

fn strongest(sql: &str) -> (LockMode, bool, bool) {
    let e = catalog_and(USERS, sql);
    let users = ("public".to_string(), "users".to_string());
    (e.strongest().unwrap().mode, e.rewrites(&users), e.scans.iter().any(|(t, _)| *t == users))
}

#[test]
fn locks_rewrites_and_scans_per_statement() {
    use LockMode::*;
    for (sql, expected) in [
        ("CREATE INDEX i ON users (org_id)", (Share, false, true)),
        ("CREATE INDEX CONCURRENTLY i ON users (org_id)", (ShareUpdateExclusive, false, true)),
        ("DROP INDEX users_email", (AccessExclusive, false, false)),
        ("DROP INDEX CONCURRENTLY users_email", (ShareUpdateExclusive, false, false)),
        ("ALTER TABLE users ADD COLUMN n int", (AccessExclusive, false, false)),
        ("ALTER TABLE users ADD COLUMN n uuid DEFAULT gen_random_uuid()", (AccessExclusive, true, false)),
        ("ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now()", (AccessExclusive, false, false)),
        ("ALTER TABLE users ALTER COLUMN email TYPE varchar(100)", (AccessExclusive, false, false)),
        ("ALTER TABLE users ALTER COLUMN email TYPE varchar(10)", (AccessExclusive, true, false)),
        ("ALTER TABLE users ALTER COLUMN email SET NOT NULL", (AccessExclusive, false, true)),
        ("ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0) NOT VALID", (AccessExclusive, false, false)),
        ("ALTER TABLE users VALIDATE CONSTRAINT c", (ShareUpdateExclusive, false, true)),
        (
            "ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES users (id)",
            (ShareRowExclusive, false, true),
        ),
        ("UPDATE users SET org_id = 1", (RowExclusive, false, true)),
        ("UPDATE users SET org_id = 1 WHERE id = 2", (RowExclusive, false, false)),
        ("VACUUM FULL users", (AccessExclusive, true, false)),
        ("LOCK TABLE users IN SHARE MODE", (Share, false, false)),
        ("ALTER INDEX users_email RENAME TO e", (ShareUpdateExclusive, false, false)),
        ("REINDEX TABLE CONCURRENTLY users", (ShareUpdateExclusive, false, true)),
    ] {
        assert_eq!(strongest(sql), expected, "{sql}");
    }
}

#[test]
fn set_not_null_after_a_validated_check_does_not_scan() {
    let setup = format!("{USERS}\nALTER TABLE users ADD CONSTRAINT e CHECK (email IS NOT NULL) NOT VALID;");
    let e = catalog_and(&setup, "ALTER TABLE users ALTER COLUMN email SET NOT NULL");
    assert_eq!(e.scans.len(), 1, "not validated yet");
    let setup = format!("{setup}\nALTER TABLE users VALIDATE CONSTRAINT e;");
    let e = catalog_and(&setup, "ALTER TABLE users ALTER COLUMN email SET NOT NULL");
    assert!(e.scans.is_empty(), "{e:?}");
}

#[test]
fn foreign_keys_lock_the_referenced_table_too() {
    let e = catalog_and(
        "CREATE TABLE orgs (id bigint PRIMARY KEY); CREATE TABLE users (id bigint, org_id bigint);",
        "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID",
    );
    let orgs = ("public".to_string(), "orgs".to_string());
    assert_eq!(e.lock_on(&orgs), Some(LockMode::ShareRowExclusive));
    assert!(e.scans.is_empty());
}
