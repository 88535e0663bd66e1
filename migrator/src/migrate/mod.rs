//! Applying migrations through the `strata` extension: take its lease, verify the ledger, ask it
//! for the plan, apply each pending migration in its own transaction together with its history
//! row (or statement by statement, journaled, for `-- strata:no-transaction`).
//!
//! The same engine serves the blocking client, the async client and the CLI. It only uses the
//! simple query protocol, so it works through PgBouncer in transaction pooling mode.

mod apply;
mod attempts;
mod check;
mod concurrent;
mod conn;
mod engine;
mod error;
mod lease;
mod locate;
mod progress;
mod resume;
mod revert;
mod sql;
mod timeouts;

use std::borrow::Cow;
use std::time::Duration;

pub use engine::{Applied, PlanEntry, Report, Status, LEDGER_VERSION};
pub use error::{describe, MigrateError, Tampering};
pub use progress::{Blocker, Progress};
pub use revert::DownTo;
/// The session clean-up each migration's transaction ends with (for the benchmark).
#[doc(hidden)]
pub use sql::CLEAN_SESSION;
pub use timeouts::{
    LockMode, StatementLock, Timeouts, ACCESS_EXCLUSIVE_LOCK_TIMEOUT, BLOCKS_WRITES_LOCK_TIMEOUT,
    OTHER_LOCK_TIMEOUT,
};

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
    /// What each statement locks (same order as `statements`), from the lint's lock table: it
    /// chooses the statement's `lock_timeout` and names who blocked it. Empty when unknown.
    pub locks: Cow<'static, [StatementLock]>,
    /// The file's `-- strata:lock-timeout` / `-- strata:statement-timeout`.
    pub timeouts: Timeouts,
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
    lease_wait: Duration,
    lease_ttl: Option<Duration>,
    heartbeat: Option<Connector>,
    strict: bool,
    policy: timeouts::Policy,
    observer: Option<Observer>,
}

/// Receives each [`Progress`] of a run.
#[derive(Clone)]
pub(crate) struct Observer(std::sync::Arc<dyn Fn(&Progress<'_>) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
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
            lease_wait: Duration::from_secs(60),
            lease_ttl: None,
            heartbeat: None,
            strict: false,
            policy: timeouts::DEFAULT_POLICY,
            observer: None,
        }
    }

    pub fn new(mut migrations: Vec<Migration>) -> Self {
        migrations.sort_by_key(|m| m.version);
        Migrator {
            migrations: Cow::Owned(migrations),
            lease_wait: Duration::from_secs(60),
            lease_ttl: None,
            heartbeat: None,
            strict: false,
            policy: timeouts::DEFAULT_POLICY,
            observer: None,
        }
    }

    /// How long to wait for another runner's lease before giving up (default 60 s).
    pub fn lease_wait(mut self, wait: Duration) -> Self {
        self.lease_wait = wait;
        self
    }

    /// The Postgres `lock_timeout` of every statement that is not CONCURRENTLY, instead of the
    /// default chosen by the lock it takes ([`ACCESS_EXCLUSIVE_LOCK_TIMEOUT`],
    /// [`BLOCKS_WRITES_LOCK_TIMEOUT`], [`OTHER_LOCK_TIMEOUT`]). A migration's own
    /// `-- strata:lock-timeout` wins over it. Zero: no timeout.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.policy.lock = Some(timeout);
        self
    }

    /// The Postgres `statement_timeout` of every statement (default: the session's). A
    /// migration's own `-- strata:statement-timeout` wins over it. Zero: no timeout.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.policy.statement = Some(timeout);
        self
    }

    /// How often a migration that gave up on a lock (lock timeout, deadlock) is rolled back and
    /// tried again (default 5), each retry logged in strata.log; then it fails naming the blockers.
    pub fn retries(mut self, retries: u32) -> Self {
        self.policy.retries = retries;
        self
    }

    /// The pause before the first retry (default 1 s); it doubles with each retry, up to 30 s.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.policy.retry_delay = delay;
        self
    }

    /// Called with each step of a run as it happens: a migration starting and finishing, a retry.
    pub fn on_progress(mut self, observer: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer(std::sync::Arc::new(observer)));
        self
    }

    /// The `lock_timeout` and `statement_timeout` (`None`: the session's) that statement `index`
    /// (0-based) of migration `version` runs with, and how often a lock timeout is retried.
    pub fn statement_timeouts(
        &self,
        version: i64,
        index: usize,
    ) -> (Option<Duration>, Option<Duration>, u32) {
        let Some(m) = self.migrations.iter().find(|m| m.version == version) else {
            return (None, None, self.policy.retries);
        };
        let settings = self.policy.for_statement(m, index);
        (settings.lock, settings.statement, self.policy.retries)
    }

    pub(crate) fn report_progress(&self, progress: Progress<'_>) {
        progress::trace(&progress);
        if let Some(observer) = &self.observer {
            (observer.0)(&progress);
        }
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
        conn::block_on(engine::run(&mut conn::Blocking(client), self, engine::Work::Up))
    }

    pub async fn run_async(&self, client: &tokio_postgres::Client) -> Result<Vec<Applied>, MigrateError> {
        engine::run(&mut conn::Async(client), self, engine::Work::Up).await
    }

    /// Reverts the newest applied migrations with their down files (`downs`: one [`Migration`]
    /// per down file, with the version of its up), newest first, each in its own transaction with
    /// its ledger event; returns what it reverted. Refuses before reverting anything when files
    /// and history disagree or a migration to revert has no down file.
    pub fn down(
        &self,
        client: &mut postgres::Client,
        downs: &[Migration],
        to: DownTo,
    ) -> Result<Vec<Applied>, MigrateError> {
        conn::block_on(engine::run(&mut conn::Blocking(client), self, engine::Work::Down { downs, to }))
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
