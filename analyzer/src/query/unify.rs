//! Values that must share one type (UNION / INTERSECT / EXCEPT columns, CASE results,
//! COALESCE, ARRAY[...], VALUES columns): Postgres's select_common_type, with its 42804
//! "X types a and b cannot be matched" at the value that does not fit.

use pg_query::protobuf::Node;
use pg_query::NodeEnum;

use super::fallback::common_type;
use super::{node_location, Analysis};
use crate::catalog::SqlType;

impl Analysis<'_> {
    /// The common type of `items` (type, location), in the order Postgres considers them;
    /// `None` when all are unknown. Types the catalog does not know fall back to the loose rule.
    pub(super) fn unify(&mut self, context: &str, items: &[(Option<SqlType>, i32)]) -> Option<SqlType> {
        let known: Vec<(&SqlType, i32)> =
            items.iter().filter_map(|(t, l)| t.as_ref().map(|t| (t, *l))).collect();
        let oids: Option<Vec<u32>> = known.iter().map(|(t, _)| self.catalog.type_oid(t)).collect();
        let Some(oids) = oids else {
            return items.iter().fold(None, |acc, (t, _)| common_type(acc, t.clone()));
        };
        let (&first, _) = oids.split_first()?;
        if oids.iter().all(|o| *o == first) {
            return Some(known[0].0.clone());
        }
        let c = self.catalog;
        let mut chosen = c.base_type(first);
        for (i, &next) in oids.iter().enumerate().skip(1) {
            let next = c.base_type(next);
            if next == chosen {
                continue;
            }
            if c.category(next) != c.category(chosen) {
                let msg = format!(
                    "{context} types {} and {} cannot be matched",
                    c.format_type(Some(chosen)),
                    c.format_type(Some(next))
                );
                self.error_at(known[i].1, "42804", &msg, None);
                return Some(known[0].0.clone());
            }
            if !c.is_preferred(chosen) && c.can_coerce(chosen, next) && !c.can_coerce(next, chosen) {
                chosen = next;
            }
        }
        Some(c.sql_type(chosen))
    }
}

/// exprLocation: the leftmost token of an expression (a cast starts at its argument, an
/// operator expression at its left operand).
pub(super) fn leftmost_location(node: &Node) -> i32 {
    let own = node_location(node);
    let inner = match &node.node {
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().map(leftmost_location),
        Some(NodeEnum::AExpr(e)) => e.lexpr.as_deref().map(leftmost_location),
        _ => None,
    };
    match inner {
        Some(l) if l >= 0 && (own < 0 || l < own) => l,
        _ => own,
    }
}
