//! VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID.

use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "validate-in-same-transaction",
    severity: Severity::Error,
    summary: "VALIDATE CONSTRAINT in the same transaction that added the constraint NOT VALID",
    why: "The ADD CONSTRAINT's lock (ACCESS EXCLUSIVE, or SHARE ROW EXCLUSIVE for a foreign key) is \
          held until the transaction commits, so validating in it scans the table under that lock: \
          NOT VALID gained nothing.",
    help: "move VALIDATE CONSTRAINT to a later migration",
    bad: "ALTER TABLE users ADD CONSTRAINT c CHECK (email <> '') NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;",
    good: "ALTER TABLE users ADD CONSTRAINT c CHECK (email <> '') NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT c;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::AlterTableStmt(s) = &ctx.statement.node else { return vec![] };
    let Some(rv) = &s.relation else { return vec![] };
    let table = key(rv);
    let mut out = Vec::new();
    for cmd in &s.cmds {
        let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
        if cmd.subtype() == AlterTableType::AtValidateConstraint
            && ctx.existing(&table)
            && ctx.state.not_valid_added.contains(&(table.clone(), cmd.name.clone()))
        {
            let message = format!(
                "\"{}\" was added NOT VALID in this transaction: validating it here scans {} under the ADD's lock",
                cmd.name,
                display_table(&table)
            );
            out.push(ctx.finding(Some(&table), message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn same_transaction() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ADD CONSTRAINT c CHECK (status <> '') NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT c;"
        ));
    }

    #[test]
    fn later_migration() {
        let history =
            format!("{HISTORY}\nALTER TABLE users ADD CONSTRAINT c CHECK (status <> '') NOT VALID;");
        lint_ok(super::RULE.id, &history, "ALTER TABLE users VALIDATE CONSTRAINT c;");
    }
}
