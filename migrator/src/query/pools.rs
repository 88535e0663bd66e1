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
