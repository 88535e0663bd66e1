//! Statement caching: [`Cached`] keeps each query's server-side prepared statement on its
//! connection, so the server parses, analyzes and plans the SQL once per connection instead of
//! once per execution. Still one round trip per query (Bind + Execute on the named statement,
//! where `query_typed` sends Parse + Bind + Execute).
//!
//! Named statements live in the server session: use `Cached` on a direct connection or behind a
//! session-pooling proxy, never behind a transaction-pooling PgBouncer (before 1.21), where the
//! next transaction may run on a server connection that has never seen the statement. The
//! uncached executors work everywhere.
//!
//! A statement whose result type a migration changed fails once on the server ("cached plan must
//! not change result type"); it is then prepared again, and outside a transaction the query is
//! retried, so a long-lived connection survives a deploy.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use postgres_types::Type;
use tokio_postgres::error::SqlState;

use super::executor::{as_params, map_async, BoxFuture, Statement};
use super::Executor;
use crate::{Error, Row};

/// A client (or transaction) whose checked queries run as prepared statements kept per
/// connection; everything else of the client is reachable through `Deref`.
///
/// ```ignore
/// let mut db = strata::Cached::new(postgres::Client::connect(url, NoTls)?);
/// let user = strata::query!("SELECT name FROM users WHERE id = $1", id).fetch_one(&mut db)?;
/// let mut tx = db.transaction()?; // shares the connection's statements
/// ```
pub struct Cached<C> {
    pub(super) client: C,
    statements: Arc<StatementCache>,
}

/// The prepared statements of one connection, by SQL text and parameter types. Queries come from
/// the macros as `&'static str`, so the cache holds at most one entry per query in the program.
#[derive(Default)]
pub struct StatementCache {
    statements: Mutex<HashMap<Key, tokio_postgres::Statement>>,
}

type Key = (&'static str, &'static [Type]);

impl StatementCache {
    fn get(&self, key: &Key) -> Option<tokio_postgres::Statement> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: Key, statement: tokio_postgres::Statement) {
        self.lock().insert(key, statement);
    }

    fn evict(&self, key: &Key) {
        self.lock().remove(key);
    }

    /// How many statements are prepared.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, tokio_postgres::Statement>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.statements.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<C> Cached<C> {
    pub fn new(client: C) -> Self {
        Cached { client, statements: Arc::default() }
    }

    /// The statements prepared on this connection so far.
    pub fn statements(&self) -> &StatementCache {
        &self.statements
    }

    pub fn into_inner(self) -> C {
        self.client
    }
}

impl<C> Deref for Cached<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.client
    }
}

impl<C> DerefMut for Cached<C> {
    fn deref_mut(&mut self) -> &mut C {
        &mut self.client
    }
}

impl Cached<postgres::Client> {
    /// A transaction on this connection whose queries use (and add to) the same statements.
    pub fn transaction(&mut self) -> Result<Cached<postgres::Transaction<'_>>, Error> {
        let statements = Arc::clone(&self.statements);
        Ok(Cached { client: self.client.transaction()?, statements })
    }
}

impl Cached<postgres::Transaction<'_>> {
    pub fn commit(self) -> Result<(), Error> {
        Ok(self.client.commit()?)
    }

    pub fn rollback(self) -> Result<(), Error> {
        Ok(self.client.rollback()?)
    }
}

impl Cached<tokio_postgres::Client> {
    /// A transaction on this connection whose queries use (and add to) the same statements.
    pub async fn transaction(&mut self) -> Result<Cached<tokio_postgres::Transaction<'_>>, Error> {
        let statements = Arc::clone(&self.statements);
        Ok(Cached { client: self.client.transaction().await?, statements })
    }
}

impl Cached<tokio_postgres::Transaction<'_>> {
    pub async fn commit(self) -> Result<(), Error> {
        Ok(self.client.commit().await?)
    }

    pub async fn rollback(self) -> Result<(), Error> {
        Ok(self.client.rollback().await?)
    }
}

/// The server no longer has the statement as prepared: a migration changed its result type, or
/// the session was reset (`DISCARD ALL`, `DEALLOCATE`).
fn is_stale(error: &tokio_postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        code == &SqlState::INVALID_SQL_STATEMENT_NAME
            || (code == &SqlState::FEATURE_NOT_SUPPORTED
                && error.as_db_error().is_some_and(|db| db.message().contains("cached plan")))
    })
}

fn key(s: &Statement<'_>) -> Key {
    (s.sql, s.types.unwrap_or(&[]))
}

/// What a statement runs: rows or a row count.
#[derive(Clone, Copy)]
enum Run {
    Rows,
    Count,
}

enum Outcome {
    Rows(Vec<Row>),
    Count(u64),
}

/// Blocking: the statement prepared once, then run; a stale statement is prepared again and,
/// outside a transaction, run again.
fn run_sync<C: postgres::GenericClient>(
    client: &mut C,
    cache: &StatementCache,
    s: &Statement<'_>,
    run: Run,
    retry: bool,
) -> Result<Outcome, Error> {
    let key = key(s);
    let attempt = |client: &mut C| -> Result<Outcome, tokio_postgres::Error> {
        let statement = match cache.get(&key) {
            Some(statement) => statement,
            None => {
                let statement = client.prepare_typed(s.sql, s.types.unwrap_or(&[]))?;
                cache.put(key, statement.clone());
                statement
            }
        };
        let values = s.labels_or_values();
        let params = as_params(&values);
        Ok(match run {
            Run::Rows => Outcome::Rows(client.query(&statement, &params)?),
            Run::Count => Outcome::Count(client.execute(&statement, &params)?),
        })
    };
    match attempt(client) {
        Err(e) if is_stale(&e) => {
            cache.evict(&key);
            if retry {
                Ok(attempt(client)?)
            } else {
                Err(e.into())
            }
        }
        outcome => Ok(outcome?),
    }
}

