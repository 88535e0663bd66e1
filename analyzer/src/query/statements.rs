//! Statement dispatch, SELECT (with CTEs, set operations, VALUES) and target lists.

use pg_query::protobuf::{Node, SelectStmt, SetOperation};
use pg_query::NodeEnum;

use super::scope::{Scope, Source};
use super::{Analysis, Output};

impl Analysis<'_> {
    pub fn statement(&mut self, node: &NodeEnum) -> Vec<Output> {
        let root = Scope::default();
        match node {
            // resolveTargetListUnknowns: a SELECT's untyped `$n` outputs are text.
            NodeEnum::SelectStmt(s) => {
                let mut outputs = self.select(s, &root);
                self.unknown_outputs_as_text(s, &mut outputs);
                outputs
            }
            NodeEnum::InsertStmt(s) => self.insert(s, &root),
            NodeEnum::UpdateStmt(s) => self.update(s, &root),
            NodeEnum::DeleteStmt(s) => self.delete(s, &root),
            NodeEnum::MergeStmt(s) => self.merge(s, &root),
            NodeEnum::RefreshMatViewStmt(s) => self.refresh(s),
            NodeEnum::TruncateStmt(s) => self.truncate(s),
            _ => {
                self.error_at(
                    0,
                    "0A000",
                    "checked queries must be SELECT, INSERT, UPDATE, DELETE, MERGE, REFRESH MATERIALIZED VIEW or TRUNCATE",
                    Some("run DDL in a migration instead"),
                );
                vec![]
            }
        }
    }

    /// The output columns of a subquery (in FROM, a CTE or a sublink), seeing `outer`.
    pub fn subquery_columns(&mut self, node: &Node, outer: &Scope<'_>) -> Vec<Output> {
        match &node.node {
            Some(NodeEnum::SelectStmt(s)) => self.select(s, outer),
            Some(NodeEnum::InsertStmt(s)) => self.insert(s, outer),
            Some(NodeEnum::UpdateStmt(s)) => self.update(s, outer),
            Some(NodeEnum::DeleteStmt(s)) => self.delete(s, outer),
            _ => vec![],
        }
    }

    pub(super) fn pop_ctes(&mut self, n: usize) {
        self.ctes.truncate(self.ctes.len() - n);
    }

    pub fn select(&mut self, s: &SelectStmt, outer: &Scope<'_>) -> Vec<Output> {
        let ctes = self.with_clause(s.with_clause.as_ref(), outer);
        let outputs = if s.op() != SetOperation::SetopNone && s.op() != SetOperation::Undefined {
            let left = s.larg.as_deref().map(|l| self.select(l, outer)).unwrap_or_default();
            let right = s.rarg.as_deref().map(|r| self.select(r, outer)).unwrap_or_default();
            self.set_operation(s.op(), left, &right)
        } else if !s.values_lists.is_empty() {
            self.values(&s.values_lists, outer)
        } else {
            let mut scope = Scope::child(outer);
            self.add_from_items(&s.from_clause, &mut scope);
            if let Some(w) = &s.where_clause {
                self.condition(w, &scope);
                self.narrow(w, &mut scope);
            }
            let grouping_sets =
                s.group_clause.iter().any(|g| matches!(g.node, Some(NodeEnum::GroupingSet(_))));
            self.grouped.push(!s.group_clause.is_empty() && !grouping_sets);
            let mut outputs = self.target_list(&s.target_list, &scope);
            if !grouping_sets {
                self.check_grouping(s, &scope);
            }
            // ROLLUP, CUBE and GROUPING SETS rows have NULL for the columns they group away.
            if grouping_sets {
                let values = target_values(&s.target_list);
                let aligned = values.len() == outputs.len() && values.iter().all(Option::is_some);
                for (i, out) in outputs.iter_mut().enumerate() {
                    // An aggregate's or GROUPING()'s value is computed for every grouping set.
                    let per_set = aligned && values[i].is_some_and(|v| self.is_aggregate_result(v));
                    if !out.nullable && !per_set {
                        out.nullable = true;
                        out.why_nullable =
                            Some("GROUPING SETS / ROLLUP / CUBE rows leave grouped columns NULL".into());
                    }
                }
            }
            for g in &s.group_clause {
                if !names_output(g, &outputs) {
                    self.expr(g, &scope);
                }
            }
            if let Some(h) = &s.having_clause {
                self.condition(h, &scope);
                self.narrow_outputs(h, &s.target_list, &mut outputs);
            }
            self.order_by(&s.sort_clause, &scope, &outputs);
            self.grouped.pop();
            outputs
        };
        // transformSelectStmt types OFFSET before LIMIT (which matters for shared parameters).
        for limit in [&s.limit_offset, &s.limit_count].into_iter().flatten() {
            self.expr_expecting(limit, &Scope::child(outer), &crate::catalog::SqlType::new("int8"));
        }
        self.pop_ctes(ctes);
        outputs
    }

    fn order_by(&mut self, sort: &[Node], scope: &Scope<'_>, outputs: &[Output]) {
        for item in sort {
            let Some(NodeEnum::SortBy(by)) = &item.node else {
                continue;
            };
            let Some(node) = by.node.as_deref() else {
                continue;
            };
            if !names_output(node, outputs) {
                self.expr(node, scope);
            }
        }
    }

    fn values(&mut self, rows: &[Node], outer: &Scope<'_>) -> Vec<Output> {
        let scope = Scope::child(outer);
        let mut outputs: Vec<Output> = Vec::new();
        for row in rows {
            let Some(NodeEnum::List(list)) = &row.node else {
                continue;
            };
            for (i, item) in list.items.iter().enumerate() {
                let typed = self.expr(item, &scope);
                match outputs.get_mut(i) {
                    Some(out) => {
                        out.nullable |= typed.nullable;
                        let location = super::unify::leftmost_location(item);
                        out.ty = self.unify("VALUES", &[(out.ty.take(), out.location), (typed.ty, location)]);
                    }
                    None => outputs.push(Output {
                        name: format!("column{}", i + 1),
                        ty: typed.ty,
                        nullable: typed.nullable,
                        location: super::unify::leftmost_location(item),
                        failed: false,
                        why_nullable: typed.nullable.then(|| "a VALUES row has NULL here".to_string()),
                    }),
                }
            }
        }
        // Untyped parameters take their column's common type; a VALUES column of only NULLs
        // and untyped parameters is text, as on the server.
        for (i, out) in outputs.iter_mut().enumerate() {
            let ty = out.ty.get_or_insert_with(|| crate::catalog::SqlType::new("text"));
            for row in rows {
                if let Some(NodeEnum::List(list)) = &row.node {
                    if let Some(item) = list.items.get(i) {
                        self.infer(item, ty);
                    }
                }
            }
        }
        outputs
    }

    /// SELECT lists and RETURNING lists.
    pub fn target_list(&mut self, targets: &[Node], scope: &Scope<'_>) -> Vec<Output> {
        let mut outputs = Vec::new();
        for target in targets {
            let Some(NodeEnum::ResTarget(rt)) = &target.node else {
                continue;
            };
            let Some(val) = rt.val.as_deref() else {
                continue;
            };
            if let Some(star) = self.star(val, scope) {
                outputs.extend(star);
                continue;
            }
            let mark = self.failure_mark();
            let typed = self.expr(val, scope);
            let failed = self.failure_mark() > mark;
            let (name, nullable) = if rt.name.is_empty() {
                (typed.name.unwrap_or_else(|| "?column?".into()), typed.nullable)
            } else {
                super::apply_override(&rt.name, typed.nullable)
            };
            let why_nullable = if rt.name.ends_with('?') {
                Some("the column name ends in \"?\"".to_string())
            } else {
                nullable.then(|| why_nullable(val, scope))
            };
            outputs.push(Output {
                name,
                ty: typed.ty,
                nullable,
                location: rt.location,
                failed,
                why_nullable,
            });
        }
        outputs
    }

    /// `*` and `alias.*`.
    fn star(&mut self, val: &Node, scope: &Scope<'_>) -> Option<Vec<Output>> {
        let Some(NodeEnum::ColumnRef(c)) = &val.node else {
            return None;
        };
        if !matches!(c.fields.last().and_then(|f| f.node.as_ref()), Some(NodeEnum::AStar(_))) {
            return None;
        }
        let qualifier = match c.fields.as_slice() {
            [_] => None,
            [q, _] => match &q.node {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            },
            _ => None,
        };
        let sources: Vec<&Source> = match qualifier {
            None => scope.sources.iter().collect(),
            Some(q) => match scope.source(q) {
                Some(s) => vec![s],
                None => {
                    let msg = format!("missing FROM-clause entry for table \"{q}\"");
                    self.error_at(c.location, "42P01", &msg, None);
                    return Some(vec![]);
                }
            },
        };
        if sources.is_empty() {
            self.error_at(c.location, "42601", "SELECT * with no tables specified is not valid", None);
        }
        Some(
            sources
                .into_iter()
                .flat_map(|s| {
                    let qualified = qualifier.is_some();
                    s.columns.iter().filter(move |col| qualified || !col.merged_away).map(move |col| Output {
                        name: col.name.clone(),
                        ty: col.ty.clone(),
                        nullable: col.base_nullable || s.nullable_from_join,
                        location: c.location,
                        failed: false,
                        why_nullable: scope.why_nullable(Some(s.name.as_str()), &col.name),
                    })
                })
                .collect(),
        )
    }
}

