//! Values that must share one type (UNION / INTERSECT / EXCEPT columns, CASE results,
//! COALESCE, ARRAY[...], VALUES columns): Postgres's select_common_type, with its 42804
//! "X types a and b cannot be matched" at the value that does not fit.

use pg_query::protobuf::a_const::Val;
use pg_query::protobuf::Node;
use pg_query::NodeEnum;

use super::expr::Typed;
use super::fallback::common_type;
use super::{node_location, Analysis};
use crate::catalog::SqlType;

/// An untyped string literal: `unknown` to select_common_type, which skips it and then reads
/// it as the chosen type (`coalesce(settings, '{}')` is jsonb).
fn is_unknown_literal(node: &Node) -> bool {
    matches!(&node.node, Some(NodeEnum::AConst(c)) if !c.isnull && matches!(c.val, Some(Val::Sval(_))))
}

impl Analysis<'_> {
    /// The common type of expressions (COALESCE, GREATEST, ARRAY[...], CASE results), string
    /// literals counting as `unknown`: they take the others' type and must read as it, and
    /// when nothing else has a type they are text, as in select_common_type.
    pub(super) fn unify_exprs(&mut self, context: &str, values: &[(&Node, &Typed)]) -> Option<SqlType> {
        let items: Vec<(Option<SqlType>, i32)> = values
            .iter()
            .map(|(n, t)| (if is_unknown_literal(n) { None } else { t.ty.clone() }, leftmost_location(n)))
            .collect();
        let unknown = |(n, t): &(&Node, &Typed)| {
            is_unknown_literal(n)
                || matches!(&n.node, Some(NodeEnum::ParamRef(_)) if t.ty.is_none())
                || matches!(&n.node, Some(NodeEnum::AConst(c)) if c.isnull)
        };
        let ty = match self.unify(context, &items) {
            Some(ty) => ty,
            None if !values.is_empty() && values.iter().all(unknown) => SqlType::new("text"),
            None => return None,
        };
        for (node, _) in values {
            if is_unknown_literal(node) {
                self.check_typed_literal(node, &ty);
            }
            self.infer(node, &ty);
        }
        Some(ty)
    }

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
        // Only values all of one type keep it as is (a domain stays a domain); with an unknown
        // among them, domains are smashed to their base types like any other mix.
        if oids.iter().all(|o| *o == first) && known.len() == items.len() {
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
