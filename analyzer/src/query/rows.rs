//! Row constructors: `row(a, b)` / `(a, b)` as a record value, and row comparisons
//! (`(a, b) = ($1, $2)`, `(a, b) < (x, y)`, `(a, b) IN ((1, 'x'), ($1, $2))`,
//! `(a, b) IN (SELECT ...)` / `IN (VALUES ...)`), compared element by element as Postgres's
//! make_row_comparison_op does, so each parameter takes the type of the element facing it.

use pg_query::protobuf::{AExpr, AExprKind, Node, RowExpr};
use pg_query::NodeEnum;

use super::expr::Typed;
use super::scope::Scope;
use super::{Analysis, Output};

impl Analysis<'_> {
    /// A row constructor is never NULL itself (its fields may be).
    pub(super) fn row_expr(&mut self, r: &RowExpr, scope: &Scope<'_>) -> Typed {
        for arg in &r.args {
            self.expr(arg, scope);
        }
        Typed::of("record", false).named("row")
    }

    /// `left op right` where both sides are row constructors; `None` when they are not.
    pub(super) fn row_comparison(&mut self, e: &AExpr, scope: &Scope<'_>) -> Option<Typed> {
        let left = row_items(e.lexpr.as_deref()?)?;
        match e.kind() {
            AExprKind::AexprOp => {
                let right = row_items(e.rexpr.as_deref()?)?;
                Some(self.compare_rows(e, left, right, scope))
            }
            AExprKind::AexprIn => {
                let Some(NodeEnum::List(list)) = e.rexpr.as_deref().and_then(|r| r.node.as_ref()) else {
                    return None;
                };
                let mut nullable = false;
                for item in &list.items {
                    match row_items(item) {
                        Some(right) => nullable |= self.compare_rows(e, left, right, scope).nullable,
                        None => nullable |= self.expr(item, scope).nullable,
                    }
                }
                Some(Typed::of("bool", nullable))
            }
            _ => None,
        }
    }

    fn compare_rows(&mut self, e: &AExpr, left: &[Node], right: &[Node], scope: &Scope<'_>) -> Typed {
        if left.len() != right.len() {
            self.error_at(e.location, "42601", "unequal number of entries in row expressions", None);
            return Typed::of("bool", true);
        }
        let mut nullable = false;
        for (l, r) in left.iter().zip(right) {
            // `IN` compares with `=` (`NOT IN` with `<>`): the operator is in the name either way.
            let pair = AExpr {
                kind: AExprKind::AexprOp.into(),
                name: e.name.clone(),
                lexpr: Some(Box::new(l.clone())),
                rexpr: Some(Box::new(r.clone())),
                location: e.location,
                ..AExpr::default()
            };
            nullable |= self.expr(&Node { node: Some(NodeEnum::AExpr(Box::new(pair))) }, scope).nullable;
        }
        Typed::of("bool", nullable)
    }

    /// `(a, b) IN (SELECT x, y ...)`: each element against its column, parameters typed by it.
    pub(super) fn row_against_columns(
        &mut self,
        sublink: &pg_query::protobuf::SubLink,
        test: &Node,
        columns: &[Output],
        scope: &Scope<'_>,
    ) -> bool {
        let Some(items) = row_items(test) else { return false };
        if items.len() != columns.len() {
            let at = super::node_location(test);
            let msg = if items.len() > columns.len() {
                "subquery has too few columns"
            } else {
                "subquery has too many columns"
            };
            self.error_at(at, "42601", msg, None);
            return true;
        }
        for (item, column) in items.iter().zip(columns) {
            match &column.ty {
                Some(ty) => {
                    let typed = self.expr_expecting(item, scope, ty);
                    self.check_sublink_operator(sublink, item, &typed, ty);
                }
                None => {
                    self.expr(item, scope);
                }
            }
        }
        true
    }
}

/// The fields of `row(...)` or `(a, b)`.
fn row_items(node: &Node) -> Option<&[Node]> {
    match &node.node {
        Some(NodeEnum::RowExpr(r)) => Some(&r.args),
        _ => None,
    }
}
