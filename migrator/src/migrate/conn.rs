//! The few database calls the engine makes, over the blocking and the async client.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use postgres_types::ToSql;
use tokio_postgres::{Error, Row};

pub(crate) trait Conn {
    /// Runs one or more statements in a single round trip (simple query protocol).
    fn batch(&mut self, sql: &str) -> impl Future<Output = Result<(), Error>>;
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Vec<Row>, Error>>;
    fn sleep(&mut self, duration: Duration) -> impl Future<Output = ()>;
}

pub(crate) struct Blocking<'c>(pub &'c mut postgres::Client);

impl Conn for Blocking<'_> {
    async fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.0.batch_execute(sql)
    }

    async fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        self.0.query(sql, params)
    }

    async fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

pub(crate) struct Async<'c>(pub &'c tokio_postgres::Client);

impl Conn for Async<'_> {
    async fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.0.batch_execute(sql).await
    }

    async fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        self.0.query(sql, params).await
    }

    async fn sleep(&mut self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Drives a future whose every await completes at once (the [`Blocking`] connection's), so the
/// engine is written once for both clients without a runtime for the blocking one.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
