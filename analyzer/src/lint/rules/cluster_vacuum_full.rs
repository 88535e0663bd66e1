//! CLUSTER and VACUUM FULL.

use pg_query::NodeEnum;

use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "cluster-vacuum-full",
    severity: Severity::Error,
    summary: "CLUSTER or VACUUM FULL on an existing table",
    why: "Both rewrite the whole table and its indexes under ACCESS EXCLUSIVE: no reads or writes \
          until they finish, and they need room for a second copy of the table.",
    help: "use pg_repack (or pg_squeeze) outside migrations, or plain VACUUM",
    bad: "VACUUM FULL users;",
    good: "VACUUM (ANALYZE) users; -- outside a migration",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if !matches!(ctx.statement.node, NodeEnum::ClusterStmt(_) | NodeEnum::VacuumStmt(_)) {
        return vec![];
    }
    ctx.effect
        .rewrites
        .iter()
        .filter(|(t, _)| ctx.existing(t))
        .map(|(t, why)| {
            ctx.finding(
                Some(t),
                format!("{why}: {} is locked ACCESS EXCLUSIVE until it finishes", display_table(t)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn rewrites() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "-- strata:no-transaction\nVACUUM FULL users;\nCLUSTER orgs USING orgs_pkey;"
        ));
    }

    #[test]
    fn plain_vacuum() {
        lint_ok(super::RULE.id, HISTORY, "-- strata:no-transaction\nVACUUM ANALYZE users;");
    }
}
