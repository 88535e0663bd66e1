//! ADD COLUMN ... NOT NULL without a default on an existing table.

use pg_query::protobuf::ConstrType;
use pg_query::NodeEnum;

use super::prefer_types::declared;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "not-null-without-default",
    severity: Severity::Error,
    summary: "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
    why: "Existing rows would get NULL, so the statement fails on any table that has rows: it \
          passes on an empty development database and breaks in production.",
    help: "give the column a constant DEFAULT, or add it nullable, backfill, and SET NOT NULL later",
    bad: "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
    good: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if !matches!(ctx.statement.node, NodeEnum::AlterTableStmt(_)) {
        return vec![];
    }
    declared(&ctx.statement.node)
        .iter()
        .filter(|d| ctx.existing(&d.table))
        .filter(|d| {
            let kinds: Vec<ConstrType> = d
                .def
                .constraints
                .iter()
                .filter_map(|c| match &c.node {
                    Some(NodeEnum::Constraint(c)) => Some(c.contype()),
                    _ => None,
                })
                .collect();
            let not_null = d.def.is_not_null
                || kinds.contains(&ConstrType::ConstrNotnull)
                || kinds.contains(&ConstrType::ConstrPrimary);
            let filled = d.def.raw_default.is_some()
                || d.ty.implies_not_null
                || !d.def.identity.is_empty()
                || kinds.iter().any(|k| {
                    matches!(
                        k,
                        ConstrType::ConstrDefault | ConstrType::ConstrIdentity | ConstrType::ConstrGenerated
                    )
                });
            not_null && !filled
        })
        .map(|d| {
            let m = format!(
                "{}.{} is NOT NULL with no default: this fails if the table has any row",
                display_table(&d.table),
                d.def.colname
            );
            ctx.finding(Some(&d.table), m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn no_default() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ADD COLUMN plan text NOT NULL;"
        ));
    }

    #[test]
    fn with_default_or_new_table() {
        lint_ok(super::RULE.id, HISTORY, "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';");
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;");
    }
}
