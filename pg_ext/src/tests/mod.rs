//! `#[pg_test]`s for the SQL in `sql/`. Each test runs in its own session and
//! transaction, which pgrx rolls back, so history rows never leak between
//! tests. Tests run concurrently, so:
//! - the lease row is shared: `take_lock()` takes the lease (waiting on the
//!   row lock while a concurrent test holds it, until that test rolls back)
//!   and keeps its token in the setting `tests.token`, which the SQL of the
//!   tests passes as `current_setting('tests.token', true)::uuid`;
//! - each test uses its own migration versions, so concurrent uncommitted
//!   inserts never wait on each other's primary key entries.
//!
//! The tests are split by SQL file; each file's `#[pg_schema] mod tests` puts
//! its test functions in the schema `tests`, where pgrx-tests calls them.

use pgrx::prelude::*;

mod history;
mod journal;
mod lock;
mod plan;
mod record;
mod snapshots;

// Runs a statement and returns what it raised, so one test can check the
// SQLSTATE, message and HINT of many errors (pg_test's `error = ".."` only
// compares the message of a single error). The EXCEPTION block rolls back
// the failed statement, so the test transaction continues.
extension_sql!(
    r#"
    CREATE SCHEMA IF NOT EXISTS tests;
    CREATE FUNCTION tests.catch(stmt text,
        OUT err_state text, OUT err_message text, OUT err_hint text)
    LANGUAGE plpgsql AS $$
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE,
                                err_message = MESSAGE_TEXT,
                                err_hint = PG_EXCEPTION_HINT;
    END
    $$;
    "#,
    name = "test_helpers",
);

pub(crate) type Rows = Vec<Vec<Option<String>>>;

/// All rows of `sql`, every column read as text (cast in the query).
/// Uses the read-write SPI path so rows written earlier in the test are seen.
pub(crate) fn query(sql: &str) -> Rows {
    Spi::connect_mut(|client| {
        client
            .update(sql, None, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .map(|row| (1..=row.columns()).map(|i| row.get::<String>(i).unwrap()).collect())
            .collect()
    })
}

pub(crate) fn one<T: FromDatum + IntoDatum>(sql: &str) -> T {
    Spi::get_one::<T>(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: returned NULL"))
}

pub(crate) fn run(sql: &str) {
    Spi::run(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// (sqlstate, message, hint) raised by `stmt`; all None when it succeeds.
pub(crate) fn catch(stmt: &str) -> (Option<String>, Option<String>, Option<String>) {
    let quoted = pgrx::spi::quote_literal(stmt);
    let rows = query(&format!("SELECT err_state, err_message, err_hint FROM tests.catch({quoted})"));
    let mut row = rows.into_iter().next().expect("tests.catch returns one row");
    let hint = row.pop().unwrap().filter(|h| !h.is_empty());
    let message = row.pop().unwrap();
    let sqlstate = row.pop().unwrap();
    (sqlstate, message, hint)
}

/// Asserts that each `(statement, sqlstate, message prefix)` raises that error, with a HINT.
pub(crate) fn assert_errors(cases: &[(&str, &str, &str)]) {
    for (stmt, expected_state, expected_message) in cases {
        let (sqlstate, message, hint) = catch(stmt);
        assert_eq!(sqlstate.as_deref(), Some(*expected_state), "{stmt}");
        let message = message.unwrap();
        assert!(message.starts_with(expected_message), "{stmt}: {message}");
        assert!(hint.is_some(), "{stmt}: errors carry a HINT");
    }
}

/// Take the migration lease; its token goes to the transaction-local setting `tests.token`.
pub(crate) fn take_lock() {
    let token: Option<String> = Spi::get_one("SELECT strata.acquire('1 hour')::text").unwrap();
    let token = token.expect("the lease is free once concurrent tests rolled back");
    run(&format!("SELECT set_config('tests.token', '{token}', true)"));
}

/// The token of `take_lock()` in SQL (NULL without it).
pub(crate) const TOKEN: &str = "current_setting('tests.token', true)::uuid";

pub(crate) fn unlock() {
    assert!(one::<bool>(&format!("SELECT strata.release({TOKEN})")), "release() should free the lease");
}

pub(crate) fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// Insert a history row directly (bypassing strata.record) to set up any state.
pub(crate) fn insert_history(version: i64, name: &str, file: &str, state: &str) {
    run(&format!(
        "INSERT INTO strata.history (version, name, checksum, state, duration)
         VALUES ({version}, '{name}', sha256('{file}'), '{state}', '1 second')"
    ));
}
