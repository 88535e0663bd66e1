//! Replays the migrations in order and runs every rule on each statement of the linted ones,
//! against the schema just before it.

use std::collections::BTreeSet;

use pg_query::protobuf::{AlterTableType, ConstrType, ObjectType};
use pg_query::NodeEnum;

use super::allow::{self, Allow};
use super::{
    display_table, locks, queries, rules, Ctx, Finding, LintOptions, LintReport, State, TableKey, Violation,
    ALLOW, REPLAY,
};
use crate::catalog::index::{key, string_value};
use crate::catalog::Catalog;
use crate::migration::{Migration, MigrationSet};
use crate::{LineIndex, Severity};

/// A foreign key a linted migration added, checked for a covering index once every migration
/// has replayed (the index often comes in the next, non-transactional migration).
struct AddedForeignKey {
    table: TableKey,
    columns: Vec<String>,
    migration: usize,
    offset: usize,
    len: usize,
}

pub fn lint(set: &MigrationSet, options: &LintOptions) -> LintReport {
    let mut report = LintReport::default();
    let mut catalog = Catalog::default();
    let parsed_queries = queries::parse_all(&options.queries);
    let mut carried: BTreeSet<TableKey> = BTreeSet::new();
    let mut foreign_keys = Vec::new();
    'migrations: for (index, m) in set.migrations.iter().enumerate() {
        let target = options.targets.as_ref().is_none_or(|t| t.contains(&m.version));
        if !target {
            if let Err(d) = catalog.apply_script(&m.up.text, &m.up.path, &m.up.statements) {
                report.violations.push(replay_violation(m, d));
                break;
            }
            continue;
        }
        report.linted.push(m.version);
        let mut state = State { new_tables: carried.clone(), ..State::default() };
        let allows = allow::parse(&m.up.text);
        let starts: Vec<usize> = m.up.statements.iter().map(|s| s.offset).collect();
        let allows_per_statement = allow::by_statement(&allows, &starts);
        let mut used_allows: BTreeSet<usize> = BTreeSet::new();
        for (i, statement) in m.up.statements.iter().enumerate() {
            report.statements += 1;
            let effect = locks::effect(&statement.node, &catalog);
            let ctx = Ctx {
                catalog: &catalog,
                text: &m.up.text,
                statement,
                effect: &effect,
                migration: m,
                state: &state,
                queries: &parsed_queries,
            };
            for rule in rules::ALL {
                for finding in (rule.check)(&ctx) {
                    let allowed = allows_per_statement[i].iter().position(|a| a.rule == rule.id);
                    if let Some(a) = allowed {
                        used_allows.insert(allows_per_statement[i][a].offset);
                        continue;
                    }
                    report.violations.push(violation(m, rule, finding, options));
                }
            }
            record_foreign_keys(&statement.node, index, statement, &mut foreign_keys);
            let mut next = state.clone();
            update_state(&mut next, &ctx);
            state = next;
            let one = std::slice::from_ref(statement);
            if let Err(d) = catalog.apply_script(&m.up.text, &m.up.path, one) {
                report.violations.push(replay_violation(m, d));
                break 'migrations;
            }
            track_new_tables(&mut state.new_tables, &statement.node);
        }
        check_allows(m, &allows, &used_allows, &mut report.violations);
        if options.unapplied.contains(&m.version) {
            carried = state.new_tables;
        }
    }
    for fk in foreign_keys {
        if !catalog.indexes_on(&fk.table.0, &fk.table.1).any(|i| i.covers(&fk.columns)) {
            let m = &set.migrations[fk.migration];
            let rule = &rules::foreign_key_without_index::RULE;
            let finding = Finding {
                offset: fk.offset,
                len: fk.len,
                message: format!(
                    "no index on {} ({}) covers this foreign key: every DELETE or key UPDATE on the \
                     referenced table scans {} to check it",
                    display_table(&fk.table),
                    fk.columns.join(", "),
                    display_table(&fk.table)
                ),
                help: Some(format!(
                    "add CREATE INDEX CONCURRENTLY ON {} ({}) in a -- strata:no-transaction migration",
                    display_table(&fk.table),
                    fk.columns.join(", ")
                )),
                table: Some(fk.table.clone()),
            };
            let allowed = allow::parse(&m.up.text).iter().any(|a| a.rule == rule.id && a.offset < fk.offset);
            if !allowed {
                report.violations.push(violation(m, rule, finding, options));
            }
        }
    }
    report.violations.sort_by(|a, b| (a.version, a.offset, a.rule).cmp(&(b.version, b.offset, b.rule)));
    report
}

fn violation(m: &Migration, rule: &super::Rule, f: Finding, options: &LintOptions) -> Violation {
    let (line, column) = LineIndex::new(&m.up.text).line_column(f.offset);
    let mut message = f.message;
    let mut severity = rule.severity;
    if let Some(size) = f.table.as_ref().and_then(|t| options.sizes.get(t)) {
        message.push_str(&format!(" (live: {} rows, {})", thousands(size.rows), bytes(size.bytes)));
        if size.is_small() && severity == Severity::Error {
            severity = Severity::Warning;
            message.push_str("; small today, so a warning");
        }
    }
    Violation {
        rule: rule.id,
        severity,
        file: m.up.path.clone(),
        version: m.version,
        offset: f.offset,
        len: f.len,
        line,
        column,
        message,
        help: Some(f.help.unwrap_or_else(|| rule.help.to_string())),
    }
}

