//! Tests for strata.record (sql/record.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{assert_errors, catch, one, query, run, s, take_lock, unlock};
    use pgrx::prelude::*;

    #[pg_test]
    fn record_inserts_an_applied_row() {
        take_lock();
        let recorded = query(
            "SELECT r.version::text, r.name, encode(r.checksum, 'hex'), r.state,
                    (r.applied_at = now())::text, (r.applied_by = session_user)::text,
                    (r.duration >= '0' AND r.duration <= clock_timestamp() - now())::text,
                    r.transactional::text
             FROM strata.record(current_setting('tests.token', true)::uuid, 20240101120000, 'create_users', sha256('create table users ()')) r",
        );
        let checksum = one::<String>("SELECT encode(sha256('create table users ()'), 'hex')");
        let expected = vec![
            s("20240101120000"),
            s("create_users"),
            Some(checksum),
            s("applied"),
            s("true"),
            s("true"),
            s("true"),
            s("true"),
        ];
        assert_eq!(recorded, vec![expected.clone()]);

        // The returned row is the stored row.
        let stored = query(
            "SELECT h.version::text, h.name, encode(h.checksum, 'hex'), h.state,
                    (h.applied_at = now())::text, (h.applied_by = session_user)::text,
                    (h.duration >= '0' AND h.duration <= clock_timestamp() - now())::text,
                    h.transactional::text
             FROM strata.history h WHERE h.version = 20240101120000",
        );
        assert_eq!(stored, vec![expected]);

        unlock();
    }

    #[pg_test]
    fn record_stores_an_explicit_duration_seals_and_logs_the_row() {
        take_lock();
        let explicit = query(
            "SELECT r.transactional::text, r.duration::text, (r.seal = strata.seal(r))::text
             FROM strata.record(current_setting('tests.token', true)::uuid, 20240101120001, 'index_users', sha256('x'), '5 minutes') r",
        );
        assert_eq!(explicit, vec![vec![s("true"), s("00:05:00"), s("true")]]);
        let event = query(
            "SELECT e.kind FROM strata.events e JOIN strata.history h ON h.event_id = e.id
             WHERE h.version = 20240101120001",
        );
        assert_eq!(event, vec![vec![s("success")]]);
        // A second migration recorded in the same transaction is one the migration forged.
        let (sqlstate, message, _) =
            catch("SELECT strata.record(current_setting('tests.token', true)::uuid, 20240101120002, 'x', sha256('y'))");
        assert_eq!(sqlstate.as_deref(), Some("42501"));
        assert!(message.unwrap().contains("wrote the strata ledger itself"));
        unlock();
    }

    #[pg_test(error = "strata.record: this runner does not hold the migration lease")]
    fn record_without_lock_fails() {
        run("SELECT strata.record(current_setting('tests.token', true)::uuid, 2001, 'no_lock', sha256('x'))");
    }

    #[pg_test(error = "strata.record: checksum of version 2101 is 64 bytes, expected 32")]
    fn record_rejects_a_hex_checksum() {
        take_lock();
        // The error ends the test; its transaction, and with it the lease, rolls back.
        run("SELECT strata.record(current_setting('tests.token', true)::uuid, 2101, 'hex', convert_to(encode(sha256('x'), 'hex'), 'UTF8'))");
    }

    #[pg_test]
    fn record_errors_say_what_to_do() {
        // Without the lock.
        let (sqlstate, _, hint) =
            catch("SELECT strata.record(current_setting('tests.token', true)::uuid, 2201, 'a', sha256('a'))");
        assert_eq!(sqlstate.as_deref(), Some("55P03"));
        assert!(hint.unwrap().contains("strata.acquire()"));

        take_lock();
        run("SELECT strata.record(current_setting('tests.token', true)::uuid, 2201, 'first', sha256('a'))");
        let cases = [
            (
                "SELECT strata.record(current_setting('tests.token', true)::uuid, 2202, 'short', '\\x00')",
                "22023",
                "strata.record: checksum of version 2202 is 1 bytes, expected 32",
            ),
            (
                "SELECT strata.record(current_setting('tests.token', true)::uuid, 2201, 'again', sha256('a'))",
                "23505",
                "strata.record: version 2201 (first) is already recorded as applied at ",
            ),
        ];
        assert_errors(&cases);
        // The duplicate error names who applied it.
        let (_, message, _) = catch(
            "SELECT strata.record(current_setting('tests.token', true)::uuid, 2201, 'again', sha256('a'))",
        );
        let by = one::<String>("SELECT ' by ' || session_user");
        assert!(message.unwrap().ends_with(&by));
        // Nothing was written by the failed calls.
        let versions =
            query("SELECT version::text, name FROM strata.history WHERE version BETWEEN 2201 AND 2202");
        assert_eq!(versions, vec![vec![s("2201"), s("first")]]);
        unlock();
    }
}
