//! Spec text made safe for rustdoc and Markdown.

/// Escapes a spec description for rustdoc: it can never open a code block (so never a
/// doctest), a broken intra-doc link, an HTML tag or a bare-URL warning, and control
/// characters are dropped. Inline code spans (`` `x` ``) are kept as they are.
pub fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape_line(line.trim_end()));
    }
    out
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let chars: Vec<char> = line.chars().filter(|c| !c.is_control() || *c == '\t').collect();
    let mut i = 0;
    // A line starting with four spaces or a tab would be an indented code block.
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    i += lead;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            let closes = !in_code && run == 1 && chars[i + 1..].contains(&'`');
            if run == 1 && (in_code || closes) {
                in_code = !in_code;
                out.push('`');
            } else {
                for _ in 0..run {
                    out.push_str("\\`");
                }
            }
            i += run;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        if c == 'h' && (starts_with(&chars[i..], "https://") || starts_with(&chars[i..], "http://")) {
            let url: String = chars[i..]
                .iter()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .collect();
            let url = url.trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.chars().count();
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' | ']' | '*' | '_' | '#' | '|' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unclosed span would swallow the rest of the paragraph.
        out.push('`');
    }
    out
}

/// Whether `chars` begins with `prefix` (per character: no string is built per position).
fn starts_with(chars: &[char], prefix: &str) -> bool {
    let mut rest = chars.iter();
    prefix.chars().all(|p| rest.next() == Some(&p))
}

#[cfg(test)]
mod tests {
    use super::doc_text;

    #[test]
    fn hostile_text_is_neutralised() {
        assert_eq!(doc_text("```rust\npanic!()\n```"), "\\`\\`\\`rust\npanic!()\n\\`\\`\\`");
        assert_eq!(doc_text("see [x] and <b>"), "see \\[x\\] and &lt;b&gt;");
        assert_eq!(doc_text("go to https://openrouter.ai/docs."), "go to <https://openrouter.ai/docs>.");
        assert_eq!(doc_text("a */ b \u{0} c"), "a \\*/ b  c");
        assert_eq!(doc_text("    indented"), "indented");
        assert_eq!(doc_text("keep `code_verifier` as is"), "keep `code_verifier` as is");
        assert_eq!(doc_text("a | b # c"), "a \\| b \\# c");
    }
}
