//! What each statement of a migration locks, for the migrator at run time: its `lock_timeout` is
//! chosen by the strongest lock, and after a lock timeout the sessions holding locks on these
//! tables are named. Without the schema: the mode a statement takes does not depend on it, only
//! whether taking it is a hazard does.

use super::locks::{effect, LockMode};
use crate::catalog::Catalog;
use crate::migration::SqlFile;

/// One statement's strongest lock, the tables it locks (as `regclass` text, quoted), and whether
/// it runs CONCURRENTLY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeLock {
    pub mode: Option<LockMode>,
    pub tables: Vec<String>,
    pub concurrently: bool,
}

pub fn runtime_locks(file: &SqlFile) -> Vec<RuntimeLock> {
    let empty = Catalog::default();
    file.statements
        .iter()
        .map(|s| {
            let e = effect(&s.node, &empty);
            RuntimeLock {
                mode: e.strongest().map(|l| l.mode),
                tables: e.locks.iter().map(|l| regclass(&l.table)).collect(),
                concurrently: e.concurrently,
            }
        })
        .collect()
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Unqualified (the replay's default schema) resolves through the session's search_path.
fn regclass((schema, table): &(String, String)) -> String {
    if schema.is_empty() || schema == "public" {
        quote(table)
    } else {
        format!("{}.{}", quote(schema), quote(table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locks(sql: &str) -> Vec<RuntimeLock> {
        let file = SqlFile {
            path: "1_x.up.sql".into(),
            text: sql.to_string(),
            statements: crate::parse_script(sql).unwrap(),
        };
        runtime_locks(&file)
    }

    #[test]
    fn each_statement_gets_its_strongest_lock_and_tables() {
        let l =
            locks("ALTER TABLE app.\"Users\" ADD c int;\nCREATE INDEX CONCURRENTLY i ON t (c);\nSELECT 1;");
        assert_eq!(l[0].mode, Some(LockMode::AccessExclusive));
        assert_eq!(l[0].tables, ["\"app\".\"Users\""]);
        assert!(l[1].concurrently && l[1].mode == Some(LockMode::ShareUpdateExclusive), "{:?}", l[1]);
        assert_eq!(l[1].tables, ["\"t\""]);
        assert_eq!(l[2].mode, None);
    }
}
