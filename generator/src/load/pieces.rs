//! YAML parsed on every core: a large block mapping is cut where its entries start, each run of
//! entries parsed as a document of its own, and the pieces' maps joined in order.
//!
//! A cut is made only at a line indented exactly as the mapping's first key and starting like a
//! key. Inside a block or plain scalar such a line cannot occur (it would end the scalar), so a
//! line that is not a real entry boundary is inside a quoted scalar or a flow collection, and the
//! piece before it ends with that left open: it fails to parse. A piece also fails on an alias
//! of another piece's anchor. On any failure, and on a key repeated across pieces, [`parse`]
//! answers `None` and the caller parses the whole text in one piece, which gives the value, or
//! the error and its line, exactly as it always did.

use rayon::prelude::*;
use serde_json::{Map, Value};

/// A mapping's entries, in order: runs of entries as text, and entries split further.
enum Piece<'t> {
    Text(&'t str),
    Nested(String, Vec<Piece<'t>>),
}

/// Parses `text` in pieces of about `piece_bytes`, or `None` (see the module docs).
pub(super) fn parse(text: &str, piece_bytes: usize, one: fn(&str) -> Option<Value>) -> Option<Value> {
    if text.len() < 2 * piece_bytes || text.starts_with('\u{feff}') {
        return None;
    }
    let lines = Lines::new(text)?;
    let cut = Cut { lines: &lines, piece_bytes, one };
    let pieces = cut.mapping(0..lines.shapes.len(), 0, 0)?;
    if pieces.len() < 2 {
        return None;
    }
    join(&pieces, one).map(Value::Object)
}

fn join(pieces: &[Piece], one: fn(&str) -> Option<Value>) -> Option<Map<String, Value>> {
    let maps: Vec<Map<String, Value>> = pieces
        .par_iter()
        .map(|piece| match piece {
            Piece::Text(text) => match one(text)? {
                Value::Object(map) => Some(map),
                _ => None,
            },
            Piece::Nested(key, pieces) => Some(Map::from_iter([(key.clone(), Value::Object(join(pieces, one)?))])),
        })
        .collect::<Option<_>>()?;
    let mut maps = maps.into_iter();
    let mut all = maps.next()?;
    for map in maps {
        for (key, value) in map {
            if all.insert(key, value).is_some() {
                return None;
            }
        }
    }
    Some(all)
}

/// The text by lines: where each starts, how far it is indented, its first byte after that.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// (indent, first byte after it), or `None` for a blank or comment line.
    shapes: Vec<Option<(usize, u8)>>,
}

impl<'t> Lines<'t> {
    /// `None` when a line starts with a directive or a document marker: they change how the
    /// rest reads, so nothing is cut around them.
    fn new(text: &'t str) -> Option<Self> {
        let (mut starts, mut shapes) = (Vec::new(), Vec::new());
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let bytes = line.as_bytes();
            if bytes.starts_with(b"---") || bytes.starts_with(b"...") || bytes.starts_with(b"%") {
                return None;
            }
            let indent = bytes.iter().take_while(|&&b| b == b' ').count();
            shapes.push(match bytes.get(indent) {
                None | Some(b'\n' | b'\r' | b'#') => None,
                Some(&b) => Some((indent, b)),
            });
            starts.push(at);
            at += line.len();
        }
        Some(Lines { text, starts, shapes })
    }

    fn span(&self, lines: std::ops::Range<usize>) -> &'t str {
        let end = self.starts.get(lines.end).map_or(self.text.len(), |&e| e);
        &self.text[self.starts[lines.start]..end]
    }

    fn shape(&self, i: usize) -> Option<(usize, u8)> {
        self.shapes[i]
    }
}

/// How many levels of mappings are cut: a document's top level, `components` or `paths`, and
/// `components/schemas`. Each level reads its lines once more, so no deeper.
const LEVELS: usize = 3;

/// What every level of cutting shares: the text's lines, the size of a piece, the parser.
struct Cut<'l, 't> {
    lines: &'l Lines<'t>,
    piece_bytes: usize,
    one: fn(&str) -> Option<Value>,
}

