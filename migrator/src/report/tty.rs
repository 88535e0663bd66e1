//! Human output: each finding with its source snippet, in rustc's style (annotate-snippets).

use annotate_snippets::{Level, Renderer, Snippet};

use super::{counts, Finding, Sources};
use strata_analyzer::Severity;

pub fn render(findings: &[Finding], sources: &Sources, summary: &str, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let origin = f.file.as_ref().map(|p| p.display().to_string());
        let location = origin.as_ref().map(|o| format!("{o}:{}:{}", f.line, f.column));
        let source = f.file.as_ref().and_then(|p| sources.get(p));
        let mut message = level.title(&f.message).id(&f.code);
        let label = f.help.as_deref().unwrap_or("");
        match (source, f.span, &origin) {
            (Some(text), Some((start, end)), Some(origin)) => {
                let mut end = end.max(start + 1).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1; // never cut a character in two (text.len() is a boundary)
                }
                let start = start.min(end);
                let snippet = Snippet::source(text).line_start(1).origin(origin).fold(true);
                message = message.snippet(snippet.annotation(level.span(start..end)));
            }
            _ => {
                if let Some(loc) = &location {
                    message = message.footer(Level::Note.title(loc));
                }
            }
        }
        if !label.is_empty() {
            message = message.footer(Level::Help.title(label));
        }
        let docs = f.docs.as_ref().map(|d| format!("see {d}"));
        if let Some(docs) = &docs {
            message = message.footer(Level::Note.title(docs));
        }
        out.push_str(&renderer.render(message).to_string());
        out.push_str("\n\n");
    }
    let (errors, warnings) = counts(findings);
    out.push_str(&format!("strata: {summary}: {errors} error(s), {warnings} warning(s)\n"));
    out
}
