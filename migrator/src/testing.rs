//! The runtime of `#[strata::test]`: a fresh database per test, cloned from a template that the
//! migrations built once per server, fixtures run into it, dropped when the test passed and kept
//! (its name and URL printed) when it failed.
//!
//! The server is `DATABASE_URL` (read after the crate's `.env`), with the CLI's connection rules:
//! the libpq environment fills what the string leaves out, `~/.pgpass`, TLS by `sslmode`.
//!
//! The template is `strata_test_tpl_<hash>`, the hash covering each migration's version and
//! checksum and the strata extension version the server offers; it is built through
//! [`Migrator::run`] like any database, under a session advisory lock so that parallel test
//! threads and processes build it once, and then marked `IS_TEMPLATE` with connections refused,
//! so that cloning it never fails on another session. A template that exists but was not marked
//! (its build was interrupted) is built again.

use std::collections::HashSet;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::connect::{load_dotenv, Target};
use crate::Migrator;

/// The database of one test: connect to it yourself (a pool, a second client) by its URL.
#[derive(Clone)]
pub struct TestDb {
    name: String,
    url: String,
    target: Target,
}

impl TestDb {
    /// The database's name, e.g. `strata_test_app_users_tests_signup_0`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `DATABASE_URL` with this database in it, for pools and other drivers.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A blocking client, made as the CLI makes its connections.
    pub fn connect(&self) -> Result<postgres::Client, String> {
        self.target.connect()
    }

    /// An async client; its connection runs on the current tokio runtime.
    pub async fn connect_async(&self) -> Result<tokio_postgres::Client, String> {
        self.target.connect_async().await
    }
}

/// What a test's expansion hands to [`run`]: where it is, its migrations and fixtures.
#[doc(hidden)]
pub struct TestArgs {
    /// `module_path!()::name`.
    pub test: &'static str,
    /// `None` for `migrations = false`: an empty database.
    pub migrator: Option<Migrator>,
    /// `(name, SQL)`, in the order given.
    pub fixtures: &'static [(&'static str, &'static str)],
}

/// What a test returns: `()`, or a `Result` whose `Err` fails it (and keeps its database).
#[doc(hidden)]
pub trait Outcome {
    fn passed(&self) -> bool;
}

impl Outcome for () {
    fn passed(&self) -> bool {
        true
    }
}

impl<T, E> Outcome for Result<T, E> {
    fn passed(&self) -> bool {
        self.is_ok()
    }
}

/// Runs a sync test in its own database.
#[doc(hidden)]
pub fn run<R: Outcome>(args: TestArgs, test: impl FnOnce(&TestDb) -> R) -> R {
    let db = create(&args).unwrap_or_else(|e| panic!("strata::test {}: {e}", args.test));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        fixtures(&db, &args);
        test(&db)
    }));
    let passed = outcome.as_ref().is_ok_and(Outcome::passed);
    finish(&db, args.test, passed);
    outcome.unwrap_or_else(|panic| resume_unwind(panic))
}

/// Runs an async test in its own database, on a current-thread tokio runtime (as `#[tokio::test]`).
#[doc(hidden)]
pub fn run_async<R: Outcome, F: Future<Output = R>>(args: TestArgs, test: impl FnOnce(TestDb) -> F) -> R {
    run(args, |db| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("strata::test: cannot start a tokio runtime: {e}"));
        runtime.block_on(test(db.clone()))
    })
}

/// The blocking client a `&mut postgres::Client` test gets.
#[doc(hidden)]
pub fn client(db: &TestDb) -> postgres::Client {
    db.connect().unwrap_or_else(|e| panic!("strata::test: {e}"))
}

/// The async client a `tokio_postgres::Client` test gets.
#[doc(hidden)]
pub async fn client_async(db: &TestDb) -> tokio_postgres::Client {
    db.connect_async().await.unwrap_or_else(|e| panic!("strata::test: {e}"))
}

/// The server: `DATABASE_URL` as given, and the target made from it.
struct Server {
    url: String,
    target: Target,
}

