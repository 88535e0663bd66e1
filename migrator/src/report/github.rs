//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, shown on
//! the pull request's diff at the file and line.

use super::{counts, level, Finding};

pub fn render(findings: &[Finding], summary: &str) -> String {
    let mut out = String::new();
    for f in findings {
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", property(&file.display().to_string())));
            props.push(format!("line={}", f.line));
            props.push(format!("col={}", f.column));
        }
        props.push(format!("title={}", property(&format!("strata {}", f.code))));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        if let Some(docs) = &f.docs {
            message.push_str(&format!("\nsee {docs}"));
        }
        out.push_str(&format!("::{} {}::{}\n", level(f.severity), props.join(","), data(&message)));
    }
    let (errors, warnings) = counts(findings);
    out.push_str(&format!("strata: {summary}: {errors} error(s), {warnings} warning(s)\n"));
    out
}

/// Escaping of a command's message, as the Actions toolkit does it.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a property value: also `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
