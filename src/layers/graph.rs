//! The crate's files as a graph: an arrow from a file to each file whose items it names
//! (through `use`, or a path in its code), re-exports followed to the file that defines
//! the item. `mod` declarations and `pub use` re-exports are a module's interface, not
//! arrows of their own; and a file's use of its own folder's `mod.rs` (the types and
//! helpers the folder shares, `super::…`) is the folder being one unit, not an arrow.

use super::source::{ModulePath, SourceFile};
use std::collections::{BTreeMap, BTreeSet};

/// The files each file names, by index in `files`.
pub struct Graph<'a> {
    pub files: &'a [SourceFile],
    pub arrows: BTreeMap<usize, BTreeSet<usize>>,
}

impl<'a> Graph<'a> {
    pub fn of(files: &'a [SourceFile]) -> Graph<'a> {
        let modules: BTreeMap<&ModulePath, usize> = files
            .iter()
            .enumerate()
            .map(|(index, file)| (&file.module, index))
            .collect();
        let reexports: Vec<Vec<Path>> = files
            .iter()
            .map(|file| reexported_paths(&file.code))
            .collect();
        let resolver = Resolver {
            files,
            modules: &modules,
            reexports: &reexports,
        };
        let mut arrows = BTreeMap::new();
        for (index, file) in files.iter().enumerate() {
            let mut named = BTreeSet::new();
            for path in named_paths(file, &modules) {
                if let Some(target) = resolver.resolve(index, &path, 0) {
                    let parent = &file.module[..file.module.len().saturating_sub(1)];
                    if target != index && files[target].module != parent {
                        named.insert(target);
                    }
                }
            }
            arrows.insert(index, named);
        }
        Graph { files, arrows }
    }

    /// Every circle: the groups of files that reach each other (Tarjan's strongly
    /// connected components of more than one file), each with its arrows.
    pub fn circles(&self) -> Vec<Vec<(usize, usize)>> {
        let mut tarjan = Tarjan {
            graph: self,
            index: 0,
            indices: BTreeMap::new(),
            lowlinks: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            groups: Vec::new(),
        };
        for file in 0..self.files.len() {
            if !tarjan.indices.contains_key(&file) {
                tarjan.visit(file);
            }
        }
        tarjan
            .groups
            .into_iter()
            .filter(|group| group.len() > 1)
            .map(|group| {
                let members: BTreeSet<usize> = group.into_iter().collect();
                members
                    .iter()
                    .flat_map(|from| {
                        self.arrows[from]
                            .iter()
                            .filter(|to| members.contains(to))
                            .map(move |to| (*from, *to))
                    })
                    .collect()
            })
            .collect()
    }
}

struct Tarjan<'g, 'a> {
    graph: &'g Graph<'a>,
    index: usize,
    indices: BTreeMap<usize, usize>,
    lowlinks: BTreeMap<usize, usize>,
    stack: Vec<usize>,
    on_stack: BTreeSet<usize>,
    groups: Vec<Vec<usize>>,
}

impl Tarjan<'_, '_> {
    fn visit(&mut self, file: usize) {
        self.indices.insert(file, self.index);
        self.lowlinks.insert(file, self.index);
        self.index += 1;
        self.stack.push(file);
        self.on_stack.insert(file);
        let next: Vec<usize> = self.graph.arrows[&file].iter().copied().collect();
        for to in next {
            if !self.indices.contains_key(&to) {
                self.visit(to);
                let low = self.lowlinks[&file].min(self.lowlinks[&to]);
                self.lowlinks.insert(file, low);
            } else if self.on_stack.contains(&to) {
                let low = self.lowlinks[&file].min(self.indices[&to]);
                self.lowlinks.insert(file, low);
            }
        }
        if self.lowlinks[&file] == self.indices[&file] {
            let mut group = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack.remove(&member);
                group.push(member);
                if member == file {
                    break;
                }
            }
            self.groups.push(group);
        }
    }
}

/// A path as written: where it starts, and its segments (`super::super::a::B` →
/// `Super(2)`, `[a, B]`; `use a::{b, c}` gives one path each).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Path {
    start: Start,
    segments: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Crate,
    /// `self`, or a child module named bare (`child::f()`, `use child::X`).
    Here,
    Super(usize),
}