/// Why an output expression may be NULL, in words for `strata describe`.
fn why_nullable(node: &Node, scope: &Scope<'_>) -> String {
    let reason = match &node.node {
        Some(NodeEnum::ColumnRef(c)) => {
            let fields: Vec<&str> = c
                .fields
                .iter()
                .filter_map(|f| match &f.node {
                    Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                    _ => None,
                })
                .collect();
            match fields.as_slice() {
                [column] => scope.why_nullable(None, column),
                [.., q, column] => scope.why_nullable(Some(q), column),
                [] => None,
            }
        }
        Some(NodeEnum::FuncCall(f)) => {
            let name = f.funcname.iter().filter_map(crate::catalog::string_value).next_back().unwrap_or("");
            Some(if f.over.is_some() {
                format!("the window function {name}() may return NULL")
            } else if f.agg_star
                || f.agg_filter.is_some()
                || f.agg_order.iter().len() > 0
                || is_aggregate(name)
            {
                format!("the aggregate {name}() is NULL over no rows (or only NULL inputs)")
            } else {
                format!("{name}() may return NULL")
            })
        }
        Some(NodeEnum::TypeCast(c)) => {
            return c.arg.as_deref().map_or_else(|| "NULL".into(), |a| why_nullable(a, scope))
        }
        Some(NodeEnum::SubLink(_)) => Some("a scalar subquery is NULL when it finds no row".into()),
        Some(NodeEnum::ParamRef(p)) => Some(format!("parameter ${} may be NULL", p.number)),
        Some(NodeEnum::AConst(c)) if c.isnull => Some("it is NULL".into()),
        Some(NodeEnum::CaseExpr(_)) => Some("a CASE branch (or the missing ELSE) may be NULL".into()),
        Some(NodeEnum::AIndirection(i))
            if i.indirection.iter().any(|x| matches!(x.node, Some(NodeEnum::String(_)))) =>
        {
            Some("attributes of a composite type allow NULL (and so does the composite)".into())
        }
        Some(NodeEnum::AIndirection(_)) => Some("an array subscript out of range is NULL".into()),
        Some(NodeEnum::AExpr(_)) => {
            Some("an operand may be NULL (or a JSON key or path may be missing)".into())
        }
        Some(NodeEnum::CoalesceExpr(_)) => Some("every COALESCE argument may be NULL".into()),
        _ => None,
    };
    reason.unwrap_or_else(|| "an operand may be NULL".into())
}

