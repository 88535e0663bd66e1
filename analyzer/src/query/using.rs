//! `JOIN ... USING (a, b)` and `NATURAL JOIN`: the merged columns and their nullability.

use pg_query::protobuf::JoinType;
use pg_query::NodeEnum;

use super::scope::{ScopeColumn, Source};
use super::Analysis;
use crate::catalog::SqlType;

impl Analysis<'_> {
    /// `JOIN ... USING (a, b)` and `NATURAL JOIN`: one merged column per name, listed first, and
    /// the sides' own columns reachable only qualified.
    pub(super) fn merge_using(
        &mut self,
        join: &pg_query::protobuf::JoinExpr,
        left: &mut [Source],
        right: &mut [Source],
    ) -> Option<Source> {
        let visible = |sources: &[Source]| -> Vec<String> {
            sources
                .iter()
                .flat_map(|s| s.columns.iter().filter(|c| !c.merged_away).map(|c| c.name.clone()))
                .collect()
        };
        let names: Vec<String> = if join.is_natural {
            let right_names = visible(right);
            visible(left).into_iter().filter(|n| right_names.contains(n)).collect()
        } else {
            join.using_clause
                .iter()
                .filter_map(|n| match &n.node {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect()
        };
        if names.is_empty() {
            return None;
        }
        let mut merged = Vec::new();
        for name in names {
            let (l, r) = (take_side(left, &name), take_side(right, &name));
            let (Some(l), Some(r)) = (l, r) else {
                let msg =
                    format!("column \"{name}\" specified in USING clause does not exist in both tables");
                self.error_at(-1, "42703", &msg, None);
                continue;
            };
            let base_nullable = match join.jointype() {
                JoinType::JoinLeft => l.1,
                JoinType::JoinRight => r.1,
                JoinType::JoinFull => l.1 && r.1,
                // Only equal, hence non-null, values match.
                _ => false,
            };
            let ty = super::fallback::common_type(l.0, r.0);
            merged.push(ScopeColumn { name, ty, base_nullable, merged_away: false, doubt: None });
        }
        Some(Source {
            name: String::new(),
            columns: merged,
            nullable_from_join: false,
            unresolved: false,
            table: false,
            scalar: false,
            primary_key: Vec::new(),
            row_type: None,
        })
    }
}

/// Marks a side's USING column as merged away; returns its type and effective nullability.
fn take_side(sources: &mut [Source], name: &str) -> Option<(Option<SqlType>, bool)> {
    for source in sources.iter_mut() {
        let join_nullable = source.nullable_from_join;
        if let Some(c) = source.columns.iter_mut().find(|c| c.name == name && !c.merged_away) {
            c.merged_away = true;
            return Some((c.ty.clone(), c.base_nullable || join_nullable));
        }
    }
    None
}
