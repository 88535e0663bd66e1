//! Resuming a non-transactional migration: what to do with a statement that a previous run
//! journaled as running or failed.

use std::time::Duration;

use super::concurrent::{concurrent, Concurrent, ReindexScope};
use super::conn::Conn;
use super::lease::Lease;
use super::sql::literal;
use super::MigrateError;

pub(crate) enum Decision {
    /// It took effect: skip it.
    Done,
    /// Nothing of it is left (or what was left is cleaned up): run it.
    Run,
    /// The catalog cannot tell: a DBA decides with `strata resolve`.
    InDoubt,
}

/// `previous` is the journal state: done, running (the run died during it) or failed (it raised).
pub(crate) async fn decide(
    conn: &mut impl Conn,
    lease: &Lease,
    statement: &str,
    previous: &str,
) -> Result<Decision, MigrateError> {
    if previous == "done" {
        return Ok(Decision::Done);
    }
    match concurrent(statement) {
        Some(Concurrent::CreateIndex(index)) => index_decision(conn, lease, &index).await,
        Some(Concurrent::Reindex { scope, name }) => reindex_decision(conn, lease, scope, &name).await,
        Some(Concurrent::DropIndex(index)) => drop_decision(conn, lease, &index).await,
        // A statement that raised in autocommit was rolled back whole; one the run died in may or
        // may not have committed.
        None => Ok(if previous == "failed" { Decision::Run } else { Decision::InDoubt }),
    }
}

/// CREATE INDEX CONCURRENTLY leaves an INVALID index when it fails or its session dies; an orphaned
/// backend may still be building it, and if it finishes the index is valid and the statement done.
async fn index_decision(conn: &mut impl Conn, lease: &Lease, index: &str) -> Result<Decision, MigrateError> {
    let query = format!(
        "SELECT CASE WHEN c.oid IS NULL THEN 'absent' WHEN i.indisvalid THEN 'valid' \
         WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = c.oid) \
         THEN 'building' ELSE 'invalid' END \
         FROM (SELECT pg_catalog.to_regclass({name}) AS oid) r \
         LEFT JOIN pg_catalog.pg_class c ON c.oid = r.oid \
         LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid",
        name = literal(index)
    );
    loop {
        let rows = conn.rows(&query).await.map_err(MigrateError::db(format!("checking index {index}")))?;
        match rows.first().and_then(|r| r[0].as_deref()) {
            Some("valid") => return Ok(Decision::Done),
            // Wait for the orphaned build, keeping the lease.
            Some("building") => wait_for_orphan(conn, lease).await?,
            Some("invalid") => {
                conn.batch(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))
                    .await
                    .map_err(MigrateError::db(format!("dropping the invalid index {index}")))?;
                return Ok(Decision::Run);
            }
            _ => return Ok(Decision::Run),
        }
    }
}

/// Keeps the lease while an orphaned backend finishes, then looks again.
async fn wait_for_orphan(conn: &mut impl Conn, lease: &Lease) -> Result<(), MigrateError> {
    conn.batch(&format!("SELECT strata.renew({})", lease.sql()))
        .await
        .map_err(MigrateError::db("renewing the strata lease"))?;
    conn.sleep(Duration::from_millis(200)).await;
    Ok(())
}

/// REINDEX CONCURRENTLY builds a copy `<index>_ccnew` of each index, swaps it in and drops the
/// old one, renamed `<index>_ccold`. A failure or a kill leaves these INVALID: an orphaned backend
/// may still be working (wait for it), the rest is dropped, and the REINDEX runs again (it is
/// idempotent). The leftovers of REINDEX INDEX are those named after that index, of REINDEX TABLE
/// every one on the table and its TOAST table, of REINDEX SCHEMA every one on the schema's tables
/// and theirs, of REINDEX DATABASE every one on a table outside the system schemas.
async fn reindex_decision(
    conn: &mut impl Conn,
    lease: &Lease,
    scope: ReindexScope,
    name: &str,
) -> Result<Decision, MigrateError> {
    let tables = "c.relkind IN ('r', 'm', 'p')";
    let target = match scope {
        ReindexScope::Table => format!(
            "SELECT pg_catalog.to_regclass({}) AS rel, NULL::pg_catalog.name AS index_name",
            literal(name)
        ),
        ReindexScope::Index => format!(
            "SELECT i.indrelid AS rel, c.relname AS index_name FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indexrelid = pg_catalog.to_regclass({})",
            literal(name)
        ),
        ReindexScope::Schema => format!(
            "SELECT c.oid AS rel, NULL::pg_catalog.name AS index_name FROM pg_catalog.pg_class c \
             WHERE {tables} AND c.relnamespace = pg_catalog.to_regnamespace({})",
            literal(name)
        ),
        ReindexScope::Database => format!(
            "SELECT c.oid AS rel, NULL::pg_catalog.name AS index_name FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE {tables} AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
        ),
    };
    // The leftovers: schema-qualified names, or 'building' while a backend still rebuilds there.
    let query = format!(
        "WITH target AS ({target}), \
         rels AS (SELECT t.rel FROM target t UNION SELECT c.reltoastrelid FROM target t \
                  JOIN pg_catalog.pg_class c ON c.oid = t.rel WHERE c.reltoastrelid <> 0) \
         SELECT 'building' FROM pg_catalog.pg_stat_progress_create_index p \
         WHERE p.relid IN (SELECT rel FROM rels) AND p.pid <> pg_catalog.pg_backend_pid() \
         UNION ALL \
         (SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) \
          FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, target t \
          WHERE i.indrelid IN (SELECT rel FROM rels) AND NOT i.indisvalid \
            AND c.relname ~ '_cc(new|old)[0-9]*$' \
            AND (t.index_name IS NULL OR pg_catalog.strpos(t.index_name, \
                 pg_catalog.regexp_replace(c.relname, '_cc(new|old)[0-9]*$', '')) = 1) \
          ORDER BY 1)"
    );
    loop {
        let rows = conn
            .rows(&query)
            .await
            .map_err(MigrateError::db(format!("checking what a REINDEX CONCURRENTLY of {name} left")))?;
        let leftovers: Vec<String> =
            rows.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect();
        if leftovers.iter().any(|l| l == "building") {
            wait_for_orphan(conn, lease).await?;
            continue;
        }
        for index in leftovers {
            conn.batch(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))
                .await
                .map_err(MigrateError::db(format!("dropping {index}, left by a REINDEX CONCURRENTLY")))?;
        }
        return Ok(Decision::Run);
    }
}

/// An interrupted DROP INDEX CONCURRENTLY leaves the index INVALID: drop it again, once an
/// orphaned backend still dropping it is gone. No index left: the drop completed.
async fn drop_decision(conn: &mut impl Conn, lease: &Lease, index: &str) -> Result<Decision, MigrateError> {
    // Only a DROP (or another DDL) takes SHARE UPDATE EXCLUSIVE on an index; queries take ACCESS SHARE.
    let query = format!(
        "SELECT CASE WHEN r.oid IS NULL THEN 'absent' \
         WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.relation = r.oid \
                      AND l.mode = 'ShareUpdateExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid()) \
         THEN 'dropping' ELSE 'present' END \
         FROM (SELECT pg_catalog.to_regclass({}) AS oid) r",
        literal(index)
    );
    loop {
        let rows = conn.rows(&query).await.map_err(MigrateError::db(format!("checking index {index}")))?;
        match rows.first().and_then(|r| r[0].as_deref()) {
            Some("absent") => return Ok(Decision::Done),
            Some("dropping") => wait_for_orphan(conn, lease).await?,
            _ => return Ok(Decision::Run),
        }
    }
}
