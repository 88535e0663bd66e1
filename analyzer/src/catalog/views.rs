//! Views, materialized views, CREATE TABLE AS and SELECT INTO: their columns typed from their
//! query by the query analyzer, against the catalog as it is at that point of the history (view
//! columns keep the nullability the query implies; tables made by a query have no NOT NULL, as
//! on the server). A query the analyzer cannot type leaves the relation known but unmodelled.

use pg_query::protobuf::{Node, ObjectType, RangeVar};

use super::table::{display, key};
use super::{normalize, Catalog, Column, OtherRelation, RelationKind, Source, Table};
use crate::query::describe_relation;
use crate::Diagnostic;

/// A view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Its name and the columns its query produces.
    pub relation: Table,
    pub materialized: bool,
    /// Its query, deparsed (so formatting in the file does not matter).
    pub query: String,
}

/// What a query creates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Made {
    View,
    MaterializedView,
    Table,
}

impl Catalog {
    pub(crate) fn create_from_query(
        &mut self,
        src: &Source<'_>,
        rv: Option<&RangeVar>,
        query: Option<&Node>,
        aliases: &[Node],
        made: Made,
        replace_or_if_not_exists: bool,
    ) -> Result<(), Diagnostic> {
        let Some(rv) = rv.filter(|rv| rv.relpersistence != "t") else { return Ok(()) };
        let key = key(rv);
        let exists = self.tables.contains_key(&key)
            || self.views.contains_key(&key)
            || self.other_relations.contains_key(&key);
        if exists && !replace_or_if_not_exists {
            return Err(src.error(
                rv.location,
                "42P07",
                format!("relation \"{}\" already exists", display(&key)),
            ));
        }
        if exists && made != Made::View {
            return Ok(()); // IF NOT EXISTS
        }
        if !self.schemas.contains(&key.0) {
            return Err(src.error(rv.location, "3F000", format!("schema \"{}\" does not exist", key.0)));
        }
        let typed = query.map(|q| describe_relation(self, src.text, q));
        let query_text = query.and_then(|q| q.node.as_ref()).and_then(normalize::statement);
        let Some(Ok(mut columns)) = typed else {
            let (what, kind) = match made {
                Made::View => ("CREATE VIEW over a query the analyzer cannot type", RelationKind::View),
                Made::MaterializedView => (
                    "CREATE MATERIALIZED VIEW over a query the analyzer cannot type",
                    RelationKind::MaterializedView,
                ),
                Made::Table => ("CREATE TABLE AS over a query the analyzer cannot type", RelationKind::Table),
            };
            let query = query_text.filter(|_| made != Made::Table);
            self.create_other(src, Some(rv), OtherRelation { kind, query }, what);
            return Ok(());
        };
        crate::query::rename_outputs(&mut columns, aliases);
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|c| Column::new(c.name, c.ty, made != Made::Table && !c.nullable))
            .collect();
        let table = Table { schema: key.0.clone(), name: key.1.clone(), columns };
        self.other_relations.remove(&key);
        self.add_row_type(&key);
        match made {
            Made::Table => {
                self.tables.insert(key, table);
            }
            _ => {
                let view = View {
                    relation: table,
                    materialized: made == Made::MaterializedView,
                    query: query_text.unwrap_or_default(),
                };
                self.views.insert(key, view);
            }
        };
        Ok(())
    }

    pub(crate) fn made_by(objtype: ObjectType) -> Made {
        if objtype == ObjectType::ObjectMatview {
            Made::MaterializedView
        } else {
            Made::Table
        }
    }
}
