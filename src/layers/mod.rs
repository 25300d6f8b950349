//! The layering, checked by reading the source: the core (`model`, `commands`,
//! `governance`) names nothing of the I/O edges and no crate that does I/O, reads no
//! clock; and no file of the library imports a file that imports it back, directly or
//! round a circle. One crate keeps the build simple; these tests are what separate
//! crates' `Cargo.toml`s would enforce.

mod graph;
mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each layer may name of the crate.
const LAYERS: [(&str, &[&str]); 3] = [
    ("model", &[]),
    ("commands", &["model"]),
    ("governance", &["model", "commands"]),
];

/// Words that mean I/O, a clock or async: none belongs in the core.
const FORBIDDEN: [&str; 17] = [
    "tokio",
    "sled",
    "reqwest",
    "megalodon",
    "tungstenite",
    "tracing",
    "std::fs",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "ToSocketAddrs",
    "std::process",
    "std::thread",
    "std::env",
    "Utc::now",
    "SystemTime",
    "async ",
];

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The files of a layer: `src/<layer>.rs` and everything under `src/<layer>/`, tests
/// excluded (they may drive the core with wire fixtures).
fn files_of(layer: &str) -> Vec<PathBuf> {
    let root = source_root();
    let mut files = vec![root.join(format!("{layer}.rs"))];
    let mut folders = vec![root.join(layer)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "tests") {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs")
                && path.file_name().is_some_and(|name| name != "tests.rs")
            {
                files.push(path);
            }
        }
    }
    files.retain(|file| file.exists());
    files
}

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file");
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => &text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string (a URL) is code; our comments start their line.
            Some(at) if line[..at].trim().is_empty() => "",
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate's top-level modules `text` names (`crate::store` → `store`).
fn crate_modules(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if rest.starts_with('{') {
            names.extend(brace_names(rest));
        } else if !name.is_empty() {
            names.insert(name);
        }
    }
    names
}

/// The first word of each path in `{a::b, c}`.
fn brace_names(text: &str) -> Vec<String> {
    let inner = text[1..].split('}').next().unwrap_or_default();
    inner
        .split(',')
        .filter_map(|item| item.trim().split("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_core_names_no_edge_and_does_no_io() {
    let mut problems = Vec::new();
    for (layer, allowed) in LAYERS {
        for file in files_of(layer) {
            let text = code(&file);
            let shown = file.strip_prefix(source_root()).unwrap_or(&file).display();
            for module in crate_modules(&text) {
                if module != layer && !allowed.contains(&module.as_str()) {
                    problems.push(format!("{shown} names crate::{module}"));
                }
            }
            for word in FORBIDDEN {
                if text.contains(word) {
                    problems.push(format!("{shown} uses {word}"));
                }
            }
        }
    }
    assert!(
        files_of("governance").len() > 10,
        "the core's files were found"
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let files = source::library();
    assert!(
        files.len() > 100,
        "the library's files were found: {}",
        files.len()
    );
    let graph = graph::Graph::of(&files);
    let arrows: usize = graph.arrows.values().map(|to| to.len()).sum();
    assert!(arrows > 200, "the imports were read: {arrows} arrows");
    let circles: Vec<String> = graph
        .circles()
        .into_iter()
        .map(|circle| {
            circle
                .into_iter()
                .map(|(from, to)| format!("  {} → {}", files[from].shown(), files[to].shown()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "files that import each other, directly or round a circle:\n{}",
        circles.join("\n\n")
    );
}

/// The top-level modules, each the sum of its files: none reaches back to a module that
/// reaches it (the site, pure, never climbs to the wire; the wire never to the config).
#[test]
fn no_top_level_module_imports_one_that_imports_it_back() {
    let files = source::library();
    let graph = graph::Graph::of(&files);
    let top = |index: usize| files[index].module.first().cloned();
    let mut arrows: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, targets) in &graph.arrows {
        for to in targets {
            if let (Some(a), Some(b)) = (top(*from), top(*to)) {
                if a != b {
                    arrows
                        .entry(a)
                        .or_default()
                        .entry(b)
                        .or_default()
                        .insert(format!("{} → {}", files[*from].shown(), files[*to].shown()));
                }
            }
        }
    }
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.module.first().cloned())
        .collect();
    // A module that reaches itself again through the others is on a circle.
    let reaches = |start: &str| {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<String> = arrows
            .get(start)
            .map(|to| to.keys().cloned().collect())
            .unwrap_or_default();
        while let Some(module) = queue.pop() {
            if seen.insert(module.clone()) {
                queue.extend(
                    arrows
                        .get(&module)
                        .into_iter()
                        .flat_map(|to| to.keys().cloned()),
                );
            }
        }
        seen
    };
    let circled: Vec<String> = modules
        .iter()
        .filter(|module| reaches(module).contains(*module))
        .map(|module| {
            let back: Vec<String> = arrows
                .get(module)
                .into_iter()
                .flatten()
                .filter(|(to, _)| reaches(to).contains(module))
                .flat_map(|(_, why)| why.iter().cloned())
                .collect();
            format!("{module}:\n  {}", back.join("\n  "))
        })
        .collect();
    assert!(
        circled.is_empty(),
        "top-level modules on a circle, with their arrows that lead back:\n{}",
        circled.join("\n")
    );
}
