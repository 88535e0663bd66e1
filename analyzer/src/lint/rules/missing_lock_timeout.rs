//! A lock that blocks others on an existing table, taken without a lock_timeout.

use crate::lint::{display_table, locks::LockMode, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "missing-lock-timeout",
    severity: Severity::Warning,
    summary: "a lock that blocks reads or writes of an existing table, without SET lock_timeout first",
    why: "A statement that waits for a lock (behind one long query) makes every later query on the \
          table wait behind it: one slow report stalls the whole table. A lock_timeout makes the \
          migration give up instead, so it can be retried.",
    help: "start the migration with SET lock_timeout = '2s' (retry the migration if it times out)",
    bad: "ALTER TABLE users ADD COLUMN bio text;",
    good: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if ctx.state.lock_timeout_set || ctx.state.access_exclusive.is_some() {
        return vec![];
    }
    let Some(lock) = ctx.effect.locks.iter().find(|l| l.mode >= LockMode::Share && ctx.existing(&l.table))
    else {
        return vec![];
    };
    let message = format!(
        "waits for {} on {} with no lock_timeout: queries queue behind it while it waits",
        lock.mode.as_str(),
        display_table(&lock.table)
    );
    vec![ctx.finding(Some(&lock.table), message)]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn no_timeout() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users ADD COLUMN bio text;"
        ));
    }

    #[test]
    fn timeout_set_or_new_table() {
        lint_ok(super::RULE.id, HISTORY, "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;");
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;");
    }
}
