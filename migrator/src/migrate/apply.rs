//! Applying one migration: in a transaction with its ledger row, or (`-- strata:no-transaction`)
//! statement by statement, journaled so that a failed or killed run resumes where it stopped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::conn::Conn;
use super::lease::Lease;
use super::locate::{failure, position_text, statement_offsets};
use super::resume::{decide, Decision};
use super::sql::{allowed, bytea, literal, opt_literal, CLEAN_SESSION};
use super::timeouts::{session_set, set_local, sets_timeouts, Policy, Timed};
use super::{MigrateError, Migration};

const BEGIN: &str = "BEGIN;\n";

/// The migration (each statement with its timeouts), the session clean-up and its ledger row (with
/// the file's `-- strata:allow` comments) in one transaction, sent in one round trip (one message
/// per migration, where `psql -f` sends one per statement). `ledger` is the call that records it:
/// `strata.record` for an up, `strata.revert` for a down.
pub(crate) async fn in_transaction(
    conn: &mut impl Conn,
    m: &Migration,
    policy: &Policy,
    ledger: &str,
) -> Result<Vec<StatementDone>, Failure> {
    let offsets = statement_offsets(m);
    let timed = Timed::new(m, policy, &offsets);
    let script = format!("{BEGIN}{}\n;\n{CLEAN_SESSION}{ledger};\nCOMMIT;", timed.text);
    let started = Instant::now();
    let e = match conn.counts(&script).await {
        // One batch: rows per statement, but no time of its own.
        Ok(counts) => {
            let rows = timed.statement_rows(&counts, 1);
            return Ok(offsets
                .iter()
                .enumerate()
                .map(|(i, (offset, _))| StatementDone {
                    index: i + 1,
                    line: line_of(&m.sql, *offset),
                    rows: rows.as_ref().and_then(|r| r.get(i).copied()),
                    duration: None,
                })
                .collect());
        }
        Err(e) => e,
    };
    // The failed statement left the transaction aborted: end it, on the same server connection
    // (a failed transaction keeps it, also behind PgBouncer), and clean what outlives a rollback.
    let _ = conn.batch(&format!("ROLLBACK;\n{CLEAN_SESSION}")).await;
    let begin = BEGIN.chars().count();
    let mut failed = failure(m, e, |p| timed.file_char(p.saturating_sub(begin)));
    // The caller retries it, or reports who blocked it.
    if failed.gave_up_on_lock() {
        return Err(Failure { error: failed, statement: None });
    }
    let mut statement = None;
    if !failed.has_position() && m.statements.len() > 1 && started.elapsed() <= LOCATE_WITHIN {
        if let Some((index, offset)) = locate_failing_statement(conn, m, policy).await {
            failed = failed.at_offset(m, offset);
            statement = Some(index + 1);
        }
    }
    Err(Failure { error: failed, statement })
}

/// A statement that completed: its 1-based index and line, the rows it affected or returned, and
/// its duration where it ran on its own (no-transaction migrations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatementDone {
    pub index: usize,
    pub line: usize,
    pub rows: Option<u64>,
    pub duration: Option<Duration>,
}

fn line_of(sql: &str, offset: usize) -> usize {
    sql[..offset.min(sql.len())].matches('\n').count() + 1
}

/// A migration that failed in its transaction, and its failing statement (1-based) when known.
pub(crate) struct Failure {
    pub error: MigrateError,
    pub statement: Option<usize>,
}

/// `strata.record(...)`: an up's ledger row, the last statement of its transaction.
pub(crate) fn record_call(lease: &Lease, m: &Migration) -> String {
    let record = if m.allows.is_empty() { String::new() } else { format!(", NULL, {}", allowed(&m.allows)) };
    format!(
        "SELECT strata.record({}, {}, {}, {}{record})",
        lease.sql(),
        m.version,
        literal(&m.name),
        bytea(&m.checksum)
    )
}

/// Re-running a failed migration to find its failing statement is only worth it when it failed
/// fast (a typo, a missing table), never for a long data migration.
const LOCATE_WITHIN: Duration = Duration::from_secs(1);

/// Many errors (most DDL ones) carry no position and a batch does not say which statement failed:
/// run the statements one by one in a transaction that is always rolled back, and return the
/// index and byte offset of the first that fails.
async fn locate_failing_statement(
    conn: &mut impl Conn,
    m: &Migration,
    policy: &Policy,
) -> Option<(usize, usize)> {
    conn.batch("BEGIN").await.ok()?;
    let mut found = None;
    let mut own_timeouts = false;
    for (index, (offset, statement)) in statement_offsets(m).into_iter().enumerate() {
        // The same timeouts as the real run: locating must not wait on a lock for ever either.
        let set = if own_timeouts { String::new() } else { set_local(policy.for_statement(m, index)) };
        own_timeouts |= sets_timeouts(statement);
        if conn.batch(&format!("{set}{statement}")).await.is_err() {
            found = Some((index, offset));
            break;
        }
    }
    let _ = conn.batch(&format!("ROLLBACK;\n{CLEAN_SESSION}")).await;
    found
}

