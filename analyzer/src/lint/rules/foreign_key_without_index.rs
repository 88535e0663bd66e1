//! A foreign key whose referencing columns no index covers (checked by the driver once every
//! migration has replayed, since the index often comes in a later, non-transactional one).

use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "foreign-key-without-index",
    severity: Severity::Warning,
    summary: "a foreign key whose columns no index covers, by the end of the migrations",
    why: "Every DELETE of a referenced row, and every update of its key, must find the referencing \
          rows: without an index on the foreign key's columns that is a scan of the whole \
          referencing table, under a lock, for each row.",
    help: "add CREATE INDEX CONCURRENTLY on the foreign key's columns (in a -- strata:no-transaction migration)",
    bad: "ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
    good: "ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- next migration (-- strata:no-transaction):\nCREATE INDEX CONCURRENTLY posts_user_id ON posts (user_id);",
    check,
};

fn check(_: &Ctx<'_>) -> Vec<Finding> {
    vec![]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn no_covering_index() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"
        ));
    }

    #[test]
    fn covered_by_an_index_or_primary_key() {
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX posts_user ON posts (user_id, id);");
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE members (org_id bigint REFERENCES orgs, user_id bigint, PRIMARY KEY (org_id, user_id));");
    }
}
