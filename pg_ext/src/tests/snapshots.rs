//! Tests for schema snapshots, drift and the sentinel (sql/snapshots.sql, snapshot_scope.sql,
//! drift.sql, sentinel.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{catch, one, query, run, s};
    use pgrx::prelude::*;

    /// The fingerprint of a full description of the live schema, from scratch.
    const LIVE_FINGERPRINT: &str = "SELECT encode(strata.bits_hash(bit_xor(strata.hash_bits(
        strata.object_hash(d.kind, d.identity, d.definition)))), 'hex') FROM strata.describe() d";

    #[pg_test]
    fn drift_shows_ddl_outside_migrations_and_an_incremental_snapshot_takes_it_in() {
        run("SET strata.guard = 'warn'");
        run("SELECT strata.take_snapshot(NULL, 'baseline')");
        assert_eq!(query("SELECT kind FROM strata.drift()"), Vec::<Vec<Option<String>>>::new());

        run("CREATE TABLE snap_t (id int PRIMARY KEY, note text DEFAULT 'x')");
        let events = query(
            "SELECT command_tag, object_identity, guard, outcome FROM strata.ddl_events
             WHERE object_identity = 'public.snap_t'",
        );
        assert_eq!(events, vec![vec![s("CREATE TABLE"), s("public.snap_t"), s("warn"), s("warned")]]);
        let drift = query("SELECT kind, identity, change FROM strata.drift() ORDER BY kind, identity");
        assert_eq!(
            drift,
            vec![
                vec![s("column"), s("public.snap_t.id"), s("added")],
                vec![s("column"), s("public.snap_t.note"), s("added")],
                vec![s("constraint"), s("public.snap_t.snap_t_pkey"), s("added")],
                vec![s("index"), s("public.snap_t_pkey"), s("added")],
                vec![s("table"), s("public.snap_t"), s("added")],
            ]
        );

        // What a migration's DDL would have noted: the table. Only its roots are described.
        run("INSERT INTO strata.snapshot_scope (classid, objid)
             VALUES ('pg_class'::regclass, 'public.snap_t'::regclass)");
        let taken =
            query("SELECT incremental::text, changed::text FROM strata.take_snapshot(NULL, 'x', true)");
        assert_eq!(taken, vec![vec![s("true"), s("5")]]);
        assert_eq!(query("SELECT kind FROM strata.drift()"), Vec::<Vec<Option<String>>>::new());
        let kept = one::<String>(
            "SELECT encode(fingerprint, 'hex') FROM strata.snapshots ORDER BY seq DESC LIMIT 1",
        );
        assert_eq!(kept, one::<String>(LIVE_FINGERPRINT));
        assert_eq!(one::<i64>("SELECT count(*) FROM strata.snapshot_scope"), 0);

        // A changed field shows as one row with before and after.
        run("ALTER TABLE snap_t ALTER COLUMN note SET DEFAULT 'y'");
        let changed = query("SELECT identity, change, field, before, after FROM strata.drift()");
        assert_eq!(
            changed,
            vec![vec![s("public.snap_t.note"), s("changed"), s("default"), s("'x'::text"), s("'y'::text")]]
        );
    }

    #[pg_test]
    fn block_refuses_ddl_outside_migrations() {
        run("SET strata.guard = 'block'");
        let (state, message, hint) = catch("CREATE TABLE snap_blocked (id int)");
        assert_eq!(state.as_deref(), Some("42501"));
        assert!(message.unwrap().contains("outside a migration is refused"));
        assert!(hint.unwrap().contains("migration file"));
        // Nothing was created, and nothing recorded: the refused DDL did not run.
        assert_eq!(one::<i64>("SELECT count(*) FROM pg_class WHERE relname = 'snap_blocked'"), 0);
    }

    #[pg_test]
    fn schema_at_says_where_snapshots_come_from() {
        let (state, message, hint) = catch("SELECT * FROM strata.schema_at(424242)");
        assert_eq!(state.as_deref(), Some("P0002"));
        assert!(message.unwrap().contains("no snapshot of migration 424242"));
        assert!(hint.unwrap().contains("strata.snapshots"));
    }
}
