//! `migrate!(…).check(&client)`: does the database have the migrations this build was made with?

use super::conn::Conn;
use super::sql::{array, bytea};
use super::{MigrateError, Migrator};

pub(crate) async fn check(conn: &mut impl Conn, migrator: &Migrator) -> Result<(), MigrateError> {
    let migrations = migrator.migrations();
    let sql = format!(
        "SELECT version, status FROM strata.compare({}, {})",
        array(migrations.iter().map(|m| m.version.to_string()), "bigint"),
        array(migrations.iter().map(|m| bytea(&m.checksum)), "bytea"),
    );
    let rows = conn
        .rows(&sql)
        .await
        .map_err(MigrateError::db("comparing the app's migrations with the database (strata.compare())"))?;
    let mismatches: Vec<(i64, String)> = rows
        .into_iter()
        .filter_map(|r| Some((r[0].as_deref()?.parse().ok()?, r[1].clone()?)))
        .filter(|(_, status)| migrator.strict || status != "extra")
        .collect();
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(MigrateError::SchemaMismatch(mismatches))
    }
}
