//! strata: schema migrations whose ledger lives in the database (the `strata` extension), and
//! queries checked at compile time against the migration files.
//!
//! ```ignore
//! let mut client = postgres::Client::connect(url, postgres::NoTls)?;
//! strata::migrate!("migrations").run(&mut client)?;
//! let user = strata::query!("SELECT id, email FROM users WHERE id = $1", id).fetch_one(&mut client)?;
//! ```
//!
//! Generated code stays small: each `query!` is a row struct, its [`FromRow`] impl and a
//! [`Query`] value; fetching and binding are generic code here.

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod dev;
mod error;
pub mod migrate;
mod query;
#[cfg(feature = "cli")]
pub mod schema;
pub mod types;

pub use error::Error;
pub use migrate::{Applied, MigrateError, Migration, Migrator};
pub use query::{bind, Bind, Executor, FromRow, Query};
pub use strata_query_macros::{migrate, query};

/// A row as returned by the driver.
pub type Row = tokio_postgres::Row;
/// Re-exported for generated code.
pub use postgres_types::ToSql;

#[doc(hidden)]
pub mod __private {
    pub use tokio_postgres::Row;
}
