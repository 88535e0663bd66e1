//! Enum label renames, and new labels used in the transaction that added them.

use pg_query::{NodeEnum, NodeRef};

use crate::catalog::index::string_value;
use crate::lint::{Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "enum-value-change",
    severity: Severity::Error,
    summary: "renaming an enum value, or using a value added in the same transaction",
    why: "Running code still sends the old label after RENAME VALUE and fails. A value added by \
          ALTER TYPE ... ADD VALUE cannot be used before the transaction commits (\"unsafe use of \
          new value\"), so the migration fails.",
    help: "add the new value in one migration and use it in a later one; instead of renaming, add \
           the new label, migrate the rows, and stop using the old one",
    bad: "ALTER TYPE mood ADD VALUE 'ok';\nUPDATE users SET mood = 'ok' WHERE mood IS NULL;",
    good: "ALTER TYPE mood ADD VALUE 'ok';\n-- next migration:\nUPDATE users SET mood = 'ok' WHERE mood IS NULL;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    if let NodeEnum::AlterEnumStmt(s) = &ctx.statement.node {
        if !s.old_val.is_empty() {
            let name = s.type_name.iter().filter_map(string_value).next_back().unwrap_or_default();
            let m = format!(
                "renaming \"{}\" of enum {name} to \"{}\" breaks code that still sends \"{}\"",
                s.old_val, s.new_val, s.old_val
            );
            return vec![ctx.finding(None, m)];
        }
        return vec![];
    }
    if ctx.state.enum_values_added.is_empty() {
        return vec![];
    }
    let strings: Vec<String> = ctx
        .statement
        .node
        .nodes()
        .into_iter()
        .filter_map(|(n, ..)| match n {
            NodeRef::AConst(c) => match &c.val {
                Some(pg_query::protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    ctx.state
        .enum_values_added
        .iter()
        .filter(|(_, value)| strings.contains(value))
        .map(|(ty, value)| {
            ctx.finding(None, format!("'{value}' was added to enum {ty} in this transaction and cannot be used before it commits"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn rename_and_same_transaction_use() {
        let history = format!("{HISTORY}\nALTER TABLE users ADD COLUMN mood mood;");
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            &history,
            "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
ALTER TYPE mood ADD VALUE 'ok';
UPDATE users SET mood = 'ok' WHERE id = 1;"
        ));
    }

    #[test]
    fn add_value_alone() {
        lint_ok(super::RULE.id, HISTORY, "ALTER TYPE mood ADD VALUE 'ok';");
    }
}
