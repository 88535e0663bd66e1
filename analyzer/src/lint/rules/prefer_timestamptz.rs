//! Timestamp (without time zone) columns.

use super::prefer_types::{column_finding, declared};
use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "prefer-timestamptz",
    severity: Severity::Warning,
    summary: "timestamp (without time zone) columns",
    why: "timestamp without time zone stores wall-clock time with no zone: values shift when a server or client time zone changes, and converting later rewrites the table.",
    help: "use timestamptz (timestamp with time zone)",
    bad: "CREATE TABLE events (at timestamp NOT NULL);",
    good: "CREATE TABLE events (at timestamptz NOT NULL);",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    declared(&ctx.statement.node)
        .iter()
        .filter(|d| d.ty.ty.name == "timestamp")
        .map(|d| {
            column_finding(
                ctx,
                d,
                format!(
                    "{}.{} is timestamp without time zone",
                    crate::lint::display_table(&d.table),
                    d.def.colname
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
            "CREATE TABLE t (at timestamp, b timestamp without time zone);"
        ));
    }

    #[test]
    fn preferred() {
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (at timestamptz, b timestamp with time zone);");
    }
}