/// A failure event in strata.log, written after the rollback so that it stays. Best effort: the
/// error being reported matters more than its log entry.
pub(crate) async fn log_failure(
    conn: &mut impl Conn,
    lease: &Lease,
    m: &Migration,
    failed: &MigrateError,
    statement: Option<usize>,
) {
    let (message, sqlstate) = failed.message_and_sqlstate();
    let _ = conn
        .batch(&format!(
            "SELECT strata.fail({}, {}, {}, {}, {}, {}, {})",
            lease.sql(),
            m.version,
            literal(&m.name),
            bytea(&m.checksum),
            literal(&message),
            opt_literal(sqlstate.as_deref()),
            statement.map_or_else(|| "NULL".to_string(), |s| s.to_string()),
        ))
        .await;
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// `-- strata:no-transaction`: `strata.start` (a committed running row, or resuming one), then each
/// statement between `strata.step` calls (running before, done after), then `strata.finish`.
/// Statements a previous run completed are skipped; an interrupted one is cleaned up and retried
/// where the catalog says how ([`decide`]), and otherwise reported as in doubt for `strata resolve`.
pub(crate) async fn statements(
    conn: &mut impl Conn,
    lease: &Lease,
    m: &Migration,
    resuming: bool,
    policy: &Policy,
) -> Result<Vec<StatementDone>, MigrateError> {
    let ledger =
        |what: &str| MigrateError::db(format!("{what} migration {} in the strata ledger", m.version));
    let start_row = format!(
        "SELECT strata.start({}, {}, {}, {})",
        lease.sql(),
        m.version,
        literal(&m.name),
        bytea(&m.checksum)
    );
    conn.batch(&start_row).await.map_err(ledger("starting"))?;
    let journal = if resuming { progress(conn, m.version).await? } else { HashMap::new() };
    let start = Instant::now();
    let mut own_timeouts = false;
    let mut done = Vec::new();
    for (index, (offset, statement)) in statement_offsets(m).into_iter().enumerate() {
        let n = index + 1;
        let checksum = sha256(statement);
        let step = |state: &str| {
            format!(
                "SELECT strata.step({}, {}, {n}, {}, '{state}')",
                lease.sql(),
                m.version,
                bytea(&checksum)
            )
        };
        if let Some(previous) = journal.get(&n) {
            match decide(conn, lease, statement, previous).await? {
                Decision::Done => {
                    if previous != "done" {
                        conn.batch(&step("done")).await.map_err(ledger("journaling"))?;
                    }
                    continue;
                }
                Decision::Run => {}
                Decision::InDoubt => {
                    return Err(MigrateError::InDoubt {
                        version: m.version,
                        name: m.name.to_string(),
                        statement: n,
                        at: position_text(&m.sql, offset),
                        statement_text: statement.trim().to_string(),
                    });
                }
            }
        }
        // Sent on its own, before: the statement's text must be the journaled one (the sentinel
        // recognises it by its checksum).
        let set = if own_timeouts { String::new() } else { session_set(policy, m, index) };
        own_timeouts |= sets_timeouts(statement);
        let step_and_set = format!("{};\n{set}", step("running"));
        conn.batch(&step_and_set).await.map_err(ledger("journaling"))?;
        let began = Instant::now();
        let result = conn.counts(statement).await;
        if let Ok(counts) = &result {
            done.push(StatementDone {
                index: n,
                line: line_of(&m.sql, offset),
                rows: counts.last().copied(),
                duration: Some(began.elapsed()),
            });
        }
        if let Err(e) = result {
            let failed = failure(m, e, |p| p).at_offset(m, offset);
            let (message, sqlstate) = failed.message_and_sqlstate();
            let finish = format!(
                "SELECT strata.step({tok}, {v}, {n}, {cs}, 'failed');\n\
                 SELECT strata.finish({tok}, {v}, false, '{secs} seconds'::interval, {msg}, {state}, {n})",
                tok = lease.sql(),
                v = m.version,
                cs = bytea(&checksum),
                secs = start.elapsed().as_secs_f64(),
                msg = literal(&message),
                state = opt_literal(sqlstate.as_deref()),
            );
            let _ = conn.batch(CLEAN_SESSION).await;
            conn.batch(&finish).await.map_err(ledger("recording the failure of"))?;
            return Err(failed);
        }
        conn.batch(&step("done")).await.map_err(ledger("journaling"))?;
    }
    let finish = format!(
        "{CLEAN_SESSION}SELECT strata.finish({}, {}, true, '{} seconds'::interval, NULL, NULL, NULL, {})",
        lease.sql(),
        m.version,
        start.elapsed().as_secs_f64(),
        allowed(&m.allows)
    );
    conn.batch(&finish).await.map_err(ledger("recording"))?;
    Ok(done)
}

/// The journal of an unfinished run: statement index → state.
pub(crate) async fn progress(
    conn: &mut impl Conn,
    version: i64,
) -> Result<HashMap<usize, String>, MigrateError> {
    let rows = conn
        .rows(&format!("SELECT statement, state FROM strata.progress({version})"))
        .await
        .map_err(MigrateError::db(format!("reading the journal of migration {version}")))?;
    Ok(rows.into_iter().filter_map(|r| Some((r[0].as_deref()?.parse().ok()?, r[1].clone()?))).collect())
}
