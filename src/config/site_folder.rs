//! Where a site may be written: never the root, the home folder or the bot's database.
//! `[publish] dir` is checked with it, and so is every folder `coopgov publish` writes.

use std::path::{Component, Path, PathBuf};

/// Why `target` must never be replaced by a site, or `None`. `storage` is the bot's
/// database and `home` the user's home folder; all three absolute and resolved.
pub fn refusal(target: &Path, storage: &Path, home: Option<&Path>) -> Option<String> {
    if target.parent().is_none() || target.file_name().is_none() {
        return Some(
            "it is the root folder; give the site a folder of its own, like /var/www/governance"
                .to_string(),
        );
    }
    if home.is_some_and(|home| home.starts_with(target)) {
        return Some("it is, or holds, the home folder; give the site a folder of its own, like ~/governance-site".to_string());
    }
    if storage.starts_with(target) {
        return Some(format!("it holds the bot's database {}, which publishing would replace; give the site a folder of its own", storage.display()));
    }
    if target.starts_with(storage) {
        return Some(format!(
            "it is inside the bot's database {}; give the site a folder of its own",
            storage.display()
        ));
    }
    None
}

/// `path` made absolute, through the symbolic links of the part that exists (the rest
/// is yet to be created), so a link cannot hide that it points at home or the database.
pub fn resolved(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match std::fs::canonicalize(existing) {
            Ok(real) => {
                let mut real = real;
                real.extend(rest.iter().rev());
                return Ok(normalised(&real));
            }
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    existing = parent;
                }
                _ => return Ok(normalised(&absolute)),
            },
        }
    }
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn normalised(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
