//! Indexes and constraints per table, as the lint needs them: which columns an index covers,
//! whether it is unique, whether a constraint was added NOT VALID and validated since, what a
//! foreign key references. Also the type modifiers a column was declared with (`varchar(20)`),
//! which decide whether a type change rewrites the table.
//!
//! Applied after the catalog's own dispatch has accepted a statement, so the statement is known
//! to be valid against the tables; names Postgres would generate are generated the same way.

use std::collections::BTreeMap;

use pg_query::protobuf::{
    AlterTableCmd, AlterTableType, ConstrType, Constraint as PgConstraint, IndexStmt, NullTestType,
    ObjectType, RangeVar,
};
use pg_query::NodeEnum;

pub(crate) use super::table::{key, string_value};
use super::{normalize, Catalog, Source};

type TableKey = (String, String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub schema: String,
    pub name: String,
    pub table: String,
    /// Key columns in order; `None` for an expression.
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    pub primary: bool,
    /// Has a WHERE clause.
    pub partial: bool,
    /// The access method: `btree`, `gin`, `gist` ...
    pub method: String,
    /// Each key as the deparser prints it: a column name, or an expression with its
    /// parentheses, with any collation, operator class and ordering.
    pub keys: Vec<String>,
    /// `INCLUDE (...)` columns.
    pub include: Vec<String>,
    /// The WHERE clause, deparsed.
    pub predicate: Option<String>,
    /// `UNIQUE NULLS NOT DISTINCT`: NULLs count as equal.
    pub nulls_not_distinct: bool,
}

