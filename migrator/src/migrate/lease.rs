//! The migration lease (`strata.acquire` / `strata.renew` / `strata.release`): a row with a secret
//! token rather than a session lock, so it works through PgBouncer in transaction pooling mode and
//! expires when its runner dies. Every ledger write passes the token.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::conn::Conn;
use super::sql::{literal, opt_literal};
use super::{Connector, MigrateError};

/// The token of the lease this runner holds.
#[derive(Debug, Clone)]
pub(crate) struct Lease {
    pub token: String,
}

impl Lease {
    /// The token as a SQL literal.
    pub fn sql(&self) -> String {
        format!("'{}'::uuid", self.token)
    }
}

/// This machine's name, for `strata.lease.host` (behind PgBouncer the server only sees the pooler).
fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// Polls `strata.acquire()`: a waiting runner never sits in a long statement, so it cannot hold up
/// a CREATE INDEX CONCURRENTLY that the lease holder is running.
pub(crate) async fn acquire(
    conn: &mut impl Conn,
    ttl: Duration,
    timeout: Duration,
) -> Result<Lease, MigrateError> {
    let sql = format!(
        "SELECT strata.acquire('{} seconds'::interval, {}, {}, NULL)",
        ttl.as_secs_f64(),
        std::process::id(),
        opt_literal(hostname().as_deref()),
    );
    let start = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        let rows = conn.rows(&sql).await.map_err(MigrateError::db("taking the strata lease"))?;
        if let Some(token) = rows.first().and_then(|r| r[0].clone()) {
            return Ok(Lease { token });
        }
        if start.elapsed() >= timeout {
            let holder = conn
                .rows(
                    "SELECT format(' (%s, pid %s on %s, application %s, since %s, expires %s)', holder, pid, \
                     host, application, acquired_at, expires_at) FROM strata.lease",
                )
                .await
                .ok()
                .and_then(|rows| rows.first().and_then(|r| r[0].clone()))
                .unwrap_or_default();
            return Err(MigrateError::LockTimeout { waited: start.elapsed(), holder });
        }
        conn.sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

pub(crate) async fn release(conn: &mut impl Conn, lease: &Lease) -> Result<(), MigrateError> {
    conn.batch(&format!("SELECT strata.release({})", lease.sql()))
        .await
        .map_err(MigrateError::db("releasing the strata lease"))
}

/// Renews the lease from a connection of its own every ttl/3, so a long migration keeps it; stops
/// when dropped. If renewal fails (the lease expired or was broken), the runner's next ledger write
/// fails too, which is what stops it.
pub(crate) struct Heartbeat {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    pub fn start(connect: &Connector, lease: &Lease, ttl: Duration) -> Result<Heartbeat, MigrateError> {
        let mut client = (connect.0)().map_err(|reason| MigrateError::Heartbeat { reason })?;
        let renew = format!("SELECT strata.renew({})", lease.sql());
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(ttl / 3) {
                if client.batch_execute(&renew).is_err() {
                    return;
                }
            }
        });
        Ok(Heartbeat { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `strata lock break --why`: frees the lease whoever holds it; false if it was free.
pub(crate) async fn break_lock(conn: &mut impl Conn, why: &str) -> Result<bool, MigrateError> {
    let rows = conn
        .rows(&format!("SELECT strata.break_lock({})", literal(why)))
        .await
        .map_err(MigrateError::db("breaking the strata lease"))?;
    Ok(rows.first().and_then(|r| r[0].as_deref()) == Some("t"))
}
