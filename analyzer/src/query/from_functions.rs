//! Functions in FROM: `generate_series(...) AS g`, `unnest($1::text[], $2::int[]) AS t(a, b)`,
//! `jsonb_each(x)`, `jsonb_to_recordset(x) AS r(a int, b text)`, `ROWS FROM (...)`,
//! `WITH ORDINALITY`; implicitly LATERAL, so their arguments see the FROM items before them.

use pg_query::protobuf::{FuncCall, Node, RangeFunction};
use pg_query::NodeEnum;

use super::scope::{Scope, ScopeColumn, Source};
use super::Analysis;
use crate::catalog::builtin::oids;
use crate::catalog::resolve::FuncMatch;
use crate::catalog::SqlType;

/// Set-returning built-ins whose rows never hold NULL for non-NULL arguments (a strict SRF
/// given NULL returns no rows at all), by output column: `None` for all of them.
const NON_NULL_ROWS: &[(&str, Option<&[&str]>)] = &[
    ("generate_series", None),
    ("generate_subscripts", None),
    ("jsonb_each", None),
    ("json_each", None),
    ("jsonb_each_text", Some(&["key"])),
    ("json_each_text", Some(&["key"])),
    ("jsonb_array_elements", None),
    ("json_array_elements", None),
    ("jsonb_object_keys", None),
    ("json_object_keys", None),
    ("regexp_matches", None),
    ("regexp_split_to_table", None),
    ("pg_options_to_table", None),
    ("each", Some(&["key"])),
    ("skeys", None),
];

