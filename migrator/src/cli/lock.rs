//! `strata lock break --why TEXT`: free the migration lease of a runner that is gone for good.

use std::process::ExitCode;

use clap::Subcommand;

use crate::migrate::Migrator;

#[derive(Subcommand)]
pub(crate) enum LockCommand {
    /// Free the lease whoever holds it; who broke it and why is recorded in strata.log. The
    /// previous holder's later ledger writes fail, so nothing it still does is recorded.
    Break {
        /// Why the lease is broken (recorded).
        #[arg(long)]
        why: String,
    },
}

pub(crate) fn run(client: &mut postgres::Client, command: &LockCommand) -> Result<ExitCode, String> {
    let LockCommand::Break { why } = command;
    let holder = client
        .simple_query(
            "SELECT format('%s (pid %s on %s, application %s, since %s)', holder, pid, host, application, \
             acquired_at) FROM strata.lease",
        )
        .ok()
        .and_then(|messages| {
            messages.into_iter().find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
                _ => None,
            })
        });
    if Migrator::break_lock(client, why).map_err(|e| e.to_string())? {
        println!("strata: broke the lease of {}", holder.as_deref().unwrap_or("a runner"));
    } else {
        println!("strata: the lease was free; nothing to break");
    }
    Ok(ExitCode::SUCCESS)
}
