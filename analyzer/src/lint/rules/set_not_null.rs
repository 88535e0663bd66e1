//! SET NOT NULL on an existing table without a validated CHECK (col IS NOT NULL).

use pg_query::NodeEnum;

use crate::catalog::index::{key, ConstraintKind};
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "set-not-null",
    severity: Severity::Error,
    summary: "SET NOT NULL without a validated CHECK (column IS NOT NULL) on an existing table",
    why: "SET NOT NULL reads every row to prove there is no NULL, holding ACCESS EXCLUSIVE the \
          whole time. Since Postgres 12 it skips that scan when a valid CHECK constraint already \
          proves it.",
    help: "first ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT c (in a \
           later migration), then SET NOT NULL and drop the check",
    bad: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    good: "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
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
        .scans
        .iter()
        .filter(|(t, why)| *t == table && why.starts_with("SET NOT NULL"))
        .map(|(_, why)| {
            let message = format!("{why} of {} under ACCESS EXCLUSIVE", display_table(&table));
            let finding = ctx.finding(Some(&table), message);
            // A NOT VALID check is there already: it only needs validating first.
            let pending = ctx.catalog.constraints_on(&table.0, &table.1).find(|c| {
                !c.valid && matches!(&c.kind, ConstraintKind::Check { not_null_of: Some(col) } if why.contains(&format!("\"{col}\"")))
            });
            match pending {
                Some(c) => finding.help(format!(
                    "run ALTER TABLE {} VALIDATE CONSTRAINT {} in an earlier migration first",
                    display_table(&table),
                    c.name
                )),
                None => finding,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn without_a_check() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        ));
    }

    #[test]
    fn check_not_validated_yet() {
        let history =
            format!("{HISTORY}\nALTER TABLE users ADD CONSTRAINT e CHECK (email IS NOT NULL) NOT VALID;");
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            &history,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        ));
    }

    #[test]
    fn after_a_validated_check_or_on_a_new_table() {
        let history = format!("{HISTORY}\nALTER TABLE users ADD CONSTRAINT e CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT e;");
        lint_ok(super::RULE.id, &history, "ALTER TABLE users ALTER COLUMN email SET NOT NULL;");
        lint_ok(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
        );
    }
}
