//! Renames of existing tables, columns and types: the running code still uses the old name.

use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "rename-breaks-code",
    severity: Severity::Warning,
    summary: "renaming an existing table, column, type or enum value",
    why: "During a deploy the old version of the application is still running, and its queries \
          use the old name: they fail from the moment the migration commits until every instance \
          runs the new code.",
    help: "expand and contract: add the new column (or a view with the new name), write both, \
           switch reads, and drop the old one in a later release",
    bad: "ALTER TABLE users RENAME COLUMN email TO email_address;",
    good: "ALTER TABLE users ADD COLUMN email_address text;\n-- backfill, deploy code that uses both, then drop email later",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::RenameStmt(s) = &ctx.statement.node else { return vec![] };
    let what = match (s.rename_type(), &s.relation) {
        (ObjectType::ObjectTable | ObjectType::ObjectView, Some(rv)) if ctx.existing(&key(rv)) => {
            format!("renaming {} to \"{}\"", display_table(&key(rv)), s.newname)
        }
        (ObjectType::ObjectColumn, Some(rv)) if ctx.existing(&key(rv)) => {
            format!("renaming column {}.{} to \"{}\"", display_table(&key(rv)), s.subname, s.newname)
        }
        (ObjectType::ObjectType | ObjectType::ObjectDomain, _) => {
            format!("renaming a type to \"{}\"", s.newname)
        }
        _ => return vec![],
    };
    let table = s.relation.as_ref().map(key);
    vec![ctx.finding(table.as_ref(), format!("{what} breaks running code that still uses the old name"))]
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn existing_objects() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users RENAME COLUMN email TO mail;
ALTER TABLE orgs RENAME TO organisations;"
        ));
    }

    #[test]
    fn new_table() {
        lint_ok(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;\nALTER TABLE t RENAME TO u;",
        );
    }
}
