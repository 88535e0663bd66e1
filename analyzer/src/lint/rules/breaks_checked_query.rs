//! Drops or renames of what the application's checked queries still use.

use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

use crate::catalog::index::{key, string_value};
use crate::lint::{display_table, Ctx, Finding, Rule, TableKey};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "breaks-checked-query",
    severity: Severity::Error,
    summary: "dropping or renaming a table, column or type that a checked query still uses",
    why: "The crate's strata::query! SQL (or the --queries file) still uses the object: that code \
          fails against the new schema, in production during the deploy and at the next build.",
    help: "change the queries first and release them, then drop or rename in a later migration",
    bad: "-- src/users.rs: strata::query!(\"SELECT email FROM users\")\nALTER TABLE users DROP COLUMN email;",
    good: "-- once no query selects users.email:\nALTER TABLE users DROP COLUMN email;",
    check,
};

enum Target {
    Table(TableKey),
    Column(TableKey, String),
    Type(String),
}

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if ctx.queries.is_empty() {
        return vec![];
    }
    let mut targets = Vec::new();
    match &ctx.statement.node {
        NodeEnum::AlterTableStmt(s) => {
            let Some(rv) = &s.relation else { return vec![] };
            for c in &s.cmds {
                if let Some(NodeEnum::AlterTableCmd(c)) = &c.node {
                    if c.subtype() == AlterTableType::AtDropColumn {
                        targets.push(("drops", Target::Column(key(rv), c.name.clone())));
                    }
                }
            }
        }
        NodeEnum::RenameStmt(s) => match (s.rename_type(), &s.relation) {
            (ObjectType::ObjectTable | ObjectType::ObjectView, Some(rv)) => {
                targets.push(("renames", Target::Table(key(rv))))
            }
            (ObjectType::ObjectColumn, Some(rv)) => {
                targets.push(("renames", Target::Column(key(rv), s.subname.clone())))
            }
            (ObjectType::ObjectType, _) => {
                if let Some(NodeEnum::List(l)) = s.object.as_ref().and_then(|o| o.node.as_ref()) {
                    let name = l.items.iter().filter_map(string_value).next_back().unwrap_or_default();
                    targets.push(("renames", Target::Type(name.to_string())));
                }
            }
            _ => {}
        },
        NodeEnum::DropStmt(s) => {
            for object in &s.objects {
                match (&object.node, s.remove_type()) {
                    (Some(NodeEnum::List(l)), ObjectType::ObjectTable | ObjectType::ObjectView) => {
                        let names: Vec<&str> = l.items.iter().filter_map(string_value).collect();
                        let table = match names.as_slice() {
                            [n] => (crate::catalog::DEFAULT_SCHEMA.to_string(), n.to_string()),
                            [.., s, n] => (s.to_string(), n.to_string()),
                            [] => continue,
                        };
                        targets.push(("drops", Target::Table(table)));
                    }
                    (Some(NodeEnum::TypeName(t)), ObjectType::ObjectType | ObjectType::ObjectDomain) => {
                        let name = t.names.iter().filter_map(string_value).next_back().unwrap_or_default();
                        targets.push(("drops", Target::Type(name.to_string())));
                    }
                    _ => {}
                }
            }
        }
        _ => return vec![],
    }
    let mut out = Vec::new();
    for query in ctx.queries {
        let uses = query.uses(ctx.catalog);
        for (verb, target) in &targets {
            let (used, what, table) = match target {
                Target::Table(t) => (uses.tables.contains(t), format!("table {}", display_table(t)), Some(t)),
                Target::Column(t, c) => (
                    uses.columns.contains(&(t.clone(), c.clone())),
                    format!("column {}.{c}", display_table(t)),
                    Some(t),
                ),
                Target::Type(name) => (uses.types.contains(name), format!("type \"{name}\""), None),
            };
            if used {
                let message = format!(
                    "this {verb} {what}, which the checked query at {} still uses",
                    query.query.location()
                );
                out.push(ctx.finding(table, message));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_with, render, HISTORY};

    const QUERIES: &[&str] = &[
        "SELECT u.email, o.name FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1",
        "UPDATE users SET status = $1 WHERE id = $2",
        "SELECT 'happy'::mood",
    ];

    #[test]
    fn used_objects() {
        let sql = "ALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN status TO state;\n\
                   ALTER TABLE orgs RENAME TO organisations;\nDROP TYPE mood;";
        insta::assert_snapshot!(render(&lint_with(HISTORY, sql, QUERIES), super::RULE.id));
    }

    #[test]
    fn unused_objects() {
        let sql = "ALTER TABLE users DROP COLUMN created_at;\nALTER TABLE users RENAME COLUMN org_id TO org;";
        let v = lint_with(HISTORY, sql, &QUERIES[1..2]);
        assert_eq!(render(&v, super::RULE.id), "");
    }
}
