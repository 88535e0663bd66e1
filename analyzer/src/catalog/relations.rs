//! Relations whose columns the catalog does not model (views, materialized views, CREATE TABLE
//! AS, SELECT INTO, sequences, foreign tables): their names are kept, so later ALTER, RENAME and
//! DROP of them replay instead of failing, and queries on them get a precise "not modelled".

use pg_query::protobuf::{AlterObjectSchemaStmt, ObjectType, RangeVar};
use pg_query::NodeEnum;

use super::table::{display, key};
use super::{Catalog, Source};
use crate::Diagnostic;

impl Catalog {
    /// Records a relation that a statement creates without a modelled column list.
    pub(crate) fn create_other(&mut self, src: &Source<'_>, rv: Option<&RangeVar>, what: &str) {
        if let Some(rv) = rv.filter(|rv| rv.relpersistence != "t") {
            self.other_relations.insert(key(rv));
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
        if self.other_relations.contains(&key) {
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
        if let Some(mut table) = self.tables.remove(&old) {
            table.schema = s.newschema.clone();
            self.tables.insert(new, table);
        } else if self.other_relations.remove(&old) {
            self.other_relations.insert(new);
        } else if !s.missing_ok {
            self.missing_relation(src, rv)?;
        }
        Ok(())
    }

    /// Statements that create relations of unmodelled kinds. `None` when `node` is not one.
    pub(crate) fn apply_other(&mut self, src: &Source<'_>, node: &NodeEnum) -> Option<()> {
        match node {
            NodeEnum::ViewStmt(v) => self.create_other(src, v.view.as_ref(), "CREATE VIEW"),
            NodeEnum::CreateTableAsStmt(c) => {
                let rel = c.into.as_ref().and_then(|i| i.rel.as_ref());
                self.create_other(src, rel, "CREATE TABLE AS / CREATE MATERIALIZED VIEW")
            }
            NodeEnum::SelectStmt(s) if s.into_clause.is_some() => {
                let rel = s.into_clause.as_ref().and_then(|i| i.rel.as_ref());
                self.create_other(src, rel, "SELECT ... INTO")
            }
            // Sequences have no columns queries use; no note needed.
            NodeEnum::CreateSeqStmt(s) => self.create_other(src, s.sequence.as_ref(), ""),
            NodeEnum::CreateForeignTableStmt(f) => {
                let rel = f.base_stmt.as_ref().and_then(|b| b.relation.as_ref());
                self.create_other(src, rel, "CREATE FOREIGN TABLE")
            }
            _ => return None,
        }
        Some(())
    }
}
