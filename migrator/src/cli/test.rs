//! `strata test`: proves every migration on a real server, in a throwaway database: up,
//! snapshot, down, the schema compared object by object with the one before the up, up again and
//! compared with the first up's; then every down newest first back to an empty schema. With
//! `--from GIT_REF`, also upgrades from the migrations as they were at that ref and compares the
//! result with a fresh apply.
//!
//! A transactional down and the up after it run in one transaction that is committed only when
//! both restored their schema exactly, so a broken down is reported and rolled back, and the
//! migrations after it are still tested from the right state.

mod report;
mod upgrade;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use strata_analyzer::migration::SqlFile;
use strata_analyzer::{Migration, MigrationSet};

use crate::schema::{self, compare, Describer, Description, ScratchDb, Script};
use report::{Outcome, Problem, Report};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// A missing down file is an error, not a warning.
    #[arg(long)]
    require_down: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also upgrade from the migrations at this git ref (a release tag, main) and require the
    /// result to equal a fresh apply.
    #[arg(long, value_name = "GIT_REF")]
    from: Option<String>,
}

pub(crate) fn run(dir: &Path, url: Option<&str>, args: &Args) -> Result<ExitCode, String> {
    let set = super::load_files(dir)?;
    // A down that does not even parse cannot be proven: an error here, a warning for `up`.
    let broken: Vec<String> =
        set.migrations.iter().filter_map(|m| m.down_error.as_ref()).map(|d| d.to_string()).collect();
    if !broken.is_empty() {
        return Err(format!("{} down file(s) do not parse:\n{}", broken.len(), broken.join("\n")));
    }
    let url = url.ok_or(super::NO_DATABASE)?;
    let started = Instant::now();
    let mut report = Report::default();
    {
        let db = ScratchDb::create(url, "strata_test")?;
        report.database = db.name.clone();
        let mut client = db.connect()?;
        let describer = prepare(&mut client)?;
        let mut prover = Prover { client, describer, require_down: args.require_down, report };
        if let Some(snapshots) = prover.forward(&set) {
            let fresh = prover.snapshot();
            prover.downs_to_empty(&set, &snapshots);
            if let (Some(rev), Some(fresh)) = (&args.from, fresh) {
                let upgrade = upgrade::check(url, dir, &set, rev, &fresh);
                prover.report.upgrade = Some(upgrade);
            }
        } else if let Some(rev) = &args.from {
            prover.report.upgrade = Some(upgrade::skipped(rev));
        }
        report = prover.report;
    }
    report.elapsed = started.elapsed();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json()).unwrap_or_default());
    } else {
        report.print();
    }
    Ok(if report.errors() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The description query, planned once for the whole run.
fn prepare(client: &mut postgres::Client) -> Result<Describer, String> {
    client
        .batch_execute("SET plan_cache_mode = force_generic_plan")
        .and_then(|()| Describer::prepare(client, None))
        .map_err(|e| format!("cannot prepare the schema description: {}", schema::db_message(&e)))
}

struct Prover {
    client: postgres::Client,
    describer: Describer,
    require_down: bool,
    report: Report,
}

/// Why the forward pass cannot go on: the database is no longer at a known state.
struct Stop;

/// Outside a transaction a failed or inexact down cannot be undone.
const UNKNOWN_STATE: &str = "it ran outside a transaction, so the database is no longer at a known state: \
                             the migrations after it were not tested";

impl Prover {
    /// Every migration in order; the schema before each one's up (the last entry: after all),
    /// or `None` when a failure left the database where later migrations cannot be tested.
    fn forward(&mut self, set: &MigrationSet) -> Option<Vec<Description>> {
        let mut snapshots = Vec::with_capacity(set.migrations.len() + 1);
        let mut before = self.snapshot()?;
        for m in &set.migrations {
            let started = Instant::now();
            let mut outcome = Outcome::new(m);
            let result = self.cycle(m, &before, &mut outcome);
            outcome.elapsed = started.elapsed();
            self.report.migrations.push(outcome);
            snapshots.push(before);
            before = result.ok()?;
        }
        snapshots.push(before);
        Some(snapshots)
    }

    /// up, snapshot, down, compare, up again, compare; the schema after the up on success.
    fn cycle(&mut self, m: &Migration, before: &Description, out: &mut Outcome) -> Result<Description, Stop> {
        let up_in_transaction = !m.directives.no_transaction;
        let applied = if up_in_transaction {
            self.in_transaction(&m.up, |_, _| Ok(()))
        } else {
            self.autocommit(&m.up)
        };
        if let Err(message) = applied {
            out.problem(Problem::error("up_failed", format!("the up fails: {message}")));
            out.problem(Problem::error("stopped", "later migrations were not tested: they need this one"));
            return Err(Stop);
        }
        let after_up = self.snapshot().ok_or(Stop)?;
        let Some(down) = &m.down else {
            let message = "no down file: it cannot be rolled back";
            out.problem(if self.require_down {
                Problem::error("down_missing", message)
            } else {
                Problem::warning("down_missing", message)
            });
            return Ok(after_up);
        };
        let empty_down = down.statements.is_empty();
        if up_in_transaction && !no_transaction(down) {
            self.cycle_in_transaction(m, down, before, &after_up, empty_down, out);
            return Ok(after_up);
        }
        self.cycle_autocommit(m, down, before, &after_up, empty_down, out)?;
        Ok(after_up)
    }

    /// The down and the up again in one transaction, committed only if both were exact.
    fn cycle_in_transaction(
        &mut self,
        m: &Migration,
        down: &SqlFile,
        before: &Description,
        after_up: &Description,
        empty_down: bool,
        out: &mut Outcome,
    ) {
        let describer = self.describer.clone();
        let result = self.in_transaction(down, |client, out_problems| {
            let after_down = describer.describe(client).map_err(|e| format!("describing the schema: {e}"))?;
            let differences = compare(before, &after_down);
            if !differences.is_empty() {
                out_problems.push(not_restored(empty_down, differences));
                return Err(String::new());
            }
            if empty_down {
                out_problems.push(Problem::warning(
                    "down_empty",
                    "the down file is empty (the up changes no schema)",
                ));
            }
            schema::execute(client, Script::of(&m.up)).map_err(|e| {
                out_problems
                    .push(Problem::error("up_not_repeatable", format!("the up fails after its down: {e}")));
                String::new()
            })?;
            let again = describer.describe(client).map_err(|e| format!("describing the schema: {e}"))?;
            let differences = compare(after_up, &again);
            if !differences.is_empty() {
                out_problems.push(
                    Problem::error("up_not_repeatable", "the up after its down builds a different schema")
                        .with(differences),
                );
                return Err(String::new());
            }
            Ok(())
        });
        for p in self.report.pending.drain(..) {
            out.problem(p);
        }
        match result {
            Ok(()) => out.down_ok = true,
            Err(message) if !message.is_empty() => {
                out.problem(Problem::error("down_failed", format!("the down fails: {message}")))
            }
            Err(_) => {}
        }
    }

    /// A down or up that runs outside a transaction: a failure part way cannot be undone.
    fn cycle_autocommit(
        &mut self,
        m: &Migration,
        down: &SqlFile,
        before: &Description,
        after_up: &Description,
        empty_down: bool,
        out: &mut Outcome,
    ) -> Result<(), Stop> {
        if let Err(e) = schema::execute(&mut self.client, Script::of(down)) {
            out.problem(Problem::error("down_failed", format!("the down fails: {e}")));
            if e.statements_done == 0 {
                return Ok(());
            }
            out.problem(Problem::error("stopped", UNKNOWN_STATE));
            return Err(Stop);
        }
        let after_down = self.snapshot().ok_or(Stop)?;
        let differences = compare(before, &after_down);
        if !differences.is_empty() {
            out.problem(not_restored(empty_down, differences));
            out.problem(Problem::error("stopped", UNKNOWN_STATE));
            return Err(Stop);
        }
        let again = if m.directives.no_transaction {
            self.autocommit(&m.up)
        } else {
            self.in_transaction(&m.up, |_, _| Ok(()))
        };
        if let Err(message) = again {
            out.problem(Problem::error(
                "up_not_repeatable",
                format!("the up fails after its down: {message}"),
            ));
            out.problem(Problem::error("stopped", UNKNOWN_STATE));
            return Err(Stop);
        }
        let differences = compare(after_up, &self.snapshot().ok_or(Stop)?);
        if !differences.is_empty() {
            out.problem(
                Problem::error("up_not_repeatable", "the up after its down builds a different schema")
                    .with(differences),
            );
            out.problem(Problem::error("stopped", UNKNOWN_STATE));
            return Err(Stop);
        }
        out.down_ok = true;
        Ok(())
    }

    /// Every down, newest first, then the schema compared with the one before the first up.
    /// Each down was proven exact in its own cycle, so the schema is described once, at the end.
    fn downs_to_empty(&mut self, set: &MigrationSet, snapshots: &[Description]) {
        for (i, m) in set.migrations.iter().enumerate().rev() {
            let down_ok = self.report.migrations[i].down_ok;
            let label = format!("{} {}", m.version, m.name);
            let Some(down) = &m.down else {
                self.report.downs_stopped_at = Some(format!("{label}: it has no down file"));
                return;
            };
            if !down_ok {
                self.report.downs_stopped_at = Some(format!("{label}: its down is broken (see above)"));
                return;
            }
            let result = if no_transaction(down) || m.directives.no_transaction {
                self.autocommit(down)
            } else {
                self.in_transaction(down, |_, _| Ok(()))
            };
            if let Err(message) = result {
                let message = format!("after the later downs ran, the down fails: {message}");
                self.report
                    .sequence_problems
                    .push((label.clone(), vec![Problem::error("down_failed", message)]));
                self.report.downs_stopped_at = Some(format!("{label}: its down failed (see above)"));
                return;
            }
        }
        let Some(empty) = self.snapshot() else { return };
        let differences = compare(&snapshots[0], &empty);
        if !differences.is_empty() {
            let message =
                "after every down ran, newest first, the schema differs from the one before the first up";
            let problem = Problem::error("down_not_exact", message).with(differences);
            self.report.sequence_problems.push(("the first migration".into(), vec![problem]));
            return;
        }
        self.report.downs_reached_empty = true;
    }

    /// Runs a file in its own transaction, then `check` in the same transaction; commits only if
    /// both succeed. Problems `check` finds go to `report.pending`; an `Err("")` means "already
    /// reported", any other `Err` is the failure message.
    fn in_transaction(
        &mut self,
        file: &SqlFile,
        check: impl FnOnce(&mut postgres::Client, &mut Vec<Problem>) -> Result<(), String>,
    ) -> Result<(), String> {
        let client = &mut self.client;
        client.batch_execute("BEGIN").map_err(|e| e.to_string())?;
        let result = schema::execute(client, Script::of(file))
            .map_err(|e| e.to_string())
            .and_then(|()| check(client, &mut self.report.pending));
        match result {
            Ok(()) => client.batch_execute("COMMIT").map_err(|e| {
                let at = file.path.display();
                format!("{at}: COMMIT fails: {}", schema::db_message(&e))
            }),
            Err(e) => {
                let _ = client.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    fn autocommit(&mut self, file: &SqlFile) -> Result<(), String> {
        schema::execute(&mut self.client, Script::of(file)).map_err(|e| e.to_string())
    }

    fn snapshot(&mut self) -> Option<Description> {
        match self.describer.describe(&mut self.client) {
            Ok(d) => Some(d),
            Err(e) => {
                self.report.fatal = Some(format!("cannot describe the schema: {}", schema::db_message(&e)));
                None
            }
        }
    }
}

fn not_restored(empty_down: bool, differences: Vec<schema::Difference>) -> Problem {
    let message = if empty_down {
        "the down file is empty, so it does not restore the schema"
    } else {
        "the down does not restore the schema before the up"
    };
    Problem::error("down_not_exact", message).with(differences)
}

/// A down runs without a transaction when its file says so (`DROP INDEX CONCURRENTLY`).
fn no_transaction(file: &SqlFile) -> bool {
    file.text
        .lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with("--"))
        .any(|l| matches!(l.trim_start_matches('-').trim(), "strata:no-transaction" | "no-transaction"))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(text: &str) -> SqlFile {
        SqlFile { path: PathBuf::from("1_a.down.sql"), text: text.into(), statements: Vec::new() }
    }

    #[test]
    fn a_down_file_may_ask_to_run_without_a_transaction() {
        assert!(no_transaction(&file("-- strata:no-transaction\nDROP INDEX CONCURRENTLY i;")));
        assert!(no_transaction(&file("\n-- drop it\n-- no-transaction\nDROP INDEX CONCURRENTLY i;")));
        assert!(!no_transaction(&file("DROP INDEX i;\n-- strata:no-transaction\n")));
    }
}
