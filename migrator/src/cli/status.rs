//! `strata status`: applied and pending migrations, and whatever disagrees.

use std::process::ExitCode;

use super::{exit, Files};
use crate::migrate::{MigrateError, Migrator, PlanEntry, Status};

pub(crate) fn run(
    client: &mut postgres::Client,
    migrator: &Migrator,
    _files: &Files,
    json: bool,
) -> Result<ExitCode, String> {
    let report = migrator.report(client).map_err(|e| e.to_string())?;
    let plan = &report.plan;
    let code = if report.tampering.is_empty() { exit_code(plan) } else { ExitCode::from(exit::PROBLEM) };
    if json {
        let entries: Vec<serde_json::Value> = plan
            .iter()
            .map(|e| {
                serde_json::json!({
                    "version": e.version,
                    "name": e.name,
                    "status": e.status.as_str(),
                    "applied_at": e.applied_at,
                    "problem": e.status.is_problem().then(|| e.status.explain()),
                })
            })
            .collect();
        let count = |s: Status| plan.iter().filter(|e| e.status == s).count();
        let state = match () {
            _ if plan.iter().any(|e| e.status.is_problem()) || !report.tampering.is_empty() => "problem",
            _ if count(Status::Pending) > 0 => "pending",
            _ => "up_to_date",
        };
        let tampering = (!report.tampering.is_empty())
            .then(|| MigrateError::Tampered(report.tampering.clone()).to_string());
        let doc = serde_json::json!({
            "state": state,
            "applied": count(Status::Applied),
            "pending": count(Status::Pending),
            "problems": plan.iter().filter(|e| e.status.is_problem()).count(),
            "tampering": tampering,
            "migrations": entries,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Ok(code);
    }
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
    Ok(code)
}

/// 1 when files and history disagree, 3 when migrations are pending, else 0.
fn exit_code(plan: &[PlanEntry]) -> ExitCode {
    if plan.iter().any(|e| e.status.is_problem()) {
        ExitCode::from(exit::PROBLEM)
    } else if plan.iter().any(|e| e.status == Status::Pending) {
        ExitCode::from(exit::PENDING)
    } else {
        ExitCode::SUCCESS
    }
}
