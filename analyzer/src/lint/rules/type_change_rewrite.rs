//! ALTER COLUMN TYPE that rewrites an existing table.

use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "type-change-rewrite",
    severity: Severity::Error,
    summary: "ALTER COLUMN ... TYPE that rewrites an existing table",
    why: "Unless the new type is binary compatible (varchar(10) to varchar(20) or text, numeric(10,2) \
          to numeric(12,2)), Postgres rewrites the table and rebuilds its indexes under ACCESS \
          EXCLUSIVE: no reads or writes until it is done.",
    help: "add a new column of the new type, backfill it in batches, switch the code over, then drop \
           the old column",
    bad: "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
    good: "ALTER TABLE users ALTER COLUMN email TYPE varchar(100); -- widening: no rewrite",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::AlterTableStmt(s) = &ctx.statement.node else { return vec![] };
    let Some(rv) = &s.relation else { return vec![] };
    let table = key(rv);
    if !ctx.existing(&table) {
        return vec![];
    }
    ctx.effect
        .rewrites
        .iter()
        .filter(|(t, why)| *t == table && why.starts_with("changing"))
        .map(|(_, why)| ctx.finding(Some(&table), format!("{why} under ACCESS EXCLUSIVE")))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn rewriting_changes() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ALTER COLUMN org_id TYPE int;
ALTER TABLE users ALTER COLUMN email TYPE varchar(20);"
        ));
    }

    #[test]
    fn binary_compatible_changes() {
        let id = super::RULE.id;
        lint_ok(id, HISTORY, "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);");
        lint_ok(id, HISTORY, "ALTER TABLE users ALTER COLUMN email TYPE text;");
        lint_ok(id, HISTORY, "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;");
    }
}
