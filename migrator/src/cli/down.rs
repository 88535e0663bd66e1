//! `strata down [--to V | --steps N]`: revert the newest applied migrations with their down files.

use std::process::ExitCode;

use super::run_args::Done;
use super::up::failure;
use super::Files;
use crate::migrate::{DownTo, Migration, Migrator};

pub(crate) fn run(
    client: &mut postgres::Client,
    (migrator, done): (Migrator, Done),
    downs: &[Migration],
    to: DownTo,
    files: &Files,
) -> Result<ExitCode, String> {
    match migrator.down(client, downs, to) {
        Ok(reverted) if reverted.is_empty() => {
            println!("strata: nothing to revert");
            Ok(ExitCode::SUCCESS)
        }
        Ok(reverted) => {
            println!("strata: reverted {} migration(s)", reverted.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(failure(files, e) + &done.before_failure("reverted")),
    }
}
