//! One migration, up or down, as a run reports it: started, rolled back and tried again after a
//! pause while it gives up on a lock (lock timeout, deadlock) and retries are left, then finished
//! or failed. Each retry is logged in strata.log; the last failure names the blocking sessions.

use std::time::{Duration, Instant};

use super::apply::{self, Failure, StatementDone};
use super::conn::Conn;
use super::engine::Applied;
use super::lease::Lease;
use super::progress::{self, Progress};
use super::sql::{bytea, literal, opt_literal};
use super::{revert, MigrateError, Migration, Migrator};

pub(crate) enum Kind {
    /// `resuming`: an unfinished no-transaction run of it continues.
    Up {
        resuming: bool,
    },
    Down,
}

pub(crate) struct Step<'a> {
    pub m: &'a Migration,
    pub kind: Kind,
    /// 1-based position in this run, of `total`.
    pub index: usize,
    pub total: usize,
}

/// What the attempts cost: retries, and the time spent in attempts that gave up and in pauses.
#[derive(Default)]
struct Waits {
    retries: u32,
    waited: Duration,
}

pub(crate) async fn run(
    conn: &mut impl Conn,
    migrator: &Migrator,
    lease: &Lease,
    step: Step<'_>,
) -> Result<Applied, MigrateError> {
    let (version, name) = (step.m.version, step.m.name.as_ref());
    let down = matches!(step.kind, Kind::Down);
    migrator.report_progress(Progress::Starting {
        version,
        name,
        down,
        index: step.index,
        total: step.total,
    });
    let start = Instant::now();
    let mut waits = Waits::default();
    let result = attempts(conn, migrator, lease, &step, &mut waits).await;
    let duration = start.elapsed();
    if let Ok(statements) = &result {
        for s in statements {
            migrator.report_progress(Progress::Statement {
                version,
                name,
                index: s.index,
                line: s.line,
                rows: s.rows,
                duration: s.duration,
            });
        }
    }
    let (retries, waited) = (waits.retries, waits.waited);
    match &result {
        Ok(_) => {
            migrator.report_progress(Progress::Finished { version, name, down, duration, retries, waited })
        }
        Err(e) => {
            let error = e.to_string();
            migrator.report_progress(Progress::Failed {
                version,
                name,
                down,
                duration,
                retries,
                waited,
                error: &error,
            })
        }
    }
    result.map(|_| Applied { version, name: name.to_string(), duration })
}

async fn attempts(
    conn: &mut impl Conn,
    migrator: &Migrator,
    lease: &Lease,
    step: &Step<'_>,
    waits: &mut Waits,
) -> Result<Vec<StatementDone>, MigrateError> {
    let (m, policy) = (step.m, &migrator.policy);
    let (mut resuming, ledger) = match step.kind {
        Kind::Up { resuming } => (resuming, apply::record_call(lease, m)),
        Kind::Down => {
            (false, format!("SELECT strata.revert({}, {}, {})", lease.sql(), m.version, bytea(&m.checksum)))
        }
    };
    loop {
        let attempt = Instant::now();
        let result = match step.kind {
            _ if m.transactional && !resuming => apply::in_transaction(conn, m, policy, &ledger).await,
            // Not journaled and not retried: see revert::statements.
            Kind::Down => return revert::statements(conn, migrator, m, &ledger).await.map(|()| Vec::new()),
            Kind::Up { .. } => apply::statements(conn, lease, m, resuming, policy)
                .await
                .map_err(|error| Failure { error, statement: None }),
        };
        let (error, statement) = match result {
            Ok(done) => return Ok(done),
            Err(Failure { error, statement }) => (error, statement),
        };
        if !error.gave_up_on_lock() {
            if m.transactional && !resuming {
                apply::log_failure(conn, lease, m, &error, statement).await;
            }
            return Err(error);
        }
        waits.waited += attempt.elapsed();
        let blockers = progress::blockers(conn, m).await;
        if waits.retries >= policy.retries {
            let error = error.blocked(waits.retries + 1, blockers);
            apply::log_failure(conn, lease, m, &error, statement).await;
            return Err(error);
        }
        waits.retries += 1;
        let retry = waits.retries;
        let delay = policy.delay(retry);
        let (reason, sqlstate) = error.message_and_sqlstate();
        let mut message = format!("attempt {retry} of {}: {reason}", policy.retries + 1);
        for b in &blockers {
            message.push_str(&format!("; blocked by {b}"));
        }
        message.push_str(&format!("; retrying in {delay:?}"));
        let _ = conn
            .batch(&format!(
                "SELECT strata.retry({}, {}, {}, {}, {retry}, {}, {})",
                lease.sql(),
                m.version,
                literal(&m.name),
                bytea(&m.checksum),
                literal(&message),
                opt_literal(sqlstate.as_deref()),
            ))
            .await;
        migrator.report_progress(Progress::Retrying {
            version: m.version,
            name: &m.name,
            attempt: retry,
            of: policy.retries,
            delay,
            reason: &reason,
            blockers: &blockers,
        });
        conn.sleep(delay).await;
        waits.waited += delay;
        // A no-transaction migration resumes at the statement that gave up.
        resuming = !m.transactional;
    }
}