fn server() -> Result<&'static Server, String> {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            // cargo runs tests in the package's directory, where the CLI reads .env too.
            load_dotenv(Path::new(".env"));
            let url = std::env::var("DATABASE_URL").map_err(|_| {
                "DATABASE_URL is not set: #[strata::test] creates a database per test on that server \
                 (set it in the environment or in the crate's .env, e.g. \
                 DATABASE_URL=postgres://user@localhost/postgres)"
                    .to_string()
            })?;
            Ok(Server { target: Target::new(&url)?, url })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn create(args: &TestArgs) -> Result<TestDb, String> {
    let server = server()?;
    let mut admin = server.target.connect()?;
    let template = match &args.migrator {
        Some(migrator) => template(server, &mut admin, migrator)?,
        None => "template0".to_string(),
    };
    let base = database_base(args.test);
    for n in 0.. {
        let name = format!("{base}_{n}");
        match admin.batch_execute(&format!("CREATE DATABASE {} TEMPLATE {}", ident(&name), ident(&template)))
        {
            Ok(()) => {
                let url = url_with_dbname(&server.url, &name);
                return Ok(TestDb { target: server.target.with_dbname(&name), name, url });
            }
            // A kept database of an earlier failure, or the same test run by another process.
            Err(e) if e.code() == Some(&postgres::error::SqlState::DUPLICATE_DATABASE) => continue,
            Err(e) => {
                return Err(format!(
                    "cannot create the test database {name}: {}",
                    crate::migrate::describe(&e)
                ))
            }
        }
    }
    unreachable!()
}

/// Builds the template of these migrations unless this process or another did already.
fn template(server: &Server, admin: &mut postgres::Client, migrator: &Migrator) -> Result<String, String> {
    static BUILT: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let db_error = |what: &str| {
        let what = what.to_string();
        move |e: postgres::Error| format!("{what}: {}", crate::migrate::describe(&e))
    };
    let extension: Option<String> = admin
        .query_opt(
            "SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'strata'",
            &[],
        )
        .map_err(db_error("cannot read the strata extension's version"))?
        .and_then(|row| row.get(0));
    let name = template_name(migrator, extension.as_deref());
    // Threads of this process take turns here; processes at the advisory lock below.
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if built.get_or_insert_with(HashSet::new).contains(&name) {
        return Ok(name);
    }
    admin
        .batch_execute("SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtext('strata: test template'))")
        .map_err(db_error("cannot take the template lock"))?;
    let ready: Option<bool> = admin
        .query_opt("SELECT datistemplate FROM pg_catalog.pg_database WHERE datname = $1", &[&name])
        .map_err(db_error("cannot look for the template database"))?
        .map(|row| row.get(0));
    if ready != Some(true) {
        build_template(server, admin, migrator, &name, ready.is_some())?;
    }
    admin
        .batch_execute("SELECT pg_catalog.pg_advisory_unlock(pg_catalog.hashtext('strata: test template'))")
        .map_err(db_error("cannot release the template lock"))?;
    built.as_mut().map(|b| b.insert(name.clone()));
    Ok(name)
}

fn build_template(
    server: &Server,
    admin: &mut postgres::Client,
    migrator: &Migrator,
    name: &str,
    leftover: bool,
) -> Result<(), String> {
    let db_error =
        |e: postgres::Error| format!("cannot create the template {name}: {}", crate::migrate::describe(&e));
    if leftover {
        admin.batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", ident(name))).map_err(db_error)?;
    }
    admin.batch_execute(&format!("CREATE DATABASE {}", ident(name))).map_err(db_error)?;
    let mut client = server.target.with_dbname(name).connect()?;
    migrator.run(&mut client).map_err(|e| format!("the migrations failed in the template {name}: {e}"))?;
    drop(client);
    // Marked only now: a template that is not marked is a build that did not finish.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
            ident(name)
        ))
        .map_err(db_error)
}

/// `strata_test_tpl_` and 16 hex digits of the migrations' versions and checksums.
fn template_name(migrator: &Migrator, extension: Option<&str>) -> String {
    let mut hash = Sha256::new();
    hash.update(b"strata test template 1\0");
    hash.update(extension.unwrap_or("").as_bytes());
    for m in migrator.migrations() {
        hash.update(m.version.to_le_bytes());
        hash.update(m.checksum);
    }
    let hex: String = hash.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("strata_test_tpl_{hex}")
}

