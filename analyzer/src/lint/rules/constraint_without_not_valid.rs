//! ADD CONSTRAINT CHECK / FOREIGN KEY on an existing table without NOT VALID.

use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "constraint-without-not-valid",
    severity: Severity::Error,
    summary: "a CHECK or FOREIGN KEY constraint added to an existing table without NOT VALID",
    why: "Adding the constraint checks every existing row while holding the lock: ACCESS EXCLUSIVE \
          for a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key (writes wait).",
    help: "add it NOT VALID (new rows are checked at once), then VALIDATE CONSTRAINT in a later \
           migration: validation takes a lock that lets reads and writes go on",
    bad: "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);",
    good: "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_org_fk;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::AlterTableStmt(s) = &ctx.statement.node else { return vec![] };
    let Some(rv) = &s.relation else { return vec![] };
    let table = key(rv);
    if !ctx.existing(&table) {
        return vec![];
    }
    let mut out = Vec::new();
    for cmd in &s.cmds {
        let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
        let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else { continue };
        if cmd.subtype() != AlterTableType::AtAddConstraint || c.skip_validation {
            continue;
        }
        let what = match c.contype() {
            ConstrType::ConstrForeign => "the foreign key is checked against every row of",
            ConstrType::ConstrCheck => "the CHECK constraint is checked against every row of",
            _ => continue,
        };
        let mode = ctx.effect.lock_on(&table).map_or("", |m| m.as_str());
        let message = format!("{what} {} while holding {mode}", display_table(&table));
        out.push(ctx.finding(Some(&table), message));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn validated_at_once() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);
ALTER TABLE users ADD CONSTRAINT c CHECK (status <> '');"
        ));
    }

    #[test]
    fn not_valid_or_new_table() {
        let id = super::RULE.id;
        lint_ok(
            id,
            HISTORY,
            "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
        );
        lint_ok(id, HISTORY, "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);");
    }
}
