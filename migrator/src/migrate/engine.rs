use std::time::{Duration, Instant};

use postgres_types::ToSql;

use super::conn::Conn;
use super::{MigrateError, Migration, Migrator};

/// A migration this run applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    pub duration: Duration,
}

/// Where a version stands, as `strata.plan()` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    Pending,
    OutOfOrder,
    ChecksumMismatch,
    MissingFile,
    Failed,
    Running,
}

impl Status {
    fn parse(s: &str) -> Status {
        match s {
            "applied" => Status::Applied,
            "pending" => Status::Pending,
            "out_of_order" => Status::OutOfOrder,
            "checksum_mismatch" => Status::ChecksumMismatch,
            "missing_file" => Status::MissingFile,
            "running" => Status::Running,
            _ => Status::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Pending => "pending",
            Status::OutOfOrder => "out_of_order",
            Status::ChecksumMismatch => "checksum_mismatch",
            Status::MissingFile => "missing_file",
            Status::Failed => "failed",
            Status::Running => "running",
        }
    }

    /// Whether `up` must stop before applying anything.
    pub fn blocks(self) -> bool {
        !matches!(self, Status::Applied | Status::Pending)
    }

    pub fn explain(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Pending => "pending",
            Status::OutOfOrder => {
                "not applied, but a later version is: renumber it after the latest applied migration"
            }
            Status::ChecksumMismatch => {
                "the file changed after it was applied: restore it (e.g. git checkout) and put the \
                 change in a new migration"
            }
            Status::MissingFile => {
                "applied to the database but its file is missing: restore the file, or deploy code \
                 that has it"
            }
            Status::Failed | Status::Running => {
                "a non-transactional run of it did not complete: check the database, fix it by hand, \
                 then delete its row from strata.history"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    pub version: i64,
    pub name: String,
    pub status: Status,
    pub applied_at: Option<String>,
}

async fn extension_installed(conn: &mut impl Conn) -> Result<bool, MigrateError> {
    let rows = conn
        .query("SELECT 1 FROM pg_extension WHERE extname = 'strata'", &[])
        .await
        .map_err(MigrateError::db("checking for the strata extension"))?;
    Ok(!rows.is_empty())
}

async fn ensure_extension(conn: &mut impl Conn) -> Result<(), MigrateError> {
    if extension_installed(conn).await? {
        return Ok(());
    }
    if let Err(e) = conn.batch("CREATE EXTENSION IF NOT EXISTS strata").await {
        // A concurrent runner may have created it in the meantime.
        if !extension_installed(conn).await? {
            let detail = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            return Err(MigrateError::ExtensionMissing { detail });
        }
    }
    Ok(())
}

async fn plan(conn: &mut impl Conn, migrator: &Migrator) -> Result<Vec<PlanEntry>, MigrateError> {
    let migrations = migrator.migrations();
    let versions: Vec<i64> = migrations.iter().map(|m| m.version).collect();
    let names: Vec<&str> = migrations.iter().map(|m| m.name.as_ref()).collect();
    let checksums: Vec<&[u8]> = migrations.iter().map(|m| &m.checksum[..]).collect();
    let params: [&(dyn ToSql + Sync); 3] = [&versions, &names, &checksums];
    let rows = conn
        .query("SELECT version, name, status, applied_at::text FROM strata.plan($1, $2, $3)", &params)
        .await
        .map_err(MigrateError::db("asking strata.plan() for the plan"))?;
    Ok(rows
        .iter()
        .map(|r| PlanEntry {
            version: r.get(0),
            name: r.get(1),
            status: Status::parse(r.get(2)),
            applied_at: r.get(3),
        })
        .collect())
}

pub(crate) async fn status(
    conn: &mut impl Conn,
    migrator: &Migrator,
) -> Result<Vec<PlanEntry>, MigrateError> {
    // Read-only: without the extension nothing was applied, so every file is pending.
    if !extension_installed(conn).await? {
        return Ok(migrator
            .migrations()
            .iter()
            .map(|m| PlanEntry {
                version: m.version,
                name: m.name.to_string(),
                status: Status::Pending,
                applied_at: None,
            })
            .collect());
    }
    plan(conn, migrator).await
}

pub(crate) async fn run(conn: &mut impl Conn, migrator: &Migrator) -> Result<Vec<Applied>, MigrateError> {
    ensure_extension(conn).await?;
    lock(conn, migrator.lock_timeout).await?;
    let result = apply_pending(conn, migrator).await;
    if result.is_err() {
        // Never leave the session inside a transaction; harmless when there is none.
        let _ = conn.batch("ROLLBACK").await;
    }
    // Always release, also on error: a held lock would stall every later run on this session.
    let unlocked = conn.batch("SELECT strata.unlock()").await;
    let applied = result?;
    unlocked.map_err(MigrateError::db("releasing the strata lock"))?;
    Ok(applied)
}

/// Polls `strata.try_lock()`: a waiting runner never sits in a long statement, so it cannot hold
/// up a CREATE INDEX CONCURRENTLY that the lock holder is running.
async fn lock(conn: &mut impl Conn, timeout: Duration) -> Result<(), MigrateError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        let rows = conn
            .query("SELECT strata.try_lock()", &[])
            .await
            .map_err(MigrateError::db("taking the strata lock"))?;
        if rows.first().is_some_and(|r| r.get::<_, bool>(0)) {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            let holder = conn
                .query("SELECT format(' (pid %s, user %s, application %L)', pid, usename, application_name) FROM strata.lock_holder", &[])
                .await
                .ok()
                .and_then(|rows| rows.first().map(|r| r.get::<_, String>(0)))
                .unwrap_or_default();
            return Err(MigrateError::LockTimeout { waited: start.elapsed(), holder });
        }
        conn.sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

async fn apply_pending(conn: &mut impl Conn, migrator: &Migrator) -> Result<Vec<Applied>, MigrateError> {
    let plan = plan(conn, migrator).await?;
    let problems: Vec<PlanEntry> = plan.iter().filter(|e| e.status.blocks()).cloned().collect();
    if !problems.is_empty() {
        return Err(MigrateError::Refused(problems));
    }
    let mut applied = Vec::new();
    for entry in plan.iter().filter(|e| e.status == Status::Pending) {
        let Some(migration) = migrator.migrations().iter().find(|m| m.version == entry.version) else {
            continue;
        };
        let start = Instant::now();
        if migration.transactional {
            apply_in_transaction(conn, migration).await?;
        } else {
            apply_statements(conn, migration).await?;
        }
        applied.push(Applied {
            version: migration.version,
            name: migration.name.to_string(),
            duration: start.elapsed(),
        });
    }
    Ok(applied)
}

const BEGIN: &str = "BEGIN;\n";

/// The migration and its history row in one transaction, sent in one round trip.
async fn apply_in_transaction(conn: &mut impl Conn, m: &Migration) -> Result<(), MigrateError> {
    let script = format!(
        "{BEGIN}{}\n;\nSELECT strata.record({}, {}, {}, true);\nCOMMIT;",
        m.sql,
        m.version,
        literal(&m.name),
        bytea(&m.checksum)
    );
    let started = Instant::now();
    if let Err(e) = conn.batch(&script).await {
        // The failed statement left the transaction aborted; end it before reporting.
        let _ = conn.batch("ROLLBACK").await;
        let failed = failure(m, e, BEGIN.len());
        if failed.has_position() || m.statements.len() < 2 || started.elapsed() > LOCATE_WITHIN {
            return Err(failed);
        }
        return Err(match locate_failing_statement(conn, m).await {
            Some(offset) => failed.at_offset(m, offset),
            None => failed,
        });
    }
    Ok(())
}

/// Re-running a failed migration to find its failing statement is only worth it when it failed
/// fast (a typo, a missing table), never for a long data migration.
const LOCATE_WITHIN: Duration = Duration::from_secs(1);

/// Many errors (most DDL ones) carry no position and a batch does not say which statement failed:
/// run the statements one by one in a transaction that is always rolled back, and return the
/// byte offset of the first that fails.
async fn locate_failing_statement(conn: &mut impl Conn, m: &Migration) -> Option<usize> {
    conn.batch("BEGIN").await.ok()?;
    let mut found = None;
    for (offset, statement) in statement_offsets(m) {
        if conn.batch(statement).await.is_err() {
            found = Some(offset);
            break;
        }
    }
    let _ = conn.batch("ROLLBACK").await;
    found
}

/// Each statement with its byte offset in the migration; statements may repeat, so each is
/// searched after the previous one.
fn statement_offsets(m: &Migration) -> Vec<(usize, &str)> {
    let mut search_from = 0;
    m.statements
        .iter()
        .map(|statement| {
            let offset =
                m.sql[search_from..].find(statement.as_ref()).map_or(search_from, |i| search_from + i);
            search_from = offset + statement.len();
            (offset, statement.as_ref())
        })
        .collect()
}

/// `-- strata:no-transaction`: a committed 'running' row first, then each statement on its own,
/// then the row marked applied or failed. A crash leaves 'running', which stops later runs.
async fn apply_statements(conn: &mut impl Conn, m: &Migration) -> Result<(), MigrateError> {
    let recording = || MigrateError::db(format!("recording migration {} in strata.history", m.version));
    let start_row =
        format!("SELECT strata.start({}, {}, {})", m.version, literal(&m.name), bytea(&m.checksum));
    conn.batch(&start_row).await.map_err(recording())?;
    let start = Instant::now();
    let finish = |ok: bool, elapsed: Duration| {
        format!("SELECT strata.finish({}, {ok}, '{} seconds'::interval)", m.version, elapsed.as_secs_f64())
    };
    for (offset, statement) in statement_offsets(m) {
        if let Err(e) = conn.batch(statement).await {
            let failed = failure(m, e, 0).at_offset(m, offset);
            conn.batch(&finish(false, start.elapsed())).await.map_err(recording())?;
            return Err(failed);
        }
    }
    conn.batch(&finish(true, start.elapsed())).await.map_err(recording())
}

fn failure(m: &Migration, e: tokio_postgres::Error, prefix_chars: usize) -> MigrateError {
    let (message, at) = match e.as_db_error() {
        Some(db) => {
            let at = match db.position() {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => {
                    let offset = char_to_byte(&m.sql, (*p as usize).saturating_sub(1 + prefix_chars));
                    position_text(&m.sql, offset)
                }
                _ => String::new(),
            };
            (format!("{} (SQLSTATE {})", db.message(), db.code().code()), at)
        }
        None => (e.to_string(), String::new()),
    };
    MigrateError::Failed {
        version: m.version,
        name: m.name.to_string(),
        at,
        message,
        transactional: m.transactional,
        source: e,
    }
}

impl MigrateError {
    fn has_position(&self) -> bool {
        matches!(self, MigrateError::Failed { at, .. } if !at.is_empty())
    }

    /// For statements run one by one: positions are relative to the statement.
    fn at_offset(mut self, m: &Migration, statement_offset: usize) -> Self {
        if let MigrateError::Failed { at, source, .. } = &mut self {
            let inner = match source.as_db_error().and_then(|d| d.position()) {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => (*p as usize).saturating_sub(1),
                _ => 0,
            };
            let tail = &m.sql[statement_offset..];
            *at = position_text(&m.sql, statement_offset + char_to_byte(tail, inner));
        }
        self
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

fn position_text(sql: &str, offset: usize) -> String {
    let before = &sql[..offset.min(sql.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(" at line {line}, column {column}")
}

/// A SQL string literal, correct whatever `standard_conforming_strings` says.
fn literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A bytea literal that reads the same whatever `standard_conforming_strings` says.
fn bytea(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("decode('{hex}', 'hex')")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_survive_quotes_and_backslashes() {
        assert_eq!(literal("add_users"), "'add_users'");
        assert_eq!(literal("o'brien"), "'o''brien'");
        assert_eq!(literal("a\\b'"), "E'a\\\\b'''");
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN é int, ADD x;";
        assert_eq!(position_text(sql, 0), " at line 1, column 1");
        assert_eq!(position_text(sql, sql.find("ADD x").unwrap()), " at line 2, column 33");
        assert_eq!(char_to_byte("éa", 1), 2);
    }
}
