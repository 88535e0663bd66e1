//! Expressions built around other expressions: subquery sublinks, CASE, array subscripts.

use pg_query::protobuf::{Node, SubLinkType};
use pg_query::NodeEnum;

use super::expr::Typed;
use super::scope::Scope;
use super::Analysis;
use crate::catalog::SqlType;

impl Analysis<'_> {
    pub(super) fn sublink(&mut self, s: &pg_query::protobuf::SubLink, scope: &Scope<'_>) -> Typed {
        let mut columns = s.subselect.as_deref().map(|q| self.subquery_columns(q, scope)).unwrap_or_default();
        if let Some(NodeEnum::SelectStmt(select)) = s.subselect.as_deref().and_then(|q| q.node.as_ref()) {
            self.unknown_outputs_as_text(select, &mut columns);
        }
        match s.sub_link_type() {
            SubLinkType::ExistsSublink => Typed::of("bool", false).named("exists"),
            SubLinkType::ExprSublink => {
                let first = columns.first();
                Typed {
                    ty: first.and_then(|c| c.ty.clone()),
                    nullable: true,
                    name: first.map(|c| c.name.clone()),
                }
            }
            SubLinkType::ArraySublink => Typed {
                ty: columns.first().and_then(|c| c.ty.clone().map(|t| t.array_of_nullable(c.nullable))),
                nullable: false,
                name: Some("array".into()),
            },
            _ => {
                let row_test = s.testexpr.as_deref().filter(|t| matches!(t.node, Some(NodeEnum::RowExpr(_))));
                if let Some(test) = row_test {
                    self.row_against_columns(s, test, &columns, scope);
                } else if let (Some(test), Some(ty)) =
                    (s.testexpr.as_deref(), columns.first().and_then(|c| c.ty.clone()))
                {
                    let typed = self.expr_expecting(test, scope, &ty);
                    self.check_sublink_operator(s, test, &typed, &ty);
                } else if let Some(test) = s.testexpr.as_deref() {
                    self.expr(test, scope);
                }
                Typed::of("bool", true)
            }
        }
    }

    /// `x IN (SELECT y ...)`, `x op ANY/ALL (SELECT y ...)`: the operator must exist for the two
    /// types, as for `x op y` (`id IN (SELECT $1)` compares integer with text).
    pub(super) fn check_sublink_operator(
        &mut self,
        s: &pg_query::protobuf::SubLink,
        test: &Node,
        typed: &Typed,
        column: &SqlType,
    ) {
        use super::calls::{Input, Unresolved};
        let op = s
            .oper_name
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })
            .next_back()
            .unwrap_or("=");
        let (Input::Known(left), Some(right)) = (self.input_type(test, typed), self.catalog.type_oid(column))
        else {
            return;
        };
        match self.catalog.resolve_operator(op, Some(Some(left)), Some(right)) {
            Ok(_) => {}
            Err(_) if self.catalog.operators(op).is_empty() && self.catalog.may_have_unseen_functions() => {}
            Err(error) => {
                self.resolve_error(error, Unresolved::Operator(op, Some(Some(left)), Some(right)), s.location)
            }
        }
    }

    /// `arr[i]` is an element (NULL when out of range), `arr[i:j]` a slice, `(row).attr` an
    /// attribute of a composite (named after it, as FigureColname names it).
    pub(super) fn indirection(&mut self, ind: &pg_query::protobuf::AIndirection, scope: &Scope<'_>) -> Typed {
        let base = ind.arg.as_deref().map(|a| self.expr(a, scope)).unwrap_or_default();
        let (mut ty, mut name) = (base.ty, base.name);
        // Consecutive subscripts index one (multi-dimensional) array: all but slices give an element.
        let mut subscripts: Option<bool> = None;
        let apply = |ty: Option<SqlType>, subscripts: &mut Option<bool>| match subscripts.take() {
            Some(slice) => ty.filter(|t| t.array).map(|t| if slice { t } else { t.element() }),
            None => ty,
        };
        for item in &ind.indirection {
            match &item.node {
                Some(NodeEnum::AIndices(ix)) => {
                    *subscripts.get_or_insert(false) |= ix.is_slice;
                    for bound in [&ix.lidx, &ix.uidx].into_iter().flatten() {
                        self.expr_expecting(bound, scope, &SqlType::new("int4"));
                    }
                }
                Some(NodeEnum::String(field)) => {
                    let row = apply(ty, &mut subscripts);
                    ty = self.field_of(row.as_ref(), &field.sval, ind.arg.as_deref());
                    name = Some(field.sval.clone());
                }
                _ => ty = None,
            }
        }
        let ty = apply(ty, &mut subscripts);
        Typed { ty, nullable: true, name }
    }

    /// `(row).field` of a table's or a composite type's row (or a domain over one).
    fn field_of(&mut self, row: Option<&SqlType>, field: &str, arg: Option<&Node>) -> Option<SqlType> {
        let row = row.filter(|t| !t.array)?;
        let columns = self
            .catalog
            .type_oid(row)
            .and_then(|o| self.catalog.composite_columns(self.catalog.base_type(o)));
        match columns.map(|cols| cols.iter().find(|c| c.name == field)) {
            Some(Some(c)) => Some(c.ty.clone()),
            Some(None) => {
                let msg = format!("column \"{field}\" not found in data type {row}");
                let location = arg.map_or(-1, super::node_location);
                self.error_at(location, "42703", &msg, None);
                None
            }
            None => None,
        }
    }

    pub(super) fn case(&mut self, c: &pg_query::protobuf::CaseExpr, scope: &Scope<'_>) -> Typed {
        let subject = c.arg.as_deref().map(|a| self.expr(a, scope));
        let mut results = Vec::new();
        let mut nullable = false;
        for when in &c.args {
            let Some(NodeEnum::CaseWhen(w)) = &when.node else {
                continue;
            };
            if let Some(cond) = w.expr.as_deref() {
                match subject.as_ref().and_then(|s| s.ty.clone()) {
                    Some(ty) => self.expr_expecting(cond, scope, &ty),
                    None if subject.is_none() => self.expr_expecting(cond, scope, &SqlType::new("bool")),
                    None => self.expr(cond, scope),
                };
            }
            if let Some(r) = w.result.as_deref() {
                let typed = self.expr(r, scope);
                nullable |= typed.nullable;
                results.push((r, typed));
            }
        }
        let default = c.defresult.as_deref().map(|d| (d, self.expr(d, scope)));
        nullable |= default.as_ref().is_none_or(|(_, d)| d.nullable);
        // transformCaseExpr puts the ELSE result first when it picks the common type.
        let candidates: Vec<(&Node, &Typed)> =
            default.iter().chain(results.iter()).map(|(n, t)| (*n, t)).collect();
        let ty = self.unify_exprs("CASE", &candidates);
        Typed { ty, nullable, name: Some("case".into()) }
    }
}
