use std::fmt;
use std::time::Duration;

use super::engine::PlanEntry;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{context}: {source}")]
    Database {
        context: String,
        #[source]
        source: tokio_postgres::Error,
    },

    #[error(
        "the strata extension is not available in this database: {detail}\n  hint: install it on the \
         server (see pg_ext/README.md), then a superuser can run CREATE EXTENSION strata"
    )]
    ExtensionMissing { detail: String },

    #[error(
        "another migration run holds the strata lock{holder} and did not finish within {waited:?}\n  \
         hint: wait for it, or see who holds it with SELECT * FROM strata.lock_holder"
    )]
    LockTimeout { waited: Duration, holder: String },

    #[error("{}", Problems(.0))]
    Refused(Vec<PlanEntry>),

    #[error(
        "migration {version} ({name}) failed{at}: {message}\n  hint: {}",
        if *.transactional {
            "nothing of it was applied (its transaction was rolled back); fix the file and run again"
        } else {
            "it runs without a transaction: statements before the failing one stay applied and \
             strata.history marks it 'failed'; check the database, then delete its history row \
             to run it again (see pg_ext/README.md)"
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
}

impl MigrateError {
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
        let context = context.into();
        move |source| MigrateError::Database { context, source }
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
