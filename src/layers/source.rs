//! Rust source as the layering tests read it: each file's module path, and its code
//! without comments, string contents and test modules, so that only real paths remain.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A module path from the crate root: `["governance", "engine", "open"]`.
pub type ModulePath = Vec<String>;

/// One source file of the library, with what the tests read of it.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub module: ModulePath,
    pub code: String,
}

impl SourceFile {
    /// The path as people read it: `governance/engine/open.rs`.
    pub fn shown(&self) -> String {
        self.path
            .strip_prefix(source_root())
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }
}

pub fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every file of the library, from `lib.rs` down through its `mod` declarations; modules
/// declared under `#[cfg(test)]` (and so everything below them) are left out: tests may
/// reach anywhere.
pub fn library() -> Vec<SourceFile> {
    let root = source_root();
    let mut files = Vec::new();
    let mut queue = vec![(root.join("lib.rs"), ModulePath::new())];
    while let Some((path, module)) = queue.pop() {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let code = without_test_modules(&cleaned(&text));
        for child in declared_modules(&code) {
            let folder = match path.file_name().and_then(|name| name.to_str()) {
                Some("lib.rs" | "mod.rs") => path.parent().map(Path::to_path_buf),
                _ => Some(path.with_extension("")),
            }
            .unwrap_or_default();
            let file = folder.join(format!("{child}.rs"));
            let file = match file.exists() {
                true => file,
                false => folder.join(&child).join("mod.rs"),
            };
            let mut child_module = module.clone();
            child_module.push(child);
            queue.push((file, child_module));
        }
        files.push(SourceFile { path, module, code });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The modules `code` declares with `mod name;` (not `#[cfg(test)]` ones: they are gone
/// from the code already).
fn declared_modules(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim();
        let rest = ["mod ", "pub mod ", "pub(crate) mod ", "pub(super) mod "]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix));
        if let Some(name) = rest.and_then(|rest| rest.strip_suffix(';')) {
            names.insert(name.trim().to_string());
        }
    }
    names
}

/// `text` without comments, and with every string's and character's contents blanked,
/// so that a word inside them is never read as code. Line breaks are kept.
pub fn cleaned(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        if c == '/' && next == Some('/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while at < chars.len() {
                if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                    depth += 1;
                    at += 2;
                } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[at] == '\n' {
                        out.push('\n');
                    }
                    at += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"') | Some('#'))
            && !is_ident(chars.get(at.wrapping_sub(1)).copied())
        {
            // A raw string: r"…", r#"…"#.
            let mut hashes = 0;
            let mut look = at + 1;
            while chars.get(look) == Some(&'#') {
                hashes += 1;
                look += 1;
            }
            if chars.get(look) != Some(&'"') {
                out.push(c);
                at += 1;
                continue;
            }
            at = look + 1;
            out.push_str("\"\"");
            while at < chars.len() {
                if chars[at] == '"' && (0..hashes).all(|i| chars.get(at + 1 + i) == Some(&'#')) {
                    at += 1 + hashes;
                    break;
                }
                if chars[at] == '\n' {
                    out.push('\n');
                }
                at += 1;
            }
        } else if c == '"' {
            at += 1;
            out.push_str("\"\"");
            while at < chars.len() && chars[at] != '"' {
                if chars[at] == '\\' {
                    at += 1;
                }
                if chars.get(at) == Some(&'\n') {
                    out.push('\n');
                }
                at += 1;
            }
            at += 1;
        } else if c == '\'' {
            // A character ('x', '\n', '\u{200B}'); otherwise a lifetime, kept.
            let closing = match next {
                Some('\\') => chars[at + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| at + 2 + p),
                Some(_) if chars.get(at + 2) == Some(&'\'') => Some(at + 2),
                _ => None,
            };
            match closing {
                Some(end) => {
                    out.push_str("' '");
                    at = end + 1;
                }
                None => {
                    out.push(c);
                    at += 1;
                }
            }
        } else {
            out.push(c);
            at += 1;
        }
    }
    out
}

fn is_ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `code` without its `#[cfg(test)]` items: `mod tests;` declarations and inline
/// `mod tests { … }` blocks.
fn without_test_modules(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        // The item the attribute is on: up to its `;`, or its balanced `{ … }`.
        let semicolon = after.find(';');
        let brace = after.find('{');
        let end = match (semicolon, brace) {
            (Some(semi), Some(open)) if semi < open => semi + 1,
            (Some(semi), None) => semi + 1,
            (_, Some(open)) => {
                let mut depth = 0;
                let mut end = after.len();
                for (index, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + index + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_strings_and_test_modules_are_not_code() {
        let text = "use crate::a; // crate::b\nlet s = \"crate::c\"; let r = r#\"crate::d\"#;\n/* crate::e */ let c = '\\''; fn f<'a>() {}\n#[cfg(test)]\nmod tests { use crate::f; }\n#[cfg(test)]\nmod more;\nuse crate::g;";
        let code = without_test_modules(&cleaned(text));
        for gone in [
            "crate::b", "crate::c", "crate::d", "crate::e", "crate::f", "mod more",
        ] {
            assert!(!code.contains(gone), "{gone} in {code}");
        }
        for kept in ["use crate::a;", "use crate::g;", "fn f<'a>()"] {
            assert!(code.contains(kept), "{kept} not in {code}");
        }
    }
}
