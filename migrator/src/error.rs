/// An error running a checked query.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// From the driver or the server; the message includes the cause (the server's message and
    /// SQLSTATE, or which Rust and Postgres types did not match).
    #[error("{}", with_cause(.0))]
    Database(#[from] tokio_postgres::Error),
    #[error("the query returned {found} rows where exactly one was expected")]
    RowCount { found: usize },
}

impl Error {
    /// The server's error, when the server refused the statement.
    pub fn as_db_error(&self) -> Option<&tokio_postgres::error::DbError> {
        match self {
            Error::Database(e) => e.as_db_error(),
            Error::RowCount { .. } => None,
        }
    }
}

fn with_cause(e: &tokio_postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code()),
        (None, Some(cause)) => format!("{e}: {cause}"),
        (None, None) => e.to_string(),
    }
}
