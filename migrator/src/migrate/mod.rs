//! Applying migrations through the `strata` extension: take its lease, verify the ledger, ask it
//! for the plan, apply each pending migration in its own transaction together with its history
//! row (or statement by statement, journaled, for `-- strata:no-transaction`).
//!
//! The same engine serves the blocking client, the async client and the CLI. It only uses the
//! simple query protocol, so it works through PgBouncer in transaction pooling mode.

mod apply;
mod check;
mod concurrent;
mod conn;
mod engine;
mod error;
mod lease;
mod locate;
mod resume;
mod sql;

use std::borrow::Cow;
use std::time::Duration;

pub use engine::{Applied, PlanEntry, Report, Status, LEDGER_VERSION};
pub use error::{describe, MigrateError, Tampering};
/// The session clean-up each migration's transaction ends with (for the benchmark).
#[doc(hidden)]
pub use sql::CLEAN_SESSION;

/// One migration, as embedded by `migrate!` or loaded by the CLI.
#[derive(Debug, Clone)]
pub struct Migration {
    pub version: i64,
    pub name: Cow<'static, str>,
    pub sql: Cow<'static, str>,
    /// SHA-256 of the file (line endings normalised), as the ledger records it.
    pub checksum: [u8; 32],
    /// `false` for `-- strata:no-transaction` migrations, whose statements run one by one.
    pub transactional: bool,
    /// The statements, split by the Postgres parser: run one by one when not transactional, and
    /// used to locate a failure.
    pub statements: Cow<'static, [Cow<'static, str>]>,
    /// Its `-- strata:allow RULE reason` comments, recorded in the ledger when it is applied
    /// (`strata.applied.allowed`).
    pub allows: Cow<'static, [Allow]>,
}

/// One `-- strata:allow RULE reason` comment of a migration file: the lint rule it silences for
/// the statement after it, why, and the (1-based) line of the comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub rule: Cow<'static, str>,
    pub reason: Cow<'static, str>,
    pub line: u32,
}

/// An ordered set of migrations and how to apply them.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Cow<'static, [Migration]>,
    lock_timeout: Duration,
    lease_ttl: Option<Duration>,
    heartbeat: Option<Connector>,
    strict: bool,
}

/// Makes the heartbeat's connection (with the TLS and credentials of the first).
#[derive(Clone)]
pub(crate) struct Connector(pub(crate) ConnectFn);
type ConnectFn = std::sync::Arc<dyn Fn() -> Result<postgres::Client, String> + Send + Sync>;

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector")
    }
}

/// The lease lasts this long after each renewal when a heartbeat connection renews it...
const LEASE_TTL_WITH_HEARTBEAT: Duration = Duration::from_secs(60);
/// ...and this long without one, when only the ledger writes between migrations renew it, so a
/// single long migration keeps it.
const LEASE_TTL_WITHOUT_HEARTBEAT: Duration = Duration::from_secs(15 * 60);

impl Migrator {
    /// Used by `migrate!`; the migrations are already in version order.
    pub const fn from_static(migrations: &'static [Migration]) -> Self {
        Migrator {
            migrations: Cow::Borrowed(migrations),
            lock_timeout: Duration::from_secs(60),
            lease_ttl: None,
            heartbeat: None,
            strict: false,
        }
    }

    pub fn new(mut migrations: Vec<Migration>) -> Self {
        migrations.sort_by_key(|m| m.version);
        Migrator {
            migrations: Cow::Owned(migrations),
            lock_timeout: Duration::from_secs(60),
            lease_ttl: None,
            heartbeat: None,
            strict: false,
        }
    }

    /// How long to wait for another runner's lease before giving up (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long the lease outlives this runner's last sign of life: a crashed runner's lease is
    /// free after at most this long. Default 60 s with a [`heartbeat`](Self::heartbeat), else 15
    /// minutes (then the ledger writes between migrations are what renews it).
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = Some(ttl);
        self
    }

    /// Renew the lease every ttl/3 from a second connection made by `connect`, so a long
    /// migration keeps it with a short ttl (the CLI always does, connecting as for the first).
    pub fn heartbeat(
        mut self,
        connect: impl Fn() -> Result<postgres::Client, String> + Send + Sync + 'static,
    ) -> Self {
        self.heartbeat = Some(Connector(std::sync::Arc::new(connect)));
        self
    }

    /// Make [`check`](Self::check) refuse a database that has migrations this build does not know.
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    pub(crate) fn effective_lease_ttl(&self) -> Duration {
        self.lease_ttl.unwrap_or(if self.heartbeat.is_some() {
            LEASE_TTL_WITH_HEARTBEAT
        } else {
            LEASE_TTL_WITHOUT_HEARTBEAT
        })
    }

    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// Applies every pending migration, in order. Refuses to start when an applied migration's
    /// file changed or disappeared, a pending one is older than the latest applied, or the ledger
    /// was changed outside the strata API.
    pub fn run(&self, client: &mut postgres::Client) -> Result<Vec<Applied>, MigrateError> {
        conn::block_on(engine::run(&mut conn::Blocking(client), self))
    }

    pub async fn run_async(&self, client: &tokio_postgres::Client) -> Result<Vec<Applied>, MigrateError> {
        engine::run(&mut conn::Async(client), self).await
    }

    /// What `run` would do: every version in the files or the ledger, with its status.
    pub fn status(&self, client: &mut postgres::Client) -> Result<Vec<PlanEntry>, MigrateError> {
        self.report(client).map(|r| r.plan)
    }

    /// The plan, the ledger verification and the journal of unfinished migrations.
    pub fn report(&self, client: &mut postgres::Client) -> Result<Report, MigrateError> {
        conn::block_on(engine::status(&mut conn::Blocking(client), self))
    }

    /// For an app's start-up: refuses a database that lacks one of these migrations or has one
    /// with a different checksum. A newer database (migrations this build does not know) is
    /// accepted, so the previous release keeps running during a rolling deploy, unless
    /// [`strict`](Self::strict). Needs `strata_reader` (or `strata_migrator`).
    pub fn check(&self, client: &mut postgres::Client) -> Result<(), MigrateError> {
        conn::block_on(check::check(&mut conn::Blocking(client), self))
    }

    pub async fn check_async(&self, client: &tokio_postgres::Client) -> Result<(), MigrateError> {
        check::check(&mut conn::Async(client), self).await
    }

    /// `strata lock break --why`: frees the lease whoever holds it, recorded in strata.log.
    pub fn break_lock(client: &mut postgres::Client, why: &str) -> Result<bool, MigrateError> {
        conn::block_on(engine::break_lock(&mut conn::Blocking(client), why))
    }

    /// `strata resolve`: records whether the statement in doubt of a non-transactional migration
    /// completed (`done`) or must run again; returns the statement's index.
    pub fn resolve(
        &self,
        client: &mut postgres::Client,
        version: i64,
        done: bool,
        why: &str,
    ) -> Result<usize, MigrateError> {
        conn::block_on(engine::resolve(&mut conn::Blocking(client), self, version, done, why))
    }
}
