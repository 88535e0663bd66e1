use std::fmt;
use std::time::Duration;

use super::engine::PlanEntry;
use super::progress::Blocker;

/// Something in the ledger that did not come through the strata API (`strata.verify()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tampering {
    pub version: Option<i64>,
    pub problem: String,
    /// When and by whom, when the audit trigger saw it.
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{context}: {}", describe(.source))]
    Database {
        context: String,
        #[source]
        source: tokio_postgres::Error,
    },

    #[error("cannot open the lease heartbeat's connection: {reason}")]
    Heartbeat { reason: String },

    #[error(
        "the strata extension is not available in this database: {detail}\n  hint: install it on the \
         server and have a superuser run CREATE EXTENSION strata, or where that is impossible \
         (managed Postgres) run `strata init` as the database owner (see pg_ext/README.md)"
    )]
    ExtensionMissing { detail: String },

    #[error(
        "the strata objects in this database are version {found}, this migrator needs {needed}\n  \
         hint: a superuser runs ALTER EXTENSION strata UPDATE (or `strata init` again where it was \
         installed with strata init)"
    )]
    ExtensionOutdated { found: String, needed: &'static str },

    #[error(
        "another migration run holds the strata lease{holder} and did not finish within {waited:?}\n  \
         hint: wait for it, see who holds it with SELECT * FROM strata.lease, or if that runner is \
         gone for good: strata lock break --why '...'"
    )]
    LockTimeout { waited: Duration, holder: String },

    #[error("{}", Problems(.0))]
    Refused(Vec<PlanEntry>),

    #[error("{}", Tampered(.0))]
    Tampered(Vec<Tampering>),

    #[error(
        "migration {version} ({name}) stopped at statement {statement}{at}, and whether that statement \
         completed cannot be decided from the catalog: {statement_text}\n  hint: check the database, \
         then record your decision: strata resolve {version} --done (it completed) or --retry (run it \
         again)"
    )]
    InDoubt { version: i64, name: String, statement: usize, at: String, statement_text: String },

    #[error(
        "migration {version} ({name}) failed{at}: {message}\n  hint: {}",
        if *.transactional {
            "nothing of it was applied (its transaction was rolled back); fix the file and run again"
        } else {
            "it runs without a transaction: the statements before the failing one stay applied and \
             are journaled in strata.steps; fix the cause and run strata up again, which resumes at \
             the failing statement"
        }
    )]
    Failed {
        version: i64,
        name: String,
        /// ` at line L, column C` of the migration, when the server said where.
        at: String,
        message: String,
        transactional: bool,
        #[source]
        source: tokio_postgres::Error,
    },

    #[error(
        "migration {version} ({name}) gave up waiting for a lock, {attempts} time(s): {message}{}\n  \
         hint: {}",
        Blockers(.blockers),
        if *.transactional {
            "nothing of it was applied (each attempt was rolled back); run it again when the blocking \
             session is done, or end that session (SELECT pg_terminate_backend(pid)); --lock-timeout, \
             --retries or -- strata:lock-timeout in the file change how long it waits"
        } else {
            "it runs without a transaction: the statements before this one stay applied; strata up \
             resumes at this one"
        }
    )]
    Blocked {
        version: i64,
        name: String,
        attempts: u32,
        message: String,
        /// The sessions that held a conflicting lock after the last attempt.
        blockers: Vec<Blocker>,
        transactional: bool,
        #[source]
        source: tokio_postgres::Error,
    },

    #[error(
        "cannot revert: no down file for{}\n  nothing was reverted\n  hint: write the missing \
         <version>_<name>.down.sql, or revert less (--steps / --to)",
        Mismatch(&.0.iter().map(|(v, n)| (*v, format!("{n}: no down file"))).collect::<Vec<_>>())
    )]
    NoDown(Vec<(i64, String)>),

    #[error(
        "the database schema does not match the migrations this app was built with:{}\n  hint: run \
         strata up with this release's migrations before starting it",
        Mismatch(.0)
    )]
    SchemaMismatch(Vec<(i64, String)>),
}

impl MigrateError {
    /// A lock timeout or deadlock in the migration's own statements: worth a retry. Not the
    /// ledger's 55P03 for a lost lease, which a strata function raises.
    pub(crate) fn gave_up_on_lock(&self) -> bool {
        let MigrateError::Failed { source, .. } = self else { return false };
        source.as_db_error().is_some_and(|db| {
            matches!(db.code().code(), "55P03" | "40P01")
                && !db.where_().is_some_and(|w| w.contains("function strata."))
        })
    }

    /// After the last attempt: who held the locks it waited for.
    pub(crate) fn blocked(self, attempts: u32, blockers: Vec<Blocker>) -> MigrateError {
        match self {
            MigrateError::Failed { version, name, at, message, transactional, source } => {
                let message = if at.is_empty() { message } else { format!("{message} (last{at})") };
                MigrateError::Blocked { version, name, attempts, message, blockers, transactional, source }
            }
            other => other,
        }
    }

    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
        let context = context.into();
        move |source| MigrateError::Database { context, source }
    }
}

/// The server's message with its SQLSTATE, DETAIL and HINT: all of what the server said.
pub fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!("\n  detail: {detail}"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("\n  server hint: {hint}"));
            }
            text
        }
        // The whole chain of I/O and TLS causes, where `Display` alone says only "db error".
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !text.contains(&cause_text) {
                    text.push_str(&format!(": {cause_text}"));
                }
                source = cause.source();
            }
            text
        }
    }
}

struct Blockers<'a>(&'a [Blocker]);

impl fmt::Display for Blockers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(
                f,
                "\n  no session holds a conflicting lock any more (it ended after the last attempt)"
            );
        }
        for b in self.0 {
            write!(f, "\n  blocked by {b}")?;
        }
        Ok(())
    }
}

struct Problems<'a>(&'a [PlanEntry]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "refusing to migrate: the migration files and the database's history disagree")?;
        for entry in self.0 {
            writeln!(f, "  {} {}: {}", entry.version, entry.name, entry.status.explain())?;
        }
        write!(f, "  nothing was applied")
    }
}

struct Tampered<'a>(&'a [Tampering]);

impl fmt::Display for Tampered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "refusing to migrate: the strata ledger was changed outside the strata API")?;
        for t in self.0 {
            write!(f, "  {}", t.version.map_or_else(|| "-".to_string(), |v| v.to_string()))?;
            write!(f, ": {}", t.problem)?;
            if let Some(at) = &t.changed_at {
                write!(f, " at {at}")?;
            }
            if let Some(by) = &t.changed_by {
                write!(f, " by {by}")?;
            }
            writeln!(f)?;
            if let Some(detail) = &t.detail {
                writeln!(f, "      {detail}")?;
            }
        }
        write!(
            f,
            "  nothing was applied\n  hint: find out who changed it and why; then record the decision with \
             SELECT strata.repair(version, 'accept' | 'forget' | 'applied', 'why') (see pg_ext/README.md)"
        )
    }
}

struct Mismatch<'a>(&'a [(i64, String)]);

impl fmt::Display for Mismatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (version, status) in self.0 {
            let what = match status.as_str() {
                "missing" => "not applied in the database",
                "different" => "applied with a different checksum (the file changed)",
                "extra" => "applied in the database but unknown to this app (strict check)",
                other => other,
            };
            write!(f, "\n  {version}: {what}")?;
        }
        Ok(())
    }
}
