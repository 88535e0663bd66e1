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
    /// About to apply (or, for `down`, revert) this migration.
    Starting { version: i64, name: &'a str, down: bool },
    /// Done, after `duration` (all attempts).
    Finished { version: i64, name: &'a str, down: bool, duration: Duration },
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
