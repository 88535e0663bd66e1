//! `strata status`: applied and pending migrations, and whatever disagrees.

use std::process::ExitCode;

use crate::migrate::{Migrator, Status};

pub(crate) fn run(client: &mut postgres::Client, migrator: &Migrator) -> Result<ExitCode, String> {
    let plan = migrator.status(client).map_err(|e| e.to_string())?;
    let width = plan.iter().map(|e| e.name.len()).max().unwrap_or(4).max(4);
    println!("{:>14}  {:<width$}  {:<17}  APPLIED AT", "VERSION", "NAME", "STATUS");
    for e in &plan {
        let at = e.applied_at.as_deref().unwrap_or("");
        println!("{:>14}  {:<width$}  {:<17}  {at}", e.version, e.name, e.status.as_str());
    }
    let pending = plan.iter().filter(|e| e.status == Status::Pending).count();
    let problems: Vec<_> = plan.iter().filter(|e| e.status.blocks()).collect();
    println!(
        "strata: {} applied, {pending} pending, {} problem(s)",
        plan.iter().filter(|e| e.status == Status::Applied).count(),
        problems.len()
    );
    for p in &problems {
        eprintln!("  {} {}: {}", p.version, p.name, p.status.explain());
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
