//! WITH clauses, recursive CTEs typed to a fixpoint, and set operations' column types.

use pg_query::protobuf::{SetOperation, WithClause};
use pg_query::NodeEnum;

use super::scope::Scope;
use super::statements::rename_columns;
use super::{Analysis, Output};
use crate::catalog::SqlType;

/// A recursive arm can only make columns nullable, one at a time: this bounds the iterations
/// even for a CTE with many columns.
const MAX_FIXPOINT_ROUNDS: usize = 64;

impl Analysis<'_> {
    /// Registers the CTEs of a WITH clause; returns how many to pop afterwards.
    pub(super) fn with_clause(&mut self, with: Option<&WithClause>, outer: &Scope<'_>) -> usize {
        let Some(with) = with else { return 0 };
        let before = self.ctes.len();
        for cte in &with.ctes {
            let Some(NodeEnum::CommonTableExpr(cte)) = &cte.node else {
                continue;
            };
            let Some(query) = cte.ctequery.as_deref() else {
                continue;
            };
            let recursive_arms = match &query.node {
                Some(NodeEnum::SelectStmt(sel))
                    if with.recursive
                        && matches!(sel.op(), SetOperation::SetopUnion)
                        && sel.larg.is_some()
                        && sel.rarg.is_some() =>
                {
                    sel.larg.as_deref().zip(sel.rarg.as_deref()).map(|(l, r)| (l, r, sel.op()))
                }
                _ => None,
            };
            // Only a CTE whose second arm reads itself is recursive; any other UNION is typed
            // as one (`WITH RECURSIVE x AS (SELECT 1 UNION SELECT 2.5)` is numeric).
            let recursive_arms = match recursive_arms {
                Some((first, second, op)) if reads_relation(second, &cte.ctename) => {
                    Some((first, second, op))
                }
                _ => None,
            };
            let Some((first, second, op)) = recursive_arms else {
                let mut columns = self.subquery_columns(query, outer);
                rename_columns(columns.iter_mut().map(|c| &mut c.name), &cte.aliascolnames);
                self.ctes.push((cte.ctename.clone(), columns));
                continue;
            };
            // The non-recursive arm fixes the CTE's column types (untyped NULL / $n are text
            // there, as Postgres resolves them before it reads the recursive arm).
            let mut columns = self.select(first, outer);
            self.unknown_outputs_as_text(first, &mut columns);
            rename_columns(columns.iter_mut().map(|c| &mut c.name), &cte.aliascolnames);
            self.ctes.push((cte.ctename.clone(), columns));
            // Nullability to a fixpoint: a column NULL in one round of the recursive arm feeds
            // the next round. Only the first round's errors are kept.
            let produced = self.select(second, outer);
            self.check_recursive_types(&cte.ctename, op, &produced);
            self.merge_nullability(&produced);
            for _ in 0..MAX_FIXPOINT_ROUNDS {
                let (errors, quiet) = (self.errors.len(), self.quiet_failures);
                let produced = self.select(second, outer);
                self.errors.truncate(errors);
                self.quiet_failures = quiet;
                if !self.merge_nullability(&produced) {
                    break;
                }
            }
        }
        self.ctes.len() - before
    }

    /// Untyped NULL / `$n` output columns of a subquery whose outputs Postgres resolves
    /// before reading further (a recursive CTE's first arm, a sublink) are text.
    pub(super) fn unknown_outputs_as_text(
        &mut self,
        select: &pg_query::protobuf::SelectStmt,
        columns: &mut [Output],
    ) {
        let text = SqlType::new("text");
        for (i, column) in columns.iter_mut().enumerate() {
            if column.ty.is_none() && !column.failed {
                column.ty = Some(text.clone());
                if let Some(target) = first_arm_target(select, i) {
                    self.infer(target, &text);
                }
            }
        }
    }

    /// ORs `produced`'s nullability into the innermost CTE's columns; whether any changed.
    fn merge_nullability(&mut self, produced: &[Output]) -> bool {
        let Some((_, columns)) = self.ctes.last_mut() else { return false };
        let mut changed = false;
        for (column, other) in columns.iter_mut().zip(produced) {
            if other.nullable && !column.nullable {
                column.nullable = true;
                column.why_nullable = Some("the recursive arm of the CTE produces NULL here".into());
                changed = true;
            }
        }
        changed
    }

    /// analyzeCTE: the recursive arm must not change a column's type.
    fn check_recursive_types(&mut self, name: &str, op: SetOperation, produced: &[Output]) {
        let Some((_, columns)) = self.ctes.last() else { return };
        let columns = columns.clone();
        for (i, (column, other)) in columns.iter().zip(produced).enumerate() {
            let context = set_operation_name(op);
            let overall = self
                .unify(context, &[(column.ty.clone(), column.location), (other.ty.clone(), other.location)]);
            let (Some(ours), Some(overall)) = (&column.ty, overall) else { continue };
            if *ours != overall && self.catalog.type_oid(ours).is_some() {
                let c = self.catalog;
                let msg = format!(
                    "recursive query \"{name}\" column {} has type {} in non-recursive term but type {} overall",
                    i + 1,
                    c.format_type(c.type_oid(ours)),
                    c.format_type(c.type_oid(&overall)),
                );
                let hint = "Cast the output of the non-recursive term to the correct type.";
                self.error_at(column.location, "42804", &msg, Some(hint));
            }
        }
    }

    /// A set operation's columns: nullable if either side is, of the sides' common type.
    pub(super) fn set_operation(
        &mut self,
        op: SetOperation,
        left: Vec<Output>,
        right: &[Output],
    ) -> Vec<Output> {
        let context = set_operation_name(op);
        left.into_iter()
            .enumerate()
            .map(|(i, mut out)| {
                if let Some(r) = right.get(i) {
                    out.nullable |= r.nullable;
                    if r.nullable && out.why_nullable.is_none() {
                        out.why_nullable.clone_from(&r.why_nullable);
                    }
                    out.ty =
                        self.unify(context, &[(out.ty.take(), out.location), (r.ty.clone(), r.location)]);
                }
                out
            })
            .collect()
    }
}

fn set_operation_name(op: SetOperation) -> &'static str {
    match op {
        SetOperation::SetopIntersect => "INTERSECT",
        SetOperation::SetopExcept => "EXCEPT",
        _ => "UNION",
    }
}

/// The `i`th target expression of a plain SELECT arm.
fn first_arm_target(select: &pg_query::protobuf::SelectStmt, i: usize) -> Option<&pg_query::protobuf::Node> {
    match select.target_list.get(i).and_then(|t| t.node.as_ref()) {
        Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref(),
        _ => None,
    }
}

/// Whether an unqualified `name` is read anywhere in `select` (a CTE's self-reference).
fn reads_relation(select: &pg_query::protobuf::SelectStmt, name: &str) -> bool {
    let node = NodeEnum::SelectStmt(Box::new(select.clone()));
    node.nodes().into_iter().any(|(n, ..)| {
        matches!(n, pg_query::NodeRef::RangeVar(rv) if rv.schemaname.is_empty() && rv.relname == name)
    })
}
