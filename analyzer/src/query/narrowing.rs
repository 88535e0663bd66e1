//! Nullability narrowed by a filter: a row passes WHERE (or an inner join's ON) only when the
//! condition is true, so a column that would make a top-level conjunct NULL is NOT NULL in what
//! passes. `x IS NOT NULL`, `x = $1`, `x > 5`, `x IN (...)`, `x LIKE ...`, `x BETWEEN ...`,
//! `x = ANY (...)`, `lower(x) = 'a'` (strict operators and functions all the way down) and a
//! bare boolean column narrow `x`.
//!
//! Deliberately conservative: only conjuncts of a top-level AND (never through OR or NOT, CASE,
//! COALESCE, IS DISTINCT FROM or any non-strict call), only columns of the query's own FROM
//! items (not an outer query's), and an outer join above the filter undoes it for its optional
//! side (see `Scope::reopen`).

use pg_query::protobuf::{AExprKind, BoolExprType, Node, NullTestType};
use pg_query::NodeEnum;

use super::scope::Scope;
use super::{Analysis, Output};

/// Operators Postgres's built-in types implement strictly; trusted even when statements the
/// analyzer could not replay may have defined more operators of the same name.
const STRICT_COMPARISONS: &[&str] =
    &["=", "<>", "<", ">", "<=", ">=", "~~", "!~~", "~~*", "!~~*", "~", "~*", "!~", "!~*"];

impl Analysis<'_> {
    /// Marks the columns `condition` guarantees non-NULL in `scope`'s own sources.
    pub(super) fn narrow(&self, condition: &Node, scope: &mut Scope<'_>) {
        for node in self.null_rejected(condition) {
            if let Some((qualifier, name)) = column_name(node) {
                scope.mark_not_null(qualifier, name);
            }
        }
    }

    /// HAVING narrows outputs as WHERE narrows columns: a group passes only when the condition
    /// is true, so an output that is one of its null-rejected expressions is NOT NULL there
    /// (`HAVING max(x) IS NOT NULL`, `HAVING sum(n) > $1`, a grouped `col IS NOT NULL`).
    /// Outputs are matched to the select list by position, so a `*` in it stops this.
    pub(super) fn narrow_outputs(&self, condition: &Node, targets: &[Node], outputs: &mut [Output]) {
        let rejected: Vec<String> = self.null_rejected(condition).into_iter().map(shape).collect();
        let values: Option<Vec<(&str, &Node)>> = targets
            .iter()
            .map(|t| match &t.node {
                Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref().map(|v| (rt.name.as_str(), v)),
                _ => None,
            })
            .collect();
        let Some(values) = values else { return };
        if values.len() != outputs.len() || values.iter().any(|(_, v)| is_star(v)) {
            return;
        }
        for ((name, value), out) in values.into_iter().zip(outputs) {
            // A name ending in `?` asks for a nullable column whatever the analyzer knows.
            if out.nullable && !name.ends_with('?') && rejected.contains(&shape(value)) {
                out.nullable = false;
                out.why_nullable = None;
            }
        }
    }

    /// The sub-expressions whose NULL makes `condition` NULL or false (so a row that passes
    /// has them non-NULL): the conjuncts' strict operands, down to columns, aggregate calls
    /// and whatever else stops the descent. HAVING narrows outputs that are one of them.
    pub(super) fn null_rejected<'n>(&self, condition: &'n Node) -> Vec<&'n Node> {
        let mut out = Vec::new();
        self.conjunct_inputs(condition, &mut out);
        out
    }

    fn conjunct_inputs<'n>(&self, node: &'n Node, out: &mut Vec<&'n Node>) {
        match &node.node {
            Some(NodeEnum::BoolExpr(b)) if b.boolop() == BoolExprType::AndExpr => {
                b.args.iter().for_each(|a| self.conjunct_inputs(a, out));
            }
            Some(NodeEnum::NullTest(t)) if t.nulltesttype() == NullTestType::IsNotNull => {
                if let Some(arg) = t.arg.as_deref() {
                    self.strict_inputs(arg, out);
                }
            }
            Some(NodeEnum::BoolExpr(_) | NodeEnum::NullTest(_) | NodeEnum::BooleanTest(_)) => {}
            _ => self.strict_inputs(node, out),
        }
    }

    /// `node` and the operands whose NULL makes it NULL, recursively.
    fn strict_inputs<'n>(&self, node: &'n Node, out: &mut Vec<&'n Node>) {
        out.push(node);
        match &node.node {
            Some(NodeEnum::TypeCast(c)) => {
                if let Some(arg) = c.arg.as_deref() {
                    self.strict_inputs(arg, out);
                }
            }
            Some(NodeEnum::AExpr(e)) => {
                let operator = e.name.last().and_then(|n| match &n.node {
                    Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                    _ => None,
                });
                let strict = operator.is_some_and(|op| self.operator_is_strict(op));
                let sides = [e.lexpr.as_deref(), e.rexpr.as_deref()];
                match e.kind() {
                    AExprKind::AexprOp if strict => {
                        sides.into_iter().flatten().for_each(|s| self.strict_inputs(s, out))
                    }
                    // `x IN (...)`, `x = ANY (...)`: NULL when `x` is (the list side may hold
                    // NULLs and still be true). Not ALL: `NULL > ALL ('{}')` is true.
                    AExprKind::AexprIn | AExprKind::AexprOpAny if strict => {
                        if let Some(left) = e.lexpr.as_deref() {
                            self.strict_inputs(left, out);
                        }
                    }
                    // `x [NOT] BETWEEN [SYMMETRIC] a AND b` is NULL when `x` is.
                    AExprKind::AexprBetween
                    | AExprKind::AexprNotBetween
                    | AExprKind::AexprBetweenSym
                    | AExprKind::AexprNotBetweenSym => {
                        if let Some(left) = e.lexpr.as_deref() {
                            self.strict_inputs(left, out);
                        }
                    }
                    AExprKind::AexprLike | AExprKind::AexprIlike | AExprKind::AexprSimilar => {
                        sides.into_iter().flatten().for_each(|s| self.strict_inputs(s, out));
                    }
                    _ => {}
                }
            }
            Some(NodeEnum::FuncCall(f)) if self.function_is_strict(f) => {
                f.args.iter().for_each(|a| self.strict_inputs(a, out));
            }
            _ => {}
        }
    }

    fn operator_is_strict(&self, name: &str) -> bool {
        if STRICT_COMPARISONS.contains(&name) {
            return true;
        }
        let candidates = self.catalog.operators(name);
        !self.catalog.may_have_unseen_functions()
            && !candidates.is_empty()
            && candidates.iter().all(|o| o.strict)
    }

    /// Every function of that name is strict (and no aggregate, window or variadic-any call).
    fn function_is_strict(&self, f: &pg_query::protobuf::FuncCall) -> bool {
        if f.agg_star || f.agg_distinct || f.over.is_some() || f.agg_filter.is_some() || f.func_variadic {
            return false;
        }
        let Some(name) = f.funcname.last().and_then(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        }) else {
            return false;
        };
        let procs = self.catalog.procs(name);
        !self.catalog.may_have_unseen_functions()
            && !procs.is_empty()
            && procs.iter().all(|p| p.strict && p.kind == b'f')
    }
}

