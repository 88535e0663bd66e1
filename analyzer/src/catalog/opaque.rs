//! DO blocks: code the replay cannot follow. Every relation a block may have touched keeps its
//! columns, but their NOT NULL is no longer trusted: a query reading them gets nullable types
//! (not an error) and the reason names the block. The block is still listed by
//! `strata schema --unsupported`.
//!
//! Which relations: those whose names appear in the block's body, when the body can be read
//! that far; every relation there is when it runs dynamic SQL (`EXECUTE`), calls a function the
//! migrations created (which may do anything), or is not PL/pgSQL. A later statement the replay
//! does model (`SET NOT NULL`, `ADD COLUMN`, a new CREATE TABLE) makes
//! that column or table trusted again.

use std::collections::BTreeSet;

use pg_query::protobuf::{AlterTableType, DoStmt, ObjectType};
use pg_query::NodeEnum;

use super::{string_value, Catalog, Source};

/// A relation a DO block may have changed, and the columns modelled statements vouched for since.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doubt {
    /// "the DO block at file:line".
    pub what: String,
    pub trusted: BTreeSet<String>,
}

impl Catalog {
    pub(crate) fn apply_do_block(&mut self, src: &Source<'_>, s: &DoStmt) {
        let option = |name: &str| {
            s.args.iter().find_map(|a| match &a.node {
                Some(NodeEnum::DefElem(d)) if d.defname == name => d.arg.as_deref().and_then(string_value),
                _ => None,
            })
        };
        let body = option("as").unwrap_or_default().to_string();
        // A DO block without LANGUAGE is PL/pgSQL; a SQL body cannot be a DO block.
        let language = option("language").unwrap_or("plpgsql").to_string();
        let language = if language == "sql" { "unknown".to_string() } else { language };
        let (line, _) = crate::LineIndex::new(src.text).line_column(src.statement.offset);
        let what = format!("the DO block at {}:{line}", src.file.display());
        let everything = self.doubt_what_code_names(&body, &language, &what);
        self.opaque_statements_seen = true;
        self.unsupported.push(
            crate::Diagnostic::warning("a DO block is not modelled by the strata analyzer yet")
                .in_file(src.file)
                .at(src.text, src.statement.offset)
                .hint(if everything {
                    "it may change any table (dynamic SQL, a function call or another language): their columns are typed as nullable"
                } else {
                    "the columns of the tables its body names are typed as nullable"
                }),
        );
    }

    /// Marks the relations `body` (in `language`) names, or all of them when it cannot be read
    /// that far; whether it was all of them.
    fn doubt_what_code_names(&mut self, body: &str, language: &str, what: &str) -> bool {
        let body = body.to_lowercase();
        let words: BTreeSet<&str> = body
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .filter(|w| !w.is_empty())
            .collect();
        let calls_user_function = self.user_procs.keys().any(|f| words.contains(f.to_lowercase().as_str()));
        let readable = matches!(language, "plpgsql" | "sql");
        let everything = !readable || words.contains("execute") || calls_user_function;
        let relations: Vec<(String, String)> = self
            .tables
            .keys()
            .chain(self.views.keys())
            .filter(|(_, name)| everything || words.contains(name.to_lowercase().as_str()))
            .cloned()
            .collect();
        for key in relations {
            self.doubts.insert(key, Doubt { what: what.to_string(), trusted: BTreeSet::new() });
        }
        everything
    }

    /// `CALL p()` or `SELECT f()` in a migration runs a routine the migrations created: what its
    /// body names may have changed, as for a DO block.
    pub(crate) fn doubt_routine_calls(&mut self, src: &Source<'_>) {
        let calls: Vec<String> = match &src.statement.node {
            NodeEnum::CallStmt(c) => c.funccall.iter().filter_map(|f| routine_name(&f.funcname)).collect(),
            NodeEnum::SelectStmt(s) => s
                .target_list
                .iter()
                .filter_map(|t| match &t.node {
                    Some(NodeEnum::ResTarget(rt)) => match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                        Some(NodeEnum::FuncCall(f)) => routine_name(&f.funcname),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => return,
        };
        for name in calls {
            let Some(procs) = self.user_procs.get(&name) else { continue };
            let bodies: Vec<(String, String)> = procs
                .iter()
                .map(|p| match &p.source {
                    Some(source) => {
                        let language = source
                            .attributes
                            .iter()
                            .find_map(|a| a.strip_prefix("LANGUAGE "))
                            .unwrap_or("sql")
                            .to_lowercase();
                        (source.body.clone(), language)
                    }
                    None => (String::new(), "unknown".to_string()),
                })
                .collect();
            let (line, _) = crate::LineIndex::new(src.text).line_column(src.statement.offset);
            let what = format!("the call of {name}() at {}:{line}", src.file.display());
            for (body, language) in bodies {
                self.doubt_what_code_names(&body, &language, &what);
            }
        }
    }

    /// Why `column` of `[schema.]name` may be NULL whatever its NOT NULL says: a DO block may
    /// have changed it since.
    pub fn doubt(&self, key: &(String, String), column: &str) -> Option<&str> {
        let doubt = self.doubts.get(key)?;
        (!doubt.trusted.contains(column)).then_some(doubt.what.as_str())
    }

    /// What modelled statements after a DO block vouch for again.
    pub(crate) fn settle_doubts(&mut self, node: &NodeEnum) {
        if self.doubts.is_empty() {
            return;
        }
        match node {
            NodeEnum::CreateStmt(s) => {
                if let Some(rv) = &s.relation {
                    if !s.if_not_exists {
                        self.doubts.remove(&super::table::key(rv));
                    }
                }
            }
            NodeEnum::AlterTableStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let Some(doubt) = self.doubts.get_mut(&super::table::key(rv)) else { return };
                for cmd in &s.cmds {
                    let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
                    let vouched = match cmd.subtype() {
                        AlterTableType::AtSetNotNull => cmd.name.clone(),
                        AlterTableType::AtAddColumn => match cmd.def.as_deref().and_then(|d| d.node.as_ref())
                        {
                            Some(NodeEnum::ColumnDef(def)) => def.colname.clone(),
                            _ => continue,
                        },
                        _ => continue,
                    };
                    doubt.trusted.insert(vouched);
                }
            }
            // The doubt follows the table to its new name or schema.
            NodeEnum::RenameStmt(s) if s.rename_type() == ObjectType::ObjectTable => {
                if let Some(rv) = &s.relation {
                    let old = super::table::key(rv);
                    if let Some(doubt) = self.doubts.remove(&old) {
                        self.doubts.insert((old.0, s.newname.clone()), doubt);
                    }
                }
            }
            NodeEnum::AlterObjectSchemaStmt(s) if s.object_type() == ObjectType::ObjectTable => {
                if let Some(rv) = &s.relation {
                    let old = super::table::key(rv);
                    if let Some(doubt) = self.doubts.remove(&old) {
                        self.doubts.insert((s.newschema.clone(), old.1), doubt);
                    }
                }
            }
            _ => {}
        }
    }
}

fn routine_name(names: &[pg_query::protobuf::Node]) -> Option<String> {
    names.last().and_then(string_value).map(str::to_string)
}