async fn run_async<T: CachingClient + ?Sized>(
    cached: &T,
    s: &Statement<'_>,
    run: Run,
) -> Result<Outcome, Error> {
    let types = s.types.unwrap_or(&[]);
    let attempt = || async {
        let statement = cached.prepared(s.sql, types).await?;
        let values = s.labels_or_values();
        let params = as_params(&values);
        let client = cached.client();
        Ok::<_, tokio_postgres::Error>(match run {
            Run::Rows => {
                Outcome::Rows(tokio_postgres::GenericClient::query(client, &statement, &params).await?)
            }
            Run::Count => {
                Outcome::Count(tokio_postgres::GenericClient::execute(client, &statement, &params).await?)
            }
        })
    };
    match attempt().await {
        Err(e) if is_stale(&e) => {
            cached.evict(s.sql, types);
            if T::RETRY {
                Ok(attempt().await?)
            } else {
                Err(e.into())
            }
        }
        outcome => Ok(outcome?),
    }
}

/// An async client that keeps prepared statements per connection: [`Cached`] around a
/// `tokio_postgres` client or transaction (or, with the `deadpool` feature, a pooled one, whose
/// statements the pool keeps with the connection across checkouts).
pub trait CachingClient: Sync {
    type Client: tokio_postgres::GenericClient + Sync;
    /// Whether a stale statement may run again: yes on a plain client (its own transaction per
    /// statement), no in a transaction, which the failed statement has aborted.
    const RETRY: bool;

    fn client(&self) -> &Self::Client;

    /// The statement for `sql` with these parameter types, prepared now if it is not yet.
    fn prepared<'s>(
        &'s self,
        sql: &'static str,
        types: &'static [Type],
    ) -> BoxFuture<'s, Result<tokio_postgres::Statement, tokio_postgres::Error>>;

    fn evict(&self, sql: &'static str, types: &'static [Type]);
}

/// The cache of [`Cached`] for the `tokio_postgres` client and transaction.
macro_rules! own_cache {
    ($(impl[$($generics:tt)*] $t:ty => $retry:literal;)*) => {$(
        impl<$($generics)*> CachingClient for Cached<$t> {
            type Client = $t;
            const RETRY: bool = $retry;

            fn client(&self) -> &$t {
                &self.client
            }

            fn prepared<'s>(
                &'s self,
                sql: &'static str,
                types: &'static [Type],
            ) -> BoxFuture<'s, Result<tokio_postgres::Statement, tokio_postgres::Error>> {
                Box::pin(async move {
                    if let Some(statement) = self.statements.get(&(sql, types)) {
                        return Ok(statement);
                    }
                    let statement = tokio_postgres::GenericClient::prepare_typed(&self.client, sql, types).await?;
                    self.statements.put((sql, types), statement.clone());
                    Ok(statement)
                })
            }

            fn evict(&self, sql: &'static str, types: &'static [Type]) {
                self.statements.evict(&(sql, types));
            }
        }
    )*};
}

own_cache! {
    impl[] tokio_postgres::Client => true;
    impl['t] tokio_postgres::Transaction<'t> => false;
}

fn rows(outcome: Result<Outcome, Error>) -> Result<Vec<Row>, Error> {
    outcome.map(|o| match o {
        Outcome::Rows(rows) => rows,
        Outcome::Count(_) => unreachable!("asked for rows"),
    })
}

fn count(outcome: Result<Outcome, Error>) -> Result<u64, Error> {
    outcome.map(|o| match o {
        Outcome::Count(n) => n,
        Outcome::Rows(_) => unreachable!("asked for a count"),
    })
}

/// Whether a blocking client may run a stale statement again (see [`CachingClient::RETRY`]).
pub trait RetryStale {
    const RETRY: bool;
}

impl RetryStale for postgres::Client {
    const RETRY: bool = true;
}

impl RetryStale for postgres::Transaction<'_> {
    const RETRY: bool = false;
}

impl<'a, C: postgres::GenericClient + RetryStale> Executor<'a> for &'a mut Cached<C> {
    type Output<T: Send + 'a> = T;

    fn rows(self, s: Statement<'a>) -> Result<Vec<Row>, Error> {
        rows(run_sync(&mut self.client, &self.statements, &s, Run::Rows, C::RETRY))
    }

    fn execute(self, s: Statement<'a>) -> Result<u64, Error> {
        count(run_sync(&mut self.client, &self.statements, &s, Run::Count, C::RETRY))
    }

    fn map<T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(output: T, with: W, f: fn(T, W) -> U) -> U {
        f(output, with)
    }
}

impl<'a, K: CachingClient> Executor<'a> for &'a K {
    type Output<T: Send + 'a> = BoxFuture<'a, T>;

    fn rows(self, s: Statement<'a>) -> BoxFuture<'a, Result<Vec<Row>, Error>> {
        Box::pin(async move { rows(run_async(self, &s, Run::Rows).await) })
    }

    fn execute(self, s: Statement<'a>) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move { count(run_async(self, &s, Run::Count).await) })
    }

    fn map<T: Send + 'a, W: Send + Unpin + 'a, U: Send + 'a>(
        output: BoxFuture<'a, T>,
        with: W,
        f: fn(T, W) -> U,
    ) -> BoxFuture<'a, U> {
        map_async(output, with, f)
    }
}
