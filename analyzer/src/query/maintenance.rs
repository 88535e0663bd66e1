//! The maintenance statements applications run at runtime, not in migrations: REFRESH
//! MATERIALIZED VIEW and TRUNCATE. They take no parameters and return no rows; what can be
//! checked is that they name relations of the right kind, with the server's errors.

use pg_query::protobuf::{RangeVar, RefreshMatViewStmt, TruncateStmt};
use pg_query::NodeEnum;

use super::{Analysis, Output};
use crate::catalog::RelationKind;

impl Analysis<'_> {
    pub(super) fn refresh(&mut self, s: &RefreshMatViewStmt) -> Vec<Output> {
        if let Some(rv) = &s.relation {
            self.maintained(rv, RelationKind::MaterializedView, "materialized view");
        }
        vec![]
    }

    pub(super) fn truncate(&mut self, s: &TruncateStmt) -> Vec<Output> {
        for r in &s.relations {
            if let Some(NodeEnum::RangeVar(rv)) = &r.node {
                self.maintained(rv, RelationKind::Table, "table");
            }
        }
        vec![]
    }

    /// 42P01 for a relation no migration creates, 42809 for one of another kind.
    fn maintained(&mut self, rv: &RangeVar, wanted: RelationKind, noun: &str) {
        let schema = (!rv.schemaname.is_empty()).then_some(rv.schemaname.as_str());
        let shown = match schema {
            Some(s) => format!("{s}.{}", rv.relname),
            None => rv.relname.clone(),
        };
        match self.catalog.relation_kind(schema, &rv.relname) {
            Some(kind) if kind == wanted => {}
            Some(_) => {
                self.error_at(rv.location, "42809", &format!("\"{}\" is not a {noun}", rv.relname), None)
            }
            None if self.catalog.may_have_unseen_functions() => {}
            None => {
                self.error_at(rv.location, "42P01", &format!("relation \"{shown}\" does not exist"), None)
            }
        }
    }
}
