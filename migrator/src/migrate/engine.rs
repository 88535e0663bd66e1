use std::time::Duration;

use super::apply;
use super::attempts::{self, Kind, Step};
use super::conn::Conn;
use super::error::Tampering;
use super::lease::{self, Heartbeat, Lease};
use super::revert::{self, DownTo};
use super::sql::{array, literal};
use super::{MigrateError, Migration, Migrator};

/// The version of the strata ledger objects this engine talks to.
pub const LEDGER_VERSION: &str = "0.2.0";

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

    /// Whether `up` must stop before applying anything. An unfinished non-transactional migration
    /// does not: `up` resumes it.
    pub fn blocks(self) -> bool {
        !matches!(self, Status::Applied | Status::Pending | Status::Failed | Status::Running)
    }

    /// Whether `status` reports it as a problem (and exits 1).
    pub fn is_problem(self) -> bool {
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
                "a non-transactional run of it did not complete: strata up resumes it at the first \
                 statement not journaled as done (see strata.steps)"
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

/// Which strata objects the database has: none, an older version, or the one this engine needs.
async fn ledger_version(conn: &mut impl Conn) -> Result<Option<String>, MigrateError> {
    let context = "checking for the strata extension";
    // Two steps: a query naming strata.ledger_version() fails to parse where it does not exist.
    let rows = conn
        .rows(
            "SELECT pg_catalog.to_regprocedure('strata.ledger_version()') IS NOT NULL, \
             (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'strata')",
        )
        .await
        .map_err(MigrateError::db(context))?;
    let Some(row) = rows.into_iter().next() else { return Ok(None) };
    if row[0].as_deref() != Some("t") {
        return Ok(row[1].clone());
    }
    let rows = conn.rows("SELECT strata.ledger_version()").await.map_err(MigrateError::db(context))?;
    Ok(rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()))
}

fn require_current(found: String) -> Result<(), MigrateError> {
    if found == LEDGER_VERSION {
        Ok(())
    } else {
        Err(MigrateError::ExtensionOutdated { found, needed: LEDGER_VERSION })
    }
}

async fn ensure_extension(conn: &mut impl Conn) -> Result<(), MigrateError> {
    if let Some(found) = ledger_version(conn).await? {
        return require_current(found);
    }
    // Concurrent runners take turns (a transaction-level lock, gone at COMMIT), so the second
    // sees the first's extension instead of colliding with it.
    let create =
        "BEGIN;\nSELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('strata: CREATE EXTENSION'));\n\
                  CREATE EXTENSION IF NOT EXISTS strata;\nCOMMIT;";
    if let Err(e) = conn.batch(create).await {
        let _ = conn.batch("ROLLBACK").await;
        return Err(MigrateError::ExtensionMissing { detail: super::error::describe(&e) });
    }
    match ledger_version(conn).await? {
        Some(found) => require_current(found),
        None => Err(MigrateError::ExtensionMissing { detail: "CREATE EXTENSION did not create it".into() }),
    }
}

/// `strata.verify()`: anything in the ledger that did not come through the API.
pub(crate) async fn verify(conn: &mut impl Conn) -> Result<Vec<Tampering>, MigrateError> {
    let rows = conn
        .rows("SELECT version, problem, changed_at, changed_by, detail FROM strata.verify()")
        .await
        .map_err(MigrateError::db("checking the strata ledger (strata.verify())"))?;
    Ok(rows
        .into_iter()
        .map(|r| Tampering {
            version: r[0].as_deref().and_then(|v| v.parse().ok()),
            problem: r[1].clone().unwrap_or_default(),
            changed_at: r[2].clone(),
            changed_by: r[3].clone(),
            detail: r[4].clone(),
        })
        .collect())
}

pub(crate) async fn plan(conn: &mut impl Conn, migrator: &Migrator) -> Result<Vec<PlanEntry>, MigrateError> {
    let migrations = migrator.migrations();
    let sql = format!(
        "SELECT version, name, status, applied_at FROM strata.plan({}, {}, {})",
        array(migrations.iter().map(|m| m.version.to_string()), "bigint"),
        array(migrations.iter().map(|m| literal(&m.name)), "text"),
        array(migrations.iter().map(|m| super::sql::bytea(&m.checksum)), "bytea"),
    );
    let rows = conn.rows(&sql).await.map_err(MigrateError::db("asking strata.plan() for the plan"))?;
    Ok(rows
        .into_iter()
        .map(|r| PlanEntry {
            version: r[0].as_deref().and_then(|v| v.parse().ok()).unwrap_or_default(),
            name: r[1].clone().unwrap_or_default(),
            status: Status::parse(r[2].as_deref().unwrap_or("")),
            applied_at: r[3].clone(),
        })
        .collect())
}

/// What `status` shows: the plan, and whatever the ledger verification found.
pub struct Report {
    pub plan: Vec<PlanEntry>,
    pub tampering: Vec<Tampering>,
    /// Unfinished non-transactional migrations: version → (statement, journal state) not done.
    pub unfinished: Vec<(i64, usize, String)>,
}

