//! Errors the generator reports: each names the file, the place in it and what is wrong.

use std::fmt;

/// One problem found in a spec or in the generator's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as the user named it.
    pub file: String,
    /// Where in the file: `line 3, column 7`, or a JSON pointer such as `#/paths/~1auth~1keys`.
    pub location: Option<String>,
    /// What is wrong, one line.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ": {location}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Whether the user's document or the user's command line is at fault; exit codes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The spec cannot be read or cannot be turned into a client.
    Spec,
    /// The options asked for something impossible (for example a tag the spec lacks).
    Usage,
}

/// A failed generation: every problem found, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Which side is at fault.
    pub kind: ErrorKind,
    /// The problems, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// A single spec problem.
    pub fn spec(file: &str, location: Option<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Spec,
            diagnostics: vec![Diagnostic {
                file: file.to_owned(),
                location,
                message: message.into(),
                hint: None,
            }],
        }
    }

    /// Adds a hint to the last diagnostic.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        if let Some(last) = self.diagnostics.last_mut() {
            last.hint = Some(hint.into());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Collects the diagnostics of one stage so several problems are reported in one run.
#[derive(Debug)]
pub struct Collector {
    file: String,
    diagnostics: Vec<Diagnostic>,
}

impl Collector {
    /// A collector for problems in `file`.
    pub fn new(file: &str) -> Self {
        Self { file: file.to_owned(), diagnostics: Vec::new() }
    }

    /// Records a problem at `pointer`.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.clone(),
            location: Some(format!("#{pointer}")),
            message: message.into(),
            hint: None,
        });
    }

    /// `Ok(value)` when nothing was recorded, else every recorded problem.
    pub fn finish<T>(self, value: T) -> Result<T, Error> {
        if self.diagnostics.is_empty() {
            Ok(value)
        } else {
            Err(Error { kind: ErrorKind::Spec, diagnostics: self.diagnostics })
        }
    }
}
