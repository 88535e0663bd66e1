//! The runtime behind `query!`: one generic [`Query`] that runs on the sync `postgres` client and
//! the async `tokio_postgres` client alike, so each checked query generates only its row type.

mod bind;
mod executor;

use std::marker::PhantomData;

use postgres_types::ToSql;

pub use bind::{bind, Bind};
pub use executor::Executor;

use crate::{Error, Row};

/// Builds a value from a result row. `query!` implements it for the row type it generates.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, Error>;
}

/// For statements without output columns.
impl FromRow for () {
    fn from_row(_: &Row) -> Result<(), Error> {
        Ok(())
    }
}

/// A checked query with its bound parameters, ready to run on an [`Executor`]:
/// `&mut postgres::Client` (or transaction) for blocking code, `&tokio_postgres::Client` (or
/// transaction) for async code, where the result is a future to `.await`.
#[must_use = "a query does nothing until it is run with fetch_one, fetch_all, fetch_optional or execute"]
pub struct Query<'a, R, const N: usize> {
    sql: &'static str,
    params: [&'a (dyn ToSql + Sync); N],
    row: PhantomData<fn() -> R>,
}

impl<'a, R: FromRow + Send + 'a, const N: usize> Query<'a, R, N> {
    #[doc(hidden)]
    pub fn new(sql: &'static str, params: [&'a (dyn ToSql + Sync); N]) -> Self {
        Query { sql, params, row: PhantomData }
    }

    pub fn sql(&self) -> &'static str {
        self.sql
    }

    /// All rows.
    pub fn fetch_all<E: Executor<'a>>(self, executor: E) -> E::Output<Result<Vec<R>, Error>> {
        E::map(executor.rows(self.sql, self.params), |rows| rows?.iter().map(R::from_row).collect())
    }

    /// Exactly one row; zero or several is [`Error::RowCount`].
    pub fn fetch_one<E: Executor<'a>>(self, executor: E) -> E::Output<Result<R, Error>> {
        E::map(executor.rows(self.sql, self.params), |rows| match rows?.as_slice() {
            [row] => R::from_row(row),
            rows => Err(Error::RowCount { found: rows.len() }),
        })
    }

    /// At most one row; several is [`Error::RowCount`].
    pub fn fetch_optional<E: Executor<'a>>(self, executor: E) -> E::Output<Result<Option<R>, Error>> {
        E::map(executor.rows(self.sql, self.params), |rows| match rows?.as_slice() {
            [] => Ok(None),
            [row] => R::from_row(row).map(Some),
            rows => Err(Error::RowCount { found: rows.len() }),
        })
    }

    /// Runs the statement and returns the number of rows it affected.
    pub fn execute<E: Executor<'a>>(self, executor: E) -> E::Output<Result<u64, Error>> {
        executor.execute(self.sql, self.params)
    }
}