fn fixtures(db: &TestDb, args: &TestArgs) {
    if args.fixtures.is_empty() {
        return;
    }
    let mut client = client(db);
    for (name, sql) in args.fixtures {
        client.batch_execute(sql).unwrap_or_else(|e| {
            panic!("strata::test: fixture \"{name}\" failed: {}", crate::migrate::describe(&e))
        });
    }
}

fn finish(db: &TestDb, test: &str, passed: bool) {
    if !passed {
        eprintln!(
            "strata::test {test}: the test failed; its database is kept for inspection: {}\n  \
             psql \"{}\"\n  (drop it with DROP DATABASE {};)",
            db.name, db.url, db.name
        );
        return;
    }
    let dropped = server().and_then(|s| s.target.connect()).and_then(|mut admin| {
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(&db.name)))
            .map_err(|e| crate::migrate::describe(&e))
    });
    if let Err(e) = dropped {
        eprintln!("strata::test {test}: warning: cannot drop the test database {}: {e}", db.name);
    }
}

/// `strata_test_<module path and test name>`, lower case, `_` for anything else, short enough
/// for Postgres's 63-byte names with `_<n>` after it (a hash keeps long names apart).
fn database_base(test: &str) -> String {
    let mut body = String::new();
    for c in test.chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' };
        if !(c == '_' && body.ends_with('_')) {
            body.push(c);
        }
    }
    const MAX: usize = 47;
    if body.len() > MAX {
        let hash: String = Sha256::digest(test.as_bytes())[..4].iter().map(|b| format!("{b:02x}")).collect();
        body = format!("{}_{hash}", &body[..MAX - 9]);
    }
    format!("strata_test_{body}")
}

/// The same connection string naming another database.
fn url_with_dbname(url: &str, dbname: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        let mut kept: Vec<&str> = url.split_whitespace().filter(|p| !p.starts_with("dbname=")).collect();
        let dbname = format!("dbname={dbname}");
        kept.push(&dbname);
        return kept.join(" ");
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, format!("?{query}")),
        None => (rest, String::new()),
    };
    let authority = rest.split_once('/').map_or(rest, |(authority, _)| authority);
    format!("{scheme}://{authority}/{dbname}{query}")
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_postgres_and_keep_long_tests_apart() {
        assert_eq!(database_base("app::users::Sign_Up"), "strata_test_app_users_sign_up");
        let long = "app::".to_string() + &"very_long_module_name::".repeat(4);
        let (a, b) = (database_base(&(long.clone() + "a")), database_base(&(long + "b")));
        assert_ne!(a, b);
        assert!(a.len() + "_999".len() <= 63, "{a}");
    }

    #[test]
    fn urls_name_the_test_database() {
        assert_eq!(
            url_with_dbname("postgres://u:p@h:5432/app?sslmode=disable", "t_0"),
            "postgres://u:p@h:5432/t_0?sslmode=disable"
        );
        assert_eq!(url_with_dbname("postgresql://u@h", "t_0"), "postgresql://u@h/t_0");
        assert_eq!(url_with_dbname("host=/tmp user=u dbname=app", "t_0"), "host=/tmp user=u dbname=t_0");
    }

    #[test]
    fn the_template_name_follows_the_migrations_and_the_extension() {
        let migration = |checksum| crate::Migration {
            version: 1,
            name: "users".into(),
            sql: "".into(),
            checksum,
            transactional: true,
            statements: std::borrow::Cow::Borrowed(&[]),
            allows: std::borrow::Cow::Borrowed(&[]),
            locks: std::borrow::Cow::Borrowed(&[]),
            timeouts: Default::default(),
        };
        let a = Migrator::new(vec![migration([1; 32])]);
        let b = Migrator::new(vec![migration([2; 32])]);
        assert_eq!(template_name(&a, Some("0.1")), template_name(&a, Some("0.1")));
        assert_ne!(template_name(&a, Some("0.1")), template_name(&b, Some("0.1")));
        assert_ne!(template_name(&a, Some("0.1")), template_name(&a, Some("0.2")));
        assert_eq!(template_name(&a, None).len(), "strata_test_tpl_".len() + 16);
    }
}
