//! INSERT, UPDATE and DELETE: target columns type their values, RETURNING is a target list.

use pg_query::protobuf::{DeleteStmt, InsertStmt, Node, ResTarget, UpdateStmt, WithClause};
use pg_query::NodeEnum;

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
                        for (item, (_, ty, nullable)) in list.items.iter().zip(&columns) {
                            self.param_target(item, *nullable);
                            match ty {
                                Some(ty) => self.expr_expecting(item, &plain, ty),
                                None => self.expr(item, &plain),
                            };
                        }
                    }
                }
                _ => {
                    let produced = self.subquery_columns(select, outer);
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

    /// The type of a column named as an INSERT or UPDATE target and whether it allows NULL,
    /// or an error.
    fn target_column(&mut self, target: &Source, rt: &ResTarget) -> Option<(Option<SqlType>, bool)> {
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
    fn set_list(&mut self, targets: &[Node], target: &Source, scope: &Scope<'_>) {
        for t in targets {
            let Some(NodeEnum::ResTarget(rt)) = &t.node else {
                continue;
            };
            let (ty, nullable) = self.target_column(target, rt).unwrap_or((None, true));
            if let Some(val) = rt.val.as_deref() {
                self.param_target(val, nullable);
                match &ty {
                    Some(ty) => self.expr_expecting(val, scope, ty),
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
