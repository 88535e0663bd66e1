//! Relations whose columns the catalog does not model (views, materialized views, CREATE TABLE
//! AS, SELECT INTO, sequences, foreign tables): their names are kept, so later ALTER, RENAME and
//! DROP of them replay instead of failing, and queries on them get a precise "not modelled".

use pg_query::protobuf::{AlterObjectSchemaStmt, ObjectType, RangeVar};
use pg_query::NodeEnum;

use super::table::{display, key};
use super::{normalize, Catalog, Column, Source, DEFAULT_SCHEMA};
use crate::Diagnostic;

/// What kind of relation one the catalog does not model the columns of is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RelationKind {
    Table,
    View,
    MaterializedView,
    Sequence,
    ForeignTable,
}

/// A relation whose columns are not modelled: its kind and, for a view, its query deparsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherRelation {
    pub kind: RelationKind,
    pub query: Option<String>,
}

/// A relation a query can read: a table, a view, or a system catalog or view.
pub struct Relation<'c> {
    pub columns: std::borrow::Cow<'c, [Column]>,
    /// A table (it has system columns), not a view.
    pub is_table: bool,
}

impl Catalog {
    /// The relation `[schema.]name` resolves to: the migrations' tables and views, then
    /// `pg_catalog` (unqualified) and `information_schema` relations, then extensions' views.
    pub fn relation(&self, schema: Option<&str>, name: &str) -> Option<Relation<'_>> {
        let key = self.relation_key(schema, name);
        if let Some(t) = self.tables.get(&key) {
            return Some(Relation { columns: t.columns.as_slice().into(), is_table: true });
        }
        if let Some(v) = self.views.get(&key) {
            return Some(Relation { columns: v.relation.columns.as_slice().into(), is_table: false });
        }
        let b = super::builtin::builtins();
        let system = (schema.unwrap_or("pg_catalog").to_string(), name.to_string());
        let columns = b.core.relations.get(&system).or_else(|| {
            let ext_schema = schema.unwrap_or(DEFAULT_SCHEMA);
            self.extensions.iter().filter(|(_, s)| *s == ext_schema).find_map(|(e, _)| {
                b.extensions.get(e).and_then(|e| e.relations.get(&("@".to_string(), name.to_string())))
            })
        })?;
        let columns: Vec<Column> =
            columns.iter().map(|c| Column::new(c.name.clone(), self.sql_type(c.ty), c.not_null)).collect();
        Some(Relation { columns: columns.into(), is_table: !name.starts_with("pg_stat") })
    }

    /// What `[schema.]name` is among the migrations' relations, modelled or not.
    pub fn relation_kind(&self, schema: Option<&str>, name: &str) -> Option<RelationKind> {
        let key = self.relation_key(schema, name);
        if self.tables.contains_key(&key) {
            return Some(RelationKind::Table);
        }
        if let Some(v) = self.views.get(&key) {
            return Some(if v.materialized { RelationKind::MaterializedView } else { RelationKind::View });
        }
        self.other_relations.get(&key).map(|o| o.kind)
    }

    /// Records a relation that a statement creates without a modelled column list.
    pub(crate) fn create_other(
        &mut self,
        src: &Source<'_>,
        rv: Option<&RangeVar>,
        relation: OtherRelation,
        what: &str,
    ) {
        if let Some(rv) = rv.filter(|rv| rv.relpersistence != "t") {
            self.other_relations.insert(key(rv), relation);
        }
        if !what.is_empty() {
            self.note_unsupported(src, what);
        }
    }

    /// What to do when a statement names a relation that is not a modelled table: fine for the
    /// relations above, and after statements that may have created it unseen (DO blocks,
    /// functions); else the server's own error.
    pub(crate) fn missing_relation(&mut self, src: &Source<'_>, rv: &RangeVar) -> Result<(), Diagnostic> {
        self.missing(src, key(rv), rv.location, "relation")
    }

    /// `noun` as the server words it: DROP TABLE says "table", the rest "relation".
    pub(crate) fn missing(
        &mut self,
        src: &Source<'_>,
        key: (String, String),
        location: i32,
        noun: &str,
    ) -> Result<(), Diagnostic> {
        if self.other_relations.contains_key(&key) || self.views.contains_key(&key) {
            return Ok(());
        }
        if self.opaque_statements_seen {
            self.note_unsupported(
                src,
                &format!("a statement on \"{}\", created where the analyzer cannot see,", display(&key)),
            );
            return Ok(());
        }
        Err(src.error(location, "42P01", format!("{noun} \"{}\" does not exist", display(&key))))
    }

    /// `ALTER TABLE t SET SCHEMA s`.
    pub(crate) fn set_schema(
        &mut self,
        src: &Source<'_>,
        s: &AlterObjectSchemaStmt,
    ) -> Result<(), Diagnostic> {
        if matches!(s.object_type(), ObjectType::ObjectType | ObjectType::ObjectDomain) {
            let key = match s.object.as_deref().and_then(|o| o.node.as_ref()) {
                Some(NodeEnum::List(l)) => super::user_types::qualified_name(&l.items),
                Some(NodeEnum::TypeName(t)) => super::user_types::qualified_name(&t.names),
                _ => return Ok(()),
            };
            if !self.schemas.contains(&s.newschema) {
                return Err(src.error(-1, "3F000", format!("schema \"{}\" does not exist", s.newschema)));
            }
            self.set_type_schema(&key, &s.newschema);
            return Ok(());
        }
        let Some(rv) = &s.relation else { return Ok(()) };
        if !matches!(
            s.object_type(),
            ObjectType::ObjectTable
                | ObjectType::ObjectView
                | ObjectType::ObjectMatview
                | ObjectType::ObjectSequence
        ) {
            return Ok(());
        }
        if !self.schemas.contains(&s.newschema) {
            return Err(src.error(-1, "3F000", format!("schema \"{}\" does not exist", s.newschema)));
        }
        let old = key(rv);
        let new = (s.newschema.clone(), old.1.clone());
        self.move_row_type(&old, &new);
        if let Some(mut table) = self.tables.remove(&old) {
            table.schema = s.newschema.clone();
            self.tables.insert(new, table);
        } else if let Some(mut view) = self.views.remove(&old) {
            view.relation.schema = s.newschema.clone();
            self.views.insert(new, view);
        } else if let Some(other) = self.other_relations.remove(&old) {
            self.other_relations.insert(new, other);
        } else if !s.missing_ok {
            self.missing_relation(src, rv)?;
        }
        Ok(())
    }

    /// Statements that create relations of unmodelled kinds. `None` when `node` is not one.
    pub(crate) fn apply_other(&mut self, src: &Source<'_>, node: &NodeEnum) -> Option<()> {
        match node {
            NodeEnum::ViewStmt(v) => {
                let query = v.query.as_deref().and_then(|q| q.node.as_ref()).and_then(normalize::statement);
                let view = OtherRelation { kind: RelationKind::View, query };
                self.create_other(src, v.view.as_ref(), view, "CREATE VIEW")
            }
            NodeEnum::CreateTableAsStmt(c) => {
                let rel = c.into.as_ref().and_then(|i| i.rel.as_ref());
                let kind = match c.objtype() {
                    ObjectType::ObjectMatview => RelationKind::MaterializedView,
                    _ => RelationKind::Table,
                };
                let made = OtherRelation { kind, query: None };
                self.create_other(src, rel, made, "CREATE TABLE AS / CREATE MATERIALIZED VIEW")
            }
            NodeEnum::SelectStmt(s) if s.into_clause.is_some() => {
                let rel = s.into_clause.as_ref().and_then(|i| i.rel.as_ref());
                let table = OtherRelation { kind: RelationKind::Table, query: None };
                self.create_other(src, rel, table, "SELECT ... INTO")
            }
            // Sequences have no columns queries use; no note needed.
            NodeEnum::CreateSeqStmt(s) => {
                let sequence = OtherRelation { kind: RelationKind::Sequence, query: None };
                self.create_other(src, s.sequence.as_ref(), sequence, "")
            }
            NodeEnum::CreateForeignTableStmt(f) => {
                let rel = f.base_stmt.as_ref().and_then(|b| b.relation.as_ref());
                let table = OtherRelation { kind: RelationKind::ForeignTable, query: None };
                self.create_other(src, rel, table, "CREATE FOREIGN TABLE")
            }
            _ => return None,
        }
        Some(())
    }
}
