//! `strata check`: the CI gate. validate + lint, and with a database the plan (edited, missing,
//! out-of-order migrations) and drift (the live schema against its latest snapshot, and the
//! snapshot against the files); one summary, non-zero exit on any error.

use std::path::Path;
use std::process::ExitCode;

use super::lint::{print, LintArgs};
use super::{load_set, validate};

pub(crate) fn run(dir: &Path, url: Option<&str>, args: &LintArgs) -> Result<ExitCode, String> {
    let (mut findings, sources, validated) = validate::findings(dir, url)?;
    let mut summary = validated;
    if let Ok(set) = load_set(dir) {
        let (lint_findings, linted) = super::lint::findings(&set, url, args)?;
        findings.extend(lint_findings);
        summary.push_str(&format!("; {linted}"));
        if let Some(url) = url {
            let mut client = crate::connect::connect(url)?;
            let (drift, drifted) = super::drift::findings(&mut client, &set)?;
            findings.extend(drift);
            summary.push_str(&format!("; {drifted}"));
        }
    } else {
        summary.push_str("; lint skipped: the migrations do not load");
    }
    Ok(print(args.format(), &findings, &sources, &format!("check: {summary}")))
}
