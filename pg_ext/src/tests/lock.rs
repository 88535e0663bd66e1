//! Tests for the migration lease (sql/lease.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{assert_errors, one, query, run, s, take_lock, TOKEN};
    use pgrx::prelude::*;

    #[pg_test]
    fn the_lease_is_taken_shown_renewed_and_released() {
        assert!(
            !one::<bool>(&format!("SELECT strata.release({TOKEN})")),
            "release without the lease is false"
        );
        take_lock();
        let lease = query("SELECT holder, (expires_at > now())::text, expired::text FROM strata.lease");
        assert_eq!(
            lease,
            vec![vec![one::<String>("SELECT session_user::text").into(), s("true"), s("false")]]
        );
        assert!(
            one::<bool>("SELECT strata.acquire('1 minute') IS NULL"),
            "a second runner gets no token while the lease is held"
        );
        assert!(one::<bool>(&format!("SELECT strata.renew({TOKEN}) > now()")));
        assert!(one::<bool>(&format!("SELECT strata.release({TOKEN})")));
        assert_eq!(one::<i64>("SELECT count(*) FROM strata.lease"), 0);
        let kinds = query("SELECT kind FROM strata.log ORDER BY id");
        assert_eq!(kinds, vec![vec![s("lock")], vec![s("unlock")]]);
    }

    #[pg_test]
    fn an_expired_lease_is_taken_over_and_the_old_token_refused() {
        let old: String = one("SELECT strata.acquire('1 millisecond')::text");
        run("SELECT pg_sleep(0.01)");
        take_lock();
        let kinds = query("SELECT kind FROM strata.log ORDER BY id");
        assert_eq!(kinds, vec![vec![s("lock")], vec![s("lock_expired")], vec![s("lock")]]);
        assert_errors(&[(
            &format!("SELECT strata.record('{old}', 7001, 'x', sha256('x'))"),
            "55P03",
            "strata.record: this runner does not hold the migration lease",
        )]);
    }

    #[pg_test]
    fn lease_errors_say_what_to_do() {
        assert_errors(&[
            ("SELECT strata.acquire('0 seconds')", "22023", "strata.acquire: ttl must be between"),
            ("SELECT strata.break_lock('  ')", "22023", "strata.break_lock: say why"),
            ("SELECT strata.renew(gen_random_uuid())", "55P03", "strata.renew: this runner does not hold"),
        ]);
        take_lock();
        assert!(one::<bool>("SELECT strata.break_lock('testing')"));
        let message: String = one("SELECT message FROM strata.log WHERE kind = 'lock_break'");
        assert!(message.ends_with(": testing"), "{message}");
        assert!(!one::<bool>("SELECT strata.break_lock('again')"), "nothing left to break");
    }
}
