//! ADD PRIMARY KEY / UNIQUE on an existing table without USING INDEX.

use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "key-without-index",
    severity: Severity::Error,
    summary: "ADD PRIMARY KEY or UNIQUE on an existing table without an existing unique index",
    why: "The constraint builds its unique index while holding ACCESS EXCLUSIVE: the table can be \
          neither read nor written until the index is built.",
    help: "CREATE UNIQUE INDEX CONCURRENTLY first (in a -- strata:no-transaction migration), then \
           ADD CONSTRAINT ... PRIMARY KEY USING INDEX / UNIQUE USING INDEX",
    bad: "ALTER TABLE users ADD PRIMARY KEY (id);",
    good: "-- strata:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY users_pkey_idx ON users (id);\n-- next migration:\nALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey_idx;",
    check,
};

fn check(ctx: &Ctx<'_>) -> Vec<Finding> {
    let NodeEnum::AlterTableStmt(s) = &ctx.statement.node else { return vec![] };
    let Some(rv) = &s.relation else { return vec![] };
    let table = key(rv);
    if !ctx.existing(&table) {
        return vec![];
    }
    let mut out = Vec::new();
    for cmd in &s.cmds {
        let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
        let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else { continue };
        if cmd.subtype() != AlterTableType::AtAddConstraint || !c.indexname.is_empty() {
            continue;
        }
        let what = match c.contype() {
            ConstrType::ConstrPrimary => "ADD PRIMARY KEY",
            ConstrType::ConstrUnique => "ADD UNIQUE",
            ConstrType::ConstrExclusion => "ADD EXCLUDE",
            _ => continue,
        };
        let message = format!("{what} builds its index on {} under ACCESS EXCLUSIVE", display_table(&table));
        out.push(ctx.finding(Some(&table), message));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn builds_its_index() {
        insta::assert_snapshot!(lint_errors(
            super::RULE.id,
            HISTORY,
            "ALTER TABLE orgs ADD CONSTRAINT orgs_name_key UNIQUE (name);"
        ));
    }

    #[test]
    fn using_an_existing_index() {
        let history = format!("{HISTORY}\nCREATE UNIQUE INDEX CONCURRENTLY orgs_name_idx ON orgs (name);");
        lint_ok(
            super::RULE.id,
            &history,
            "ALTER TABLE orgs ADD CONSTRAINT orgs_name_key UNIQUE USING INDEX orgs_name_idx;",
        );
        lint_ok(super::RULE.id, HISTORY, "CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (a);");
    }
}