impl Index {
    /// Whether lookups on `columns` (in any order) can use this index: they are its leading keys.
    pub fn covers(&self, columns: &[String]) -> bool {
        !self.partial
            && columns.len() <= self.columns.len()
            && self.columns[..columns.len()].iter().all(|c| c.as_ref().is_some_and(|c| columns.contains(c)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    /// `not_null_of` is the column when the check is exactly `column IS NOT NULL`.
    Check {
        not_null_of: Option<String>,
    },
    ForeignKey {
        references: TableKey,
        referenced_columns: Vec<String>,
    },
    Exclusion,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub name: String,
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
    pub kind: ConstraintKind,
    /// False after `ADD CONSTRAINT ... NOT VALID` until `VALIDATE CONSTRAINT`.
    pub valid: bool,
    /// A CHECK's expression, deparsed; an EXCLUDE's whole definition after the keyword.
    pub expression: Option<String>,
    /// What else the definition says, as Postgres prints it: a foreign key's `MATCH FULL`,
    /// `ON UPDATE` and `ON DELETE` actions, `DEFERRABLE` ...
    pub clauses: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    indexes: BTreeMap<TableKey, Index>,
    constraints: Vec<Constraint>,
    typmods: BTreeMap<(String, String, String), Vec<i64>>,
}

impl Catalog {
    pub fn indexes_on<'a>(&'a self, schema: &'a str, table: &'a str) -> impl Iterator<Item = &'a Index> + 'a {
        self.keys.indexes.values().filter(move |i| i.schema == schema && i.table == table)
    }

    /// The primary key columns of a table, empty when it has none (or one on expressions).
    pub fn primary_key(&self, (schema, table): &(String, String)) -> Vec<String> {
        self.indexes_on(schema, table)
            .find(|i| i.primary)
            .and_then(|i| i.columns.iter().cloned().collect::<Option<Vec<_>>>())
            .unwrap_or_default()
    }

    /// Every index, by schema and name.
    pub fn indexes(&self) -> impl Iterator<Item = &Index> {
        self.keys.indexes.values()
    }

    /// An index by name; `schema` as written (`None`: the default schema).
    pub fn index(&self, schema: Option<&str>, name: &str) -> Option<&Index> {
        let schema = schema.unwrap_or(super::DEFAULT_SCHEMA).to_string();
        self.keys.indexes.get(&(schema, name.to_string()))
    }

    pub fn constraints_on<'a>(
        &'a self,
        schema: &'a str,
        table: &'a str,
    ) -> impl Iterator<Item = &'a Constraint> + 'a {
        self.keys.constraints.iter().filter(move |c| c.schema == schema && c.table == table)
    }

    pub fn constraints(&self) -> impl Iterator<Item = &Constraint> {
        self.keys.constraints.iter()
    }

    /// The type modifiers a column was declared with: `[20]` for `varchar(20)`, `[10, 2]` for
    /// `numeric(10,2)`, empty when none.
    pub fn column_typmods(&self, schema: &str, table: &str, column: &str) -> &[i64] {
        let k = (schema.to_string(), table.to_string(), column.to_string());
        self.keys.typmods.get(&k).map_or(&[], Vec::as_slice)
    }
}

/// Records what a statement the catalog accepted does to indexes, constraints and typmods.
pub(crate) fn apply(catalog: &mut Catalog, src: &Source<'_>) {
    let keys = &mut catalog.keys;
    match &src.statement.node {
        NodeEnum::IndexStmt(s) => keys.create_index(s),
        NodeEnum::CreateStmt(s) => {
            let Some(rv) = &s.relation else { return };
            let table = key(rv);
            if keys.constraints.iter().any(|c| (&c.schema, &c.table) == (&table.0, &table.1)) {
                return; // CREATE TABLE IF NOT EXISTS of a table that exists
            }
            for elt in &s.table_elts {
                match &elt.node {
                    Some(NodeEnum::ColumnDef(def)) => keys.add_column(&table, def),
                    Some(NodeEnum::Constraint(c)) => keys.add_constraint(&table, c, None),
                    _ => {}
                }
            }
        }
        NodeEnum::AlterTableStmt(s) if s.objtype() == ObjectType::ObjectTable => {
            let Some(rv) = &s.relation else { return };
            for cmd in &s.cmds {
                if let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node {
                    keys.alter(&key(rv), cmd);
                }
            }
        }
        NodeEnum::DropStmt(s) => {
            for object in &s.objects {
                let Some(NodeEnum::List(list)) = &object.node else { continue };
                let names: Vec<&str> = list.items.iter().filter_map(string_value).collect();
                let k = match names.as_slice() {
                    [name] => (super::DEFAULT_SCHEMA.to_string(), name.to_string()),
                    [.., schema, name] => (schema.to_string(), name.to_string()),
                    [] => continue,
                };
                match s.remove_type() {
                    ObjectType::ObjectIndex => {
                        keys.indexes.remove(&k);
                    }
                    ObjectType::ObjectTable => keys.drop_table(&k),
                    _ => {}
                }
            }
        }
        NodeEnum::RenameStmt(s) => keys.rename(s),
        NodeEnum::AlterObjectSchemaStmt(s) if s.object_type() == ObjectType::ObjectTable => {
            if let Some(rv) = &s.relation {
                let old = key(rv);
                keys.move_table(&old, &(s.newschema.clone(), old.1.clone()));
            }
        }
        _ => {}
    }
}

impl Keys {
    fn create_index(&mut self, s: &IndexStmt) {
        let Some(rv) = &s.relation else { return };
        let table = key(rv);
        let columns: Vec<Option<String>> = s
            .index_params
            .iter()
            .map(|p| match &p.node {
                Some(NodeEnum::IndexElem(e)) if !e.name.is_empty() => Some(e.name.clone()),
                _ => None,
            })
            .collect();
        let name = if s.idxname.is_empty() {
            let cols: Vec<&str> = columns.iter().map(|c| c.as_deref().unwrap_or("expr")).collect();
            format!("{}_{}_idx", table.1, cols.join("_"))
        } else {
            s.idxname.clone()
        };
        let k = (table.0.clone(), name.clone());
        if s.if_not_exists && self.indexes.contains_key(&k) {
            return;
        }
        let index = Index {
            schema: table.0,
            name,
            table: table.1,
            columns,
            unique: s.unique || s.primary,
            primary: s.primary,
            partial: s.where_clause.is_some(),
            method: if s.access_method.is_empty() { "btree".to_string() } else { s.access_method.clone() },
            keys: s.index_params.iter().map(normalize::index_key).collect(),
            include: s.index_including_params.iter().map(normalize::index_key).collect(),
            predicate: s.where_clause.as_deref().map(normalize::expression),
            nulls_not_distinct: s.nulls_not_distinct,
        };
        self.indexes.insert(k, index);
    }

    fn add_column(&mut self, table: &TableKey, def: &pg_query::protobuf::ColumnDef) {
        if let Some(tn) = &def.type_name {
            let mods: Vec<i64> = tn.typmods.iter().filter_map(int_value).collect();
            let k = (table.0.clone(), table.1.clone(), def.colname.clone());
            self.typmods.insert(k, mods);
        }
        for c in &def.constraints {
            if let Some(NodeEnum::Constraint(c)) = &c.node {
                self.add_constraint(table, c, Some(&def.colname));
            }
        }
    }

