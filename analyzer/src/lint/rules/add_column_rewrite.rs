//! ADD COLUMN that rewrites an existing table: a volatile default, serial, identity, generated.

use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;

use crate::catalog::index::key;
use crate::lint::{display_table, volatile, Ctx, Finding, Rule};
use crate::Severity;

pub static RULE: Rule = Rule {
    id: "add-column-rewrite",
    severity: Severity::Error,
    summary: "ADD COLUMN with a volatile default (or serial, identity, stored generated) on an existing table",
    why: "Postgres 11+ stores a constant default once, but a volatile default is computed for every \
          row: the whole table is rewritten under ACCESS EXCLUSIVE, blocking reads and writes.",
    help: "add the column without a default (or with a constant one), set the default in a separate \
           statement, and backfill existing rows in batches",
    bad: "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    good: "ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- then backfill in batches",
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
        if cmd.subtype() != AlterTableType::AtAddColumn {
            continue;
        }
        let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else { continue };
        if let Some(why) = volatile::add_column_rewrite(def) {
            let message = format!("{why}: {} is rewritten under ACCESS EXCLUSIVE", display_table(&table));
            out.push(ctx.finding(Some(&table), message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::test_utils::{lint_errors, lint_ok, HISTORY};

    #[test]
    fn volatile_defaults_and_sequences() {
        let id = super::RULE.id;
        insta::assert_snapshot!(lint_errors(
            id,
            HISTORY,
            "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ADD COLUMN n bigserial;
ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT clock_timestamp();"
        ));
    }

    #[test]
    fn constant_and_stable_defaults() {
        let id = super::RULE.id;
        lint_ok(id, HISTORY, "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;");
        lint_ok(id, HISTORY, "ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();");
        lint_ok(id, HISTORY, "ALTER TABLE users ADD COLUMN meta jsonb DEFAULT '{}'::jsonb;");
        lint_ok(
            id,
            HISTORY,
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
        );
    }
}
