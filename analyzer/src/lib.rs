//! Static analysis of PostgreSQL migrations and queries, with no database.
//!
//! - [`migration`]: a directory of `<version>_<name>.up.sql` files as an ordered, checksummed set.
//! - [`catalog`]: the schema those files build, replayed statement by statement with Postgres's
//!   own parser (`pg_query`).
//! - [`query`]: the parameters and output columns (type, nullability) of a query against a catalog.
//! - [`rust_types`]: how Postgres types map to Rust types in generated code.
//!
//! Everything reports problems as [`Diagnostic`]s that name the file, line and column.

pub mod catalog;
mod diagnostic;
pub mod diff;
pub mod lint;
pub mod migration;
pub mod query;
pub mod rust_types;
mod sql;

pub use catalog::Catalog;
pub use diagnostic::{Diagnostic, LineIndex, Severity};
pub use migration::{Migration, MigrationSet};
pub use query::{closest, describe, Column, Param, QueryDescription};
pub use sql::{parse_script, Statement, SyntaxError};
