//! Connection pools as executors, next to the plain clients: a checked-out
//! `deadpool_postgres::Object` (or its transaction) and a `bb8::PooledConnection` of
//! `bb8_postgres`, each through the client it derefs to. Features `deadpool` and `bb8`.

#[cfg(feature = "deadpool")]
crate::__async_executor! {
    impl[] deadpool_postgres::Object => tokio_postgres::Client;
    impl['t] deadpool_postgres::Transaction<'t> => tokio_postgres::Transaction<'t>;
}

#[cfg(feature = "bb8")]
crate::__async_executor! {
    impl['p, Tls] bb8::PooledConnection<'p, bb8_postgres::PostgresConnectionManager<Tls>> => tokio_postgres::Client
    where [
        Tls: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket> + Clone + Send + Sync + 'static,
        <Tls as tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>>::Stream: Send + Sync,
        <Tls as tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>>::TlsConnect: Send,
        <<Tls as tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>>::TlsConnect as tokio_postgres::tls::TlsConnect<tokio_postgres::Socket>>::Future: Send,
    ];
}

/// Statement caching on a pooled connection: the pool keeps each connection's prepared
/// statements with the connection, so they outlive the checkout (`Cached::new(pool.get().await?)`).
#[cfg(feature = "deadpool")]
mod deadpool_cache {
    use postgres_types::Type;

    use crate::query::executor::BoxFuture;
    use crate::query::{Cached, CachingClient};
    use crate::Error;

    impl CachingClient for Cached<deadpool_postgres::Object> {
        type Client = tokio_postgres::Client;
        const RETRY: bool = true;

        fn client(&self) -> &tokio_postgres::Client {
            &self.client
        }

        fn prepared<'s>(
            &'s self,
            sql: &'static str,
            types: &'static [Type],
        ) -> BoxFuture<'s, Result<tokio_postgres::Statement, tokio_postgres::Error>> {
            Box::pin(self.client.prepare_typed_cached(sql, types))
        }

        fn evict(&self, sql: &'static str, types: &'static [Type]) {
            self.client.statement_cache.remove(sql, types);
        }
    }

    impl<'t> CachingClient for Cached<deadpool_postgres::Transaction<'t>> {
        type Client = tokio_postgres::Transaction<'t>;
        const RETRY: bool = false;

        fn client(&self) -> &tokio_postgres::Transaction<'t> {
            &self.client
        }

        fn prepared<'s>(
            &'s self,
            sql: &'static str,
            types: &'static [Type],
        ) -> BoxFuture<'s, Result<tokio_postgres::Statement, tokio_postgres::Error>> {
            Box::pin(self.client.prepare_typed_cached(sql, types))
        }

        fn evict(&self, sql: &'static str, types: &'static [Type]) {
            self.client.statement_cache.remove(sql, types);
        }
    }

    impl Cached<deadpool_postgres::Object> {
        /// A transaction on this pooled connection, using the same statements.
        pub async fn transaction(&mut self) -> Result<Cached<deadpool_postgres::Transaction<'_>>, Error> {
            Ok(Cached::new(self.client.transaction().await?))
        }
    }

    impl Cached<deadpool_postgres::Transaction<'_>> {
        pub async fn commit(self) -> Result<(), Error> {
            Ok(self.client.commit().await?)
        }

        pub async fn rollback(self) -> Result<(), Error> {
            Ok(self.client.rollback().await?)
        }
    }
}
