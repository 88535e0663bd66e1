//! Tests for strata.start, strata.step and strata.finish (sql/record.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{assert_errors, catch, one, query, run, s, take_lock, unlock, Rows};
    use pgrx::prelude::*;

    /// The strata.history row of `version` as text: state, transactional,
    /// duration, applied_at = now(), applied_by = session_user.
    fn row(version: i64) -> Rows {
        query(&format!(
            "SELECT h.state, h.transactional::text, h.duration::text,
                    (h.applied_at = now())::text, (h.applied_by = session_user)::text
             FROM strata.history h WHERE h.version = {version}"
        ))
    }

    /// strata.plan's status for one file whose contents are `file`.
    fn plan_status(version: i64, name: &str, file: &str) -> String {
        one::<String>(&format!(
            "SELECT status FROM strata.plan(ARRAY[{version}]::bigint[], ARRAY['{name}'],
                                            ARRAY[sha256('{file}')])"
        ))
    }

    /// Move the row's applied_at back an hour, as if strata.start(current_setting('tests.token', true)::uuid, ) had
    /// committed in an earlier transaction: within the test's single
    /// transaction now() cannot tell start time from finish time.
    fn started_an_hour_ago(version: i64) {
        run(&format!(
            "UPDATE strata.history SET applied_at = now() - '1 hour'::interval WHERE version = {version}"
        ));
    }

    #[pg_test]
    fn start_then_finish_applies() {
        take_lock();
        let started = query(
            "SELECT s.version::text, s.name, (s.checksum = sha256('create index concurrently'))::text,
                    s.state, s.transactional::text, s.duration::text,
                    (s.applied_at = now())::text, (s.applied_by = session_user)::text
             FROM strata.start(current_setting('tests.token', true)::uuid, 4001, 'index_users', sha256('create index concurrently')) s",
        );
        let t = || s("true");
        assert_eq!(
            started,
            vec![vec![s("4001"), s("index_users"), t(), s("running"), s("false"), s("00:00:00"), t(), t()]]
        );
        // The returned row is the stored row.
        assert_eq!(row(4001), vec![vec![s("running"), s("false"), s("00:00:00"), t(), t()]]);
        assert_eq!(plan_status(4001, "index_users", "create index concurrently"), "running");

        started_an_hour_ago(4001);
        let finished = query(
            "SELECT f.state, f.transactional::text, f.duration::text,
                    (f.applied_at = now())::text, (f.applied_by = session_user)::text
             FROM strata.finish(current_setting('tests.token', true)::uuid, 4001, true, '5 minutes') f",
        );
        // applied_at is now the completion time, not the start time.
        let expected = vec![vec![s("applied"), s("false"), s("00:05:00"), t(), t()]];
        assert_eq!(finished, expected);
        assert_eq!(row(4001), expected);
        assert_eq!(plan_status(4001, "index_users", "create index concurrently"), "applied");
        unlock();
    }

    #[pg_test]
    fn start_then_finish_failed() {
        take_lock();
        run("SELECT strata.start(current_setting('tests.token', true)::uuid, 4101, 'index_orders', sha256('create index concurrently'))");
        assert_eq!(plan_status(4101, "index_orders", "create index concurrently"), "running");

        started_an_hour_ago(4101);
        let finished = query(
            "SELECT f.state, f.transactional::text, f.duration::text,
                    (f.applied_at = now() - '1 hour'::interval)::text
             FROM strata.finish(current_setting('tests.token', true)::uuid, 4101, false, '2 seconds') f",
        );
        // A failed row keeps its start time: nothing was applied.
        assert_eq!(finished, vec![vec![s("failed"), s("false"), s("00:00:02"), s("true")]]);
        assert_eq!(plan_status(4101, "index_orders", "create index concurrently"), "failed");

        // A failed row is for a DBA to resolve, not for a second finish.
        let (sqlstate, message, hint) =
            catch("SELECT strata.finish(current_setting('tests.token', true)::uuid, 4101, true, '1 second')");
        assert_eq!(sqlstate.as_deref(), Some("55000"));
        assert!(message
            .unwrap()
            .starts_with("strata.finish: version 4101 (index_orders) is failed, not running"));
        assert!(hint.is_some());
        assert_eq!(row(4101)[0][0], s("failed"), "the failed finish changed nothing");
        unlock();
    }

    #[pg_test(error = "strata.start: this runner does not hold the migration lease")]
    fn start_without_lock_fails() {
        run("SELECT strata.start(current_setting('tests.token', true)::uuid, 4301, 'no_lock', sha256('x'))");
    }

    #[pg_test(error = "strata.finish: this runner does not hold the migration lease")]
    fn finish_without_lock_fails() {
        run("SELECT strata.finish(current_setting('tests.token', true)::uuid, 4302, true, '1 second')");
    }

    #[pg_test]
    fn journal_errors_say_what_to_do() {
        // Without the lock: the same SQLSTATE and HINT as strata.record.
        for stmt in [
            "SELECT strata.start(current_setting('tests.token', true)::uuid, 4201, 'a', sha256('a'))",
            "SELECT strata.finish(current_setting('tests.token', true)::uuid, 4201, true, '1s')",
        ] {
            let (sqlstate, _, hint) = catch(stmt);
            assert_eq!(sqlstate.as_deref(), Some("55P03"), "{stmt}");
            assert!(hint.unwrap().contains("strata.acquire()"), "{stmt}");
        }

        take_lock();
        run("SELECT strata.record(current_setting('tests.token', true)::uuid, 4201, 'first', sha256('a'))");
        let cases = [
            (
                "SELECT strata.start(current_setting('tests.token', true)::uuid, 4202, 'short', '\\x00')",
                "22023",
                "strata.start: checksum of version 4202 is 1 bytes, expected 32",
            ),
            (
                "SELECT strata.start(current_setting('tests.token', true)::uuid, 4202, 'hex', convert_to(encode(sha256('x'), 'hex'), 'UTF8'))",
                "22023",
                "strata.start: checksum of version 4202 is 64 bytes, expected 32",
            ),
            (
                "SELECT strata.start(current_setting('tests.token', true)::uuid, 4201, 'again', sha256('a'))",
                "23505",
                "strata.start: version 4201 (first) is already recorded as applied at ",
            ),
            (
                "SELECT strata.finish(current_setting('tests.token', true)::uuid, 4203, true, '1s')",
                "55000",
                "strata.finish: version 4203 is not recorded",
            ),
            (
                "SELECT strata.finish(current_setting('tests.token', true)::uuid, 4201, true, '1s')",
                "55000",
                "strata.finish: version 4201 (first) is applied, not running (since ",
            ),
            (
                "SELECT strata.finish(current_setting('tests.token', true)::uuid, 4201, NULL, '1s')",
                "22023",
                "strata.finish: succeeded and duration of version 4201 must not be NULL",
            ),
            (
                "SELECT strata.finish(current_setting('tests.token', true)::uuid, 4201, true, NULL)",
                "22023",
                "strata.finish: succeeded and duration of version 4201 must not be NULL",
            ),
        ];
        assert_errors(&cases);

        // start shares strata.record's checks: same messages bar the function
        // name, same HINTs.
        for args in ["4202, 'short', '\\x00'", "4201, 'again', sha256('a')"] {
            let (record_state, record_message, record_hint) =
                catch(&format!("SELECT strata.record(current_setting('tests.token', true)::uuid, {args})"));
            let (start_state, start_message, start_hint) =
                catch(&format!("SELECT strata.start(current_setting('tests.token', true)::uuid, {args})"));
            assert_eq!(start_state, record_state, "{args}");
            assert_eq!(
                start_message,
                record_message.map(|m| m.replace("strata.record:", "strata.start:")),
                "{args}"
            );
            assert_eq!(start_hint, record_hint, "{args}");
        }

        // Nothing was written or changed by the failed calls.
        let rows = query(
            "SELECT version::text, name, state, duration::text FROM strata.history
             WHERE version BETWEEN 4201 AND 4203",
        );
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0][..3], [s("4201"), s("first"), s("applied")]);
        assert_ne!(rows[0][3], s("00:00:01"), "finish did not touch the applied row");
        unlock();
    }
}
