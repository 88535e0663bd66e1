//! Types a query against a [`Catalog`]: its parameters and its output columns, with
//! nullability, as Postgres would describe a prepared statement.

mod assign;
#[cfg(test)]
mod assign_tests;
mod calls;
#[cfg(test)]
mod catalog_tests;
mod compound;
mod cte;
mod dml;
#[cfg(test)]
mod do_block_tests;
#[cfg(test)]
mod enum_tests;
mod expr;
mod fallback;
mod from_functions;
mod functions;
mod grouping;
#[cfg(test)]
mod grouping_tests;
mod maintenance;
mod merge;
#[cfg(test)]
mod merge_tests;
mod narrowing;
#[cfg(test)]
mod narrowing_tests;
mod nullability;
mod rows;
mod scope;
mod statements;
#[cfg(test)]
mod tests;
mod unify;
#[cfg(test)]
mod unify_tests;
mod using;

use std::collections::BTreeMap;

use pg_query::protobuf::Node;
use pg_query::NodeEnum;

use crate::catalog::{Catalog, SqlType};
use crate::Diagnostic;

/// A `$n` parameter: 1-based index and the type Postgres would infer for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub index: usize,
    pub ty: SqlType,
    /// NULL is a meaningful value here: the parameter goes into a column that allows NULL
    /// (`SET col = $1`, `INSERT ... VALUES ($1)`), is tested with `$1 IS NULL`, compared with
    /// `IS [NOT] DISTINCT FROM`, or is a COALESCE argument, and no use stores it into a NOT NULL
    /// column. Typed code takes `Option<T>` for such parameters.
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// Why the column may be NULL, in words (`strata describe` shows it); `None` when not.
    pub why_nullable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDescription {
    pub params: Vec<Param>,
    pub columns: Vec<Column>,
}

/// Describes one SQL statement. All problems are returned together, located in `sql`.
pub fn describe(catalog: &Catalog, sql: &str) -> Result<QueryDescription, Vec<Diagnostic>> {
    let statements = crate::sql::parse_query(sql)
        .map_err(|e| vec![Diagnostic::error(e.message).at(sql, e.offset).sqlstate("42601")])?;
    let [statement] = statements.as_slice() else {
        return Err(vec![Diagnostic::error(format!(
            "a query must be exactly one SQL statement, found {}",
            statements.len()
        ))
        .hint("split the statements into separate queries")]);
    };
    let mut analysis = Analysis {
        catalog,
        sql,
        params: BTreeMap::new(),
        param_nulls: BTreeMap::new(),
        ctes: Vec::new(),
        errors: Vec::new(),
        quiet_failures: 0,
        grouped: Vec::new(),
    };
    let outputs = analysis.statement(&statement.node);
    analysis.finish(outputs)
}

/// The columns a view's or CREATE TABLE AS's query produces, typed against `catalog`; `text`
/// is the migration file the node's locations point into. Errors (or a column of unknown type)
/// mean the analyzer cannot model the relation.
pub(crate) fn describe_relation(
    catalog: &Catalog,
    text: &str,
    query: &Node,
) -> Result<Vec<Column>, Vec<Diagnostic>> {
    let mut analysis = Analysis {
        catalog,
        sql: text,
        params: BTreeMap::new(),
        param_nulls: BTreeMap::new(),
        ctes: Vec::new(),
        errors: Vec::new(),
        quiet_failures: 0,
        grouped: Vec::new(),
    };
    let Some(NodeEnum::SelectStmt(select)) = &query.node else {
        return Err(vec![Diagnostic::error("not a SELECT")]);
    };
    let outputs = analysis.select(select, &scope::Scope::default());
    if !analysis.errors.is_empty() || analysis.quiet_failures > 0 {
        return Err(analysis.errors);
    }
    outputs
        .into_iter()
        .map(|o| match o.ty {
            // Postgres stores an unknown-typed view column (`SELECT 'x'`, `NULL`) as text.
            None if !o.failed => {
                Ok(Column { name: o.name, ty: SqlType::new("text"), nullable: true, why_nullable: None })
            }
            None => Err(vec![Diagnostic::error("a column of unknown type")]),
            Some(ty) => Ok(Column { name: o.name, ty, nullable: o.nullable, why_nullable: o.why_nullable }),
        })
        .collect()
}

