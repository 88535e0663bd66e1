//! UPDATE or DELETE of a whole existing table in one statement.

use pg_query::NodeEnum;

use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "unbounded-dml",
    severity: Severity::Error,
    summary: "UPDATE or DELETE without WHERE on an existing table",
    why: "One statement locks every row it touches until the migration commits (concurrent writes \
          to those rows wait), writes a new version of each row, and bloats the table and its WAL.",
    help: "backfill in batches outside the migration (or in a -- strata:no-transaction migration), \
           e.g. UPDATE ... WHERE id BETWEEN $1 AND $2, committing between batches",
    bad: "UPDATE users SET status = 'active';",
    good: "UPDATE users SET status = 'active' WHERE id >= 1 AND id < 10000; -- and so on, batch by batch",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if !matches!(ctx.statement.node, NodeEnum::UpdateStmt(_) | NodeEnum::DeleteStmt(_)) {
        return vec![];
    }
    ctx.effect
        .scans
        .iter()
        .filter(|(t, _)| ctx.existing(t))
        .map(|(t, why)| ctx.finding(Some(t), format!("{why} of {} in one transaction", display_table(t))))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn whole_table() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "UPDATE users SET status = 'active';\nDELETE FROM orgs;"
        ));
    }

    #[test]
    fn bounded_or_new() {
        lint_ok(super::RULE.id, HISTORY, "UPDATE users SET status = 'a' WHERE id < 1000;");
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (a int);\nUPDATE t SET a = 1;");
    }
}
