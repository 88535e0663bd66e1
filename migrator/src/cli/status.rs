//! `strata status`: applied and pending migrations, and whatever disagrees.

use std::process::ExitCode;

use super::Files;
use crate::migrate::{MigrateError, Migrator, Status};

pub(crate) fn run(
    client: &mut postgres::Client,
    migrator: &Migrator,
    _files: &Files,
) -> Result<ExitCode, String> {
    let report = migrator.report(client).map_err(|e| e.to_string())?;
    let plan = &report.plan;
    let width = plan.iter().map(|e| e.name.len()).max().unwrap_or(4).max(4);
    println!("{:>14}  {:<width$}  {:<17}  APPLIED AT", "VERSION", "NAME", "STATUS");
    for e in plan {
        let at = e.applied_at.as_deref().unwrap_or("");
        println!("{:>14}  {:<width$}  {:<17}  {at}", e.version, e.name, e.status.as_str());
    }
    let pending = plan.iter().filter(|e| e.status == Status::Pending).count();
    let problems: Vec<_> = plan.iter().filter(|e| e.status.is_problem()).collect();
    println!(
        "strata: {} applied, {pending} pending, {} problem(s)",
        plan.iter().filter(|e| e.status == Status::Applied).count(),
        problems.len() + report.tampering.len()
    );
    for line in super::drift::status_lines(client) {
        println!("{line}");
    }
    if !report.tampering.is_empty() {
        eprintln!("{}", MigrateError::Tampered(report.tampering.clone()));
    }
    for p in &problems {
        eprintln!("  {} {}: {}", p.version, p.name, p.status.explain());
        for (_, statement, state) in report.unfinished.iter().filter(|(v, _, _)| *v == p.version) {
            let what = if state == "running" {
                "in doubt (the run stopped during it): strata up decides from the catalog where it can, \
                 else run strata resolve VERSION --done or --retry"
            } else {
                "failed: strata up retries it"
            };
            eprintln!("      statement {statement}: {what}");
        }
    }
    let clean = problems.is_empty() && report.tampering.is_empty();
    Ok(if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