/// Column aliases of a view or CREATE TABLE AS.
pub(crate) fn rename_outputs(columns: &mut [Column], aliases: &[Node]) {
    statements::rename_columns(columns.iter_mut().map(|c| &mut c.name), aliases);
}

/// An output column while analysing; its type may still be unknown.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub ty: Option<SqlType>,
    pub nullable: bool,
    pub location: i32,
    /// Typing it already reported an error, so its unknown type needs no second one.
    pub failed: bool,
    pub why_nullable: Option<String>,
}

pub(crate) struct Analysis<'a> {
    pub catalog: &'a Catalog,
    pub sql: &'a str,
    pub params: BTreeMap<usize, SqlType>,
    /// Per parameter: some use accepts NULL (`Some(true)`), or one forbids it (`Some(false)`,
    /// which wins: a NOT NULL column target would fail on NULL).
    pub param_nulls: BTreeMap<usize, bool>,
    /// CTEs visible at this point, innermost last.
    pub ctes: Vec<(String, Vec<Output>)>,
    pub errors: Vec<Diagnostic>,
    /// Lookups through a relation that does not exist: already reported, so they stay quiet.
    pub quiet_failures: usize,
    /// For each SELECT being typed, innermost last: whether it has a plain GROUP BY (every
    /// group has a row, so aggregates of non-NULL inputs are non-NULL).
    pub grouped: Vec<bool>,
}

impl Analysis<'_> {
    /// A mark to ask later whether anything failed in between.
    pub fn failure_mark(&self) -> usize {
        self.errors.len() + self.quiet_failures
    }

    pub fn error_at(&mut self, location: i32, sqlstate: &'static str, message: &str, hint: Option<&str>) {
        let offset = usize::try_from(location).unwrap_or(0);
        let mut d = Diagnostic::error(message).at(self.sql, offset).sqlstate(sqlstate);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.errors.push(d);
    }

    /// Records whether the parameter that `node` is (possibly under casts and parentheses)
    /// goes where NULL is allowed.
    pub fn param_target(&mut self, node: &Node, allows_null: bool) {
        let Some(n) = param_number(node) else { return };
        let entry = self.param_nulls.entry(n).or_insert(allows_null);
        *entry &= allows_null;
    }

    fn output_type(&self, ty: SqlType) -> SqlType {
        if ty.array {
            return ty;
        }
        match self.catalog.type_oid(&ty) {
            Some(oid) if self.catalog.base_type(oid) != oid => {
                self.catalog.sql_type(self.catalog.base_type(oid))
            }
            _ => ty,
        }
    }

    fn finish(mut self, outputs: Vec<Output>) -> Result<QueryDescription, Vec<Diagnostic>> {
        let mut params = Vec::new();
        // An unknown column next to a parameter leaves it untyped: report only the cause.
        let earlier_errors = !self.errors.is_empty();
        for (number, location) in param_refs(self.sql) {
            if let Some(ty) = self.params.get(&number) {
                let nullable = self.param_nulls.get(&number).copied().unwrap_or(false);
                params.push(Param { index: number, ty: ty.clone(), nullable });
            } else if !earlier_errors {
                self.error_at(
                    location,
                    "42P18",
                    &format!("could not determine data type of parameter ${number}"),
                    Some(&format!("add a cast, e.g. ${number}::text or ${number}::int8")),
                );
            }
        }
        let mut columns = Vec::with_capacity(outputs.len());
        for (i, out) in outputs.into_iter().enumerate() {
            match out.ty {
                Some(ty) => {
                    let why_nullable = out
                        .why_nullable
                        .filter(|_| out.nullable)
                        .or_else(|| out.nullable.then(|| "it may be NULL where it comes from".to_string()));
                    // The server describes a domain-typed column by its base type.
                    let ty = self.output_type(ty);
                    columns.push(Column { name: out.name, ty, nullable: out.nullable, why_nullable })
                }
                None if out.failed => {}
                None => self.error_at(
                    out.location,
                    "42P18",
                    &format!("cannot infer the type of output column {} (\"{}\")", i + 1, out.name),
                    Some("add a cast, e.g. (expression)::text"),
                ),
            }
        }
        if self.errors.is_empty() {
            Ok(QueryDescription { params, columns })
        } else {
            self.errors.sort_by_key(|d| (d.line, d.column));
            self.errors.dedup();
            Err(self.errors)
        }
    }
}

