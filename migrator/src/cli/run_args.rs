//! The flags `up` and `down` share: the wait for the migration lease, and the Postgres timeouts
//! and retries of each statement. Two different waits, two different names: `--lease-wait` is
//! for another strata runner, `--lock-timeout` for a table lock held by anyone.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use strata_analyzer::migration::parse_duration;

use super::observe::{LogFormat, Observer};
use crate::connect::Target;
use crate::migrate::Migrator;

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// How long to wait for another strata runner's lease (e.g. 60s, 5min; a bare number is
    /// seconds).
    #[arg(long, default_value = "60s", value_parser = duration)]
    lease_wait: Duration,
    /// How long the lease outlives this runner's last heartbeat (a crashed runner's lease is free
    /// after at most this long).
    #[arg(long, default_value = "60s", value_parser = duration)]
    lease_ttl: Duration,
    /// Postgres lock_timeout of every statement that is not CONCURRENTLY (default: by the lock it
    /// takes: 2s for ACCESS EXCLUSIVE, 5s for locks that block writes, 10s otherwise; none for
    /// CONCURRENTLY). A file's `-- strata:lock-timeout` wins. 0: no timeout.
    #[arg(long, value_parser = duration)]
    lock_timeout: Option<Duration>,
    /// Postgres statement_timeout of every statement (default: the session's). A file's
    /// `-- strata:statement-timeout` wins. 0: no timeout.
    #[arg(long, value_parser = duration)]
    statement_timeout: Option<Duration>,
    /// How often a migration that gave up on a lock is rolled back and tried again.
    #[arg(long, default_value_t = 5)]
    retries: u32,
    /// The pause before the first retry; it doubles with each, up to 30s.
    #[arg(long, default_value = "1s", value_parser = duration)]
    retry_delay: Duration,
    /// `json`: one JSON object per line and event (starting, applied / reverted with duration,
    /// retries and lock wait, retry with the blockers, failed, summary) on stdout.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Write Prometheus text-format metrics of the run here when it ends (also on failure):
    /// applied, failed, durations, lock retries and lock wait seconds.
    #[arg(long)]
    metrics_file: Option<PathBuf>,
}

fn duration(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

impl RunArgs {
    /// The migrator with these settings, a heartbeat connection made as the first, and each step
    /// reported as it happens to the observer.
    pub(crate) fn configure(&self, migrator: Migrator, target: Target) -> (Migrator, Arc<Observer>) {
        let observer = Arc::new(Observer::new(self.log_format, self.metrics_file.clone()));
        let seen = Arc::clone(&observer);
        let mut migrator = migrator
            .lease_wait(self.lease_wait)
            .lease_ttl(self.lease_ttl.max(Duration::from_secs(1)))
            .retries(self.retries)
            .retry_delay(self.retry_delay)
            .heartbeat(move || target.connect())
            .on_progress(move |p| seen.observe(p));
        if let Some(t) = self.lock_timeout {
            migrator = migrator.lock_timeout(t);
        }
        if let Some(t) = self.statement_timeout {
            migrator = migrator.statement_timeout(t);
        }
        (migrator, observer)
    }
}
