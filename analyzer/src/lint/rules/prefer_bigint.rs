//! A primary key or identity column of type integer or smallint.

use super::prefer_types::{column_finding, declared, written};
use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "prefer-bigint",
    severity: Severity::Warning,
    summary: "a primary key or identity column of type integer or smallint",
    why: "A 32-bit key runs out at 2,147,483,647 rows; changing it later rewrites the table and every table that references it.",
    help: "declare id columns bigint (bigint GENERATED ALWAYS AS IDENTITY)",
    bad: "CREATE TABLE events (id int PRIMARY KEY);",
    good: "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    declared(&ctx.statement.node)
        .iter()
        .filter(|d| d.primary_key && matches!(d.ty.ty.name.as_str(), "int4" | "int2") && !d.ty.ty.array)
        .map(|d| {
            column_finding(
                ctx,
                d,
                format!(
                    "{}.{} is declared {}: as a key it runs out at {} rows",
                    crate::lint::display_table(&d.table),
                    d.def.colname,
                    written(ctx, d.def),
                    if d.ty.ty.name == "int2" { "32,767" } else { "2,147,483,647" }
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
        insta::assert_snapshot!(lint_errors(super::RULE.id, HISTORY, "CREATE TABLE t (id int PRIMARY KEY);"));
    }

    #[test]
    fn preferred() {
        lint_ok(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int);",
        );
    }
}
