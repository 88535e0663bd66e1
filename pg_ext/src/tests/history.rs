//! Tests for strata.history (sql/history.sql) and the privileges and volatility of all objects.

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{catch, one, query, s, Rows};
    use pgrx::prelude::*;

    #[pg_test]
    fn history_table_has_the_documented_columns() {
        let columns = query(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                    pg_get_expr(d.adbin, d.adrelid),
                    (col_description(a.attrelid, a.attnum) IS NOT NULL)::text
             FROM pg_attribute a
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = 'strata.history'::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum",
        );
        let expected = [
            ("version", "bigint", None),
            ("name", "text", None),
            ("checksum", "bytea", None),
            ("state", "text", None),
            ("applied_at", "timestamp with time zone", Some("now()")),
            ("applied_by", "text", Some("SESSION_USER")),
            ("duration", "interval", None),
            ("transactional", "boolean", Some("true")),
            ("event_id", "bigint", None),
            ("seal", "bytea", None),
            ("allowed", "jsonb", None),
        ];
        let expected: Rows = expected
            .iter()
            .map(|(name, ty, default)| {
                // Every 0.1.0 column NOT NULL (the 0.2.0 ones are filled by the API, and NULL in
                // rows restored from an old dump), and every column commented.
                let not_null = !matches!(*name, "event_id" | "seal" | "allowed");
                vec![s(name), s(ty), s(&not_null.to_string()), default.map(String::from), s("true")]
            })
            .collect();
        assert_eq!(columns, expected);

        let constraints = query(
            "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'strata.history'::regclass ORDER BY conname",
        );
        assert_eq!(
            constraints,
            vec![
                vec![s("history_checksum_is_sha256"), s("CHECK ((octet_length(checksum) = 32))")],
                vec![s("history_pkey"), s("PRIMARY KEY (version)")],
                vec![
                    s("history_state_is_known"),
                    s("CHECK ((state = ANY (ARRAY['running'::text, 'applied'::text, 'failed'::text])))"),
                ],
            ]
        );
        assert!(one::<bool>("SELECT obj_description('strata.history'::regclass) IS NOT NULL"));
    }

    #[pg_test]
    fn history_rows_are_kept_by_pg_dump() {
        let config = query(
            "SELECT c::regclass::text, cond FROM pg_extension e,
                    unnest(e.extconfig, e.extcondition) AS u(c, cond)
             WHERE e.extname = 'strata'",
        );
        let expected: Rows = [
            "history",
            "events",
            "steps",
            "audit",
            "events_id_seq",
            "audit_id_seq",
            "snapshot_config",
            "snapshots",
            "snapshot_objects",
            "snapshot_state",
            "snapshots_seq_seq",
            "ddl_events",
            "ddl_events_id_seq",
        ]
        .iter()
        .map(|t| vec![s(&format!("strata.{t}")), s("")])
        .collect();
        assert_eq!(config, expected);
    }

    #[pg_test]
    fn history_checks_reject_bad_rows() {
        let cases = [
            ("31-byte checksum", "substr(sha256('x'), 2)", "'applied'", "history_checksum_is_sha256"),
            (
                "hex text checksum",
                "convert_to(encode(sha256('x'), 'hex'), 'UTF8')",
                "'applied'",
                "history_checksum_is_sha256",
            ),
            ("unknown state", "sha256('x')", "'done'", "history_state_is_known"),
        ];
        for (case, checksum, state, constraint) in cases {
            let (sqlstate, message, _) = catch(&format!(
                "INSERT INTO strata.history (version, name, checksum, state, duration)
                 VALUES (9001, 'x', {checksum}, {state}, '1s')"
            ));
            assert_eq!(sqlstate.as_deref(), Some("23514"), "{case}");
            assert!(message.unwrap().contains(constraint), "{case}");
        }
    }

    #[pg_test]
    fn objects_are_not_granted_to_public() {
        // NULL acl means the default, which gives PUBLIC (grantee 0) EXECUTE.
        let public_grants = query(
            "SELECT p.oid::regprocedure::text FROM pg_proc p,
                    aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
             WHERE p.pronamespace = 'strata'::regnamespace AND a.grantee = 0
             UNION ALL
             SELECT c.oid::regclass::text FROM pg_class c,
                    aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
             WHERE c.relnamespace = 'strata'::regnamespace AND a.grantee = 0",
        );
        assert_eq!(public_grants, Rows::new());
        // Every function pins search_path, but the two hash functions that the ledger writes
        // inline into their callers (a SET clause would prevent that): they are not SECURITY
        // DEFINER, name everything schema-qualified and are called only by pinned functions.
        let unpinned = query(
            "SELECT p.oid::regprocedure::text || CASE WHEN p.prosecdef THEN ' (SECURITY DEFINER)' ELSE '' END
             FROM pg_proc p
             WHERE p.pronamespace = 'strata'::regnamespace
               AND NOT ('search_path=pg_catalog, pg_temp' = ANY (coalesce(p.proconfig, '{}')))
             ORDER BY 1",
        );
        let inlined: Rows = [s("strata.event_hash(bytea,strata.events)"), s("strata.seal(strata.history)")]
            .into_iter()
            .map(|f| vec![f])
            .collect();
        assert_eq!(unpinned, inlined);
    }

    #[pg_test]
    fn functions_have_the_documented_volatility() {
        let volatility = query(
            "SELECT proname::text, provolatile::text FROM pg_proc
             WHERE pronamespace = 'strata'::regnamespace ORDER BY proname",
        );
        let expected = [
            ("accept_drift", "v"),
            ("acquire", "v"),
            ("audit_change", "v"),
            ("bits_hash", "i"),
            ("blockers", "s"),
            ("break_lock", "v"),
            ("check_allowed", "i"),
            ("check_new_entry", "v"),
            ("compare", "s"),
            ("current_version", "s"),
            ("describe", "s"),
            ("describe_objects", "s"),
            ("describe_text", "i"),
            ("drift", "s"),
            ("emit", "v"),
            ("event_hash", "s"),
            ("fail", "v"),
            ("finish", "v"),
            ("guard_level", "s"),
            ("guard_rank", "i"),
            ("hash_bits", "i"),
            ("hold", "v"),
            ("in_migration", "s"),
            ("latest_snapshot", "s"),
            ("ledger_version", "i"),
            ("manage_schemas", "v"),
            ("object_hash", "i"),
            ("plan", "s"),
            ("progress", "s"),
            ("put_history", "v"),
            ("rechain", "v"),
            ("record", "v"),
            ("refuse_direct_writes", "v"),
            ("release", "v"),
            ("renew", "v"),
            ("repair", "v"),
            ("require_version", "s"),
            ("resolve", "v"),
            ("retry", "v"),
            ("revert", "v"),
            ("schema_at", "s"),
            ("seal", "s"),
            ("sentinel_check", "v"),
            ("sentinel_ddl", "v"),
            ("sentinel_drop", "v"),
            ("sentinel_keep", "v"),
            ("snapshot_epoch", "s"),
            ("snapshot_migration", "v"),
            ("snapshot_roots", "s"),
            ("snapshot_scope_roots", "v"),
            ("start", "v"),
            ("step", "v"),
            ("take_snapshot", "v"),
            ("verify", "s"),
        ];
        let expected: Rows = expected.iter().map(|(f, v)| vec![s(f), s(v)]).collect();
        assert_eq!(volatility, expected);
    }
}
