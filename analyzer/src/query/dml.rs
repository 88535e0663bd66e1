//! INSERT, UPDATE and DELETE: target columns type their values, RETURNING is a target list.

use pg_query::protobuf::{DeleteStmt, InsertStmt, Node, ResTarget, UpdateStmt, WithClause};
use pg_query::NodeEnum;

use super::assign;
use super::scope::{Scope, Source};
use super::{node_location, Analysis, Output};
use crate::catalog::SqlType;

impl Analysis<'_> {
    pub fn insert(&mut self, s: &InsertStmt, outer: &Scope<'_>) -> Vec<Output> {
        let ctes = self.with_clause(s.with_clause.as_ref(), outer);
        let Some(rv) = &s.relation else { return vec![] };
        let Some(target) = self.relation(rv) else {
            self.pop_ctes(ctes);
            return vec![];
        };
        // The columns the values go to, in order: the listed ones or all of them.
        // (name, type, allows NULL)
        let columns: Vec<(String, Option<SqlType>, bool)> = if s.cols.is_empty() {
            target.columns.iter().map(|c| (c.name.clone(), c.ty.clone(), c.base_nullable)).collect()
        } else {
            s.cols
                .iter()
                .filter_map(|c| match &c.node {
                    Some(NodeEnum::ResTarget(rt)) => Some(rt),
                    _ => None,
                })
                .map(|rt| {
                    let (ty, nullable) = self.target_column(&target, rt).unwrap_or((None, true));
                    (rt.name.clone(), ty, nullable)
                })
                .collect()
        };
        let plain = Scope::child(outer);
        if let Some(select) = s.select_stmt.as_deref() {
            match &select.node {
                Some(NodeEnum::SelectStmt(sel)) if !sel.values_lists.is_empty() => {
                    for row in &sel.values_lists {
                        let Some(NodeEnum::List(list)) = &row.node else {
                            continue;
                        };
                        if list.items.len() > columns.len() {
                            let loc = node_location(&list.items[columns.len()]);
                            self.error_at(
                                loc,
                                "42601",
                                "INSERT has more expressions than target columns",
                                None,
                            );
                        }
                        self.too_few_values(s, list.items.len());
                        for (item, (name, ty, nullable)) in list.items.iter().zip(&columns) {
                            self.param_target(item, *nullable);
                            match ty {
                                Some(ty) => self.assigned(item, &plain, name, ty),
                                None => self.expr(item, &plain),
                            };
                        }
                    }
                }
                _ => {
                    // `INSERT ... SELECT $1, $2`: bare parameters in the select list take their
                    // target column's type, as the server types them.
                    if let Some(NodeEnum::SelectStmt(sel)) = &select.node {
                        for (target, (_, ty, nullable)) in sel.target_list.iter().zip(&columns) {
                            let Some(NodeEnum::ResTarget(rt)) = &target.node else { continue };
                            let Some(val) = rt.val.as_deref() else { continue };
                            self.param_target(val, *nullable);
                            if let (Some(ty), Some(NodeEnum::ParamRef(_))) = (ty, &val.node) {
                                self.infer(val, ty);
                            }
                        }
                    }
                    let produced = self.subquery_columns(select, outer);
                    // A select list's string literals stay unknown here and read as the column's
                    // type; only a simple list lines up with the outputs.
                    if let Some(NodeEnum::SelectStmt(sel)) = &select.node {
                        let values = assign::select_values(sel);
                        if values.len() == produced.len() {
                            for ((value, out), (name, ty, _)) in values.iter().zip(&produced).zip(&columns) {
                                if let (Some(from), Some(to), false) =
                                    (&out.ty, ty, assign::is_unknown(value))
                                {
                                    self.check_assignment(from, to, name, out.location);
                                }
                            }
                        }
                    }
                    self.too_few_values(s, produced.len());
                    if produced.len() > columns.len() {
                        self.error_at(
                            rv.location,
                            "42601",
                            "INSERT has more expressions than target columns",
                            None,
                        );
                    }
                }
            }
        }
        let mut scope = Scope::child(outer);
        scope.sources.push(target.clone());
        if let Some(oc) = &s.on_conflict_clause {
            let mut conflict = Scope::child(outer);
            conflict.sources.push(target.clone());
            conflict.sources.push(Source { name: "excluded".into(), ..target.clone() });
            self.set_list(&oc.target_list, &target, &conflict);
            if let Some(w) = &oc.where_clause {
                self.expr(w, &conflict);
            }
        }
        let outputs = match &s.returning_clause {
            Some(r) => self.target_list(&r.exprs, &scope),
            None => vec![],
        };
        self.pop_ctes(ctes);
        outputs
    }

    /// With a column list, each listed column needs a value: the server points at the first one
    /// left without.
    fn too_few_values(&mut self, s: &InsertStmt, values: usize) {
        if let Some(first_without) = s.cols.get(values) {
            self.error_at(
                node_location(first_without),
                "42601",
                "INSERT has more target columns than expressions",
                None,
            );
        }
    }

    /// The type of a column named as an INSERT or UPDATE target and whether it allows NULL,
    /// or an error.
    pub(super) fn target_column(
        &mut self,
        target: &Source,
        rt: &ResTarget,
    ) -> Option<(Option<SqlType>, bool)> {
        match target.columns.iter().find(|c| c.name == rt.name) {
            Some(c) => Some((c.ty.clone(), c.base_nullable)),
            None => {
                let names: Vec<&str> = target.columns.iter().map(|c| c.name.as_str()).collect();
                let hint = super::closest(&rt.name, &names).map(|s| format!("did you mean \"{s}\"?"));
                let msg = format!("column \"{}\" of relation \"{}\" does not exist", rt.name, target.name);
                self.error_at(rt.location, "42703", &msg, hint.as_deref());
                None
            }
        }
    }

    /// `SET col = expr, ...` in UPDATE and ON CONFLICT DO UPDATE.
    pub(super) fn set_list(&mut self, targets: &[Node], target: &Source, scope: &Scope<'_>) {
        for t in targets {
            let Some(NodeEnum::ResTarget(rt)) = &t.node else {
                continue;
            };
            let (ty, nullable) = self.target_column(target, rt).unwrap_or((None, true));
            // `SET (a, b) = ($1, $2)`: each target takes its element of the row.
            if let Some(NodeEnum::MultiAssignRef(m)) = rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                let row = match m.source.as_deref().and_then(|s| s.node.as_ref()) {
                    Some(NodeEnum::RowExpr(r)) => Some(&r.args),
                    Some(NodeEnum::List(l)) => Some(&l.items),
                    _ => None,
                };
                let item =
                    row.and_then(|args| args.get(usize::try_from(m.colno).unwrap_or(1).saturating_sub(1)));
                match item {
                    Some(item) => {
                        self.param_target(item, nullable);
                        match &ty {
                            Some(ty) => self.expr_expecting(item, scope, ty),
                            None => self.expr(item, scope),
                        };
                    }
                    // `SET (a, b) = (SELECT ...)`: type the subquery once.
                    None if m.colno == 1 => {
                        if let Some(source) = m.source.as_deref() {
                            self.expr(source, scope);
                        }
                    }
                    None => {}
                }
                continue;
            }
            if let Some(val) = rt.val.as_deref() {
                self.param_target(val, nullable);
                match &ty {
                    Some(ty) => self.assigned(val, scope, &rt.name, ty),
                    None => self.expr(val, scope),
                };
            }
        }
    }

    pub fn update(&mut self, s: &UpdateStmt, outer: &Scope<'_>) -> Vec<Output> {
        let statement = Modify {
            with: s.with_clause.as_ref(),
            relation: s.relation.as_ref(),
            from: &s.from_clause,
            set: &s.target_list,
            filter: s.where_clause.as_deref(),
            returning: s.returning_clause.as_ref(),
        };
        self.modify(statement, outer)
    }

    pub fn delete(&mut self, s: &DeleteStmt, outer: &Scope<'_>) -> Vec<Output> {
        let statement = Modify {
            with: s.with_clause.as_ref(),
            relation: s.relation.as_ref(),
            from: &s.using_clause,
            set: &[],
            filter: s.where_clause.as_deref(),
            returning: s.returning_clause.as_ref(),
        };
        self.modify(statement, outer)
    }

    /// UPDATE and DELETE: the target table plus FROM / USING items, SET, WHERE, RETURNING.
    fn modify(&mut self, m: Modify<'_>, outer: &Scope<'_>) -> Vec<Output> {
        let ctes = self.with_clause(m.with, outer);
        let mut outputs = vec![];
        if let Some(target) = m.relation.and_then(|rv| self.relation(rv)) {
            let mut scope = Scope::child(outer);
            scope.sources.push(target.clone());
            self.add_from_items(m.from, &mut scope);
            self.set_list(m.set, &target, &scope);
            if let Some(w) = m.filter {
                self.condition(w, &scope);
                // DELETE ... RETURNING returns the rows as the filter saw them; UPDATE returns
                // them after SET, which may have put NULL where the filter saw a value.
                if m.set.is_empty() {
                    self.narrow(w, &mut scope);
                }
            }
            if let Some(r) = m.returning {
                outputs = self.target_list(&r.exprs, &scope);
            }
        }
        self.pop_ctes(ctes);
        outputs
    }
}

struct Modify<'s> {
    with: Option<&'s WithClause>,
    relation: Option<&'s pg_query::protobuf::RangeVar>,
    from: &'s [Node],
    set: &'s [Node],
    filter: Option<&'s Node>,
    returning: Option<&'s pg_query::protobuf::ReturningClause>,
}
