//! `ALTER DATABASE ... SET search_path` and `ALTER ROLE ... SET search_path` in a migration.
//!
//! Neither changes the session running the migration: they store a default that sessions
//! started afterwards begin with (pg_db_role_setting). So the rest of the file, and the files
//! after it (strata's runner applies them in the session it started with), resolve names as
//! before, while the application's new sessions, which `query!` types queries for, start
//! with the database's path. The analyzer assumes the database named is the application's: a
//! migration altering another database is not something it can tell apart.
//!
//! A role's setting applies to that role's sessions only (and wins over the database's), and
//! nothing says which role the application connects as: it is reported as not modelled, and
//! queries keep the database's path.

use pg_query::protobuf::{VariableSetKind, VariableSetStmt};
use pg_query::NodeEnum;

use super::{Catalog, Source};

impl Catalog {
    /// Records what a per-database or per-role setting does to the sessions' search path;
    /// `Some` when the statement is one of those (search_path or not: none changes a table).
    pub(crate) fn apply_session_setting(&mut self, src: &Source<'_>) -> Option<()> {
        match &src.statement.node {
            NodeEnum::AlterDatabaseSetStmt(s) => {
                let Some(set) = s.setstmt.as_ref() else { return Some(()) };
                if set.name == "search_path" || set.kind() == VariableSetKind::VarResetAll {
                    self.set_session_path(src, set);
                }
                Some(())
            }
            NodeEnum::AlterRoleSetStmt(s) => {
                let sets_path = s.setstmt.as_ref().is_some_and(|set| {
                    set.name == "search_path" || set.kind() == VariableSetKind::VarResetAll
                });
                if sets_path {
                    self.note_unsupported(
                        src,
                        "ALTER ROLE ... SET search_path (the sessions of that role start with it, and the analyzer \
                         cannot know which role the application connects as; queries are typed with the \
                         database's search_path)",
                    );
                }
                Some(())
            }
            _ => None,
        }
    }

    fn set_session_path(&mut self, src: &Source<'_>, set: &VariableSetStmt) {
        match set.kind() {
            VariableSetKind::VarSetValue => {
                self.session_search_path = Some(
                    set.args
                        .iter()
                        .filter_map(super::search_path::const_string)
                        .map(str::to_string)
                        .collect(),
                );
            }
            // FROM CURRENT stores the value the migration's session has now.
            VariableSetKind::VarSetCurrent => self.session_search_path = self.search_path.clone(),
            VariableSetKind::VarSetDefault | VariableSetKind::VarReset | VariableSetKind::VarResetAll => {
                self.session_search_path = None;
            }
            _ => self.note_unsupported(src, "this form of ALTER DATABASE ... SET search_path"),
        }
    }

    /// The path sessions start with: the database's setting once the migrations are replayed
    /// (queries), the server default while they are (the runner's own session).
    pub(super) fn session_default_path(&self) -> Option<&[String]> {
        if self.replaying {
            return None;
        }
        self.session_search_path.as_deref()
    }
}
