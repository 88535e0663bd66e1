//! Tests for strata.plan (sql/plan.sql).

#[pgrx::pg_schema]
mod tests {
    use crate::tests::{catch, insert_history, query, run, s, Rows};
    use pgrx::prelude::*;

    /// strata.plan over the given (version, name, file contents) as text rows
    /// (version, name, status, checksum = sha256(name),
    /// applied_checksum = sha256(name), applied_at IS NOT NULL).
    /// History rows use sha256(name), so "false" marks an edited file.
    fn plan(files: &[(i64, &str, &str)]) -> Rows {
        let versions: Vec<String> = files.iter().map(|f| f.0.to_string()).collect();
        let names: Vec<String> = files.iter().map(|f| format!("'{}'", f.1)).collect();
        let sums: Vec<String> = files.iter().map(|f| format!("sha256('{}')", f.2)).collect();
        query(&format!(
            "SELECT p.version::text, p.name, p.status,
                    (p.checksum = sha256(p.name::bytea))::text,
                    (p.applied_checksum = sha256(p.name::bytea))::text,
                    (p.applied_at IS NOT NULL)::text
             FROM strata.plan(ARRAY[{}]::bigint[], ARRAY[{}]::text[], ARRAY[{}]::bytea[]) p",
            versions.join(","),
            names.join(","),
            sums.join(",")
        ))
    }

    #[pg_test]
    fn plan_reports_every_status() {
        // History: checksums are sha256(name) so the query can tell them apart.
        insert_history(3001, "applied", "applied", "applied");
        insert_history(3002, "edited", "edited", "applied");
        insert_history(3004, "gone", "gone", "applied");
        insert_history(3006, "broken", "broken", "failed");
        insert_history(3008, "in_flight", "in_flight", "running");
        insert_history(3010, "newest", "newest", "applied");

        let files = [
            (3001, "applied", "applied"),
            (3002, "edited", "edited since"),
            (3003, "late", "late"),
            (3006, "broken", "broken"),
            (3008, "in_flight", "in_flight"),
            (3010, "newest", "newest"),
            (3011, "next", "next"),
            (3012, "after_next", "after_next"),
        ];
        let t = || s("true");
        let f = || s("false");
        let expected: Rows = vec![
            vec![s("3001"), s("applied"), s("applied"), t(), t(), t()],
            vec![s("3002"), s("edited"), s("checksum_mismatch"), f(), t(), t()],
            vec![s("3003"), s("late"), s("out_of_order"), t(), None, f()],
            vec![s("3004"), s("gone"), s("missing_file"), None, t(), t()],
            vec![s("3006"), s("broken"), s("failed"), t(), t(), t()],
            vec![s("3008"), s("in_flight"), s("running"), t(), t(), t()],
            vec![s("3010"), s("newest"), s("applied"), t(), t(), t()],
            vec![s("3011"), s("next"), s("pending"), t(), None, f()],
            vec![s("3012"), s("after_next"), s("pending"), t(), None, f()],
        ];
        assert_eq!(plan(&files), expected);
        // Input order does not matter: output is ordered by version.
        let mut reversed = files;
        reversed.reverse();
        assert_eq!(plan(&reversed), expected);
    }

    #[pg_test]
    fn plan_pending_when_nothing_is_applied() {
        // Failed/running rows do not make later files out_of_order.
        insert_history(3101, "broken", "broken", "failed");
        let rows = plan(&[(3100, "first", "first"), (3102, "second", "second")]);
        let statuses: Vec<_> = rows.iter().map(|r| r[2].clone()).collect();
        assert_eq!(statuses, vec![s("pending"), s("failed"), s("pending")]);
        // No files and no history: nothing to do.
        run("DELETE FROM strata.history WHERE version = 3101");
        assert_eq!(plan(&[]), Rows::new());
    }

    #[pg_test(error = "strata.plan: versions, names and checksums must have the same length (got 2, 1, 2)")]
    fn plan_rejects_arrays_of_different_lengths() {
        run("SELECT * FROM strata.plan('{1,2}', '{a}', ARRAY[sha256('a'), sha256('b')])");
    }

    #[pg_test]
    fn plan_input_errors() {
        let two = "ARRAY[sha256('a'), sha256('b')]";
        let cases = [
            (
                format!("'{{1,2}}', '{{a,b,c}}', {two}"),
                "versions, names and checksums must have the same length (got 2, 3, 2)",
            ),
            (
                "'{1,2}', '{a,b}', ARRAY[sha256('a')]".to_string(),
                "versions, names and checksums must have the same length (got 2, 2, 1)",
            ),
            (
                format!("'{{1,NULL}}', '{{a,b}}', {two}"),
                "versions, names and checksums must not contain NULL",
            ),
            (
                format!("'{{1,2}}', '{{a,NULL}}', {two}"),
                "versions, names and checksums must not contain NULL",
            ),
            (
                "'{1,2}', '{a,b}', ARRAY[sha256('a'), NULL]".to_string(),
                "versions, names and checksums must not contain NULL",
            ),
            (format!("NULL, '{{a,b}}', {two}"), "versions, names and checksums must not be NULL"),
            (
                "'{1,2}', '{a,b}', ARRAY[sha256('a'), '\\x0102']".to_string(),
                "checksum of version 2 is 2 bytes, expected 32",
            ),
            (
                "'{1}', '{a}', ARRAY[sha256('a') || '\\x00']".to_string(),
                "checksum of version 1 is 33 bytes, expected 32",
            ),
            (format!("'{{7,7}}', '{{a,b}}', {two}"), "version 7 appears more than once"),
        ];
        for (args, expected) in cases {
            let (sqlstate, message, hint) = catch(&format!("SELECT * FROM strata.plan({args})"));
            assert_eq!(sqlstate.as_deref(), Some("22023"), "{args}");
            assert_eq!(message, Some(format!("strata.plan: {expected}")), "{args}");
            assert!(hint.is_some(), "{args}: errors carry a HINT");
        }
    }
}
