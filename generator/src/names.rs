//! The one place Rust identifiers are made from names found in a spec.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The identifier style a name is wanted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, methods, modules.
    Snake,
    /// `UpperCamelCase`: types and enum variants.
    Pascal,
    /// A tag as a module name: words split on punctuation only, lower-cased and joined by
    /// `_`, so `OAuth` becomes `oauth` rather than `o_auth`.
    Module,
}

/// Keywords of every edition; `r#` cannot be used for `self`, `Self`, `super`, `crate`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Turns any spec name into a valid Rust identifier in `case`.
///
/// Punctuation separates words (`text/plain` → `text_plain`), characters that cannot start
/// an identifier get a prefix (`5XX` → `_5xx` / `V5xx`), an empty name becomes `value`/`Value`,
/// and keywords get a trailing underscore (`type` → `type_`) so no raw identifiers appear.
pub fn sanitize(name: &str, case: Case) -> String {
    match shortcut(name, case) {
        Some(mut out) => {
            if KEYWORDS.contains(&out.as_str()) {
                out.push('_');
            }
            out
        }
        None => spelled(name, case),
    }
}

/// `sanitize` by the general rule (heck splits the words).
fn spelled(name: &str, case: Case) -> String {
    // Keep ASCII alphanumerics, turn everything else into a word break; a leading `-` on a
    // number is a sign, worth keeping as a word so `-1` and `1` differ.
    let mut spaced = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    if name.starts_with('-') && name[1..].starts_with(|c: char| c.is_ascii_digit()) {
        spaced.push_str("minus ");
        chars.next();
    }
    for c in chars {
        if c.is_ascii_alphanumeric() {
            spaced.push(c);
        } else {
            spaced.push(' ');
        }
    }
    let mut out = match case {
        Case::Snake => spaced.to_snake_case(),
        Case::Pascal => spaced.to_upper_camel_case(),
        Case::Module => spaced.split_whitespace().map(str::to_ascii_lowercase).collect::<Vec<_>>().join("_"),
    };
    if out.is_empty() {
        out = match case {
            Case::Snake | Case::Module => "value".into(),
            Case::Pascal => "Value".into(),
        };
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, if case == Case::Pascal { "V" } else { "_" });
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `sanitize` without heck (a formatter call per character), bar the keyword suffix, for the
/// names most specs are made of: `snake_case` (lower-case letters and digits, words joined by
/// one `_`) in any case, and `UpperCamelCase` in which every capital but the first follows a
/// lower-case letter, digits between allowed, as heck splits words. `None` for anything else.
fn shortcut(name: &str, case: Case) -> Option<String> {
    let bytes = name.as_bytes();
    let snake = bytes.first().is_some_and(u8::is_ascii_lowercase)
        && !name.ends_with('_')
        && !name.contains("__")
        && bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    match case {
        Case::Snake | Case::Module => snake.then(|| name.to_owned()),
        Case::Pascal if snake => {
            let mut out = String::with_capacity(name.len());
            for word in name.split('_') {
                let (first, rest) = word.split_at(1);
                out.push_str(&first.to_ascii_uppercase());
                out.push_str(rest);
            }
            Some(out)
        }
        Case::Pascal => {
            let mut after_lower = false;
            let camel = bytes.first().is_some_and(u8::is_ascii_uppercase)
                && bytes[1..].iter().all(|&b| {
                    let fine = b.is_ascii_lowercase() || b.is_ascii_digit() || (b.is_ascii_uppercase() && after_lower);
                    if !b.is_ascii_digit() {
                        after_lower = b.is_ascii_lowercase();
                    }
                    fine
                });
            camel.then(|| name.to_owned())
        }
    }
}

/// The builder method that sets a field: `with_` + the field name without the underscores
/// `sanitize` added (`type_` → `with_type`, `_5xx` → `with_5xx`).
pub fn setter(field: &str) -> String {
    format!("with_{}", field.trim_matches('_'))
}

/// Hands out names unique within one scope (a module's types, a struct's fields, an enum's
/// variants): the second `foo_bar` becomes `foo_bar_2`, in the order names are asked for, so
/// the result is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: std::collections::BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Whether `name` is still free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// `sanitize(name, case)`, suffixed with the first free number when already taken.
    pub fn unique(&mut self, name: &str, case: Case) -> String {
        let base = sanitize(name, case);
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = match case {
                Case::Pascal => format!("{base}{n}"),
                // `type_` + 2 reads `type_2`, not `type__2` (which is not snake case).
                Case::Snake | Case::Module if base.ends_with('_') => format!("{base}{n}"),
                Case::Snake | Case::Module => format!("{base}_{n}"),
            };
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_spelled_without_heck_are_spelled_as_heck_would() {
        // Every name of up to six characters from letters of both cases, a digit and
        // separators, in every case: where the shortcut applies, it agrees with heck.
        let alphabet = ['a', 'b', 'A', 'B', '1', '_', ' '];
        let mut names = vec![String::new()];
        let mut shortcuts = 0;
        for _ in 0..6 {
            names = names.iter().flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}"))).collect();
            for name in &names {
                for case in [Case::Snake, Case::Pascal, Case::Module] {
                    if shortcut(name, case).is_some() {
                        assert_eq!(sanitize(name, case), spelled(name, case), "{name:?} {case:?}");
                        shortcuts += 1;
                    }
                }
            }
        }
        assert!(shortcuts > 1000, "{shortcuts}");
        for (name, case) in
            [("type", Case::Snake), ("self", Case::Pascal), ("Self", Case::Pascal), ("crate", Case::Module)]
        {
            assert!(shortcut(name, case).is_some());
            assert_eq!(sanitize(name, case), spelled(name, case));
        }
    }

    #[test]
    fn sanitize_table() {
        let table = [
            ("exchangeAuthCodeForAPIKey", Case::Snake, "exchange_auth_code_for_api_key"),
            ("exchangeAuthCodeForAPIKey", Case::Pascal, "ExchangeAuthCodeForApiKey"),
            ("createAuthCode", Case::Snake, "create_auth_code"),
            ("post /auth/keys/code", Case::Snake, "post_auth_keys_code"),
            ("post /auth/keys/code", Case::Pascal, "PostAuthKeysCode"),
            ("code_challenge_method", Case::Pascal, "CodeChallengeMethod"),
            ("S256", Case::Pascal, "S256"),
            ("plain", Case::Pascal, "Plain"),
            ("type", Case::Snake, "type_"),
            ("self", Case::Snake, "self_"),
            ("Self", Case::Pascal, "Self_"),
            ("crate", Case::Snake, "crate_"),
            ("async", Case::Snake, "async_"),
            ("ref", Case::Snake, "ref_"),
            ("$ref", Case::Snake, "ref_"),
            ("5XX", Case::Pascal, "V5xx"),
            ("5XX", Case::Snake, "_5xx"),
            ("-1", Case::Pascal, "Minus1"),
            ("1", Case::Pascal, "V1"),
            ("", Case::Snake, "value"),
            ("", Case::Pascal, "Value"),
            ("text/plain", Case::Snake, "text_plain"),
            ("a.b", Case::Pascal, "AB"),
            ("HTTP-Referer", Case::Snake, "http_referer"),
            ("über", Case::Snake, "ber"),
            ("日本", Case::Pascal, "Value"),
            ("OAuth", Case::Module, "oauth"),
            ("API Keys", Case::Module, "api_keys"),
            ("beta.responses", Case::Module, "beta_responses"),
        ];
        for (input, case, want) in table {
            assert_eq!(sanitize(input, case), want, "sanitize({input:?}, {case:?})");
        }
    }

    #[test]
    fn scope_disambiguates_collisions_in_request_order() {
        let mut scope = Scope::with_reserved(&["Client"]);
        assert_eq!(scope.unique("fooBar", Case::Snake), "foo_bar");
        assert_eq!(scope.unique("foo_bar", Case::Snake), "foo_bar_2");
        assert_eq!(scope.unique("FOO-BAR", Case::Snake), "foo_bar_3");
        assert_eq!(scope.unique("client", Case::Pascal), "Client2");
        assert_eq!(scope.unique("ref", Case::Snake), "ref_");
        assert_eq!(scope.unique("$ref", Case::Snake), "ref_2");
        assert_eq!(setter("ref_2"), "with_ref_2");
        assert_eq!(setter("_5xx"), "with_5xx");
        assert_eq!(setter("type_"), "with_type");
    }
}
