//! Values stored into columns (INSERT VALUES and SELECT, UPDATE / ON CONFLICT / MERGE SET):
//! the server coerces them to the column's type in assignment context (transformAssignedExpr)
//! and rejects a value no assignment coercion reaches with 42804.

use pg_query::protobuf::a_const::Val;
use pg_query::protobuf::Node;
use pg_query::NodeEnum;

use super::expr::Typed;
use super::scope::Scope;
use super::Analysis;
use crate::catalog::builtin::{oids, Oid};
use crate::catalog::{Catalog, SqlType};

impl Analysis<'_> {
    /// Types a value that goes into column `column` of type `ty`, checking it can be stored.
    pub(super) fn assigned(&mut self, node: &Node, scope: &Scope<'_>, column: &str, ty: &SqlType) -> Typed {
        let typed = self.expr_expecting(node, scope, ty);
        if let Some(from) = typed.ty.as_ref().filter(|_| !is_unknown(node)) {
            self.check_assignment(from, ty, column, super::unify::leftmost_location(node));
        }
        typed
    }

    /// 42804 when a value of type `from` cannot be stored in a column of type `to`.
    pub(super) fn check_assignment(&mut self, from: &SqlType, to: &SqlType, column: &str, location: i32) {
        let c = self.catalog;
        if c.may_have_unseen_functions() {
            return; // a CREATE CAST the replay did not follow may provide the coercion
        }
        let (Some(f), Some(t)) = (c.type_oid(from), c.type_oid(to)) else { return };
        if can_assign(c, f, t) {
            return;
        }
        let msg = format!(
            "column \"{column}\" is of type {} but expression is of type {}",
            c.format_type(Some(t)),
            c.format_type(Some(f))
        );
        self.error_at(location, "42804", &msg, Some("You will need to rewrite or cast the expression."));
    }
}

/// The expressions of a plain SELECT's list (no set operation, VALUES or `*`); empty otherwise.
pub(super) fn select_values(s: &pg_query::protobuf::SelectStmt) -> Vec<&Node> {
    if s.larg.is_some() || !s.values_lists.is_empty() {
        return vec![];
    }
    let values: Option<Vec<&Node>> = s
        .target_list
        .iter()
        .map(|t| match &t.node {
            Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref().filter(|v| !is_star(v)),
            _ => None,
        })
        .collect();
    values.unwrap_or_default()
}

fn is_star(node: &Node) -> bool {
    matches!(&node.node, Some(NodeEnum::ColumnRef(c))
        if c.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))))
}

/// A string literal, NULL or a parameter: typed by where it goes, so it always fits.
pub(super) fn is_unknown(node: &Node) -> bool {
    match &node.node {
        Some(NodeEnum::AConst(c)) => c.isnull || matches!(c.val, Some(Val::Sval(_))),
        Some(NodeEnum::ParamRef(_) | NodeEnum::SetToDefault(_)) => true,
        _ => false,
    }
}

/// can_coerce_type in COERCION_ASSIGNMENT: implicit and assignment casts, I/O conversion to
/// a string type, arrays element by element. Composite and pseudo types are not judged.
fn can_assign(c: &Catalog, from: Oid, to: Oid) -> bool {
    let (from, to) = (c.base_type(from), c.base_type(to));
    if from == to || c.can_coerce(from, to) || matches!(c.cast(from, to), Some(b'a' | b'i')) {
        return true;
    }
    let unjudged =
        |o: Oid| o == oids::RECORD || c.type_info(o).is_none_or(|t| matches!(t.typtype, b'c' | b'p'));
    if unjudged(from) || unjudged(to) || c.category(to) == b'S' {
        return true;
    }
    match (c.element_of(from), c.element_of(to)) {
        (Some(f), Some(t)) => can_assign(c, f, t),
        _ => false,
    }
}
