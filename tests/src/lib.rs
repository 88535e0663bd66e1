//! Support for the end-to-end tests: a fresh database per test, cloned from a template that has
//! the real `strata` extension, and the real `strata` binary.
//!
//! `STRATA_TEST_URL` names the server (default: the local socket as the current user).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

pub mod bench;
mod bouncer;
pub use bouncer::Bouncer;

/// The template database name; `STRATA_TEST_TEMPLATE` overrides it so that two checkouts can run
/// their end-to-end tests against one server at the same time.
pub fn template_name() -> String {
    std::env::var("STRATA_TEST_TEMPLATE").unwrap_or_else(|_| "strata_e2e_template".to_string())
}

pub fn server_url(dbname: &str) -> String {
    let base =
        std::env::var("STRATA_TEST_URL").unwrap_or_else(|_| "host=/var/run/postgresql user=root".to_string());
    format!("{base} dbname={dbname}")
}

fn admin() -> postgres::Client {
    postgres::Client::connect(&server_url("postgres"), postgres::NoTls).unwrap_or_else(|e| {
        panic!("cannot reach the test Postgres ({e}); run scripts/setup, or set STRATA_TEST_URL")
    })
}

/// Makes the template once per test process: an empty database with `CREATE EXTENSION strata`.
fn template() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let template = template_name();
        let mut admin = admin();
        // Serialise template creation across concurrently running test binaries.
        admin.batch_execute("SELECT pg_advisory_lock(7234001)").unwrap();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {template} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {template}")).unwrap();
        let mut t = postgres::Client::connect(&server_url(&template), postgres::NoTls).unwrap();
        t.batch_execute("CREATE EXTENSION strata")
            .expect("the strata extension is installed (scripts/setup)");
        roles(&mut admin);
        // What a DBA grants a deployer besides strata_migrator: room for its migrations' objects.
        t.batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {DEPLOYER}, {OWNER_ROLE}")).unwrap();
        drop(t);
        admin.batch_execute("SELECT pg_advisory_unlock(7234001)").unwrap();
    });
}

/// A login role with nothing but `GRANT strata_migrator` (and CREATE on schema public).
pub const DEPLOYER: &str = "strata_e2e_deployer";
/// A login role with nothing granted: an app that must not touch the ledger.
pub const APP: &str = "strata_e2e_app";
/// A login role granted strata_reader.
pub const READER: &str = "strata_e2e_reader";
/// A non-superuser, NOLOGIN role a migration may `SET ROLE` to (the deployer is a member).
pub const OWNER_ROLE: &str = "strata_e2e_owner_r";
/// A non-superuser login role that owns databases (for `strata init`).
pub const DB_OWNER: &str = "strata_e2e_db_owner";
/// The password of every test login role (the CI cluster authenticates them with SCRAM over the
/// socket; scripts/setup adds the pg_hba line for the group `strata_e2e_login`).
pub const PASSWORD: &str = "strata_e2e";

/// The test roles, cluster-wide and so created once (under the template lock).
fn roles(admin: &mut postgres::Client) {
    let login = [DEPLOYER, APP, READER, DB_OWNER];
    let mut sql = String::from(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_e2e_login') \
         THEN CREATE ROLE strata_e2e_login NOLOGIN; END IF; END $$;\n",
    );
    for role in login.iter().chain([&OWNER_ROLE]) {
        let kind = if *role == OWNER_ROLE { "NOLOGIN" } else { "LOGIN" };
        sql.push_str(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') \
             THEN CREATE ROLE {role} {kind} PASSWORD '{PASSWORD}'; END IF; END $$;\n"
        ));
    }
    for role in login {
        sql.push_str(&format!("GRANT strata_e2e_login TO {role};\n"));
    }
    sql.push_str(&format!(
        "GRANT strata_migrator TO {DEPLOYER};\nGRANT strata_reader TO {READER};\nGRANT {OWNER_ROLE} TO {DEPLOYER};\n"
    ));
    admin.batch_execute(&sql).unwrap();
}

