//! strata: schema migrations whose ledger lives in the database (the `strata` extension), and
//! queries checked at compile time against the migration files.
//!
//! ```ignore
//! let mut client = postgres::Client::connect(url, postgres::NoTls)?;
//! strata::migrate!("migrations").run(&mut client)?;
//! let user = strata::query!("SELECT id, email FROM users WHERE id = $1", id).fetch_one(&mut client)?;
//! ```
//!
//! The query macros, all checked against the migrations at compile time:
//! - [`query!`]: rows as a generated struct with one field per column; in item position,
//!   `query! { pub struct UserRow = "SELECT ..."; }` names that struct (with `UserRow::query(..)`
//!   to run it), so functions can return it;
//! - [`query_as!`]: rows into your own struct, field by field, by name;
//! - [`query_scalar!`]: the single column's value;
//! - [`query_file!`], [`query_file_as!`], [`query_file_scalar!`]: the SQL from a file, relative
//!   to the crate's manifest directory;
//! - [`query_unchecked!`], [`query_as_unchecked!`]: the arguments' Rust types are not checked
//!   (the server checks them when the statement is prepared).
//!
//! Columns take sqlx's overrides: `AS "name!"` (not null), `AS "name?"` (nullable),
//! `AS "name: Type"`, `AS "name!: Type"`, `AS "name?: Type"`; arguments `arg as Type` and `arg as _`.
//!
//! Generated code stays small: each query is a row struct, a function reading it from a row and
//! a [`Query`] value; fetching and binding are compiled once here.

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(any(feature = "cli", feature = "testing"))]
pub mod connect;
#[cfg(feature = "cli")]
pub mod dev;
mod error;
pub mod migrate;
mod query;
#[cfg(feature = "cli")]
pub mod report;
#[cfg(feature = "cli")]
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;

pub use error::Error;
pub use migrate::{Applied, MigrateError, Migration, Migrator};
pub use query::{
    bind, bind_composite, bind_composite_nullable, bind_enum, bind_enum_nullable, bind_nullable, query_as,
    Bind, BindComposite, BindCompositeNullable, BindEnum, BindEnumNullable, BindNullable, Cached,
    CachingClient, Executor, FromRow, Query, RetryStale, Statement, StatementCache,
};
/// `#[strata::test]`: the test runs in a fresh database cloned from a template that the
/// migrations built once; see [`testing`].
#[cfg(feature = "testing")]
pub use strata_query_macros::test;
pub use strata_query_macros::{
    migrate, query, query_as, query_as_unchecked, query_file, query_file_as, query_file_scalar, query_scalar,
    query_unchecked, FromRow, Type,
};

/// A row as returned by the driver.
pub type Row = tokio_postgres::Row;
/// Re-exported for generated code.
pub use postgres_types::ToSql;

#[doc(hidden)]
pub mod __private {
    pub use postgres_types::private::BytesMut;
    pub use postgres_types::{to_sql_checked, FromSql, IsNull, Kind, ToSql, Type};
    pub use tokio_postgres::Row;

    pub use crate::types::composite::{
        composite_field, composite_fields, missing_attribute, unknown_attribute, CompositeColumn,
        CompositeName, CompositeOf, RecordReader, RecordWriter,
    };
    pub use crate::types::enums::{
        accepts_enum, label_from_sql, label_to_sql, same_enum, EnumColumn, EnumLabels, EnumOf,
    };
}