impl Analysis<'_> {
    pub(super) fn range_function(&mut self, rf: &RangeFunction, outer: &Scope<'_>) -> Source {
        let mut columns: Vec<ScopeColumn> = Vec::new();
        let several = rf.functions.len() > 1;
        let mut scalar_name = None;
        let mut first_name = None;
        let mut row_type = None;
        for item in &rf.functions {
            // Each item is (call, column definition list).
            let (call, coldefs) = match &item.node {
                Some(NodeEnum::List(list)) => {
                    let coldefs = match list.items.get(1).and_then(|n| n.node.as_ref()) {
                        Some(NodeEnum::List(l)) => l.items.as_slice(),
                        _ => &[],
                    };
                    (list.items.first(), coldefs)
                }
                _ => (Some(item), &[][..]),
            };
            let coldefs = if coldefs.is_empty() { rf.coldeflist.as_slice() } else { coldefs };
            let Some(call) = call else { continue };
            if let Some(NodeEnum::FuncCall(f)) = &call.node {
                first_name.get_or_insert_with(|| function_name(f));
            }
            let (produced, scalar, composite) = self.function_columns(call, coldefs, outer);
            row_type = composite.filter(|_| !several && !rf.ordinality);
            if scalar && !several {
                scalar_name = produced.first().map(|c| c.name.clone());
            }
            columns.extend(produced);
        }
        // Functions of different lengths are padded with NULLs.
        if several {
            columns.iter_mut().for_each(|c| c.base_nullable = true);
        }
        if rf.ordinality {
            columns.push(ScopeColumn {
                name: "ordinality".into(),
                ty: Some(SqlType::new("int8")),
                base_nullable: false,
                merged_away: false,
                doubt: None,
            });
        }
        let alias = rf.alias.as_ref();
        let name = alias.map(|a| a.aliasname.clone()).or(first_name).unwrap_or_default();
        // A function returning a scalar names its column after the alias, as Postgres does.
        if let (Some(a), Some(_)) = (alias, &scalar_name) {
            if let Some(first) = columns.first_mut() {
                first.name = a.aliasname.clone();
            }
        }
        if let Some(alias) = alias {
            super::statements::rename_columns(columns.iter_mut().map(|c| &mut c.name), &alias.colnames);
        }
        let scalar = scalar_name.is_some() || (columns.len() == 1 && !several);
        Source {
            name,
            columns,
            nullable_from_join: false,
            unresolved: false,
            table: false,
            scalar,
            primary_key: Vec::new(),
            row_type,
        }
    }

    /// The columns one call in FROM produces, and whether it is a scalar one that the alias
    /// names (rather than a single OUT parameter).
    fn function_columns(
        &mut self,
        call: &Node,
        coldefs: &[Node],
        scope: &Scope<'_>,
    ) -> (Vec<ScopeColumn>, bool, Option<SqlType>) {
        let Some(NodeEnum::FuncCall(f)) = &call.node else {
            let typed = self.expr(call, scope);
            return (vec![column(typed.name.as_deref().unwrap_or("?column?"), typed.ty, true)], true, None);
        };
        self.call_columns(f, coldefs, scope)
    }

    fn call_columns(
        &mut self,
        f: &FuncCall,
        coldefs: &[Node],
        scope: &Scope<'_>,
    ) -> (Vec<ScopeColumn>, bool, Option<SqlType>) {
        let fname = function_name(f);
        // `unnest(a, b)` in FROM is `ROWS FROM (unnest(a), unnest(b))`.
        if fname == "unnest" && f.args.len() > 1 {
            let columns = f
                .args
                .iter()
                .map(|a| {
                    let typed = self.expr(a, scope);
                    let ty = typed.ty.filter(|t| t.array).map(|t| t.element());
                    column("unnest", ty, true)
                })
                .collect();
            return (columns, false, None);
        }
        let (typed, resolved) = self.call(f, scope);
        if !coldefs.is_empty() {
            let columns = coldefs
                .iter()
                .filter_map(|d| match &d.node {
                    Some(NodeEnum::ColumnDef(def)) => {
                        let c = crate::catalog::column_from_def(def, None);
                        Some(column(&c.name, Some(c.ty), true))
                    }
                    _ => None,
                })
                .collect();
            return (columns, false, None);
        }
        let Some(m) = resolved else {
            return (vec![column(&fname, typed.ty, true)], true, None);
        };
        let non_null = |col: &str| {
            NON_NULL_ROWS.iter().any(|(n, cols)| *n == fname && cols.is_none_or(|cols| cols.contains(&col)))
        };
        let outs = m.proc.output_columns();
        if m.ret == oids::RECORD && !outs.is_empty() {
            let columns = outs
                .into_iter()
                .map(|(name, oid)| {
                    let ty = self.catalog.sql_type(self.substitute(&m, oid));
                    column(name, Some(ty), !non_null(name))
                })
                .collect();
            return (columns, false, None);
        }
        if let Some(columns) = self.composite_columns(m.ret) {
            return (columns, false, Some(self.catalog.sql_type(m.ret)));
        }
        let ty = typed.ty;
        let nullable = if m.proc.retset {
            match fname.as_str() {
                // An array's elements, as far as the analyzer knows whether they may be NULL.
                "unnest" => ty.is_none() || self.unnest_elements_nullable(f, scope),
                _ => !non_null(&fname) && !outs.first().is_some_and(|(n, _)| non_null(n)),
            }
        } else {
            typed.nullable
        };
        // A single OUT parameter names the column; else the function (or the alias) does.
        match outs.first() {
            Some((out, _)) if !out.is_empty() => (vec![column(out, ty, nullable)], false, None),
            _ => (vec![column(&fname, ty, nullable)], true, None),
        }
    }

    /// Whether the array `unnest` takes may hold NULL elements.
    fn unnest_elements_nullable(&mut self, f: &FuncCall, scope: &Scope<'_>) -> bool {
        let before = self.errors.len();
        let typed = f.args.first().map(|a| self.expr(a, scope));
        self.errors.truncate(before); // typed once already; errors are reported there
        typed.and_then(|t| t.ty).is_none_or(|t| t.element_nullable)
    }

    /// An OUT column's type; a polymorphic one bound to the first argument's element type.
    fn substitute(&self, m: &FuncMatch<'_>, oid: u32) -> u32 {
        if !crate::catalog::resolve::is_polymorphic(oid) {
            return oid;
        }
        m.args.first().map_or(oid, |a| self.catalog.element_of(*a).unwrap_or(*a))
    }

    /// A function returning a table's row type: that table's columns.
    fn composite_columns(&self, oid: u32) -> Option<Vec<ScopeColumn>> {
        let columns = self.catalog.composite_columns(oid)?;
        // The server does not check a table's NOT NULLs on a row a function returns (and a
        // function returning one row may return none: all NULL in FROM).
        Some(columns.iter().map(|c| column(&c.name, Some(c.ty.clone()), true)).collect())
    }
}

fn column(name: &str, ty: Option<SqlType>, nullable: bool) -> ScopeColumn {
    ScopeColumn { name: name.to_string(), ty, base_nullable: nullable, merged_away: false, doubt: None }
}

fn function_name(f: &FuncCall) -> String {
    f.funcname
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .next_back()
        .unwrap_or_default()
}