impl<'t> Cut<'_, 't> {
    /// The pieces of the block mapping on `range` whose keys are indented `indent`, `level`
    /// levels down, or `None` when its first line does not start a key there.
    fn mapping(&self, range: std::ops::Range<usize>, indent: usize, level: usize) -> Option<Vec<Piece<'t>>> {
        let lines = self.lines;
        let starts_key = |b: u8| !matches!(b, b' ' | b'\t' | b'-' | b'?' | b':' | b'[' | b'{' | b'|' | b'>');
        let entries: Vec<usize> =
            range.clone().filter(|&i| lines.shape(i).is_some_and(|(n, b)| n == indent && starts_key(b))).collect();
        let first = range.clone().find(|&i| lines.shape(i).is_some())?;
        if entries.first() != Some(&first) {
            return None;
        }
        let mut pieces = Vec::new();
        let mut run: Option<usize> = None;
        let ends = entries.iter().skip(1).copied().chain([range.end]);
        for (&start, end) in entries.iter().zip(ends) {
            let bytes = lines.span(start..end).len();
            if bytes > self.piece_bytes && level + 1 < LEVELS {
                if let Some(nested) = self.nested(start..end, indent, level + 1) {
                    if let Some(from) = run.take() {
                        pieces.push(Piece::Text(lines.span(from..start)));
                    }
                    pieces.push(nested);
                    continue;
                }
            }
            let from = *run.get_or_insert(start);
            if lines.span(from..end).len() >= self.piece_bytes {
                pieces.push(Piece::Text(lines.span(from..end)));
                run = None;
            }
        }
        if let Some(from) = run {
            pieces.push(Piece::Text(lines.span(from..range.end)));
        }
        Some(pieces)
    }

    /// The entry on `range` (a key on its first line, nothing after the colon) as a mapping of
    /// its own, `level` levels down, split further; `None` when it is anything else.
    fn nested(&self, range: std::ops::Range<usize>, indent: usize, level: usize) -> Option<Piece<'t>> {
        let header = self.lines.span(range.start..range.start + 1).trim_end();
        let key = header.strip_suffix(':')?.trim_start();
        if !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'$')) {
            return None;
        }
        // The key as YAML reads it (`200` is the string "200").
        let Value::Object(parsed) = (self.one)(header)? else { return None };
        let (key, _) = parsed.into_iter().next()?;
        let body = range.start + 1..range.end;
        let (inner, _) = body.clone().find_map(|i| self.lines.shape(i))?;
        if inner <= indent {
            return None;
        }
        Some(Piece::Nested(key, self.mapping(body, inner, level)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<Value> {
        super::super::parse_one(text).ok()
    }

    /// In pieces of `bytes` bytes, or `None`; checked equal to the whole text in one piece.
    fn in_pieces(text: &str, bytes: usize) -> Option<Value> {
        let value = parse(text, bytes, one)?;
        assert_eq!(Some(&value), one(text).as_ref(), "{text}");
        Some(value)
    }

    #[test]
    fn every_upstream_revision_reads_the_same_in_pieces() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi");
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let crlf = text.replace('\n', "\r\n");
                assert!(in_pieces(&crlf, 4 << 10).is_some(), "{}: CRLF not cut", path.display());
                for bytes in [64 << 10, 4 << 10, 1] {
                    // Same value and the same key order.
                    let value = in_pieces(&text, bytes).unwrap_or_else(|| panic!("{}: not cut", path.display()));
                    assert_eq!(serde_json::to_string(&value).ok(), serde_json::to_string(&one(&text)).ok());
                }
                read += 1;
            }
        }
        assert_eq!(read, 7);
    }

    #[test]
    fn nested_mappings_are_cut_at_their_own_keys() {
        let text = "a: 1\nb:\n  # note\n  c:\n    d: x\n  200:\n    - 1\n  e: |\n    text\n    more\n\nf: [1,\n  2]\n";
        let value = in_pieces(text, 1).unwrap();
        assert_eq!(value["b"]["200"], serde_json::json!([1]));
    }

    #[test]
    fn what_a_piece_cannot_read_alone_is_read_whole() {
        // A quoted scalar with a line that looks like a key, an alias of an earlier piece's
        // anchor, a key repeated across pieces, a document marker: none is cut.
        assert_eq!(in_pieces("a: \"x\nb: y\"\nc: 1\n", 1), None);
        assert_eq!(in_pieces("a: &x {k: 1}\nb: *x\n", 1), None);
        assert_eq!(in_pieces("a: 1\nb: 2\na: 3\n", 1), None);
        assert_eq!(in_pieces("---\na: 1\nb: 2\n", 1), None);
        assert_eq!(in_pieces("- a\n- b\n", 1), None);
        // An anchor used within its own piece is fine.
        assert!(in_pieces("a: &x {k: 1}\nb: 2\n", 1).is_some());
    }
}
