//! `strata up`: apply pending migrations, each reported as it is applied.

use std::process::ExitCode;

use super::run_args::Done;
use super::Files;
use crate::migrate::{MigrateError, Migrator};

pub(crate) fn run(
    client: &mut postgres::Client,
    (migrator, done): (Migrator, Done),
    files: &Files,
) -> Result<ExitCode, String> {
    match migrator.run(client) {
        Ok(applied) if applied.is_empty() => {
            println!("strata: up to date ({} migration(s) applied before)", migrator.migrations().len());
            Ok(ExitCode::SUCCESS)
        }
        Ok(applied) => {
            println!("strata: applied {} migration(s)", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(failure(files, e) + &done.before_failure("applied")),
    }
}

/// The error, prefixed with the failing file when there is one.
pub(crate) fn failure(files: &Files, e: MigrateError) -> String {
    let version = match &e {
        MigrateError::Failed { version, .. }
        | MigrateError::InDoubt { version, .. }
        | MigrateError::Blocked { version, .. } => Some(*version),
        _ => None,
    };
    let file = version.and_then(|v| files.get(&v)).map(|f| format!("{}: ", f.display())).unwrap_or_default();
    format!("{file}{e}")
}
