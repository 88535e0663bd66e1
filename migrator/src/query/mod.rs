//! The runtime behind the query macros: one [`Query`] that runs on the sync `postgres` client and
//! the async `tokio_postgres` client alike. Generated code is only a row type and the function
//! that reads it from a row; talking to the driver is compiled once, not once per query.

mod bind;
mod bind_composite;
mod bind_enum;
mod cached;
#[doc(hidden)]
pub mod executor;
#[cfg(any(feature = "deadpool", feature = "bb8"))]
mod pools;

use postgres_types::{ToSql, Type};

pub use bind::{bind, bind_nullable, Bind, BindNullable};
pub use bind_composite::{bind_composite, bind_composite_nullable, BindComposite, BindCompositeNullable};
pub use bind_enum::{bind_enum, bind_enum_nullable, BindEnum, BindEnumNullable};
pub use cached::{Cached, CachingClient, RetryStale, StatementCache};
pub use executor::{Executor, Statement};

use crate::{Error, Row};

/// Builds a value from a result row by column name. `#[derive(strata::FromRow)]` implements it
/// for a struct; [`query_as`] runs unchecked SQL into such a type.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, Error>;
}

/// For statements without output columns.
impl FromRow for () {
    fn from_row(_: &Row) -> Result<(), Error> {
        Ok(())
    }
}

/// A query with its bound parameters, ready to run on an [`Executor`]:
/// `&mut postgres::Client` (or transaction) for blocking code, `&tokio_postgres::Client` (or
/// transaction) for async code, where the result is a future to `.await`.
#[must_use = "a query does nothing until it is run with fetch_one, fetch_all, fetch_optional or execute"]
pub struct Query<'a, R> {
    statement: Statement<'a>,
    decode: fn(&Row) -> Result<R, Error>,
}

/// Unchecked SQL whose rows fill `R` by column name (see [`FromRow`]); prepared on the server.
pub fn query_as<'a, R: FromRow + Send + 'a>(
    sql: &'static str,
    params: &[&'a (dyn ToSql + Sync)],
) -> Query<'a, R> {
    Query::new(sql, params.to_vec(), None, R::from_row)
}

/// Every row, decoded: a plain loop, where `iter().map().collect()` into a `Result` compiled a
/// stack of iterator adapters for each query's row type.
fn decode_all<R>(rows: &[Row], decode: fn(&Row) -> Result<R, Error>) -> Result<Vec<R>, Error> {
    let mut all = Vec::with_capacity(rows.len());
    for row in rows {
        all.push(decode(row)?);
    }
    Ok(all)
}

impl<'a, R: Send + 'a> Query<'a, R> {
    #[doc(hidden)]
    pub fn new(
        sql: &'static str,
        params: Vec<&'a (dyn ToSql + Sync)>,
        types: Option<&'static [Type]>,
        decode: fn(&Row) -> Result<R, Error>,
    ) -> Self {
        Query { statement: Statement { sql, params, types }, decode }
    }

    pub fn sql(&self) -> &'static str {
        self.statement.sql
    }

    /// All rows.
    pub fn fetch_all<E: Executor<'a>>(self, executor: E) -> E::Output<Result<Vec<R>, Error>> {
        E::map(executor.rows(self.statement), self.decode, |rows, decode| decode_all(&rows?, decode))
    }

    /// Exactly one row; zero or several is [`Error::RowCount`].
    pub fn fetch_one<E: Executor<'a>>(self, executor: E) -> E::Output<Result<R, Error>> {
        E::map(executor.rows(self.statement), self.decode, |rows, decode| match rows?.as_slice() {
            [row] => decode(row),
            rows => Err(Error::RowCount { found: rows.len() }),
        })
    }

    /// At most one row; several is [`Error::RowCount`].
    pub fn fetch_optional<E: Executor<'a>>(self, executor: E) -> E::Output<Result<Option<R>, Error>> {
        E::map(executor.rows(self.statement), self.decode, |rows, decode| match rows?.as_slice() {
            [] => Ok(None),
            [row] => decode(row).map(Some),
            rows => Err(Error::RowCount { found: rows.len() }),
        })
    }

    /// Runs the statement and returns the number of rows it affected.
    pub fn execute<E: Executor<'a>>(self, executor: E) -> E::Output<Result<u64, Error>> {
        executor.execute(self.statement)
    }
}
