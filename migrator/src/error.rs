/// An error running a checked query.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Database(#[from] tokio_postgres::Error),
    #[error("the query returned {found} rows where exactly one was expected")]
    RowCount { found: usize },
}
