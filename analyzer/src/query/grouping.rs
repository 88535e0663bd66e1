//! 42803: in a grouped query (GROUP BY, or an aggregate in the select list or HAVING), a column
//! outside an aggregate must be grouped, or belong to a table whose primary key is grouped
//! (Postgres's functional dependency rule). Checked where it can be decided without the
//! planner's expression matching: GROUP BY of plain columns of this query's FROM items, no
//! grouping sets; an expression the check does not know stops it from looking further there, so
//! it may miss an error but never reports one the server would not.

use pg_query::protobuf::{Node, SelectStmt};
use pg_query::NodeEnum;

use super::scope::Scope;
use super::Analysis;

impl Analysis<'_> {
    pub(super) fn check_grouping(&mut self, s: &SelectStmt, scope: &Scope<'_>) {
        let mut grouped: Vec<(usize, String)> = Vec::new();
        for g in &s.group_clause {
            match column_of(g, scope) {
                Some(c) => grouped.push(c),
                None => return,
            }
        }
        let has_aggregate =
            s.target_list.iter().chain(s.having_clause.as_deref()).any(|n| self.mentions_aggregate(n));
        if s.group_clause.is_empty() && !has_aggregate && s.having_clause.is_none() {
            return;
        }
        let covered = |source: usize, column: &str| {
            grouped.iter().any(|(s, c)| *s == source && c == column)
                || scope.sources.get(source).is_some_and(|src| {
                    !src.primary_key.is_empty()
                        && src.primary_key.iter().all(|k| grouped.iter().any(|(s, c)| *s == source && c == k))
                })
        };
        let mut ungrouped = None;
        for n in s.target_list.iter().chain(s.having_clause.as_deref()) {
            self.find_ungrouped(n, scope, &covered, &mut ungrouped);
            if ungrouped.is_some() {
                break;
            }
        }
        if let Some((location, shown)) = ungrouped {
            let message = format!(
                "column \"{shown}\" must appear in the GROUP BY clause or be used in an aggregate function"
            );
            self.error_at(location, "42803", &message, None);
        }
    }

    /// An aggregate call (not a window) or GROUPING(): a value every group computes itself.
    pub(super) fn is_aggregate_result(&self, node: &Node) -> bool {
        match &node.node {
            Some(NodeEnum::FuncCall(f)) => f.over.is_none() && self.is_aggregate_call(f),
            Some(NodeEnum::GroupingFunc(_)) => true,
            _ => false,
        }
    }

    fn is_aggregate_call(&self, f: &pg_query::protobuf::FuncCall) -> bool {
        if f.over.is_some() {
            return false;
        }
        let Some(name) = f.funcname.last().and_then(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        }) else {
            return true;
        };
        f.agg_star || self.catalog.procs(name).iter().any(|p| p.kind == b'a')
    }

    /// An aggregate of this query level (not of a subquery) in the expression.
    fn mentions_aggregate(&self, node: &Node) -> bool {
        let any = |nodes: &mut dyn Iterator<Item = &Node>| {
            for n in nodes {
                if self.mentions_aggregate(n) {
                    return true;
                }
            }
            false
        };
        match &node.node {
            Some(NodeEnum::FuncCall(f)) => self.is_aggregate_call(f) || any(&mut f.args.iter()),
            Some(NodeEnum::ResTarget(r)) => any(&mut r.val.iter().map(|b| &**b)),
            Some(NodeEnum::AExpr(e)) => any(&mut e.lexpr.iter().chain(e.rexpr.iter()).map(|b| &**b)),
            Some(NodeEnum::BoolExpr(b)) => any(&mut b.args.iter()),
            Some(NodeEnum::TypeCast(t)) => any(&mut t.arg.iter().map(|b| &**b)),
            Some(NodeEnum::NullTest(t)) => any(&mut t.arg.iter().map(|b| &**b)),
            Some(NodeEnum::CoalesceExpr(c)) => any(&mut c.args.iter()),
            Some(NodeEnum::MinMaxExpr(m)) => any(&mut m.args.iter()),
            Some(NodeEnum::CaseExpr(c)) => {
                c.arg.iter().chain(c.defresult.iter()).any(|n| self.mentions_aggregate(n))
                    || c.args.iter().any(|w| match &w.node {
                        Some(NodeEnum::CaseWhen(w)) => {
                            w.expr.iter().chain(w.result.iter()).any(|n| self.mentions_aggregate(n))
                        }
                        _ => false,
                    })
            }
            _ => false,
        }
    }

    /// The first column reference outside an aggregate that `covered` rejects: (location, shown).
    fn find_ungrouped(
        &self,
        node: &Node,
        scope: &Scope<'_>,
        covered: &dyn Fn(usize, &str) -> bool,
        found: &mut Option<(i32, String)>,
    ) {
        if found.is_some() {
            return;
        }
        let mut walk = |n: &Node| self.find_ungrouped(n, scope, covered, found);
        match &node.node {
            Some(NodeEnum::ColumnRef(c)) => {
                if let Some((source, column)) = column_of(node, scope) {
                    if !covered(source, &column) {
                        let table = &scope.sources[source].name;
                        *found = Some((c.location, format!("{table}.{column}")));
                    }
                }
            }
            Some(NodeEnum::ResTarget(r)) => r.val.iter().for_each(|v| walk(v)),
            Some(NodeEnum::AExpr(e)) => e.lexpr.iter().chain(e.rexpr.iter()).for_each(|v| walk(v)),
            Some(NodeEnum::BoolExpr(b)) => b.args.iter().for_each(walk),
            Some(NodeEnum::TypeCast(t)) => t.arg.iter().for_each(|v| walk(v)),
            Some(NodeEnum::NullTest(t)) => t.arg.iter().for_each(|v| walk(v)),
            Some(NodeEnum::CoalesceExpr(c)) => c.args.iter().for_each(walk),
            Some(NodeEnum::MinMaxExpr(m)) => m.args.iter().for_each(walk),
            Some(NodeEnum::CaseExpr(c)) => {
                c.arg.iter().for_each(|v| walk(v));
                for w in &c.args {
                    if let Some(NodeEnum::CaseWhen(w)) = &w.node {
                        w.expr.iter().chain(w.result.iter()).for_each(|v| walk(v));
                    }
                }
                c.defresult.iter().for_each(|v| walk(v));
            }
            // A plain function's arguments must be grouped; an aggregate's are its own business.
            Some(NodeEnum::FuncCall(f)) if !self.is_aggregate_call(f) && f.over.is_none() => {
                f.args.iter().for_each(walk)
            }
            // Subqueries, window functions, rows, arrays, ...: not looked into.
            _ => {}
        }
    }
}

/// The FROM item (index in this scope) and column a plain column reference names, when it is
/// one of this query's own FROM items (not an outer query's, which is a constant here).
fn column_of(node: &Node, scope: &Scope<'_>) -> Option<(usize, String)> {
    let Some(NodeEnum::ColumnRef(c)) = &node.node else { return None };
    let names: Vec<&str> = c
        .fields
        .iter()
        .map(|f| match &f.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (qualifier, column) = match names.as_slice() {
        [column] => (None, *column),
        [qualifier, column] => (Some(*qualifier), *column),
        _ => return None,
    };
    let mut matches = scope.sources.iter().enumerate().filter(|(_, s)| {
        qualifier.is_none_or(|q| q == s.name)
            && !s.unresolved
            && s.columns.iter().any(|c| c.name == column && (qualifier.is_some() || !c.merged_away))
    });
    let (index, _) = matches.next()?;
    if matches.next().is_some() {
        return None;
    }
    Some((index, column.to_string()))
}
