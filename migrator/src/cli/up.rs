//! `strata up`: apply pending migrations, each reported as it is applied.

use std::process::ExitCode;

use std::sync::Arc;

use super::observe::Observer;
use super::Files;
use crate::migrate::{MigrateError, Migrator};

pub(crate) fn run(
    client: &mut postgres::Client,
    (migrator, observer): (Migrator, Arc<Observer>),
    files: &Files,
) -> Result<ExitCode, String> {
    match migrator.run(client) {
        Ok(applied) => {
            let summary = match applied.len() {
                0 => format!(
                    "strata: up to date ({} migration(s) applied before)",
                    migrator.migrations().len()
                ),
                n => format!("strata: applied {n} migration(s)"),
            };
            observer.finish(&summary, true)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let message = failure(files, e) + &observer.before_failure("applied");
            observer.finish(&message, false)?;
            Err(message)
        }
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
