//! Machine output: one JSON document with every finding and the counts.

use serde_json::{json, Value};

use super::{counts, level, Finding};

pub fn finding(f: &Finding) -> Value {
    json!({
        "code": f.code,
        "level": level(f.severity),
        "file": f.file.as_ref().map(|p| p.display().to_string()),
        "line": f.line,
        "column": f.column,
        "message": f.message,
        "help": f.help,
        "docs": f.docs,
    })
}

pub fn render(findings: &[Finding], summary: &str) -> String {
    let (errors, warnings) = counts(findings);
    let doc = json!({
        "summary": summary,
        "errors": errors,
        "warnings": warnings,
        "findings": findings.iter().map(finding).collect::<Vec<_>>(),
    });
    format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
}
