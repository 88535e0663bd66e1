//! Output formats for findings: `text` (annotate-snippets, for people), `github` (workflow
//! annotations) and `json` (for tools). Every command that reports findings goes through here.

pub mod github;
pub mod json;
pub mod tty;

use std::collections::HashMap;
use std::path::PathBuf;

use strata_analyzer::lint::Violation;
use strata_analyzer::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Github,
    Json,
}

/// One finding, whatever produced it: a lint rule, validate, the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id, or the check's name (`validate`, `plan`).
    pub code: String,
    pub severity: Severity,
    pub file: Option<PathBuf>,
    pub line: usize,
    pub column: usize,
    /// Byte span in the file, for the snippet; `None` when there is no file to show.
    pub span: Option<(usize, usize)>,
    pub message: String,
    pub help: Option<String>,
    pub docs: Option<String>,
}

impl Finding {
    pub fn from_violation(v: &Violation) -> Finding {
        Finding {
            code: v.rule.to_string(),
            severity: v.severity,
            file: Some(v.file.clone()),
            line: v.line,
            column: v.column,
            span: Some((v.offset, v.offset + v.len)),
            message: v.message.clone(),
            help: v.help.clone(),
            docs: strata_analyzer::lint::rule(v.rule).map(|r| r.docs_url()),
        }
    }

    pub fn from_diagnostic(code: &str, d: &Diagnostic) -> Finding {
        let mut message = d.message.clone();
        if let Some(s) = d.sqlstate {
            message.push_str(&format!(" (SQLSTATE {s})"));
        }
        Finding {
            code: code.to_string(),
            severity: d.severity,
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            span: None,
            message,
            help: d.hint.clone(),
            docs: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of each file findings point into, for snippets.
pub type Sources = HashMap<PathBuf, String>;

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `N error(s), M warning(s)`.
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    (errors, findings.len() - errors)
}

pub fn render(format: Format, findings: &[Finding], sources: &Sources, summary: &str, color: bool) -> String {
    match format {
        Format::Text => tty::render(findings, sources, summary, color),
        Format::Github => github::render(findings, summary),
        Format::Json => json::render(findings, summary),
    }
}

#[cfg(test)]
mod tests;
