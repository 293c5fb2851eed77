//! Errors the generator reports: each names the file, the place in it and what is wrong.

use std::fmt;

/// One problem found in a spec or in the generator's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as the user named it.
    pub file: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
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

/// A place in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A position found while parsing (1-based).
    Position {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// A JSON pointer into the document (`/paths/~1auth~1keys/post`, without the `#`), with
    /// the line it was found on when that could be worked out.
    Pointer {
        /// The pointer, RFC 6901 escaped.
        pointer: String,
        /// Its line in the file.
        line: Option<usize>,
    },
}

impl Location {
    /// A pointer whose line is not known yet.
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Location::Pointer { pointer: pointer.into(), line: None }
    }
}

impl fmt::Display for Location {
    /// `line 3, column 7`, `#/paths/~1a/get (line 12)`, `#/paths/~1a/get`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Position { line, column } => write!(f, "line {line}, column {column}"),
            Location::Pointer { pointer, line: Some(line) } => write!(f, "#{pointer} (line {line})"),
            Location::Pointer { pointer, line: None } => write!(f, "#{pointer}"),
        }
    }
}

/// Who is at fault; exit codes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The spec cannot be read or cannot be turned into a client.
    Spec,
    /// The options asked for something impossible (for example a tag the spec lacks).
    Usage,
    /// A bug of the generator (a template that does not render, Rust that does not parse):
    /// reported cleanly, never as the spec's fault.
    Internal,
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
    pub fn spec(file: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        Self::one(ErrorKind::Spec, file, location, message)
    }

    /// A generator bug found while working on `file`.
    pub fn internal(file: &str, message: impl Into<String>) -> Self {
        Self::one(ErrorKind::Internal, file, None, format!("internal error: {}", message.into()))
    }

    fn one(kind: ErrorKind, file: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        Self {
            kind,
            diagnostics: vec![Diagnostic { file: file.to_owned(), location, message: message.into(), hint: None }],
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

/// Undoes [`pointer_segment`].
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The section and name of a local component reference: `#/components/schemas/A~1B` →
/// (`schemas`, `A/B`). `None` for anything else (another file, another place).
pub fn component_ref(reference: &str) -> Option<(&str, String)> {
    let (section, name) = reference.strip_prefix("#/components/")?.split_once('/')?;
    (!name.contains('/')).then(|| (section, unescape_segment(name)))
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
            location: Some(Location::pointer(pointer)),
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