pub(crate) async fn status(conn: &mut impl Conn, migrator: &Migrator) -> Result<Report, MigrateError> {
    // Read-only: without the extension nothing was applied, so every file is pending.
    let Some(found) = ledger_version(conn).await? else {
        let plan = migrator
            .migrations()
            .iter()
            .map(|m| PlanEntry {
                version: m.version,
                name: m.name.to_string(),
                status: Status::Pending,
                applied_at: None,
            })
            .collect();
        return Ok(Report { plan, tampering: Vec::new(), unfinished: Vec::new() });
    };
    require_current(found)?;
    let tampering = verify(conn).await?;
    let plan = plan(conn, migrator).await?;
    let mut unfinished = Vec::new();
    for entry in plan.iter().filter(|e| matches!(e.status, Status::Running | Status::Failed)) {
        let mut steps: Vec<(usize, String)> =
            apply::progress(conn, entry.version).await?.into_iter().filter(|(_, s)| s != "done").collect();
        steps.sort();
        unfinished.extend(steps.into_iter().map(|(n, s)| (entry.version, n, s)));
    }
    Ok(Report { plan, tampering, unfinished })
}

/// What a run under the lease does.
pub(crate) enum Work<'d> {
    Up,
    Down { downs: &'d [Migration], to: DownTo },
}

pub(crate) async fn run(
    conn: &mut impl Conn,
    migrator: &Migrator,
    work: Work<'_>,
) -> Result<Vec<Applied>, MigrateError> {
    ensure_extension(conn).await?;
    let tampering = verify(conn).await?;
    if !tampering.is_empty() {
        return Err(MigrateError::Tampered(tampering));
    }
    let ttl = migrator.effective_lease_ttl();
    let lease = lease::acquire(conn, ttl, migrator.lease_wait).await?;
    let heartbeat = match &migrator.heartbeat {
        Some(connect) => match Heartbeat::start(connect, &lease, ttl) {
            Ok(h) => Some(h),
            Err(e) => {
                let _ = lease::release(conn, &lease).await;
                return Err(e);
            }
        },
        None => None,
    };
    let result = match work {
        Work::Up => apply_pending(conn, migrator, &lease).await,
        Work::Down { downs, to } => revert::revert(conn, migrator, &lease, downs, to).await,
    };
    drop(heartbeat);
    if result.is_err() {
        // Never leave the session inside a transaction; harmless when there is none.
        let _ = conn.batch("ROLLBACK").await;
    }
    // Always release, also on error, so the next run need not wait for the lease to expire.
    let released = lease::release(conn, &lease).await;
    let applied = result?;
    released?;
    Ok(applied)
}

async fn apply_pending(
    conn: &mut impl Conn,
    migrator: &Migrator,
    lease: &Lease,
) -> Result<Vec<Applied>, MigrateError> {
    let plan = plan(conn, migrator).await?;
    // An unfinished non-transactional migration is resumed, which needs its file.
    let has_file = |e: &PlanEntry| migrator.migrations().iter().any(|m| m.version == e.version);
    let problems: Vec<PlanEntry> = plan
        .iter()
        .filter(|e| {
            e.status.blocks() || (matches!(e.status, Status::Running | Status::Failed) && !has_file(e))
        })
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Err(MigrateError::Refused(problems));
    }
    let to_apply = |e: &&PlanEntry| matches!(e.status, Status::Pending | Status::Running | Status::Failed);
    let total = plan.iter().filter(to_apply).count();
    let mut applied = Vec::new();
    for entry in &plan {
        let resuming = matches!(entry.status, Status::Running | Status::Failed);
        if entry.status != Status::Pending && !resuming {
            continue;
        }
        let Some(migration) = migrator.migrations().iter().find(|m| m.version == entry.version) else {
            continue;
        };
        let step = Step { m: migration, kind: Kind::Up { resuming }, index: applied.len() + 1, total };
        applied.push(attempts::run(conn, migrator, lease, step).await?);
    }
    Ok(applied)
}

/// `strata lock break --why`.
pub(crate) async fn break_lock(conn: &mut impl Conn, why: &str) -> Result<bool, MigrateError> {
    lease::break_lock(conn, why).await
}

/// `strata resolve VERSION --done|--retry`: a DBA's decision on the statement in doubt, recorded
/// under the lease.
pub(crate) async fn resolve(
    conn: &mut impl Conn,
    migrator: &Migrator,
    version: i64,
    done: bool,
    why: &str,
) -> Result<usize, MigrateError> {
    ensure_extension(conn).await?;
    let ttl = migrator.effective_lease_ttl();
    let lease = lease::acquire(conn, ttl, migrator.lease_wait).await?;
    let result = conn
        .rows(&format!(
            "SELECT strata.resolve({}, {version}, {}, {})",
            lease.sql(),
            if done { "'done'" } else { "'retry'" },
            literal(why)
        ))
        .await
        .map_err(MigrateError::db(format!("recording the decision on migration {version}")));
    let released = lease::release(conn, &lease).await;
    let rows = result?;
    released?;
    Ok(rows.first().and_then(|r| r[0].as_deref()).and_then(|n| n.parse().ok()).unwrap_or(0))
}
