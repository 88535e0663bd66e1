//! Schema-to-schema differences between two catalogs (the migrations at two commits, replayed
//! with no database): tables added and removed, columns added, removed, retyped, or made
//! NOT NULL / nullable. Only what the catalog models; `strata diff` adds the server's view
//! (indexes, constraints, views, functions …) when it has a database.

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::{Column, SqlType, Table, DEFAULT_SCHEMA};
use crate::Catalog;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDiff {
    /// `name` in the default schema, else `schema.name`.
    pub table: String,
    pub change: TableChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableChange {
    Added { columns: Vec<Column> },
    Removed,
    Changed(Vec<ColumnChange>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnChange {
    Added(Column),
    Removed(String),
    Retyped { column: String, before: SqlType, after: SqlType },
    NotNull { column: String, before: bool, after: bool },
}

/// The changes from `before` to `after`, tables in name order, columns in `after`'s order.
pub fn diff(before: &Catalog, after: &Catalog) -> Vec<TableDiff> {
    let key = |t: &Table| (t.schema.clone(), t.name.clone());
    let old: BTreeMap<(String, String), &Table> = before.tables().map(|t| (key(t), t)).collect();
    let new: BTreeMap<(String, String), &Table> = after.tables().map(|t| (key(t), t)).collect();
    let mut keys: Vec<&(String, String)> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut diffs = Vec::new();
    for k in keys {
        let change = match (old.get(k), new.get(k)) {
            (None, Some(t)) => TableChange::Added { columns: t.columns.clone() },
            (Some(_), None) => TableChange::Removed,
            (Some(a), Some(b)) => {
                let columns = column_changes(a, b);
                if columns.is_empty() {
                    continue;
                }
                TableChange::Changed(columns)
            }
            (None, None) => continue,
        };
        let table = if k.0 == DEFAULT_SCHEMA { k.1.clone() } else { format!("{}.{}", k.0, k.1) };
        diffs.push(TableDiff { table, change });
    }
    diffs
}

fn column_changes(before: &Table, after: &Table) -> Vec<ColumnChange> {
    let mut changes = Vec::new();
    for c in &before.columns {
        if after.column(&c.name).is_none() {
            changes.push(ColumnChange::Removed(c.name.clone()));
        }
    }
    for c in &after.columns {
        match before.column(&c.name) {
            None => changes.push(ColumnChange::Added(c.clone())),
            Some(old) => {
                if old.ty != c.ty {
                    changes.push(ColumnChange::Retyped {
                        column: c.name.clone(),
                        before: old.ty.clone(),
                        after: c.ty.clone(),
                    });
                }
                if old.not_null != c.not_null {
                    changes.push(ColumnChange::NotNull {
                        column: c.name.clone(),
                        before: old.not_null,
                        after: c.not_null,
                    });
                }
            }
        }
    }
    changes
}

impl fmt::Display for ColumnChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let null = |not_null: bool| if not_null { " NOT NULL" } else { "" };
        match self {
            ColumnChange::Added(c) => write!(f, "column {} {}{} added", c.name, c.ty, null(c.not_null)),
            ColumnChange::Removed(name) => write!(f, "column {name} removed"),
            ColumnChange::Retyped { column, before, after } => {
                write!(f, "column {column}: type {before} → {after}")
            }
            ColumnChange::NotNull { column, after, .. } => {
                write!(f, "column {column}: {}", if *after { "now NOT NULL" } else { "now nullable" })
            }
        }
    }
}

impl fmt::Display for TableDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            TableChange::Added { columns } => {
                write!(f, "table {} added ({} column(s))", self.table, columns.len())
            }
            TableChange::Removed => write!(f, "table {} removed", self.table),
            TableChange::Changed(changes) => {
                let changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
                write!(f, "table {}: {}", self.table, changes.join("; "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse_script;

    fn catalog(sql: &str) -> Catalog {
        let mut c = Catalog::default();
        c.apply_script(sql, Path::new("m.sql"), &parse_script(sql).unwrap()).unwrap();
        c
    }

    #[test]
    fn same_schema_no_changes() {
        let sql = "CREATE TABLE a (id int PRIMARY KEY, name text);";
        assert!(diff(&catalog(sql), &catalog(sql)).is_empty());
    }

    #[test]
    fn tables_and_columns_added_removed_and_changed() {
        let before =
            catalog("CREATE TABLE a (id int PRIMARY KEY, name text, gone int); CREATE TABLE old (x int);");
        let after = catalog(
            "CREATE TABLE a (id bigint PRIMARY KEY, name text NOT NULL, extra boolean); \
             CREATE SCHEMA s; CREATE TABLE s.b (id int);",
        );
        let lines: Vec<String> = diff(&before, &after).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "table a: column gone removed; column id: type int4 → int8; column name: now NOT NULL; \
                 column extra bool added",
                "table old removed",
                "table s.b added (1 column(s))",
            ]
        );
    }
}
