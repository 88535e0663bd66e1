//! `#[strata::test]` used for real: a small crate with migrations, fixtures and sync, async and
//! `TestDb` tests is built and tested by cargo against the test server (its own target dir under
//! target/, so the first run compiles its dependencies). A passing test's database is dropped, a
//! failing one's is kept and named, and the template is built once and then reused.

use std::path::{Path, PathBuf};
use std::process::Command;

use strata_e2e::server_url;

const TESTS: &str = r#"
use strata::testing::TestDb;

fn count(client: &mut postgres::Client, table: &str) -> i64 {
    client.query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0)
}

#[strata::test(fixtures("users", "posts"))]
fn sync_client_sees_migrations_and_fixtures_in_order(client: &mut postgres::Client) {
    assert_eq!(count(client, "users"), 2);
    assert_eq!(count(client, "posts"), 1, "posts.sql ran after users.sql (it references them)");
    client.batch_execute("INSERT INTO users (id, email) VALUES (3, 'c@example.com')").unwrap();
}

#[strata::test(fixtures("users"))]
fn each_test_has_its_own_database(client: &mut postgres::Client) {
    // The row the test above inserted is not here, whichever ran first.
    client.batch_execute("INSERT INTO users (id, email) VALUES (3, 'other@example.com')").unwrap();
    assert_eq!(count(client, "users"), 3);
}

#[strata::test(fixtures("users"))]
async fn async_client_by_value(client: tokio_postgres::Client) {
    let row = client.query_one("SELECT email FROM users WHERE id = 1", &[]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), "a@example.com");
}

#[strata::test]
async fn async_client_by_reference(client: &tokio_postgres::Client) {
    let row = client.query_one("SELECT count(*) FROM users", &[]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 0, "no fixtures: only the migrations");
}

#[strata::test]
fn test_db_opens_its_own_connections(db: TestDb) {
    let mut client = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let name: String = client.query_one("SELECT current_database()", &[]).unwrap().get(0);
    assert_eq!(name, db.name());
    assert!(db.name().starts_with("strata_test_attr_check_test_db_opens_its_own_connections_"));
}

#[strata::test]
async fn async_test_db(db: &TestDb) {
    let client = db.connect_async().await.unwrap();
    let row = client.query_one("SELECT to_regclass('users') IS NOT NULL", &[]).await.unwrap();
    assert!(row.get::<_, bool>(0));
}

#[strata::test(migrations = false)]
fn without_migrations_the_database_is_empty(client: &mut postgres::Client) {
    let row = client.query_one("SELECT to_regclass('users') IS NULL", &[]).unwrap();
    assert!(row.get::<_, bool>(0));
}

#[strata::test(migrations = "other_migrations")]
fn another_migrations_directory(client: &mut postgres::Client) {
    assert_eq!(count(client, "tags"), 0);
}

#[strata::test]
fn a_result_can_be_returned(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    client.batch_execute("SELECT 1")
}

#[strata::test(fixtures("users"))]
fn failing_keeps_its_database(client: &mut postgres::Client) {
    client.batch_execute("INSERT INTO users (id, email) VALUES (42, 'kept@example.com')").unwrap();
    panic!("this test fails on purpose");
}
"#;

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn cargo_test(krate: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(["--test", "attr_check", "--"])
        .args(args)
        .env("CARGO_TARGET_DIR", krate.parent().unwrap().join("target"))
        .env("DATABASE_URL", server_url("postgres"))
        .env_remove("STRATA_MIGRATIONS")
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), output)
}

fn admin() -> postgres::Client {
    postgres::Client::connect(&server_url("postgres"), postgres::NoTls).unwrap()
}

fn databases(admin: &mut postgres::Client, like: &str) -> Vec<(String, u32)> {
    let rows = admin
        .query("SELECT datname::text, oid FROM pg_database WHERE datname LIKE $1 ORDER BY 1", &[&like])
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[test]
fn strata_test_gives_each_test_a_database_cloned_from_the_template() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let krate = workspace.join("target/test-attr-check/app");
    let _ = std::fs::remove_dir_all(&krate);
    write(
        krate.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"test-attr-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[dev-dependencies]\nstrata = {{ path = \"{}\", default-features = false, features = [\"testing\"] }}\n\
             postgres = \"0.19\"\ntokio-postgres = \"0.7\"\n",
            workspace.join("migrator").display()
        ),
    );
    std::fs::copy(workspace.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    write(krate.join("src/lib.rs"), "");
    // A version unique to this run, so the template is this run's and its reuse can be seen.
    let nonce =
        format!("{}{}", std::process::id(), std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos() % 1000);
    write(
        krate.join("migrations/1_users.up.sql"),
        &format!("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL); -- {nonce}\n"),
    );
    write(
        krate.join("migrations/2_posts.up.sql"),
        "CREATE TABLE posts (id bigint PRIMARY KEY, author bigint NOT NULL REFERENCES users);\n",
    );
    write(
        krate.join("other_migrations/1_tags.up.sql"),
        &format!("CREATE TABLE tags (name text PRIMARY KEY); -- {nonce}\n"),
    );
    write(
        krate.join("fixtures/users.sql"),
        "INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');\n",
    );
    write(krate.join("fixtures/posts.sql"), "INSERT INTO posts (id, author) VALUES (1, 2);\n");
    write(krate.join("tests/attr_check.rs"), TESTS);

    let mut admin = admin();
    let before = databases(&mut admin, "strata_test_tpl_%");
    let (ok, output) = cargo_test(&krate, &["--skip", "failing_keeps_its_database"]);
    assert!(ok, "the passing tests pass: {output}");
    assert!(output.contains("test result: ok. 9 passed"), "{output}");
    assert_eq!(
        databases(&mut admin, "strata_test_attr_check_%"),
        vec![],
        "passing tests drop their databases"
    );
    let templates = databases(&mut admin, "strata_test_tpl_%");

    let (ok, output) = cargo_test(&krate, &["failing_keeps_its_database"]);
    assert!(!ok, "the failing test fails: {output}");
    assert!(output.contains("this test fails on purpose"), "{output}");
    let kept = databases(&mut admin, "strata_test_attr_check_failing_keeps_its_database_%");
    assert_eq!(kept.len(), 1, "{output}");
    let kept = &kept[0].0;
    assert!(output.contains(&format!("its database is kept for inspection: {kept}")), "{output}");
    let mut inspect = postgres::Client::connect(&server_url(kept), postgres::NoTls).unwrap();
    let email: String = inspect.query_one("SELECT email FROM users WHERE id = 42", &[]).unwrap().get(0);
    assert_eq!(email, "kept@example.com", "the failed test's rows are there to inspect");
    drop(inspect);
    admin.batch_execute(&format!("DROP DATABASE \"{kept}\"")).unwrap();

    // The second run cloned the same templates instead of building them again.
    assert_eq!(databases(&mut admin, "strata_test_tpl_%"), templates);
    let built: Vec<_> = templates.iter().filter(|t| !before.contains(t)).collect();
    assert_eq!(built.len(), 2, "one template per migration set: {templates:?}");
    for (template, _) in built {
        admin.batch_execute(&format!("ALTER DATABASE \"{template}\" IS_TEMPLATE false")).unwrap();
        admin.batch_execute(&format!("DROP DATABASE \"{template}\"")).unwrap();
    }
}