/// A database of its own for one test, dropped at the end.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        static N: AtomicUsize = AtomicUsize::new(0);
        template();
        let name = format!("strata_e2e_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let mut admin = admin();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {}", template_name())).unwrap();
        TestDb { name }
    }

    /// An empty database (no extension) owned by `owner`.
    pub fn blank(owner: &str) -> TestDb {
        static N: AtomicUsize = AtomicUsize::new(0);
        template();
        let name = format!("strata_e2e_blank_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let mut admin = admin();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name} OWNER {owner} TEMPLATE template0")).unwrap();
        TestDb { name }
    }

    pub fn url(&self) -> String {
        server_url(&self.name)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }

    /// The connection string for one of the test login roles.
    pub fn url_as(&self, role: &str) -> String {
        format!("{} user={role} password={PASSWORD}", self.url())
    }

    pub fn client_as(&self, role: &str) -> postgres::Client {
        postgres::Client::connect(&self.url_as(role), postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot log in as {role} ({e}); scripts/setup adds its pg_hba line"))
    }

    pub async fn async_client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// The `version` column of `strata.history`, in order.
    pub fn history(&self) -> Vec<i64> {
        self.client()
            .query("SELECT version FROM strata.history ORDER BY version", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    pub fn table_exists(&self, name: &str) -> bool {
        self.client().query_one("SELECT to_regclass($1) IS NOT NULL", &[&name]).unwrap().get(0)
    }

    /// A new database restored from a `pg_dump -Fc` of this one: every object, strata's own too,
    /// with other OIDs. Restoring is DDL outside a migration: done the documented way, with
    /// `strata.guard` off.
    pub fn restored_copy(&self) -> TestDb {
        let copy = TestDb::blank("root");
        let file = std::env::temp_dir().join(format!("{}.dump", self.name));
        let dump = Command::new("pg_dump")
            .args(["-Fc", "-f"])
            .arg(&file)
            .args(["-d", &self.url()])
            .output()
            .unwrap();
        assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
        let restore = Command::new("pg_restore")
            .args(["-d", &copy.url()])
            .arg(&file)
            .env("PGOPTIONS", "-c strata.guard=off")
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&file);
        assert!(restore.status.success(), "pg_restore: {}", String::from_utf8_lossy(&restore.stderr));
        copy
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&server_url("postgres"), postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A temporary migrations directory.
pub struct MigrationsDir(pub PathBuf);

impl MigrationsDir {
    pub fn new(files: &[(&str, &str)]) -> MigrationsDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "strata-e2e-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let d = MigrationsDir(dir);
        for (name, sql) in files {
            d.write(name, sql);
        }
        d
    }

    pub fn write(&self, name: &str, sql: &str) {
        std::fs::write(self.0.join(name), sql).unwrap();
    }
}

impl Drop for MigrationsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `strata` binary of this workspace: `target/<profile>/strata`, which `scripts/test` builds
/// first (a test cannot run cargo while cargo holds the build lock).
pub fn strata_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> → target/<profile>/strata
    let bin = exe.parent().and_then(Path::parent).unwrap().join("strata");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p strata` first (scripts/test does)",
        bin.display()
    );
    bin
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `strata <args> --dir <dir>` against `db`.
pub fn strata(db: &TestDb, dir: &MigrationsDir, args: &[&str]) -> Run {
    strata_url(&db.url(), dir, args)
}

/// Runs `strata <args> --dir <dir>` with `DATABASE_URL=url`.
pub fn strata_url(url: &str, dir: &MigrationsDir, args: &[&str]) -> Run {
    let out: Output = Command::new(strata_bin())
        .args(args)
        .arg("--dir")
        .arg(&dir.0)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A database of its own with the test migrations (`tests/migrations`) applied as plain SQL and
/// no extension, for tests about queries rather than the ledger; dropped at the end.
pub struct PlainDb {
    pub name: String,
}

impl PlainDb {
    /// `strata_<test>_<pid>`: `test` names the test, unique within the test binaries.
    pub fn new(test: &str) -> PlainDb {
        let name = format!("strata_{test}_{}", std::process::id());
        let mut admin = admin();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let db = PlainDb { name };
        let mut client = db.client();
        let set =
            strata_analyzer::MigrationSet::load(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap();
        for m in &set.migrations {
            client.batch_execute(&m.up.text).unwrap();
        }
        db
    }

    pub fn url(&self) -> String {
        server_url(&self.name)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }
}

impl Drop for PlainDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&server_url("postgres"), postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