    fn add_constraint(&mut self, table: &TableKey, c: &PgConstraint, column: Option<&str>) {
        let keys: Vec<String> = match column {
            Some(col) if c.keys.is_empty() && c.fk_attrs.is_empty() => vec![col.to_string()],
            _ if c.contype() == ConstrType::ConstrForeign => names(&c.fk_attrs),
            _ => names(&c.keys),
        };
        let (kind, suffix) = match c.contype() {
            ConstrType::ConstrPrimary => (ConstraintKind::PrimaryKey, "pkey"),
            ConstrType::ConstrUnique => (ConstraintKind::Unique, "key"),
            ConstrType::ConstrExclusion => (ConstraintKind::Exclusion, "excl"),
            ConstrType::ConstrCheck => (ConstraintKind::Check { not_null_of: not_null_column(c) }, "check"),
            ConstrType::ConstrForeign => {
                let Some(pk) = &c.pktable else { return };
                let references = key(pk);
                (ConstraintKind::ForeignKey { references, referenced_columns: names(&c.pk_attrs) }, "fkey")
            }
            _ => return,
        };
        let name = if !c.conname.is_empty() {
            c.conname.clone()
        } else if kind == ConstraintKind::PrimaryKey {
            format!("{}_pkey", table.1)
        } else {
            let cols = match &kind {
                ConstraintKind::Check { not_null_of: None } if column.is_none() => String::new(),
                _ => format!("_{}", keys.first().map(String::as_str).unwrap_or_default()),
            };
            format!("{}{cols}_{suffix}", table.1)
        };
        // A PRIMARY KEY or UNIQUE constraint is backed by a unique index of the same name.
        if matches!(kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
            let index_name = if c.indexname.is_empty() { name.clone() } else { c.indexname.clone() };
            let backing = self.indexes.remove(&(table.0.clone(), index_name));
            let (columns, index_keys, method) = match backing {
                Some(i) => (i.columns, i.keys, i.method),
                None => (keys.iter().cloned().map(Some).collect(), keys.clone(), "btree".to_string()),
            };
            let index = Index {
                schema: table.0.clone(),
                name: name.clone(),
                table: table.1.clone(),
                columns,
                unique: true,
                primary: kind == ConstraintKind::PrimaryKey,
                partial: false,
                method,
                keys: index_keys,
                include: names(&c.including),
                predicate: None,
                nulls_not_distinct: c.nulls_not_distinct,
            };
            self.indexes.insert((table.0.clone(), name.clone()), index);
        }
        self.constraints.push(Constraint {
            name,
            schema: table.0.clone(),
            table: table.1.clone(),
            columns: keys,
            expression: match kind {
                ConstraintKind::Exclusion => Some(normalize::exclusion(c)),
                _ => c.raw_expr.as_deref().map(normalize::expression),
            },
            clauses: normalize::constraint_clauses(c, matches!(kind, ConstraintKind::ForeignKey { .. })),
            kind,
            valid: !c.skip_validation,
        });
    }

    fn alter(&mut self, table: &TableKey, cmd: &AlterTableCmd) {
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        match (cmd.subtype(), def) {
            (AlterTableType::AtAddColumn, Some(NodeEnum::ColumnDef(def))) => self.add_column(table, def),
            (AlterTableType::AtAddConstraint, Some(NodeEnum::Constraint(c))) => {
                self.add_constraint(table, c, None)
            }
            (AlterTableType::AtAlterColumnType, Some(NodeEnum::ColumnDef(def))) => {
                let def = pg_query::protobuf::ColumnDef { colname: cmd.name.clone(), ..def.as_ref().clone() };
                self.add_column(table, &def);
            }
            (AlterTableType::AtValidateConstraint, _) => {
                if let Some(c) = self.constraint_mut(table, &cmd.name) {
                    c.valid = true;
                }
            }
            (AlterTableType::AtDropConstraint, _) => {
                self.constraints
                    .retain(|c| !(c.schema == table.0 && c.table == table.1 && c.name == cmd.name));
                self.indexes.remove(&(table.0.clone(), cmd.name.clone()));
            }
            (AlterTableType::AtDropColumn, _) => {
                let col = Some(cmd.name.clone());
                self.indexes
                    .retain(|_, i| !(i.schema == table.0 && i.table == table.1 && i.columns.contains(&col)));
                self.constraints.retain(|c| {
                    !(c.schema == table.0 && c.table == table.1 && c.columns.contains(&cmd.name))
                });
            }
            _ => {}
        }
    }

    fn constraint_mut(&mut self, table: &TableKey, name: &str) -> Option<&mut Constraint> {
        self.constraints.iter_mut().find(|c| c.schema == table.0 && c.table == table.1 && c.name == name)
    }

    fn drop_table(&mut self, table: &TableKey) {
        self.indexes.retain(|_, i| !(i.schema == table.0 && i.table == table.1));
        self.constraints.retain(|c| !(c.schema == table.0 && c.table == table.1));
        self.typmods.retain(|(s, t, _), _| !(s == &table.0 && t == &table.1));
    }

