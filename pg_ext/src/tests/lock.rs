//! Tests for the migration lock (sql/lock.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{one, query, run, take_lock};
    use pgrx::prelude::*;

    #[pg_test]
    fn lock_is_taken_reported_and_released() {
        assert!(!one::<bool>("SELECT strata.holds_lock()"), "fresh session holds no lock");
        assert!(!one::<bool>("SELECT strata.unlock()"), "unlock without the lock is false");

        take_lock();
        assert!(one::<bool>("SELECT strata.holds_lock()"));
        let holder = query(
            "SELECT usename::text, application_name FROM strata.lock_holder
             WHERE pid = pg_backend_pid()",
        );
        assert_eq!(holder.len(), 1, "lock_holder shows this session: {holder:?}");
        assert_eq!(one::<i64>("SELECT count(*) FROM strata.lock_holder"), 1, "one holder at a time");
        assert_eq!(holder[0][0], one::<String>("SELECT session_user::text").into());

        assert!(one::<bool>("SELECT strata.unlock()"));
        assert!(!one::<bool>("SELECT strata.holds_lock()"));
        assert!(!one::<bool>("SELECT strata.unlock()"), "second unlock has nothing to release");
        assert_eq!(one::<i64>("SELECT count(*) FROM strata.lock_holder WHERE pid = pg_backend_pid()"), 0);
    }

    #[pg_test]
    fn try_lock_is_reentrant_without_stacking() {
        take_lock();
        for _ in 0..3 {
            assert!(one::<bool>("SELECT strata.try_lock()"), "holder may call try_lock again");
        }
        // Stacked advisory locks would need four releases now. Release once
        // with the raw function: strata.unlock() loops, so it would hide stacking.
        assert!(one::<bool>("SELECT pg_advisory_unlock(key1, key2) FROM strata.lock_key()"));
        assert!(
            !one::<bool>("SELECT strata.holds_lock()"),
            "a single release frees it: try_lock did not stack"
        );
        assert!(!one::<bool>("SELECT strata.unlock()"));
    }

    #[pg_test]
    fn unlock_releases_holds_stacked_outside_try_lock() {
        take_lock();
        run("SELECT pg_advisory_lock(key1, key2) FROM strata.lock_key()");
        assert!(one::<bool>("SELECT strata.unlock()"));
        assert!(!one::<bool>("SELECT strata.holds_lock()"));
    }
}
