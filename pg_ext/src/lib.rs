//! The `strata` PostgreSQL extension: the migration ledger (`strata.history`, `strata.log`,
//! `strata.lease`), its roles and privileges, and the SECURITY DEFINER API the strata migrator
//! calls (acquire/renew/release, plan, record/fail, start/step/finish, verify/repair, version
//! checks).
//!
//! Everything is plain SQL in `sql/*.sql` (reviewable by DBAs, no Rust on the hot path, and the
//! same files `strata init` installs where no extension can be); this crate only packages it with
//! pgrx. The `requires` chains fix the order in the generated install script; the upgrade script and
//! `strata init` use the same files in the same order.

use pgrx::prelude::*;

// Named explicitly: the package is `strata_ext` (the name `strata` belongs to the migrator
// crate) but the extension and library are `strata`.
::pgrx::pg_module_magic!(name = c"strata", version);

extension_sql_file!("../sql/guard.sql", name = "guard", bootstrap);
extension_sql_file!("../sql/history.sql", name = "history");
extension_sql_file!("../sql/ledger.sql", name = "ledger", requires = ["history"]);
extension_sql_file!("../sql/roles.sql", name = "roles", requires = ["ledger"]);
extension_sql_file!("../sql/chain.sql", name = "chain", requires = ["roles"]);
extension_sql_file!("../sql/lease.sql", name = "lease", requires = ["chain"]);
extension_sql_file!("../sql/record.sql", name = "record", requires = ["lease"]);
extension_sql_file!("../sql/plan.sql", name = "plan", requires = ["record"]);
extension_sql_file!("../sql/verify.sql", name = "verify", requires = ["plan"]);
extension_sql_file!("../sql/backfill.sql", name = "backfill", requires = ["verify"]);
// strata.describe_text(), describe_objects() and describe(): an opener, then
// migrator/src/schema/describe.sql (the one description, shared with the CLI), then a closer.
extension_sql_file!("../sql/describe_text_open.sql", name = "describe_text_open", requires = ["backfill"]);
extension_sql_file!(
    "../../migrator/src/schema/describe.sql",
    name = "describe_text",
    requires = ["describe_text_open"]
);
extension_sql_file!(
    "../sql/describe_text_close.sql",
    name = "describe_text_close",
    requires = ["describe_text"]
);
extension_sql_file!("../sql/describe_open.sql", name = "describe_open", requires = ["describe_text_close"]);
extension_sql_file!(
    "../../migrator/src/schema/describe.sql",
    name = "describe",
    requires = ["describe_open"]
);
extension_sql_file!("../sql/describe_close.sql", name = "describe_close", requires = ["describe"]);
extension_sql_file!("../sql/snapshots.sql", name = "snapshots", requires = ["describe_close"]);
extension_sql_file!("../sql/snapshot_scope.sql", name = "snapshot_scope", requires = ["snapshots"]);
extension_sql_file!("../sql/drift.sql", name = "drift", requires = ["snapshot_scope"]);
extension_sql_file!("../sql/sentinel.sql", name = "sentinel", requires = ["drift"]);
extension_sql_file!("../sql/revert.sql", name = "revert", requires = ["sentinel"]);
// Last, so the REVOKEs and GRANTs cover every object above.
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
