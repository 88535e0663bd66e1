use super::*;

struct Dir(PathBuf);

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("strata-migrations-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Dir(dir)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn errors(files: &[(&str, &str)]) -> Vec<String> {
    let dir = Dir::new(files);
    let errs = MigrationSet::load(&dir.0).unwrap_err();
    errs.iter()
        .map(|d| {
            let file = d.file.as_ref().unwrap().file_name().unwrap().to_string_lossy().into_owned();
            format!("{file}:{}:{}: {}", d.line, d.column, d.message)
        })
        .collect()
}

#[test]
fn loads_in_numeric_order_with_checksums() {
    let dir = Dir::new(&[
        ("10_c.up.sql", "CREATE TABLE c (id int);"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
        ("2_b.down.sql", "DROP TABLE b;"),
        ("1_a.up.sql", "-- strata:no-transaction\nCREATE TABLE a (id int);"),
        ("README.md", "not a migration"),
    ]);
    let set = MigrationSet::load(&dir.0).unwrap();
    let versions: Vec<i64> = set.migrations.iter().map(|m| m.version).collect();
    assert_eq!(versions, [1, 2, 10]);
    assert!(set.migrations[0].directives.no_transaction);
    assert!(set.migrations[1].down.is_some());
    assert_eq!(set.migrations[2].name, "c");
    assert_eq!(
        set.migrations[2].checksum_hex(),
        "864e46311d4eb58cf163ae4b091f38ad373c591fda23f3dd286d68b9fa9d3a09"
    );
}

#[test]
fn checksum_is_sha256_and_ignores_line_endings_and_bom() {
    // `printf 'select 1;\n' | sha256sum`
    assert_eq!(
        hex(&checksum("select 1;\n")),
        "4a45092ccf992ea92250053a80b931b787924ba61648f420555511b84f10ab6c"
    );
    assert_eq!(checksum("a;\r\nb;\r\n"), checksum("a;\nb;\n"));
    assert_eq!(checksum("\u{feff}a;"), checksum("a;"));
    assert_ne!(checksum("select 1;"), checksum("select 2;"));
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let errs = errors(&[("1_a.up.sql", "CREATE TABLE a (id int);\nSELECT id FORM a;\n")]);
    assert_eq!(errs, ["1_a.up.sql:2:16: syntax error at or near \"a\""]);
}

#[test]
fn collects_every_bad_file() {
    let mut errs = errors(&[
        ("1_a.up.sql", "select 1;"),
        ("1_b.up.sql", "select 1;"),
        ("2_x.down.sql", "select 1;"),
        ("create_users.up.sql", "select 1;"),
        ("3_c.up.sql", "select (;"),
    ]);
    errs.sort();
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(errs[0].starts_with("1_b.up.sql:1:1: version 1 is used twice: by 1_a.up.sql"), "{errs:#?}");
    assert!(errs[1].starts_with("2_x.down.sql:1:1: down migration for version 2 has no up"), "{errs:#?}");
    assert!(errs[2].starts_with("3_c.up.sql:1:9: syntax error"), "{errs:#?}");
    assert!(
        errs[3].starts_with("create_users.up.sql:1:1: \"create_users.up.sql\" does not start"),
        "{errs:#?}"
    );
}

#[test]
fn missing_directory_is_an_error_not_a_panic() {
    let errs = MigrationSet::load("/nonexistent/strata").unwrap_err();
    assert!(errs[0].message.contains("cannot read the migrations directory"));
}

#[test]
fn invalid_utf8_is_located() {
    let dir = Dir::new(&[]);
    std::fs::write(dir.0.join("1_a.up.sql"), b"select 1;\nselect '\xff';").unwrap();
    let errs = MigrationSet::load(&dir.0).unwrap_err();
    assert_eq!((errs[0].line, errs[0].column), (2, 9));
}

#[test]
fn transaction_control_in_a_transactional_migration_is_refused() {
    let errs = errors(&[("1_a.up.sql", "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;")]);
    assert_eq!(
        errs,
        ["1_a.up.sql:1:1: \"BEGIN\" inside a migration would end the transaction strata runs it in"]
    );
    let errs = errors(&[("1_a.up.sql", "-- strata:no-transaction\nVACUUM;\nCOMMIT;")]);
    assert_eq!(
        errs,
        ["1_a.up.sql:3:1: \"COMMIT\" would leave statements of a no-transaction migration uncommitted or aborted"]
    );
    let dir = Dir::new(&[("1_a.up.sql", "-- strata:no-transaction\nVACUUM;")]);
    assert!(MigrationSet::load(&dir.0).is_ok());
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let dir = Dir::new(&[("1_a.up.sql", "\u{feff}-- strata:no-transaction\nCREATE TABLE a (id int);")]);
    let set = MigrationSet::load(&dir.0).unwrap();
    assert!(set.migrations[0].directives.no_transaction);
    assert_eq!(set.migrations[0].checksum, checksum("-- strata:no-transaction\nCREATE TABLE a (id int);"));
}

#[test]
fn a_broken_down_file_is_a_warning_that_keeps_the_ups() {
    let dir = Dir::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id int);"),
        ("1_a.down.sql", "DROP TABLE a"),
        ("2_b.up.sql", "CREATE TABLE b (id int);"),
        ("2_b.down.sql", "DROP TABEL b;"),
    ]);
    let set = MigrationSet::load(&dir.0).unwrap();
    assert_eq!(set.migrations.len(), 2);
    assert!(set.migrations[1].down.is_none());
    let error = set.migrations[1].down_error.as_ref().expect("the down error is kept for validate/down");
    assert!(error.is_error());
    assert_eq!(set.warnings.len(), 1);
    let w = &set.warnings[0];
    assert!(!w.is_error());
    assert!(w.file.as_ref().unwrap().ends_with("2_b.down.sql"));
    assert_eq!((w.line, w.column), (1, 6));
    assert!(w.message.contains("syntax error"), "{}", w.message);
}

