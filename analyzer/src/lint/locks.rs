//! The one table of what a statement does to the tables it touches: the lock it takes on each
//! (the strongest mode per table), whether it rewrites a table or reads all of it under that
//! lock. The lint rules, `strata up --dry-run`, the per-statement `lock_timeout` ("which lock
//! does this statement take") and `strata diff` all ask [`effect`]; the modes are those of the
//! Postgres 15 documentation ("Explicit Locking", and each command's page).

use pg_query::protobuf::{AlterTableCmd, AlterTableType, ConstrType, ObjectType, ReindexObjectType};
use pg_query::NodeEnum;

use super::{compat, volatile};
use crate::catalog::index::{key, string_value};
use crate::catalog::Catalog;

pub type TableKey = (String, String);

/// Table-level lock modes, weakest first (the order of `LOCKMODE` in Postgres).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    /// As SQL spells it: `ACCESS EXCLUSIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// From `pg_locks.mode`: `AccessExclusiveLock` → `AccessExclusive`.
    pub fn from_pg_locks_name(name: &str) -> Option<LockMode> {
        use LockMode::*;
        [
            AccessShare,
            RowShare,
            RowExclusive,
            ShareUpdateExclusive,
            Share,
            ShareRowExclusive,
            Exclusive,
            AccessExclusive,
        ]
        .into_iter()
        .find(|m| m.pg_locks_name() == name)
    }

    /// As `pg_locks.mode` shows it: `AccessExclusiveLock`.
    pub fn pg_locks_name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "AccessShareLock",
            LockMode::RowShare => "RowShareLock",
            LockMode::RowExclusive => "RowExclusiveLock",
            LockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            LockMode::Share => "ShareLock",
            LockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            LockMode::Exclusive => "ExclusiveLock",
            LockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// Plain SELECTs wait behind it.
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// INSERT, UPDATE and DELETE wait behind it.
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }

    /// What the lock stops, for messages.
    pub fn blocks(self) -> &'static str {
        if self.blocks_reads() {
            "blocks all reads and writes"
        } else if self.blocks_writes() {
            "blocks writes"
        } else {
            "blocks other schema changes"
        }
    }

    fn from_lock_stmt(mode: i32) -> LockMode {
        match mode {
            1 => LockMode::AccessShare,
            2 => LockMode::RowShare,
            3 => LockMode::RowExclusive,
            4 => LockMode::ShareUpdateExclusive,
            5 => LockMode::Share,
            6 => LockMode::ShareRowExclusive,
            7 => LockMode::Exclusive,
            _ => LockMode::AccessExclusive,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLock {
    pub table: TableKey,
    pub mode: LockMode,
}

/// What one statement does to tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effect {
    /// The strongest lock per table, in the order the statement names them.
    pub locks: Vec<TableLock>,
    /// Tables whose every row is rewritten into new files, with why.
    pub rewrites: Vec<(TableKey, String)>,
    /// Tables read in full while the lock is held (validation, index build), with why.
    pub scans: Vec<(TableKey, String)>,
    /// `CONCURRENTLY` (or VACUUM): cannot run inside a transaction block.
    pub concurrently: bool,
}

impl Effect {
    /// The strongest lock the statement takes, and on which table.
    pub fn strongest(&self) -> Option<&TableLock> {
        self.locks.iter().max_by_key(|l| l.mode)
    }

    pub fn lock_on(&self, table: &TableKey) -> Option<LockMode> {
        self.locks.iter().find(|l| &l.table == table).map(|l| l.mode)
    }

    pub fn rewrites(&self, table: &TableKey) -> bool {
        self.rewrites.iter().any(|(t, _)| t == table)
    }

    fn lock(&mut self, table: TableKey, mode: LockMode) {
        match self.locks.iter_mut().find(|l| l.table == table) {
            Some(l) => l.mode = l.mode.max(mode),
            None => self.locks.push(TableLock { table, mode }),
        }
    }
}

/// What `node` does, judged against the schema before it runs.
pub fn effect(node: &NodeEnum, catalog: &Catalog) -> Effect {
    let mut e = Effect::default();
    use LockMode::*;
    match node {
        NodeEnum::AlterTableStmt(s) if s.objtype() == ObjectType::ObjectTable => {
            let Some(rv) = &s.relation else { return e };
            let table = key(rv);
            for cmd in &s.cmds {
                if let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node {
                    alter_table_cmd(&mut e, catalog, &table, cmd);
                }
            }
        }
        NodeEnum::IndexStmt(s) => {
            let Some(rv) = &s.relation else { return e };
            let table = key(rv);
            e.concurrently = s.concurrent;
            e.lock(table.clone(), if s.concurrent { ShareUpdateExclusive } else { Share });
            e.scans.push((table, "builds the index".into()));
        }
        NodeEnum::DropStmt(s) => {
            for object in &s.objects {
                let Some(NodeEnum::List(list)) = &object.node else { continue };
                let names: Vec<&str> = list.items.iter().filter_map(string_value).collect();
                drop_object(&mut e, catalog, s.remove_type(), s.concurrent, &names);
            }
            e.concurrently = s.concurrent;
        }
        NodeEnum::RenameStmt(s) => {
            let Some(rv) = &s.relation else { return e };
            match s.rename_type() {
                ObjectType::ObjectIndex => {
                    if let Some(i) = catalog.index(Some(&key(rv).0), &rv.relname) {
                        e.lock((i.schema.clone(), i.table.clone()), ShareUpdateExclusive);
                    }
                }
                _ => e.lock(key(rv), AccessExclusive),
            }
        }
        NodeEnum::ReindexStmt(s) => {
            let concurrent = s.params.iter().any(|p| def_name(p) == Some("concurrently"));
            e.concurrently = concurrent;
            let mode = if concurrent { ShareUpdateExclusive } else { Share };
            let tables: Vec<TableKey> = match (s.kind(), &s.relation) {
                (ReindexObjectType::ReindexObjectIndex, Some(rv)) => catalog
                    .index(Some(&key(rv).0), &rv.relname)
                    .map(|i| (i.schema.clone(), i.table.clone()))
                    .into_iter()
                    .collect(),
                (ReindexObjectType::ReindexObjectTable, Some(rv)) => vec![key(rv)],
                (ReindexObjectType::ReindexObjectSchema, _) => catalog
                    .tables()
                    .filter(|t| t.schema == s.name)
                    .map(|t| (t.schema.clone(), t.name.clone()))
                    .collect(),
                _ => catalog.tables().map(|t| (t.schema.clone(), t.name.clone())).collect(),
            };
            for t in tables {
                e.lock(t.clone(), mode);
                e.scans.push((t, "rebuilds its indexes".into()));
            }
        }
        NodeEnum::ClusterStmt(s) => {
            if let Some(rv) = &s.relation {
                e.lock(key(rv), AccessExclusive);
                e.rewrites.push((key(rv), "CLUSTER rewrites the table in index order".into()));
            }
        }
        NodeEnum::VacuumStmt(s) => {
            let full = s.options.iter().any(|o| def_name(o) == Some("full"));
            e.concurrently = s.is_vacuumcmd;
            for rel in &s.rels {
                let Some(NodeEnum::VacuumRelation(v)) = &rel.node else { continue };
                let Some(rv) = &v.relation else { continue };
                if full && s.is_vacuumcmd {
                    e.lock(key(rv), AccessExclusive);
                    e.rewrites.push((key(rv), "VACUUM FULL rewrites the table".into()));
                } else {
                    e.lock(key(rv), ShareUpdateExclusive);
                }
            }
        }
        NodeEnum::LockStmt(s) => {
            for rel in &s.relations {
                if let Some(NodeEnum::RangeVar(rv)) = &rel.node {
                    e.lock(key(rv), LockMode::from_lock_stmt(s.mode));
                }
            }
        }
        NodeEnum::TruncateStmt(s) => {
            for rel in &s.relations {
                if let Some(NodeEnum::RangeVar(rv)) = &rel.node {
                    e.lock(key(rv), AccessExclusive);
                    e.rewrites
                        .push((key(rv), "TRUNCATE replaces the table's files with new, empty ones".into()));
                }
            }
        }
        NodeEnum::UpdateStmt(s) => dml(&mut e, s.relation.as_ref(), s.where_clause.is_none(), "UPDATE"),
        NodeEnum::DeleteStmt(s) => dml(&mut e, s.relation.as_ref(), s.where_clause.is_none(), "DELETE"),
        NodeEnum::InsertStmt(s) => dml(&mut e, s.relation.as_ref(), false, "INSERT"),
        NodeEnum::CreateTrigStmt(s) => {
            if let Some(rv) = &s.relation {
                e.lock(key(rv), ShareRowExclusive);
            }
        }
        NodeEnum::CreatePolicyStmt(s) => {
            if let Some(rv) = &s.table {
                e.lock(key(rv), AccessExclusive);
            }
        }
        NodeEnum::AlterPolicyStmt(s) => {
            if let Some(rv) = &s.table {
                e.lock(key(rv), AccessExclusive);
            }
        }
        NodeEnum::RuleStmt(s) => {
            if let Some(rv) = &s.relation {
                e.lock(key(rv), AccessExclusive);
            }
        }
        NodeEnum::RefreshMatViewStmt(s) => {
            if let Some(rv) = &s.relation {
                e.lock(key(rv), if s.concurrent { Exclusive } else { AccessExclusive });
                if !s.concurrent {
                    e.rewrites.push((key(rv), "REFRESH MATERIALIZED VIEW rebuilds it into new files".into()));
                }
            }
        }
        NodeEnum::CreateStmt(s) => {
            for parent in &s.inh_relations {
                if let Some(NodeEnum::RangeVar(rv)) = &parent.node {
                    e.lock(key(rv), AccessExclusive);
                }
            }
            for elt in &s.table_elts {
                let constraints: Vec<&pg_query::protobuf::Node> = match &elt.node {
                    Some(NodeEnum::ColumnDef(def)) => def.constraints.iter().collect(),
                    Some(NodeEnum::Constraint(_)) => vec![elt],
                    _ => vec![],
                };
                for c in constraints {
                    if let Some(NodeEnum::Constraint(c)) = &c.node {
                        if let (ConstrType::ConstrForeign, Some(pk)) = (c.contype(), &c.pktable) {
                            e.lock(key(pk), ShareRowExclusive);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    e
}

fn dml(e: &mut Effect, rv: Option<&pg_query::protobuf::RangeVar>, whole_table: bool, what: &str) {
    let Some(rv) = rv else { return };
    e.lock(key(rv), LockMode::RowExclusive);
    if whole_table {
        e.scans.push((key(rv), format!("{what} without WHERE touches every row")));
    }
}

fn drop_object(e: &mut Effect, catalog: &Catalog, kind: ObjectType, concurrent: bool, names: &[&str]) {
    let qualified = |names: &[&str]| -> Option<TableKey> {
        match names {
            [name] => Some((crate::catalog::DEFAULT_SCHEMA.to_string(), name.to_string())),
            [.., schema, name] => Some((schema.to_string(), name.to_string())),
            [] => None,
        }
    };
    match kind {
        ObjectType::ObjectTable | ObjectType::ObjectView | ObjectType::ObjectMatview => {
            if let Some(t) = qualified(names) {
                e.lock(t, LockMode::AccessExclusive);
            }
        }
        ObjectType::ObjectIndex => {
            let Some((schema, name)) = qualified(names) else { return };
            if let Some(i) = catalog.index(Some(&schema), &name) {
                let mode =
                    if concurrent { LockMode::ShareUpdateExclusive } else { LockMode::AccessExclusive };
                e.lock((i.schema.clone(), i.table.clone()), mode);
            }
        }
        // DROP TRIGGER / POLICY / RULE name ON [schema.]table: the list ends with the name.
        ObjectType::ObjectTrigger | ObjectType::ObjectPolicy | ObjectType::ObjectRule => {
            if let Some(t) = names.split_last().and_then(|(_, table)| qualified(table)) {
                e.lock(t, LockMode::AccessExclusive);
            }
        }
        _ => {}
    }
}

fn alter_table_cmd(e: &mut Effect, catalog: &Catalog, table: &TableKey, cmd: &AlterTableCmd) {
    use AlterTableType::*;
    use LockMode::*;
    let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
    let mode = match cmd.subtype() {
        AtSetStatistics | AtSetOptions | AtResetOptions | AtClusterOn | AtDropCluster | AtSetRelOptions
        | AtResetRelOptions | AtValidateConstraint | AtAttachPartition => ShareUpdateExclusive,
        AtEnableTrig | AtEnableAlwaysTrig | AtEnableReplicaTrig | AtDisableTrig | AtEnableTrigAll
        | AtDisableTrigAll | AtEnableTrigUser | AtDisableTrigUser => ShareRowExclusive,
        AtDetachPartition if matches!(def, Some(NodeEnum::PartitionCmd(p)) if p.concurrent) => {
            ShareUpdateExclusive
        }
        AtAddConstraint if matches!(def, Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrForeign) => {
            ShareRowExclusive
        }
        _ => AccessExclusive,
    };
    e.lock(table.clone(), mode);
    match (cmd.subtype(), def) {
        (AtAddColumn, Some(NodeEnum::ColumnDef(def))) => {
            if let Some(why) = volatile::add_column_rewrite(def) {
                e.rewrites.push((table.clone(), why));
            }
        }
        (AtAlterColumnType, Some(NodeEnum::ColumnDef(def))) => {
            let column = catalog.table(Some(&table.0), &table.1).and_then(|t| t.column(&cmd.name));
            let (Some(column), Some(new)) = (column, &def.type_name) else { return };
            let mods = catalog.column_typmods(&table.0, &table.1, &cmd.name);
            if def.raw_default.is_some() || compat::type_change_rewrites(&column.ty, mods, new) {
                let new_mods: Vec<i64> = new.typmods.iter().filter_map(compat::int_value).collect();
                let new_ty = crate::catalog::types::from_type_name(new).ty;
                let (from, to) = (compat::display(&column.ty, mods), compat::display(&new_ty, &new_mods));
                let why = format!("changing \"{}\" from {from} to {to} rewrites the table", cmd.name);
                e.rewrites.push((table.clone(), why));
            }
        }
        (AtSetNotNull, _) => {
            let proven = catalog.constraints_on(&table.0, &table.1).any(|c| {
                c.valid
                    && matches!(&c.kind, crate::catalog::index::ConstraintKind::Check { not_null_of: Some(col) } if *col == cmd.name)
            });
            if !proven {
                e.scans
                    .push((table.clone(), format!("SET NOT NULL reads every row to check \"{}\"", cmd.name)));
            }
        }
        (AtAddConstraint, Some(NodeEnum::Constraint(c))) => match c.contype() {
            ConstrType::ConstrForeign => {
                if let Some(pk) = &c.pktable {
                    e.lock(key(pk), ShareRowExclusive);
                }
                if !c.skip_validation {
                    e.scans.push((table.clone(), "the new foreign key is checked against every row".into()));
                }
            }
            ConstrType::ConstrCheck if !c.skip_validation => {
                e.scans.push((table.clone(), "the new CHECK constraint is checked against every row".into()));
            }
            ConstrType::ConstrPrimary | ConstrType::ConstrUnique | ConstrType::ConstrExclusion
                if c.indexname.is_empty() =>
            {
                e.scans.push((table.clone(), "builds the constraint's index".into()));
            }
            _ => {}
        },
        (AtValidateConstraint, _) => {
            e.scans
                .push((table.clone(), format!("VALIDATE CONSTRAINT reads every row for \"{}\"", cmd.name)));
        }
        (AtSetTableSpace, _) => e.rewrites.push((table.clone(), "SET TABLESPACE copies the table".into())),
        (AtSetLogged | AtSetUnLogged, _) => {
            e.rewrites.push((table.clone(), "SET LOGGED/UNLOGGED rewrites the table".into()))
        }
        (AtSetAccessMethod, _) => {
            e.rewrites.push((table.clone(), "SET ACCESS METHOD rewrites the table".into()))
        }
        (AtAttachPartition, Some(NodeEnum::PartitionCmd(p))) => {
            if let Some(rv) = &p.name {
                e.lock(key(rv), AccessExclusive);
                e.scans.push((key(rv), "the partition is scanned to check its bound".into()));
            }
        }
        _ => {}
    }
}

fn def_name(node: &pg_query::protobuf::Node) -> Option<&str> {
    match &node.node {
        Some(NodeEnum::DefElem(d)) => Some(d.defname.as_str()),
        _ => None,
    }
}

#[cfg(test)]
#[path = "locks_tests.rs"]
mod tests;