/// Every path `file` names outside its `pub use` re-exports: `crate::`, `super::` and
/// `self::` paths, and paths through its own child modules.
fn named_paths(file: &SourceFile, modules: &BTreeMap<&ModulePath, usize>) -> Vec<Path> {
    let children: BTreeSet<String> = modules
        .keys()
        .filter(|module| module.len() == file.module.len() + 1 && module.starts_with(&file.module))
        .filter_map(|module| module.last().cloned())
        .collect();
    let code: String = file
        .code
        .lines()
        .map(|line| match is_reexport(line) {
            true => "",
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    paths_in(&code, &children)
}

fn is_reexport(line: &str) -> bool {
    let line = line.trim_start();
    ["pub use ", "pub(crate) use ", "pub(super) use "]
        .iter()
        .any(|prefix| line.starts_with(prefix))
}

/// The paths each `pub use` of `code` re-exports.
fn reexported_paths(code: &str) -> Vec<Path> {
    let mut statements = String::new();
    let mut inside = false;
    for line in code.lines() {
        if is_reexport(line) {
            inside = true;
        }
        if inside {
            let line = line.trim_start();
            let line = ["pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))
                .unwrap_or(line);
            statements.push_str(line);
            statements.push(' ');
            if line.contains(';') {
                inside = false;
                statements.push('\n');
            }
        }
    }
    let mut paths = Vec::new();
    for statement in statements.lines() {
        let statement = statement.trim().trim_end_matches(';');
        let start = statement.split("::").next().unwrap_or_default().trim();
        let (start, rest) = match start {
            "crate" => (
                Start::Crate,
                statement.split_once("::").map_or("", |(_, r)| r),
            ),
            "super" => (
                Start::Super(1),
                statement.split_once("::").map_or("", |(_, r)| r),
            ),
            "self" => (
                Start::Here,
                statement.split_once("::").map_or("", |(_, r)| r),
            ),
            _ => (Start::Here, statement),
        };
        for segments in expand(rest) {
            paths.push(Path { start, segments });
        }
    }
    paths
}

/// `a::{b, c::{d, e as f}}` → `[a, b]`, `[a, c, d]`, `[a, c, e]` (renamed items keep
/// the name they had, for resolving; `self` in a group is the group's own path).
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let plain = tree.split(" as ").next().unwrap_or(tree);
        let segments: Vec<String> = plain
            .split("::")
            .map(|segment| segment.trim().to_string())
            .filter(|segment| !segment.is_empty() && segment != "*")
            .collect();
        return vec![segments];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .map(|segment| segment.trim().to_string())
        .filter(|segment| !segment.is_empty())
        .collect();
    let close = tree.rfind('}').unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    let mut out = Vec::new();
    for item in items.into_iter().filter(|item| !item.trim().is_empty()) {
        for tail in expand(item) {
            let tail: Vec<String> = tail
                .into_iter()
                .filter(|segment| segment != "self")
                .collect();
            out.push(prefix.iter().cloned().chain(tail).collect());
        }
    }
    out
}

/// Every path in `code` that starts at `crate`, `super`, `self` or one of `children`.
fn paths_in(code: &str, children: &BTreeSet<String>) -> Vec<Path> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let starts_word = at == 0 || !is_ident_byte(bytes[at - 1]) && bytes[at - 1] != b':';
        if !starts_word || !is_ident_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let word_end = (at..bytes.len())
            .find(|&i| !is_ident_byte(bytes[i]))
            .unwrap_or(bytes.len());
        let word = &code[at..word_end];
        let rest = &code[word_end..];
        if !rest.starts_with("::") {
            at = word_end;
            continue;
        }
        let start = match word {
            "crate" => Start::Crate,
            "self" => Start::Here,
            "super" => Start::Super(1),
            child if children.contains(child) => Start::Here,
            _ => {
                at = word_end;
                continue;
            }
        };
        // The whole path: segments, and a `{…}` group if one follows a `::`.
        let mut end = word_end;
        let mut depth = 0;
        while end < bytes.len() {
            let c = bytes[end];
            if c == b'{' && code[..end].ends_with("::") {
                depth += 1;
            } else if c == b'}' && depth > 0 {
                depth -= 1;
            } else if depth == 0 && !(is_ident_byte(c) || c == b':') {
                break;
            }
            end += 1;
        }
        let text = &code[at..end];
        let (start, text) = match start {
            Start::Here if word != "self" => (Start::Here, text),
            Start::Here | Start::Crate => (start, text.split_once("::").map_or("", |(_, r)| r)),
            Start::Super(_) => {
                let mut levels = 0;
                let mut text = text;
                while let Some(rest) = text.strip_prefix("super::") {
                    levels += 1;
                    text = rest;
                }
                (Start::Super(levels), text)
            }
        };
        for segments in expand(text) {
            paths.push(Path {
                start,
                segments: segments.into_iter().filter(|s| s != "super").collect(),
            });
        }
        at = end;
    }
    paths
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

struct Resolver<'r> {
    files: &'r [SourceFile],
    modules: &'r BTreeMap<&'r ModulePath, usize>,
    reexports: &'r [Vec<Path>],
}

impl Resolver<'_> {
    /// The file that defines what `path`, written in file `from`, names: the deepest
    /// module it walks through, or, for an item that module re-exports, the file the
    /// re-export names (followed a few times at most).
    fn resolve(&self, from: usize, path: &Path, depth: usize) -> Option<usize> {
        let here = &self.files[from].module;
        let mut module: ModulePath = match path.start {
            Start::Crate => ModulePath::new(),
            Start::Here => here.clone(),
            Start::Super(levels) => here[..here.len().checked_sub(levels)?].to_vec(),
        };
        for segment in &path.segments {
            let mut deeper = module.clone();
            deeper.push(segment.clone());
            if self.modules.contains_key(&deeper) {
                module = deeper;
                continue;
            }
            let owner = *self.modules.get(&module)?;
            if depth < 5 {
                let reexport = self.reexports[owner]
                    .iter()
                    .find(|reexported| reexported.segments.last() == Some(segment));
                if let Some(reexported) = reexport {
                    return self.resolve(owner, reexported, depth + 1).or(Some(owner));
                }
            }
            return Some(owner);
        }
        self.modules.get(&module).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand_to_one_path_each() {
        assert_eq!(
            expand("a::{b, c::{d, e as f}, self}"),
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["a".into(), "c".into(), "d".into()],
                vec!["a".into(), "c".into(), "e".into()],
                vec!["a".into()],
            ]
        );
        let children = BTreeSet::from(["child".to_string()]);
        let found = paths_in(
            "use super::super::x::Y; let a = child::f(); crate::{m, n::O}; other::g();",
            &children,
        );
        let shown: Vec<(Start, Vec<String>)> = found
            .into_iter()
            .map(|path| (path.start, path.segments))
            .collect();
        assert_eq!(
            shown,
            vec![
                (Start::Super(2), vec!["x".to_string(), "Y".into()]),
                (Start::Here, vec!["child".into(), "f".into()]),
                (Start::Crate, vec!["m".into()]),
                (Start::Crate, vec!["n".into(), "O".into()]),
            ]
        );
    }
}
