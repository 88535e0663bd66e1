use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use postgres_types::{ToSql, Type};

use crate::types::enums::LabelOrValue;
use crate::{Error, Row};

/// A statement with its bound parameters, as a [`crate::Query`] hands it to an [`Executor`].
/// Not generic over the row type, so the code that talks to the driver is compiled once.
pub struct Statement<'a> {
    pub sql: &'static str,
    pub params: Vec<&'a (dyn ToSql + Sync)>,
    /// The parameters' Postgres types when the macro knew them all: the query then runs in one
    /// round trip (`query_typed`: an unnamed statement, which also works behind a
    /// transaction-pooling PgBouncer). `None` prepares the statement first.
    pub types: Option<&'static [Type]>,
}

impl<'a> Statement<'a> {
    fn typed(&self, types: &[Type]) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
        self.params.iter().copied().zip(types.iter().cloned()).collect()
    }

    /// The parameters for the prepared statement: a text value for an enum parameter goes as
    /// its label (the macros know no OID for the migrations' types, so such queries are
    /// prepared).
    pub(crate) fn labels_or_values(&self) -> Vec<LabelOrValue<'a>> {
        self.params.iter().map(|p| LabelOrValue(*p)).collect()
    }
}

pub(crate) fn as_params<'p>(params: &'p [LabelOrValue<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// Where a [`crate::Query`] runs. For blocking clients `Output<T>` is `T`; for async clients it
/// is a future of `T` (one allocation per query, negligible next to a round trip).
pub trait Executor<'a>: Sized {
    type Output<T: Send + 'a>;

    fn rows(self, statement: Statement<'a>) -> Self::Output<Result<Vec<Row>, Error>>;

    fn execute(self, statement: Statement<'a>) -> Self::Output<Result<u64, Error>>;

    /// `f(output, with)` once the output is there.
    fn map<T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(
        output: Self::Output<T>,
        with: W,
        f: fn(T, W) -> U,
    ) -> Self::Output<U>;
}

/// Blocking: `postgres::Client` and `postgres::Transaction`.
impl<'a, C: postgres::GenericClient> Executor<'a> for &'a mut C {
    type Output<T: Send + 'a> = T;

    fn rows(self, s: Statement<'a>) -> Result<Vec<Row>, Error> {
        Ok(match s.types {
            Some(types) => self.query_typed(s.sql, &s.typed(types))?,
            None => {
                let prepared = self.prepare(s.sql)?;
                self.query(&prepared, &as_params(&s.labels_or_values()))?
            }
        })
    }

    fn execute(self, s: Statement<'a>) -> Result<u64, Error> {
        Ok(match s.types {
            Some(types) => self.execute_typed(s.sql, &s.typed(types))?,
            None => {
                let prepared = self.prepare(s.sql)?;
                postgres::GenericClient::execute(self, &prepared, &as_params(&s.labels_or_values()))?
            }
        })
    }

    fn map<T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(output: T, with: W, f: fn(T, W) -> U) -> U {
        f(output, with)
    }
}

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A future and what to do with its output: one small generic type instead of an `async` block
/// per row type.
struct Map<'a, T, W, U> {
    future: BoxFuture<'a, T>,
    with: Option<W>,
    f: fn(T, W) -> U,
}

impl<T, W: Unpin, U> Future for Map<'_, T, W, U> {
    type Output = U;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<U> {
        // Nothing here is structurally pinned: the inner future is boxed.
        let this = Pin::into_inner(self);
        let output = std::task::ready!(this.future.as_mut().poll(cx));
        let with = this.with.take().expect("Map polled after completion");
        Poll::Ready((this.f)(output, with))
    }
}

/// The async driver calls, written once for every async executor.
pub(crate) fn rows_async<'a, C: tokio_postgres::GenericClient + Sync>(
    c: &'a C,
    s: Statement<'a>,
) -> BoxFuture<'a, Result<Vec<Row>, Error>> {
    Box::pin(async move {
        Ok(match s.types {
            Some(types) => c.query_typed(s.sql, &s.typed(types)).await?,
            None => {
                let prepared = c.prepare(s.sql).await?;
                c.query(&prepared, &as_params(&s.labels_or_values())).await?
            }
        })
    })
}

pub(crate) fn execute_async<'a, C: tokio_postgres::GenericClient + Sync>(
    c: &'a C,
    s: Statement<'a>,
) -> BoxFuture<'a, Result<u64, Error>> {
    Box::pin(async move {
        Ok(match s.types {
            Some(types) => c.execute_typed(s.sql, &s.typed(types)).await?,
            None => {
                let prepared = c.prepare(s.sql).await?;
                let params = s.labels_or_values();
                tokio_postgres::GenericClient::execute(c, &prepared, &as_params(&params)).await?
            }
        })
    })
}

pub(crate) fn map_async<'a, T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(
    future: BoxFuture<'a, T>,
    with: W,
    f: fn(T, W) -> U,
) -> BoxFuture<'a, U> {
    Box::pin(Map { future, with: Some(with), f })
}

/// `Executor` for a reference to an async client type that derefs to `$target` (a
/// `tokio_postgres` client or transaction): the driver calls above, through the deref.
#[macro_export]
#[doc(hidden)]
macro_rules! __async_executor {
    ($(impl[$($generics:tt)*] $t:ty => $target:ty $(where [$($bounds:tt)*])?;)*) => {$(
        impl<'a, $($generics)*> $crate::query::Executor<'a> for &'a $t $(where $($bounds)*)? {
            type Output<T: Send + 'a> = ::std::pin::Pin<Box<dyn ::std::future::Future<Output = T> + Send + 'a>>;

            fn rows(self, s: $crate::query::Statement<'a>) -> Self::Output<Result<Vec<$crate::Row>, $crate::Error>> {
                let client: &'a $target = self;
                $crate::query::executor::rows_async(client, s)
            }

            fn execute(self, s: $crate::query::Statement<'a>) -> Self::Output<Result<u64, $crate::Error>> {
                let client: &'a $target = self;
                $crate::query::executor::execute_async(client, s)
            }

            fn map<T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(
                output: Self::Output<T>,
                with: W,
                f: fn(T, W) -> U,
            ) -> Self::Output<U> {
                $crate::query::executor::map_async(output, with, f)
            }
        }
    )*};
}

// Async: `tokio_postgres::Client` and `tokio_postgres::Transaction`; pools in `pools.rs`.
crate::__async_executor! {
    impl[] tokio_postgres::Client => tokio_postgres::Client;
    impl['t] tokio_postgres::Transaction<'t> => tokio_postgres::Transaction<'t>;
}