fn replay_violation(m: &Migration, d: crate::Diagnostic) -> Violation {
    let offset = offset_of(&m.up.text, d.line, d.column);
    let len = m.up.statements.iter().find(|s| s.offset <= offset && offset < s.offset + s.len.max(1));
    Violation {
        rule: REPLAY,
        severity: Severity::Error,
        file: m.up.path.clone(),
        version: m.version,
        offset,
        len: len.map_or(0, |s| s.offset + s.len - offset),
        line: d.line,
        column: d.column,
        message: match d.sqlstate {
            Some(code) => format!("{} (SQLSTATE {code}); the migration would fail", d.message),
            None => format!("{}; the migration would fail", d.message),
        },
        help: Some(d.hint.unwrap_or_else(|| "fix the statement; later migrations were not linted".into())),
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let rest = &text[start.min(text.len())..];
    start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

fn check_allows(m: &Migration, allows: &[Allow], used: &BTreeSet<usize>, out: &mut Vec<Violation>) {
    for a in allows {
        let problem = if super::rule(&a.rule).is_none() {
            Some((Severity::Error, format!("unknown rule \"{}\" in strata:allow", a.rule)))
        } else if a.reason.is_empty() {
            Some((Severity::Error, format!("strata:allow {} needs a reason after the rule id", a.rule)))
        } else if !used.contains(&a.offset) && a.rule != rules::foreign_key_without_index::RULE.id {
            Some((Severity::Warning, format!("strata:allow {} silences nothing here", a.rule)))
        } else {
            None
        };
        if let Some((severity, message)) = problem {
            let (line, column) = LineIndex::new(&m.up.text).line_column(a.offset);
            out.push(Violation {
                rule: ALLOW,
                severity,
                file: m.up.path.clone(),
                version: m.version,
                offset: a.offset,
                len: "strata:allow".len(),
                line,
                column,
                message,
                help: Some(
                    "write -- strata:allow RULE-ID why-it-is-safe on the line before the statement".into(),
                ),
            });
        }
    }
}

fn record_foreign_keys(
    node: &NodeEnum,
    migration: usize,
    statement: &crate::Statement,
    out: &mut Vec<AddedForeignKey>,
) {
    let mut add = |table: TableKey, c: &pg_query::protobuf::Constraint, column: Option<&str>| {
        if c.contype() != ConstrType::ConstrForeign {
            return;
        }
        let mut columns: Vec<String> =
            c.fk_attrs.iter().filter_map(string_value).map(str::to_string).collect();
        if columns.is_empty() {
            columns.extend(column.map(str::to_string));
        }
        let offset = usize::try_from(c.location).ok().filter(|&o| o >= statement.offset);
        let offset = offset.unwrap_or(statement.offset);
        let len = statement.offset + statement.len - offset;
        out.push(AddedForeignKey { table, columns, migration, offset, len });
    };
    match node {
        NodeEnum::CreateStmt(s) => {
            let Some(rv) = &s.relation else { return };
            for elt in &s.table_elts {
                match &elt.node {
                    Some(NodeEnum::Constraint(c)) => add(key(rv), c, None),
                    Some(NodeEnum::ColumnDef(def)) => {
                        for c in &def.constraints {
                            if let Some(NodeEnum::Constraint(c)) = &c.node {
                                add(key(rv), c, Some(&def.colname));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::AlterTableStmt(s) => {
            let Some(rv) = &s.relation else { return };
            for cmd in &s.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
                match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                    Some(NodeEnum::Constraint(c)) => add(key(rv), c, None),
                    Some(NodeEnum::ColumnDef(def)) => {
                        for c in &def.constraints {
                            if let Some(NodeEnum::Constraint(c)) = &c.node {
                                add(key(rv), c, Some(&def.colname));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// After a statement: what later statements of the same migration need to know.
fn update_state(state: &mut State, ctx: &Ctx<'_>) {
    if ctx.in_transaction() && state.access_exclusive.is_none() {
        state.access_exclusive = ctx
            .effect
            .locks
            .iter()
            .find(|l| l.mode == locks::LockMode::AccessExclusive && ctx.existing(&l.table))
            .map(|l| l.table.clone());
    }
    match &ctx.statement.node {
        NodeEnum::VariableSetStmt(s) if s.name == "lock_timeout" => state.lock_timeout_set = true,
        NodeEnum::AlterTableStmt(s) if ctx.in_transaction() => {
            let Some(rv) = &s.relation else { return };
            for cmd in &s.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
                if cmd.subtype() != AlterTableType::AtAddConstraint {
                    continue;
                }
                if let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                    if c.skip_validation {
                        state.not_valid_added.insert((key(rv), c.conname.clone()));
                    }
                }
            }
        }
        NodeEnum::AlterEnumStmt(s)
            if ctx.in_transaction() && !s.new_val.is_empty() && s.old_val.is_empty() =>
        {
            let name = s.type_name.iter().filter_map(string_value).next_back().unwrap_or_default();
            state.enum_values_added.push((name.to_string(), s.new_val.clone()));
        }
        _ => {}
    }
}

fn track_new_tables(new_tables: &mut BTreeSet<TableKey>, node: &NodeEnum) {
    match node {
        NodeEnum::CreateStmt(s) => new_tables.extend(s.relation.as_ref().map(key)),
        NodeEnum::CreateTableAsStmt(s) => {
            new_tables.extend(s.into.as_ref().and_then(|i| i.rel.as_ref()).map(key))
        }
        NodeEnum::RenameStmt(s) if s.rename_type() == ObjectType::ObjectTable => {
            if let Some(rv) = &s.relation {
                if new_tables.remove(&key(rv)) {
                    new_tables.insert((key(rv).0, s.newname.clone()));
                }
            }
        }
        _ => {}
    }
}

fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `340 MB`, as `pg_size_pretty` would say it.
pub fn bytes(n: i64) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 10240.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", value.round() as i64, units[unit])
}
