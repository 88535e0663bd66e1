//! `strata resolve VERSION --done|--retry`: a DBA's decision on the statement of an unfinished
//! `-- strata:no-transaction` migration whose outcome the catalog cannot tell.

use std::process::ExitCode;

use clap::Args;

use crate::migrate::Migrator;

#[derive(Args)]
pub(crate) struct ResolveArgs {
    /// The migration's version.
    version: i64,
    /// The statement completed: the next `strata up` skips it.
    #[arg(long, conflicts_with = "retry", required_unless_present = "retry")]
    done: bool,
    /// The statement did not take effect (or was undone by hand): the next `strata up` runs it.
    #[arg(long)]
    retry: bool,
    /// Why (recorded in strata.log).
    #[arg(long, default_value = "resolved with strata resolve")]
    why: String,
}

pub(crate) fn run(
    client: &mut postgres::Client,
    migrator: &Migrator,
    args: &ResolveArgs,
) -> Result<ExitCode, String> {
    let statement =
        migrator.resolve(client, args.version, args.done, &args.why).map_err(|e| e.to_string())?;
    println!(
        "strata: migration {} statement {statement} recorded as {}; run strata up to continue",
        args.version,
        if args.done { "done" } else { "to retry" }
    );
    Ok(ExitCode::SUCCESS)
}