    fn move_table(&mut self, old: &TableKey, new: &TableKey) {
        for i in self.indexes.values_mut().filter(|i| i.schema == old.0 && i.table == old.1) {
            (i.schema, i.table) = new.clone();
        }
        self.indexes = std::mem::take(&mut self.indexes)
            .into_values()
            .map(|i| ((i.schema.clone(), i.name.clone()), i))
            .collect();
        for c in self.constraints.iter_mut() {
            if c.schema == old.0 && c.table == old.1 {
                (c.schema, c.table) = new.clone();
            }
            if let ConstraintKind::ForeignKey { references, .. } = &mut c.kind {
                if references == old {
                    *references = new.clone();
                }
            }
        }
        self.typmods = std::mem::take(&mut self.typmods)
            .into_iter()
            .map(|((s, t, col), m)| {
                if (&s, &t) == (&old.0, &old.1) {
                    ((new.0.clone(), new.1.clone(), col), m)
                } else {
                    ((s, t, col), m)
                }
            })
            .collect();
    }

    fn rename(&mut self, s: &pg_query::protobuf::RenameStmt) {
        let Some(rv) = &s.relation else { return };
        let table = key(rv);
        match s.rename_type() {
            ObjectType::ObjectTable => self.move_table(&table, &(table.0.clone(), s.newname.clone())),
            ObjectType::ObjectIndex => {
                if let Some(mut index) = self.indexes.remove(&table) {
                    index.name = s.newname.clone();
                    self.indexes.insert((table.0.clone(), s.newname.clone()), index);
                }
            }
            ObjectType::ObjectColumn => self.rename_column(&table, &s.subname, &s.newname),
            ObjectType::ObjectTabconstraint => {
                if let Some(c) = self.constraint_mut(&table, &s.subname) {
                    c.name = s.newname.clone();
                }
            }
            _ => {}
        }
    }

    fn rename_column(&mut self, table: &TableKey, old: &str, new: &str) {
        let on_table = |schema: &str, t: &str| schema == table.0 && t == table.1;
        for i in self.indexes.values_mut().filter(|i| on_table(&i.schema, &i.table)) {
            for c in i.columns.iter_mut().flatten().filter(|c| *c == old) {
                *c = new.to_string();
            }
            // Keys that are the bare column; expressions keep the text they were written with.
            let quoted_old = normalize::quote_ident(old);
            for k in i.keys.iter_mut().chain(i.include.iter_mut()).filter(|k| **k == quoted_old || *k == old)
            {
                *k = normalize::quote_ident(new);
            }
        }
        for c in &mut self.constraints {
            if on_table(&c.schema, &c.table) {
                for col in c.columns.iter_mut().filter(|col| *col == old) {
                    *col = new.to_string();
                }
                if let ConstraintKind::Check { not_null_of: Some(col) } = &mut c.kind {
                    if col == old {
                        *col = new.to_string();
                    }
                }
            }
            if let ConstraintKind::ForeignKey { references, referenced_columns } = &mut c.kind {
                if references == table {
                    for col in referenced_columns.iter_mut().filter(|col| *col == old) {
                        *col = new.to_string();
                    }
                }
            }
        }
        let k = (table.0.clone(), table.1.clone(), old.to_string());
        if let Some(m) = self.typmods.remove(&k) {
            self.typmods.insert((table.0.clone(), table.1.clone(), new.to_string()), m);
        }
    }
}

fn names(nodes: &[pg_query::protobuf::Node]) -> Vec<String> {
    nodes.iter().filter_map(string_value).map(str::to_string).collect()
}

fn int_value(node: &pg_query::protobuf::Node) -> Option<i64> {
    match &node.node {
        Some(NodeEnum::AConst(c)) => match &c.val {
            Some(pg_query::protobuf::a_const::Val::Ival(i)) => Some(i64::from(i.ival)),
            _ => None,
        },
        Some(NodeEnum::Integer(i)) => Some(i64::from(i.ival)),
        _ => None,
    }
}

/// `CHECK (col IS NOT NULL)`: the column, else `None`.
fn not_null_column(c: &PgConstraint) -> Option<String> {
    let Some(NodeEnum::NullTest(t)) = c.raw_expr.as_ref().and_then(|e| e.node.as_ref()) else {
        return None;
    };
    if t.nulltesttype() != NullTestType::IsNotNull {
        return None;
    }
    match t.arg.as_ref().and_then(|a| a.node.as_ref()) {
        Some(NodeEnum::ColumnRef(r)) => r.fields.last().and_then(string_value).map(str::to_string),
        _ => None,
    }
}

/// `[schema.]table` of a RangeVar, for callers outside the catalog.
pub fn table_key(rv: &RangeVar) -> TableKey {
    key(rv)
}
