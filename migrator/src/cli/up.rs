//! `strata up`: apply pending migrations.

use std::process::ExitCode;

use super::Files;
use crate::migrate::{MigrateError, Migrator};

pub(crate) fn run(
    client: &mut postgres::Client,
    migrator: Migrator,
    files: &Files,
) -> Result<ExitCode, String> {
    match migrator.run(client) {
        Ok(applied) if applied.is_empty() => {
            println!("strata: up to date ({} migration(s) applied before)", migrator.migrations().len());
            Ok(ExitCode::SUCCESS)
        }
        Ok(applied) => {
            for a in &applied {
                println!("applied {} {} ({:.1} ms)", a.version, a.name, a.duration.as_secs_f64() * 1000.0);
            }
            println!("strata: applied {} migration(s)", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (MigrateError::Failed { version, .. } | MigrateError::InDoubt { version, .. })) => {
            let file = files.get(&version).map(|f| format!("{}: ", f.display())).unwrap_or_default();
            Err(format!("{file}{e}"))
        }
        Err(e) => Err(e.to_string()),
    }
}
