//! `strata down [--to V | --steps N]`: revert the newest applied migrations with their down files.

use std::process::ExitCode;

use std::sync::Arc;

use super::observe::Observer;
use super::up::failure;
use super::Files;
use crate::migrate::{DownTo, Migration, Migrator};

pub(crate) fn run(
    client: &mut postgres::Client,
    (migrator, observer): (Migrator, Arc<Observer>),
    downs: &[Migration],
    to: DownTo,
    files: &Files,
) -> Result<ExitCode, String> {
    match migrator.down(client, downs, to) {
        Ok(reverted) => {
            let summary = match reverted.len() {
                0 => "strata: nothing to revert".to_string(),
                n => format!("strata: reverted {n} migration(s)"),
            };
            observer.finish(&summary, true)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let message = failure(files, e) + &observer.before_failure("reverted");
            observer.finish(&message, false)?;
            Err(message)
        }
    }
}