/// An expression as written, without where: `max(x)` in HAVING is the `max(x)` of the list.
fn shape(node: &Node) -> String {
    let debug = format!("{node:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("location: ") {
        let (head, tail) = rest.split_at(i + "location: ".len());
        out.push_str(head);
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    }
    out.push_str(rest);
    out
}

fn is_star(node: &Node) -> bool {
    matches!(&node.node, Some(NodeEnum::ColumnRef(c))
        if c.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))))
}

/// `qualifier.column` or `column` of a column reference.
fn column_name(node: &Node) -> Option<(Option<&str>, &str)> {
    let Some(NodeEnum::ColumnRef(c)) = &node.node else { return None };
    let names: Vec<&str> = c
        .fields
        .iter()
        .filter_map(|f| match &f.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect();
    match (names.as_slice(), c.fields.len()) {
        ([column], 1) => Some((None, column)),
        ([table, column], 2) => Some((Some(table), column)),
        _ => None,
    }
}

impl Scope<'_> {
    /// `qualifier.name` passed a filter that rejects NULL: NOT NULL in this scope's rows. A
    /// column of an outer join's optional side means that side matched (the unmatched rows,
    /// all NULL there, were filtered out), as in Postgres's reduce_outer_joins: its other
    /// columns get their own nullability back. Columns of an enclosing query are left alone.
    pub(super) fn mark_not_null(&mut self, qualifier: Option<&str>, name: &str) {
        let matches: Vec<(usize, usize)> = self
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| qualifier.is_none_or(|q| q == s.name) && !s.unresolved)
            .filter_map(|(i, s)| {
                let visible = |c: &&super::scope::ScopeColumn| {
                    c.name == name && (qualifier.is_some() || !c.merged_away)
                };
                s.columns.iter().position(|c| visible(&c)).map(|j| (i, j))
            })
            .collect();
        // Ambiguous (already reported) or not ours: nothing is known.
        let [(i, j)] = matches.as_slice() else { return };
        let source = &mut self.sources[*i];
        source.nullable_from_join = false;
        source.columns[*j].base_nullable = false;
    }
}
