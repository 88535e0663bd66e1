use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a migration file or a query, located by line and column (1-based,
/// columns counted in characters) so editors and humans can jump to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in; `None` for the text of a `query!`.
    pub file: Option<PathBuf>,
    pub line: usize,
    pub column: usize,
    /// The Postgres SQLSTATE the server would raise for the same problem, when there is one.
    pub sqlstate: Option<&'static str>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 1,
            column: 1,
            sqlstate: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the diagnostic at a byte offset of `text`.
    pub fn at(mut self, text: &str, offset: usize) -> Self {
        let (line, column) = LineIndex::new(text).line_column(offset);
        self.line = line;
        self.column = column;
        self
    }

    pub fn sqlstate(mut self, code: &'static str) -> Self {
        self.sqlstate = Some(code);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: message (SQLSTATE)` then `  hint: …`, the gcc form tools parse.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}: {level}: {}", self.line, self.column, self.message)?;
        if let Some(code) = self.sqlstate {
            write!(f, " (SQLSTATE {code})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Maps byte offsets to 1-based line and character columns.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, line_starts }
    }

    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_starts.get(line - 1).copied().unwrap_or(self.text.len());
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "select 1;\nselect 'é', x;\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(10), (2, 1));
        let x = text.find("x;").unwrap();
        assert_eq!(index.line_column(x), (2, 13));
        assert_eq!(index.line_text(2), "select 'é', x;");
    }

    #[test]
    fn display_is_gcc_style_with_hint() {
        let d = Diagnostic::error("column \"nme\" does not exist")
            .in_file("migrations/1_a.up.sql")
            .at("a\nb nme", 4)
            .sqlstate("42703")
            .hint("did you mean \"name\"?");
        assert_eq!(
            d.to_string(),
            "migrations/1_a.up.sql:2:3: error: column \"nme\" does not exist (SQLSTATE 42703)\n  hint: did you mean \"name\"?"
        );
    }
}
