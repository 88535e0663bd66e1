//! The `strata` PostgreSQL extension: the migration ledger (`strata.history`),
//! the migration lock and the plan/record/start/finish functions the strata
//! migrator calls.
//!
//! Everything is plain SQL in `sql/*.sql` (reviewable by DBAs, no Rust on the
//! hot path); this crate only packages it with pgrx. The `requires` chains fix
//! the order in the generated install script.

use pgrx::prelude::*;

// Named explicitly: the package is `strata_ext` (the name `strata` belongs to
// the migrator crate) but the extension and library are `strata`.
::pgrx::pg_module_magic!(name = c"strata", version);

extension_sql_file!("../sql/history.sql", name = "history");
extension_sql_file!("../sql/lock.sql", name = "lock");
extension_sql_file!("../sql/plan.sql", name = "plan", requires = ["history"]);
extension_sql_file!("../sql/record.sql", name = "record", requires = ["history", "lock"]);
// Needs record for strata.check_new_entry, shared with strata.record.
extension_sql_file!("../sql/journal.sql", name = "journal", requires = ["history", "lock", "record"]);
// Last, so the REVOKEs cover every object above.
extension_sql_file!("../sql/privileges.sql", name = "privileges", finalize);

// The `#[pg_schema] mod tests` (schema `tests`, where pgrx-tests looks for
// the test functions) live in src/tests/.
#[cfg(any(test, feature = "pg_test"))]
mod tests;

/// Required by `cargo pgrx test`; must be visible at the crate root.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