/// sqlx's column-name overrides: `AS "name!"` forces NOT NULL, `AS "name?"` forces nullable.
pub(crate) fn apply_override(name: &str, nullable: bool) -> (String, bool) {
    if let Some(n) = name.strip_suffix('!') {
        (n.to_string(), false)
    } else if let Some(n) = name.strip_suffix('?') {
        (n.to_string(), true)
    } else {
        (name.to_string(), nullable)
    }
}

/// Every `$n` in the query text, with the location of its first use, in order. Parameters that
/// the query skips (`$1` and `$3` only) are listed too, as Postgres fails on them. (The scanner
/// sees every parameter; the parse tree's node iterator skips some clauses, e.g. LIMIT.)
fn param_refs(sql: &str) -> Vec<(usize, i32)> {
    let mut seen: BTreeMap<usize, i32> = BTreeMap::new();
    let tokens = pg_query::scan(sql).map(|s| s.tokens).unwrap_or_default();
    for token in tokens.iter().filter(|t| t.token() == pg_query::protobuf::Token::Param) {
        let text = sql.get(token.start as usize..token.end as usize).unwrap_or("");
        if let Ok(number) = text.trim_start_matches('$').parse::<usize>() {
            seen.entry(number).or_insert(token.start);
        }
    }
    let max = seen.keys().next_back().copied().unwrap_or(0);
    (1..=max).map(|n| (n, seen.get(&n).copied().unwrap_or(0))).collect()
}

/// `$n`, `$n::type` or `($n)`: the parameter number.
pub(crate) fn param_number(node: &Node) -> Option<usize> {
    match &node.node {
        Some(NodeEnum::ParamRef(p)) => usize::try_from(p.number).ok(),
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().and_then(param_number),
        Some(NodeEnum::CollateClause(c)) => c.arg.as_deref().and_then(param_number),
        _ => None,
    }
}

pub(crate) fn node_location(node: &Node) -> i32 {
    use NodeEnum as N;
    match &node.node {
        Some(N::ColumnRef(n)) => n.location,
        Some(N::ParamRef(n)) => n.location,
        Some(N::AConst(n)) => n.location,
        Some(N::AExpr(n)) => n.location,
        Some(N::FuncCall(n)) => n.location,
        Some(N::TypeCast(n)) => n.location,
        Some(N::RangeVar(n)) => n.location,
        Some(N::ResTarget(n)) => n.location,
        Some(N::SubLink(n)) => n.location,
        Some(N::CaseExpr(n)) => n.location,
        Some(N::BoolExpr(n)) => n.location,
        Some(N::NullTest(n)) => n.location,
        Some(N::CoalesceExpr(n)) => n.location,
        Some(N::SqlvalueFunction(n)) => n.location,
        Some(N::AArrayExpr(n)) => n.location,
        Some(N::RangeFunction(_)) | Some(N::JoinExpr(_)) | Some(N::RangeSubselect(_)) => -1,
        _ => -1,
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
pub fn closest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let limit = ((name.chars().count() + 1) / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = cur;
        }
    }
    row[b.len()]
}
