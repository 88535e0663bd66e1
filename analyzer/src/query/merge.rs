//! MERGE (Postgres 15: no RETURNING, no WHEN NOT MATCHED BY SOURCE): the join condition and
//! WHEN conditions see the target and the source, UPDATE SET and INSERT values take the target
//! columns' types, and a WHEN NOT MATCHED clause cannot see the target at all.

use pg_query::protobuf::{CmdType, MergeMatchKind, MergeStmt, MergeWhenClause};
use pg_query::NodeEnum;

use super::scope::Scope;
use super::{node_location, Analysis, Output};

impl Analysis<'_> {
    pub fn merge(&mut self, s: &MergeStmt, outer: &Scope<'_>) -> Vec<Output> {
        if s.returning_clause.is_some() {
            self.syntax_error_at_word("RETURNING");
        }
        let ctes = self.with_clause(s.with_clause.as_ref(), outer);
        let target = s.relation.as_ref().and_then(|rv| self.relation(rv));
        let mut source_only = Scope::child(outer);
        if let Some(source) = s.source_relation.as_deref() {
            self.add_from_items(std::slice::from_ref(source), &mut source_only);
        }
        let (Some(target), Some(rv)) = (target, s.relation.as_ref()) else {
            self.pop_ctes(ctes);
            return vec![];
        };
        // SET and INSERT column lists name the relation itself in their errors, not its alias.
        let columns_of = super::scope::Source { name: rv.relname.clone(), ..target.clone() };
        let mut both = Scope::child(outer);
        both.sources.push(target.clone());
        both.sources.extend(source_only.sources.iter().cloned());
        if let Some(on) = s.join_condition.as_deref() {
            self.condition(on, &both);
        }
        for clause in &s.merge_when_clauses {
            let Some(NodeEnum::MergeWhenClause(w)) = &clause.node else { continue };
            match w.match_kind() {
                MergeMatchKind::MergeWhenMatched => self.when_matched(w, &columns_of, &both),
                MergeMatchKind::MergeWhenNotMatchedBySource => {
                    self.syntax_error_at_word("BY");
                }
                _ => {
                    let mark = self.errors.len();
                    self.when_not_matched(w, &columns_of, &source_only);
                    self.target_is_out_of_reach(mark, &target.name);
                }
            }
        }
        self.pop_ctes(ctes);
        vec![]
    }

    fn when_matched(&mut self, w: &MergeWhenClause, target: &super::scope::Source, scope: &Scope<'_>) {
        if let Some(cond) = w.condition.as_deref() {
            self.condition(cond, scope);
        }
        if w.command_type() == CmdType::CmdUpdate {
            self.set_list(&w.target_list, target, scope);
        }
    }

    fn when_not_matched(&mut self, w: &MergeWhenClause, target: &super::scope::Source, scope: &Scope<'_>) {
        if let Some(cond) = w.condition.as_deref() {
            self.condition(cond, scope);
        }
        if w.command_type() != CmdType::CmdInsert {
            return;
        }
        // (type, allows NULL) of each column the values go to: the listed ones or all.
        let columns: Vec<(Option<crate::catalog::SqlType>, bool)> = if w.target_list.is_empty() {
            target.columns.iter().map(|c| (c.ty.clone(), c.base_nullable)).collect()
        } else {
            w.target_list
                .iter()
                .filter_map(|t| match &t.node {
                    Some(NodeEnum::ResTarget(rt)) => {
                        Some(self.target_column(target, rt).unwrap_or((None, true)))
                    }
                    _ => None,
                })
                .collect()
        };
        if w.values.len() > columns.len() {
            let location = node_location(&w.values[columns.len()]);
            self.error_at(location, "42601", "INSERT has more expressions than target columns", None);
        }
        for (value, (ty, nullable)) in w.values.iter().zip(&columns) {
            if matches!(value.node, Some(NodeEnum::SetToDefault(_))) {
                continue;
            }
            self.param_target(value, *nullable);
            match ty {
                Some(ty) => self.expr_expecting(value, scope, ty),
                None => self.expr(value, scope),
            };
        }
    }

    /// The target named in a WHEN NOT MATCHED clause: Postgres's own words for it, not the
    /// generic "missing FROM-clause entry".
    fn target_is_out_of_reach(&mut self, since: usize, target: &str) {
        let generic = format!("missing FROM-clause entry for table \"{target}\"");
        for error in &mut self.errors[since..] {
            if error.message == generic {
                error.message = format!("invalid reference to FROM-clause entry for table \"{target}\"");
                error.hint = Some(format!(
                    "There is an entry for table \"{target}\", but it cannot be referenced from this part of the query."
                ));
            }
        }
    }

    /// Syntax Postgres 15 does not have (pg_query parses a newer grammar).
    fn syntax_error_at_word(&mut self, word: &str) {
        let upper = self.sql.to_ascii_uppercase();
        let at = upper.rfind(word).map_or(-1, |i| i32::try_from(i).unwrap_or(-1));
        let msg = format!("syntax error at or near \"{word}\"");
        self.error_at(at, "42601", &msg, Some("Postgres 15 does not support this form of MERGE"));
    }
}
