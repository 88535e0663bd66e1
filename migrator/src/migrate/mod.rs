//! Applying migrations through the `strata` extension: take its lock, ask it for the plan,
//! apply each pending migration in its own transaction together with its history row.
//!
//! The same engine serves the blocking client, the async client and the CLI.

mod conn;
mod engine;
mod error;

use std::borrow::Cow;
use std::time::Duration;

pub use engine::{Applied, PlanEntry, Status};
pub use error::MigrateError;

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
}

/// An ordered set of migrations and how to apply them.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Cow<'static, [Migration]>,
    lock_timeout: Duration,
}

impl Migrator {
    /// Used by `migrate!`; the migrations are already in version order.
    pub const fn from_static(migrations: &'static [Migration]) -> Self {
        Migrator { migrations: Cow::Borrowed(migrations), lock_timeout: Duration::from_secs(60) }
    }

    pub fn new(mut migrations: Vec<Migration>) -> Self {
        migrations.sort_by_key(|m| m.version);
        Migrator { migrations: Cow::Owned(migrations), lock_timeout: Duration::from_secs(60) }
    }

    /// How long to wait for another runner's lock before giving up (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// Applies every pending migration, in order. Refuses to start when an applied migration's
    /// file changed or disappeared, or a pending one is older than the latest applied.
    pub fn run(&self, client: &mut postgres::Client) -> Result<Vec<Applied>, MigrateError> {
        conn::block_on(engine::run(&mut conn::Blocking(client), self))
    }

    pub async fn run_async(&self, client: &tokio_postgres::Client) -> Result<Vec<Applied>, MigrateError> {
        engine::run(&mut conn::Async(client), self).await
    }

    /// What `run` would do: every version in the files or the ledger, with its status.
    pub fn status(&self, client: &mut postgres::Client) -> Result<Vec<PlanEntry>, MigrateError> {
        conn::block_on(engine::status(&mut conn::Blocking(client), self))
    }
}
