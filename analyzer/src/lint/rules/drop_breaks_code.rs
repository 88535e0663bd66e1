//! Drops of existing tables, columns and types.

use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

use crate::catalog::index::{key, string_value};
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "drop-breaks-code",
    severity: Severity::Warning,
    summary: "dropping an existing table, column or type",
    why: "The application version still running during the deploy may read or write it; its \
          queries fail from the commit on. The data is gone, so a rollback of the code does not help. \
          When the crate's checked queries are known, breaks-checked-query reports the drops they \
          still depend on instead.",
    help: "first deploy code that no longer uses it, then drop it in a later migration (and keep a \
           backup if the data matters)",
    bad: "ALTER TABLE users DROP COLUMN status;",
    good: "-- release 1: stop reading and writing users.status\n-- release 2:\nALTER TABLE users DROP COLUMN status;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    // With the application's queries known, breaks-checked-query says precisely what breaks.
    if !ctx.queries.is_empty() {
        return vec![];
    }
    match &ctx.statement.node {
        NodeEnum::AlterTableStmt(s) => {
            let Some(rv) = &s.relation else { return vec![] };
            let table = key(rv);
            if !ctx.existing(&table) {
                return vec![];
            }
            s.cmds
                .iter()
                .filter_map(|c| match &c.node {
                    Some(NodeEnum::AlterTableCmd(c)) if c.subtype() == AlterTableType::AtDropColumn => {
                        Some(c)
                    }
                    _ => None,
                })
                .map(|c| {
                    let m = format!(
                        "dropping column {}.{} breaks running code that uses it",
                        display_table(&table),
                        c.name
                    );
                    ctx.finding(Some(&table), m)
                })
                .collect()
        }
        NodeEnum::DropStmt(s)
            if matches!(s.remove_type(), ObjectType::ObjectTable | ObjectType::ObjectType) =>
        {
            let mut out = Vec::new();
            for object in &s.objects {
                let names: Vec<&str> = match &object.node {
                    Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_value).collect(),
                    Some(NodeEnum::TypeName(t)) => t.names.iter().filter_map(string_value).collect(),
                    _ => continue,
                };
                let Some(name) = names.last() else { continue };
                let schema =
                    if names.len() > 1 { names[names.len() - 2] } else { crate::catalog::DEFAULT_SCHEMA };
                let table = (schema.to_string(), name.to_string());
                if s.remove_type() == ObjectType::ObjectTable && ctx.existing(&table) {
                    let m =
                        format!("dropping table {} breaks running code that uses it", display_table(&table));
                    out.push(ctx.finding(Some(&table), m));
                } else if s.remove_type() == ObjectType::ObjectType {
                    out.push(
                        ctx.finding(
                            None,
                            format!("dropping type \"{name}\" breaks running code that uses it"),
                        ),
                    );
                }
            }
            out
        }
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn existing_objects() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE users DROP COLUMN status;
DROP TABLE orgs;"
        ));
    }

    #[test]
    fn new_table() {
        lint_ok(
            super::RULE.id,
            HISTORY,
            "CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;\nDROP TABLE t;",
        );
    }
}
