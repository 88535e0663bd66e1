//! Statements that run while the transaction holds ACCESS EXCLUSIVE on a busy table.

use crate::lint::{display_table, locks::LockMode, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "statement-after-access-exclusive",
    severity: Severity::Error,
    summary:
        "a slow statement, or a lock on another table, after an ACCESS EXCLUSIVE lock in the same transaction",
    why: "Locks are held until the transaction commits. Once a statement has taken ACCESS EXCLUSIVE \
          on an existing table, every query on it waits for everything after it in the migration: a \
          scan, a rewrite, a backfill, or waiting for another table's lock (unless a lock_timeout \
          bounds that wait).",
    help:
        "move this statement to its own migration, or put it before the statement that takes ACCESS EXCLUSIVE",
    bad: "ALTER TABLE users ADD COLUMN team_id bigint;\nUPDATE users SET team_id = org_id;",
    good: "ALTER TABLE users ADD COLUMN team_id bigint;\n-- next migration: backfill in batches",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let Some(held) = &ctx.state.access_exclusive else { return vec![] };
    let slow = ctx.effect.scans.iter().chain(&ctx.effect.rewrites).find(|(t, _)| ctx.existing(t));
    // With a lock_timeout the wait for another table's lock is bounded: only slow work counts.
    let other_lock = ctx
        .effect
        .locks
        .iter()
        .find(|l| l.table != *held && l.mode >= LockMode::ShareUpdateExclusive && ctx.existing(&l.table))
        .filter(|_| !ctx.state.lock_timeout_set);
    let why = match (slow, other_lock) {
        (Some((_, why)), _) => why.clone(),
        (None, Some(l)) => format!("it waits for {} on {}", l.mode.as_str(), display_table(&l.table)),
        (None, None) => return vec![],
    };
    let message = format!(
        "{} stays locked ACCESS EXCLUSIVE (reads and writes wait) while this statement runs: {why}",
        display_table(held)
    );
    vec![ctx.finding(Some(held), message)]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn backfill_after_alter() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ADD COLUMN team_id bigint;
UPDATE users SET team_id = org_id;
ALTER TABLE orgs ADD COLUMN plan text;"
        ));
    }

    #[test]
    fn quick_catalog_changes_or_bounded_waits() {
        lint_ok(super::RULE.id, HISTORY, "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE orgs ADD COLUMN b text;");
        lint_ok(super::RULE.id, HISTORY, "ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCOMMENT ON COLUMN users.a IS 'x';");
        lint_ok(
            super::RULE.id,
            HISTORY,
            "-- strata:no-transaction\nALTER TABLE users ADD COLUMN a text;\nUPDATE users SET a = 'x';",
        );
    }
}
