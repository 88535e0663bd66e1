//! `strata test --from GIT_REF`: the migrations as they were at the ref, applied from empty, then
//! the working tree's new ones on top (what `strata up` does on a database that runs that
//! release), compared object by object with a fresh apply of the working tree.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use strata_analyzer::{Migration, MigrationSet};

use super::report::{print_problems, problems_json, Problem};
use crate::cli::git;
use crate::schema::{self, compare, describe, Description, ScratchDb};

#[derive(Debug)]
pub(crate) struct Upgrade {
    pub rev: String,
    /// Versions applied at the ref, then on top of it.
    pub from_ref: usize,
    pub on_top: usize,
    pub problems: Vec<Problem>,
    pub equal: bool,
}

impl Upgrade {
    pub fn print(&self) {
        if self.equal && self.problems.is_empty() {
            println!(
                "upgrade from {}: {} migration(s) there, {} on top: same schema as a fresh apply",
                self.rev, self.from_ref, self.on_top
            );
        } else {
            println!(
                "upgrade from {} ({} migration(s) there, {} on top):",
                self.rev, self.from_ref, self.on_top
            );
            print_problems(&self.problems, "  ");
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "from": self.rev,
            "migrations_at_ref": self.from_ref,
            "applied_on_top": self.on_top,
            "same_schema_as_fresh": self.equal,
            "problems": problems_json(&self.problems),
        })
    }
}

pub(crate) fn skipped(rev: &str) -> Upgrade {
    let problem = Problem::error("stopped", "not run: the migrations do not apply from empty (see above)");
    Upgrade { rev: rev.to_string(), from_ref: 0, on_top: 0, problems: vec![problem], equal: false }
}

/// `fresh` is the working tree's schema applied from empty.
pub(crate) fn check(url: &str, dir: &Path, set: &MigrationSet, rev: &str, fresh: &Description) -> Upgrade {
    let mut upgrade =
        Upgrade { rev: rev.to_string(), from_ref: 0, on_top: 0, problems: Vec::new(), equal: false };
    if let Err(message) = run(url, dir, set, rev, fresh, &mut upgrade) {
        upgrade.problems.push(Problem::error("upgrade_failed", message));
    }
    upgrade
}

fn run(
    url: &str,
    dir: &Path,
    set: &MigrationSet,
    rev: &str,
    fresh: &Description,
    upgrade: &mut Upgrade,
) -> Result<(), String> {
    let old = git::migrations_at(dir, rev)?;
    let current: BTreeMap<i64, &Migration> = set.migrations.iter().map(|m| (m.version, m)).collect();
    let latest_at_ref = old.set.migrations.last().map(|m| m.version);
    for m in &old.set.migrations {
        match current.get(&m.version) {
            None => upgrade.problems.push(Problem::error(
                "missing_file",
                format!(
                    "{} {} exists at {rev} but not in the working tree: databases that run {rev} have it \
                     applied, and strata up refuses to run without its file",
                    m.version, m.name
                ),
            )),
            Some(now) if now.checksum != m.checksum => upgrade.problems.push(Problem::error(
                "edited",
                format!(
                    "{} {} was edited after {rev}: databases that run {rev} applied the old text, and strata \
                     up refuses the changed checksum\n    hint: restore the file and put the change in a new \
                     migration",
                    m.version, m.name
                ),
            )),
            Some(_) => {}
        }
    }
    let at_ref: Vec<i64> = old.set.migrations.iter().map(|m| m.version).collect();
    let on_top: Vec<&Migration> = set.migrations.iter().filter(|m| !at_ref.contains(&m.version)).collect();
    for m in &on_top {
        if latest_at_ref.is_some_and(|latest| m.version < latest) {
            upgrade.problems.push(Problem::error(
                "out_of_order",
                format!(
                    "{} {} is new since {rev} but older than its latest migration {}: strata up refuses \
                     to apply it on a database that runs {rev}\n    hint: renumber it after {}",
                    m.version,
                    m.name,
                    latest_at_ref.unwrap_or_default(),
                    latest_at_ref.unwrap_or_default()
                ),
            ));
        }
    }
    upgrade.from_ref = old.set.migrations.len();
    upgrade.on_top = on_top.len();

    let db = ScratchDb::create(url, "strata_test_from")?;
    let mut client = db.connect()?;
    for m in &old.set.migrations {
        schema::apply_up(&mut client, m)
            .map_err(|e| format!("the migrations at {rev} do not apply from empty: {}", old.relabel(&e)))?;
    }
    for m in on_top {
        schema::apply_up(&mut client, m).map_err(|e| format!("upgrading from {rev} fails: {e}"))?;
    }
    let upgraded = describe(&mut client, None).map_err(|e| format!("cannot describe the schema: {e}"))?;
    let differences = compare(fresh, &upgraded);
    upgrade.equal = differences.is_empty();
    if !upgrade.equal {
        let message = format!("upgrading a database from {rev} gives a different schema than a fresh apply");
        upgrade.problems.push(Problem::error("upgrade_differs", message).with(differences));
    }
    Ok(())
}