fn is_aggregate(name: &str) -> bool {
    matches!(
        name,
        "sum"
            | "avg"
            | "min"
            | "max"
            | "array_agg"
            | "string_agg"
            | "json_agg"
            | "jsonb_agg"
            | "bool_and"
            | "bool_or"
            | "every"
            | "stddev"
            | "variance"
            | "json_object_agg"
            | "jsonb_object_agg"
    )
}

/// GROUP BY and ORDER BY may name an output column by alias or position.
/// The select list's expressions, `None` for a `*` (which may stand for several outputs).
fn target_values(targets: &[Node]) -> Vec<Option<&Node>> {
    targets
        .iter()
        .map(|t| match &t.node {
            Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref().filter(|v| {
                !matches!(&v.node, Some(NodeEnum::ColumnRef(c))
                    if c.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))))
            }),
            _ => None,
        })
        .collect()
}

fn names_output(node: &Node, outputs: &[Output]) -> bool {
    match &node.node {
        Some(NodeEnum::AConst(_)) => true,
        Some(NodeEnum::ColumnRef(c)) => match c.fields.as_slice() {
            [f] => matches!(&f.node, Some(NodeEnum::String(s)) if outputs.iter().any(|o| o.name == s.sval)),
            _ => false,
        },
        _ => false,
    }
}

/// Column aliases, in order: `WITH t(a, b) AS ...`, `(SELECT ...) AS s(a, b)`, `FROM t AS x(a, b)`.
pub(crate) fn rename_columns<'a>(names: impl Iterator<Item = &'a mut String>, aliases: &[Node]) {
    for (name, alias) in names.zip(aliases) {
        if let Some(NodeEnum::String(s)) = &alias.node {
            *name = s.sval.clone();
        }
    }
}
