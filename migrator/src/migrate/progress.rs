//! What a run reports as it goes (each migration as it is applied or reverted, each retry), and
//! the sessions that blocked a migration's lock.

use std::fmt;
use std::time::Duration;

use super::conn::Conn;
use super::sql::{array, literal};
use super::timeouts::LockMode;
use super::Migration;

/// One step of a run, passed to [`Migrator::on_progress`](super::Migrator::on_progress).
#[derive(Debug)]
pub enum Progress<'a> {
    /// About to apply (or, for `down`, revert) this migration, the `index`-th (1-based) of `total`
    /// this run will.
    Starting { version: i64, name: &'a str, down: bool, index: usize, total: usize },
    /// Done, after `duration` (all attempts); `waited`: in attempts that gave up on a lock and in
    /// the pauses between them.
    Finished { version: i64, name: &'a str, down: bool, duration: Duration, retries: u32, waited: Duration },
    /// A statement of it completed (reported after the migration committed): its 1-based index
    /// and line, the rows it affected or returned, and its own duration where it ran on its own
    /// (no-transaction migrations; a transactional migration is one round trip).
    Statement {
        version: i64,
        name: &'a str,
        index: usize,
        line: usize,
        rows: Option<u64>,
        duration: Option<Duration>,
    },
    /// It failed (the run stops here), with the error as the run returns it.
    Failed {
        version: i64,
        name: &'a str,
        down: bool,
        duration: Duration,
        retries: u32,
        waited: Duration,
        error: &'a str,
    },
    /// An attempt gave up on a lock and was rolled back; the next one starts after `delay`.
    Retrying {
        version: i64,
        name: &'a str,
        attempt: u32,
        of: u32,
        delay: Duration,
        reason: &'a str,
        blockers: &'a [Blocker],
    },
}

/// Each step as a `tracing` event (target `strata::migrate`), for apps that run migrations with
/// their own subscriber.
pub(crate) fn trace(p: &Progress<'_>) {
    match *p {
        Progress::Starting { version, name, down, index, total } => {
            tracing::debug!(target: "strata::migrate", version, name, down, index, total, "starting");
        }
        Progress::Finished { version, name, down, duration, retries, waited } => tracing::info!(
            target: "strata::migrate",
            version, name, down, duration_ms = duration.as_millis() as u64, retries,
            lock_wait_ms = waited.as_millis() as u64,
            "{}", if down { "reverted" } else { "applied" }
        ),
        Progress::Statement { version, name, index, line, rows, duration } => tracing::debug!(
            target: "strata::migrate",
            version, name, index, line, rows, duration_ms = duration.map(|d| d.as_millis() as u64),
            "statement"
        ),
        Progress::Failed { version, name, down, retries, error, .. } => {
            tracing::error!(target: "strata::migrate", version, name, down, retries, error, "failed");
        }
        Progress::Retrying { version, name, attempt, of, delay, reason, blockers } => tracing::warn!(
            target: "strata::migrate",
            version, name, attempt, of, delay_ms = delay.as_millis() as u64, reason,
            blockers = %blockers.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            "retrying after a lock timeout"
        ),
    }
}

/// A session that held a lock the migration needed, as `pg_locks` and `pg_stat_activity` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub pid: i32,
    pub user: String,
    pub application: String,
    /// `active`, `idle in transaction`, …
    pub state: String,
    /// Its current (or last) query, shortened.
    pub query: String,
    /// Seconds since its transaction began.
    pub transaction_seconds: Option<f64>,
    /// The table and the lock it holds there.
    pub table: String,
    pub mode: String,
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {} (user {}", self.pid, self.user)?;
        if !self.application.is_empty() {
            write!(f, ", application {}", self.application)?;
        }
        if !self.state.is_empty() {
            write!(f, ", {}", self.state)?;
        }
        if let Some(s) = self.transaction_seconds {
            write!(f, ", transaction open {s:.0} s")?;
        }
        write!(f, ") holds {} on {}: {}", self.mode, self.table, self.query)
    }
}

/// The sessions holding a lock on a table the migration locks, in a mode that conflicts with the
/// one it asks for. Read right after the timed-out attempt was rolled back, while the blockers
/// still hold their locks (a session that ends in between is not named).
pub(crate) async fn blockers(conn: &mut impl Conn, m: &Migration) -> Vec<Blocker> {
    let mut wanted: Vec<(&str, LockMode)> = Vec::new();
    for lock in m.locks.iter() {
        let Some(mode) = lock.mode else { continue };
        for table in lock.tables.iter() {
            match wanted.iter_mut().find(|(t, _)| *t == table.as_ref()) {
                Some((_, m)) => *m = (*m).max(mode),
                None => wanted.push((table, mode)),
            }
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let sql = format!(
        "SELECT * FROM strata.blockers({})",
        array(
            wanted.iter().map(|(t, _)| format!("pg_catalog.to_regclass({})", literal(t))),
            "pg_catalog.regclass"
        )
    );
    let Ok(rows) = conn.rows(&sql).await else { return Vec::new() };
    let text = |r: &[Option<String>], i: usize| r.get(i).cloned().flatten().unwrap_or_default();
    rows.iter()
        .filter(|r| {
            let asked =
                text(r, 8).parse::<usize>().ok().and_then(|n| wanted.get(n.checked_sub(1)?)).map(|(_, m)| *m);
            match (asked, LockMode::from_pg_locks_name(&text(r, 7))) {
                (Some(asked), Some(held)) => asked.conflicts_with(held),
                _ => true,
            }
        })
        .map(|r| Blocker {
            pid: text(r, 0).parse().unwrap_or_default(),
            user: text(r, 1),
            application: text(r, 2),
            state: text(r, 3),
            query: text(r, 4).split_whitespace().collect::<Vec<_>>().join(" "),
            transaction_seconds: text(r, 5).parse().ok(),
            table: text(r, 6),
            mode: text(r, 7),
        })
        .collect()
}
