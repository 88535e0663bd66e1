//! Function calls: resolved against the catalog (built-ins, extensions, user functions) by
//! Postgres's rules, with what each function guarantees about NULL. When an argument's type is
//! not one the catalog knows, a small table of the common functions' result types stands in.

use pg_query::protobuf::{FuncCall, Node};
use pg_query::NodeEnum;

use super::calls::{Input, Unresolved};
use super::expr::Typed;
use super::scope::Scope;
use super::Analysis;
use crate::catalog::resolve::{CallArgs, FuncMatch, ResolveError};
use crate::catalog::SqlType;

impl<'a> Analysis<'a> {
    pub fn func_call(&mut self, f: &FuncCall, scope: &Scope<'_>) -> Typed {
        self.call(f, scope).0
    }

    /// A call's type, and the function it resolved to (`None` when it did not, or when an
    /// argument's type is not one the catalog knows).
    pub fn call(&mut self, f: &FuncCall, scope: &Scope<'_>) -> (Typed, Option<FuncMatch<'a>>) {
        let catalog: &'a crate::Catalog = self.catalog;
        let name = f
            .funcname
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })
            .next_back()
            .unwrap_or("")
            .to_string();
        let mut nodes: Vec<&Node> = Vec::with_capacity(f.args.len());
        let mut names: Vec<Option<String>> = Vec::with_capacity(f.args.len());
        for a in &f.args {
            match &a.node {
                Some(NodeEnum::NamedArgExpr(n)) => {
                    if let Some(arg) = n.arg.as_deref() {
                        nodes.push(arg);
                        names.push(Some(n.name.clone()));
                    }
                }
                _ => {
                    nodes.push(a);
                    names.push(None);
                }
            }
        }
        // `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`: the ordered arguments follow.
        if f.agg_within_group {
            for order in &f.agg_order {
                if let Some(NodeEnum::SortBy(by)) = &order.node {
                    if let Some(n) = by.node.as_deref() {
                        nodes.push(n);
                        names.push(None);
                    }
                }
            }
        }
        let args: Vec<Typed> = nodes.iter().map(|a| self.expr(a, scope)).collect();
        if let Some(filter) = f.agg_filter.as_deref() {
            self.condition(filter, scope);
        }
        for order in f.agg_order.iter().filter(|_| !f.agg_within_group) {
            if let Some(NodeEnum::SortBy(by)) = &order.node {
                if let Some(n) = by.node.as_deref() {
                    self.expr(n, scope);
                }
            }
        }
        let inputs: Vec<Input> = nodes.iter().zip(&args).map(|(n, t)| self.input_type(n, t)).collect();
        if !inputs.contains(&Input::Opaque) {
            let types: Vec<Option<u32>> = inputs.iter().map(|i| i.oid()).collect();
            let call = CallArgs { types: &types, names: &names, variadic: f.func_variadic };
            match catalog.resolve_function(&name, &call) {
                Ok(m) => {
                    self.apply_declared(&nodes, &m.args);
                    let any_nullable = args.iter().any(|a| a.nullable);
                    let mut ty = self.catalog.sql_type(m.ret);
                    if ty.array && m.proc.kind == b'a' {
                        ty = ty.array_of_nullable(any_nullable);
                    }
                    let nullable = self.call_nullable(&name, m.proc, &args, f);
                    return (Typed { ty: Some(ty), nullable, name: Some(name) }, Some(m));
                }
                // `int8(x)`, `text(x)`: a function-style cast.
                Err(ResolveError::NoMatch)
                    if args.len() == 1 && self.catalog.type_oid(&SqlType::new(&name)).is_some() =>
                {
                    let typed =
                        Typed { ty: Some(SqlType::new(&name)), nullable: args[0].nullable, name: Some(name) };
                    return (typed, None);
                }
                Err(ResolveError::NoMatch)
                    if self.catalog.procs(&name).is_empty() && self.catalog.may_have_unseen_functions() => {}
                Err(e) => {
                    self.resolve_error(e, Unresolved::Function(&name, &types), f.location);
                    return (Typed { ty: None, nullable: true, name: Some(name) }, None);
                }
            }
        }
        (self.fallback_call(&name, &args), None)
    }
}
