use std::future::Future;
use std::pin::Pin;

use postgres_types::ToSql;

use crate::{Error, Row};

/// Where a [`crate::Query`] runs. For blocking clients `Output<T>` is `T`; for async clients it
/// is a boxed future of `T` (one allocation per query, negligible next to a round trip).
pub trait Executor<'a>: Sized {
    type Output<T: Send + 'a>;

    fn rows<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> Self::Output<Result<Vec<Row>, Error>>;

    fn execute<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> Self::Output<Result<u64, Error>>;

    fn map<T: Send + 'a, U: Send + 'a>(
        output: Self::Output<T>,
        f: impl FnOnce(T) -> U + Send + 'a,
    ) -> Self::Output<U>;
}

/// Blocking: `postgres::Client` and `postgres::Transaction`.
impl<'a, C: postgres::GenericClient> Executor<'a> for &'a mut C {
    type Output<T: Send + 'a> = T;

    fn rows<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> Result<Vec<Row>, Error> {
        Ok(self.query(sql, &params)?)
    }

    fn execute<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> Result<u64, Error> {
        Ok(postgres::GenericClient::execute(self, sql, &params)?)
    }

    fn map<T: Send + 'a, U: Send + 'a>(output: T, f: impl FnOnce(T) -> U + Send + 'a) -> U {
        f(output)
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Async: `tokio_postgres::Client` and `tokio_postgres::Transaction`.
impl<'a, C: tokio_postgres::GenericClient + Sync> Executor<'a> for &'a C {
    type Output<T: Send + 'a> = BoxFuture<'a, T>;

    fn rows<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> BoxFuture<'a, Result<Vec<Row>, Error>> {
        Box::pin(async move { Ok(self.query(sql, &params).await?) })
    }

    fn execute<const N: usize>(
        self,
        sql: &'static str,
        params: [&'a (dyn ToSql + Sync); N],
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move { Ok(tokio_postgres::GenericClient::execute(self, sql, &params).await?) })
    }

    fn map<T: Send + 'a, U: Send + 'a>(
        output: BoxFuture<'a, T>,
        f: impl FnOnce(T) -> U + Send + 'a,
    ) -> BoxFuture<'a, U> {
        Box::pin(async move { f(output.await) })
    }
}
