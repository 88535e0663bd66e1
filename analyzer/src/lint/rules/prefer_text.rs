//! Varchar(n) or char(n) columns.

use super::prefer_types::{column_finding, declared, written};
use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "prefer-text",
    severity: Severity::Warning,
    summary: "varchar(n) or char(n) columns",
    why: "A length limit in the type is a business rule that changes; raising it is free but lowering or adding one rewrites the table, and char(n) pads with spaces.",
    help: "use text, with a CHECK (length(col) <= n) constraint if the limit matters (constraints can be added NOT VALID)",
    bad: "CREATE TABLE accounts (email varchar(255));",
    good: "CREATE TABLE accounts (email text CHECK (length(email) <= 255));",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    declared(&ctx.statement.node)
        .iter()
        .filter(|d| {
            matches!(d.ty.ty.name.as_str(), "varchar" | "bpchar")
                && d.def.type_name.as_ref().is_some_and(|t| !t.typmods.is_empty())
        })
        .map(|d| {
            column_finding(
                ctx,
                d,
                format!(
                    "{}.{} is {}: prefer text with a CHECK constraint",
                    crate::lint::display_table(&d.table),
                    d.def.colname,
                    written(ctx, d.def)
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn flagged() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE t (a varchar(20), b char(3));"
        ));
    }

    #[test]
    fn preferred() {
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (a text, b varchar);");
    }
}
