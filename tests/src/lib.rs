//! Support for the end-to-end tests: a fresh database per test, cloned from a template that has
//! the real `strata` extension, and the real `strata` binary.
//!
//! `STRATA_TEST_URL` names the server (default: the local socket as the current user).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

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
        drop(t);
        admin.batch_execute("SELECT pg_advisory_unlock(7234001)").unwrap();
    });
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

    pub fn url(&self) -> String {
        server_url(&self.name)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
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
    let out: Output = Command::new(strata_bin())
        .args(args)
        .arg("--dir")
        .arg(&dir.0)
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