#[test]
fn diesel_directories_with_metadata() {
    let dir = Dir::new(&[("20240101000000_plain.up.sql", "CREATE TABLE p (id int);")]);
    for (sub, files) in [
        (
            "2024-01-02-000000_create_users",
            &[("up.sql", "CREATE TABLE users (id int);"), ("down.sql", "DROP TABLE users;")][..],
        ),
        (
            "2024-01-03-000000_index_users",
            &[
                ("up.sql", "CREATE INDEX CONCURRENTLY users_id ON users (id);"),
                ("metadata.toml", "run_in_transaction = false # diesel\n"),
            ][..],
        ),
        ("src", &[("main.rs", "fn main() {}")][..]),
    ] {
        std::fs::create_dir_all(dir.0.join(sub)).unwrap();
        for (name, text) in files {
            std::fs::write(dir.0.join(sub).join(name), text).unwrap();
        }
    }
    let set = MigrationSet::load(&dir.0).unwrap();
    let found: Vec<(i64, &str, bool, bool)> = set
        .migrations
        .iter()
        .map(|m| (m.version, m.name.as_str(), m.down.is_some(), m.directives.no_transaction))
        .collect();
    assert_eq!(
        found,
        [
            (20240101000000, "plain", false, false),
            (20240102000000, "create_users", true, false),
            (20240103000000, "index_users", false, true),
        ]
    );
}

#[test]
fn statements_that_cannot_run_in_a_transaction_need_the_directive() {
    let cases = [
        (
            "CREATE TABLE t (a int);\n  CREATE INDEX CONCURRENTLY i ON t (a);",
            "2:3",
            "CREATE INDEX CONCURRENTLY",
        ),
        ("VACUUM ANALYZE t;", "1:1", "VACUUM"),
        ("REINDEX (CONCURRENTLY) INDEX i;", "1:1", "REINDEX CONCURRENTLY"),
        ("REINDEX INDEX CONCURRENTLY i;", "1:1", "REINDEX CONCURRENTLY"),
        ("DROP INDEX CONCURRENTLY i;", "1:1", "DROP INDEX CONCURRENTLY"),
    ];
    for (sql, at, what) in cases {
        let dir = Dir::new(&[("1_a.up.sql", sql)]);
        let errs = MigrationSet::load(&dir.0).unwrap_err();
        assert_eq!(errs.len(), 1, "{sql}");
        let e = &errs[0];
        assert_eq!(format!("{}:{}", e.line, e.column), at, "{sql}");
        assert_eq!(e.message, format!("{what} cannot run inside a transaction block"), "{sql}");
        assert!(e.hint.as_deref().unwrap().contains("-- strata:no-transaction"), "{sql}");
        let directive = Dir::new(&[("1_a.up.sql", &format!("-- strata:no-transaction\n{sql}"))]);
        assert!(MigrationSet::load(&directive.0).is_ok(), "{sql} with the directive");
    }
    // ANALYZE alone and a plain CREATE INDEX run fine in a transaction.
    let fine = Dir::new(&[("1_a.up.sql", "ANALYZE t;\nCREATE INDEX i ON t (a);\nREINDEX INDEX i;")]);
    assert!(MigrationSet::load(&fine.0).is_ok());
}

#[test]
fn a_new_enum_value_used_in_the_same_migration_needs_the_directive() {
    let errs = errors(&[(
        "1_a.up.sql",
        "ALTER TYPE mood ADD VALUE 'meh';\nUPDATE people SET mood = 'meh' WHERE mood IS NULL;",
    )]);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("1_a.up.sql:1:1: the enum value 'meh' added here is used later"), "{errs:?}");
    let unused = Dir::new(&[("1_a.up.sql", "ALTER TYPE mood ADD VALUE 'meh';")]);
    assert!(MigrationSet::load(&unused.0).is_ok(), "adding a value alone is fine in a transaction");
}
