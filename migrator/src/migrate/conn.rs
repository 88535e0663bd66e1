//! The few database calls the engine makes, over the blocking and the async client.
//!
//! Only the simple query protocol: no statement is ever prepared, so the engine works through
//! PgBouncer in transaction pooling mode, where a named prepared statement made in one transaction
//! does not exist on the server connection of the next.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio_postgres::{Error, SimpleQueryMessage};

/// Rows as text, as the simple query protocol returns them.
pub(crate) type Rows = Vec<Vec<Option<String>>>;

pub(crate) trait Conn {
    /// Runs one or more statements in a single round trip.
    fn batch(&mut self, sql: &str) -> impl Future<Output = Result<(), Error>>;
    /// Runs one or more statements in a single round trip; the row count of each (0 for commands
    /// that report none).
    fn counts(&mut self, sql: &str) -> impl Future<Output = Result<Vec<u64>, Error>>;
    /// The rows of the last statement of `sql`.
    fn rows(&mut self, sql: &str) -> impl Future<Output = Result<Rows, Error>>;
    fn sleep(&mut self, duration: Duration) -> impl Future<Output = ()>;
}

fn text_rows(messages: Vec<SimpleQueryMessage>) -> Rows {
    let mut rows = Vec::new();
    for message in messages {
        match message {
            SimpleQueryMessage::Row(row) => {
                rows.push((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect());
            }
            // A later statement's rows replace an earlier one's.
            SimpleQueryMessage::RowDescription(_) => rows.clear(),
            _ => {}
        }
    }
    rows
}

fn command_counts(messages: Vec<SimpleQueryMessage>) -> Vec<u64> {
    messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::CommandComplete(n) => Some(n),
            _ => None,
        })
        .collect()
}

pub(crate) struct Blocking<'c>(pub &'c mut postgres::Client);

impl Conn for Blocking<'_> {
    async fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.0.batch_execute(sql)
    }

    async fn rows(&mut self, sql: &str) -> Result<Rows, Error> {
        self.0.simple_query(sql).map(text_rows)
    }

    async fn counts(&mut self, sql: &str) -> Result<Vec<u64>, Error> {
        self.0.simple_query(sql).map(command_counts)
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

    async fn rows(&mut self, sql: &str) -> Result<Rows, Error> {
        self.0.simple_query(sql).await.map(text_rows)
    }

    async fn counts(&mut self, sql: &str) -> Result<Vec<u64>, Error> {
        self.0.simple_query(sql).await.map(command_counts)
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
