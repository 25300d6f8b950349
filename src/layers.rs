//! The layering, checked by reading the source: the core (`model`, `commands`,
//! `governance`) names nothing of the I/O edges and no crate that does I/O, reads no
//! clock, and its modules import each other without a loop. One crate keeps the build
//! simple; this test is what a separate core crate's `Cargo.toml` would enforce.

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

/// The sibling modules of `governance` a file names, through `super::`,
/// `crate::governance::` or the names `governance/mod.rs` re-exports.
fn governance_edges(
    text: &str,
    reexports: &BTreeMap<String, String>,
    modules: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut edges = BTreeSet::new();
    for prefix in ["super::", "crate::governance::"] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let names = if rest.starts_with('{') {
                brace_names(rest)
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                vec![name]
            };
            for name in names {
                if modules.contains(&name) {
                    edges.insert(name);
                } else if let Some(module) = reexports.get(&name) {
                    edges.insert(module.clone());
                }
            }
        }
    }
    edges
}

#[test]
fn the_core_s_modules_import_each_other_without_a_loop() {
    let root = source_root().join("governance");
    let modules: BTreeSet<String> = std::fs::read_dir(&root)
        .expect("src/governance")
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            (name != "mod" && name != "tests").then_some(name)
        })
        .collect();
    // `pub use rules::{Method, Outcome};` → Method and Outcome live in rules.
    let mut reexports = BTreeMap::new();
    for line in code(&root.join("mod.rs")).lines() {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        let names = names.trim_end_matches(';');
        let names: Vec<&str> = match names.strip_prefix('{') {
            Some(list) => list
                .trim_end_matches('}')
                .split(',')
                .map(str::trim)
                .collect(),
            None => vec![names],
        };
        for name in names {
            reexports.insert(name.to_string(), module.to_string());
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in &modules {
        let file = root.join(format!("{module}.rs"));
        let files = if file.exists() {
            vec![file]
        } else {
            files_of(&format!("governance/{module}"))
        };
        let mut edges = BTreeSet::new();
        for file in files {
            let nested = file.parent() != Some(root.as_path())
                && file.file_name().is_some_and(|name| name != "mod.rs");
            let text = code(&file);
            // In a folder module's files, `super::` is the folder itself.
            let text = if nested {
                text.replace("super::", "self::")
            } else {
                text
            };
            edges.extend(governance_edges(&text, &reexports, &modules));
        }
        edges.remove(module);
        graph.insert(module.clone(), edges);
    }
    assert!(graph.values().any(|edges| !edges.is_empty()), "{graph:?}");
    // Depth-first search; a module met again on the current path closes a loop.
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        if let Some(at) = path.iter().position(|m| m == module) {
            return Err(format!("{} → {module}", path[at..].join(" → ")));
        }
        if !done.insert(module.to_string()) {
            return Ok(());
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path, done)?;
        }
        path.pop();
        Ok(())
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        let mut path = Vec::new();
        if let Err(cycle) = visit(module, &graph, &mut path, &mut done) {
            panic!("the core's modules import each other in a loop: {cycle}\n{graph:#?}");
        }
    }
}
