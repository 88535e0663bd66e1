//! `strata validate`: the migration files on their own (names, versions, pairs, parse errors,
//! directives, what psql would have run but the server will not), and with a database whether
//! they agree with its history.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use strata_analyzer::{Diagnostic, MigrationSet};

use super::lint::{print, sources};
use super::{load_set, migrator_of};
use crate::report::{Finding, Format, Sources};

pub(crate) fn run(dir: &Path, url: Option<&str>, format: Format) -> Result<ExitCode, String> {
    let (findings, sources, summary) = findings(dir, url)?;
    Ok(print(format, &findings, &sources, &summary))
}

/// Shared with `strata check`.
pub(crate) fn findings(dir: &Path, url: Option<&str>) -> Result<(Vec<Finding>, Sources, String), String> {
    let mut findings = file_checks(dir);
    let set = load_set(dir);
    let count = set.as_ref().map_or(0, |s| s.migrations.len());
    let sources = set.as_ref().map(sources).unwrap_or_default();
    match &set {
        Err(problems) => findings.extend(problems.iter().cloned()),
        Ok(set) => {
            // A down file that does not parse is only a warning for `up`; here it is an error.
            findings.extend(
                set.migrations
                    .iter()
                    .filter_map(|m| m.down_error.as_ref())
                    .map(|d| Finding::from_diagnostic("validate", d)),
            );
            if let Some(url) = url {
                findings.extend(plan_checks(set, url)?);
            }
        }
    }
    findings.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    findings.dedup();
    Ok((findings, sources, format!("validated {count} migration(s) in {}", dir.display())))
}

/// Files the loader would skip or mis-pair, and text the server will not run.
fn file_checks(dir: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut names: Vec<String> =
        entries.flatten().filter_map(|e| e.file_name().to_str().map(str::to_string)).collect();
    names.sort();
    let mut pairs: BTreeMap<i64, (Option<String>, Option<String>)> = BTreeMap::new();
    for name in &names {
        let path = dir.join(name);
        let lower = name.to_ascii_lowercase();
        let looks_like_migration =
            name.split_once('_').is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
        if lower.ends_with(".sql") && !name.ends_with(".sql") {
            out.push(error(
                &path,
                format!("\"{name}\" is not read: the extension must be lower-case .sql"),
                "rename it, e.g. 1_create_users.up.sql",
            ));
            continue;
        }
        if looks_like_migration && !name.ends_with(".sql") && !name.starts_with('.') {
            out.push(warning(
                &path,
                format!("\"{name}\" looks like a migration but does not end in .sql, so it is not read"),
                "rename it to <version>_<name>.up.sql, or move it out of the migrations directory",
            ));
            continue;
        }
        let Some(stem) = name.strip_suffix(".sql") else { continue };
        let (stem, up) = match (stem.strip_suffix(".up"), stem.strip_suffix(".down")) {
            (Some(s), _) => (s, true),
            (_, Some(s)) => (s, false),
            _ => (stem, true),
        };
        if let Some((version, label)) = stem.split_once('_') {
            if let Ok(v) = version.parse::<i64>() {
                let slot = pairs.entry(v).or_default();
                if up {
                    slot.0 = Some(label.to_string())
                } else {
                    slot.1 = Some(label.to_string())
                }
                if version.len() == 14 && !valid_timestamp(version) {
                    out.push(warning(
                        &path,
                        format!(
                            "version {version} looks like a timestamp but is not a valid UTC date and time"
                        ),
                        "use YYYYMMDDHHMMSS, e.g. what `strata new` writes",
                    ));
                }
            }
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            out.extend(meta_commands(&path, &text));
        }
    }
    for (version, pair) in pairs {
        if let (Some(up), Some(down)) = pair {
            if up != down {
                let path = dir.join(format!("{version}_{down}.down.sql"));
                out.push(error(
                    &path,
                    format!(
                        "the down file of version {version} is named \"{down}\" but its up file \"{up}\""
                    ),
                    &format!("rename it to {version}_{up}.down.sql"),
                ));
            }
        }
    }
    out
}

/// psql backslash commands (`\i`, `\set`, `\connect`…) at the start of a line.
fn meta_commands(path: &Path, text: &str) -> Vec<Finding> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let trimmed = line.trim_start();
            let command = trimmed.strip_prefix('\\')?;
            let name: String = command.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if name.is_empty() {
                return None;
            }
            let mut f = error(path, format!("psql meta-command \\{name} is not SQL: strata sends the file to the server, which cannot run it"), "write the SQL it stands for (e.g. paste the included file) or use -- strata: directives");
            f.line = i + 1;
            f.column = line.len() - trimmed.len() + 1;
            Some(f)
        })
        .collect()
}

fn plan_checks(set: &MigrationSet, url: &str) -> Result<Vec<Finding>, String> {
    let mut client = crate::connect::connect(url)?;
    let plan = migrator_of(set).status(&mut client).map_err(|e| e.to_string())?;
    Ok(plan
        .iter()
        .filter(|e| e.status.blocks())
        .map(|e| {
            let file = set.migrations.iter().find(|m| m.version == e.version).map(|m| m.up.path.clone());
            Finding {
                code: format!("plan-{}", e.status.as_str().replace('_', "-")),
                severity: strata_analyzer::Severity::Error,
                file,
                line: 1,
                column: 1,
                span: None,
                message: format!(
                    "migration {} ({}): {}",
                    e.version,
                    e.name,
                    e.status.as_str().replace('_', " ")
                ),
                help: Some(e.status.explain().to_string()),
                docs: None,
            }
        })
        .collect())
}

fn valid_timestamp(v: &str) -> bool {
    let n = |r: std::ops::Range<usize>| v[r].parse::<u32>().unwrap_or(99);
    (1..=12).contains(&n(4..6))
        && (1..=31).contains(&n(6..8))
        && n(8..10) < 24
        && n(10..12) < 60
        && n(12..14) < 60
}

fn error(path: &Path, message: String, help: &str) -> Finding {
    Finding::from_diagnostic("validate", &Diagnostic::error(message).in_file(path).hint(help))
}

fn warning(path: &Path, message: String, help: &str) -> Finding {
    Finding::from_diagnostic("validate", &Diagnostic::warning(message).in_file(path).hint(help))
}
