//! A site written whole or not at all: into a new folder beside the target, flushed to
//! disk, then swapped with the old one in one `renameat2(RENAME_EXCHANGE)`, so a web
//! server serves either the old site or the new one, never half of either.

use crate::config::{refusal, resolved};
use crate::site::SiteFile;
use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tracing::{info, warn};

/// Written into every site, so that a folder holding anything else is never replaced.
pub const MARKER: &str = ".coopgov-site";
const MARKER_TEXT: &str = "Written by coopgov publish. This whole folder is replaced at \
                           every publish: keep nothing else in it.\n";
/// Readable by a web server running as another account; written only by the bot.
const FILE_MODE: u32 = 0o644;
const FOLDER_MODE: u32 = 0o755;
const ADVICE: &str = "check that the account coopgov runs as may write there and in the \
                      folder around it (the site is written beside it, then swapped in), \
                      and that the disk is not full";

/// Why the site was not written; the `Display` says what to do.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A folder coopgov must not replace.
    #[error("will not publish into {}: {why}", target.display())]
    Refused { target: PathBuf, why: String },
    #[error("could not {doing} {}: {error}; {ADVICE}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// Neither `--out` nor `[publish] dir` says where.
    #[error("say where to write the site: coopgov publish --out <folder>, or set dir in the [publish] table of {}", config.display())]
    NoFolder { config: PathBuf },
    /// The records could not be read, from the running bot or its store.
    #[error(transparent)]
    Records(#[from] crate::query::QueryError),
    /// The writer stopped before it finished (it panicked or was cancelled).
    #[error("writing the site failed: {0}")]
    Interrupted(String),
    /// `site::render` named a file outside the site: a bug, never the reader's doing.
    #[error("the site's file {} would land outside its folder; nothing was written (this is a bug in coopgov: please report it)", .0.display())]
    OutsideTheSite(PathBuf),
}

fn io<'a>(doing: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> PublishError + 'a {
    move |error| PublishError::Io {
        doing,
        path: path.to_path_buf(),
        error,
    }
}

/// Where a site went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The site's folder, absolute.
    pub folder: PathBuf,
    /// How many files `render` gave.
    pub files: usize,
}

/// Where the site at `folder` is kept once replaced: `.<name>.previous` beside it.
pub fn previous_of(folder: &Path) -> PathBuf {
    let name = folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder.with_file_name(format!(".{name}.previous"))
}

/// Writes `files` as the site at `target`, replacing whatever site was there in one
/// step. The previous site is kept beside it (`.<name>.previous`) until the next
/// publish, so a reader who had already opened its folder still finds its files.
pub fn write_site(
    target: &Path,
    files: &[SiteFile],
    storage: &Path,
) -> Result<Written, PublishError> {
    let refused = |why: String| PublishError::Refused {
        target: target.to_path_buf(),
        why,
    };
    let folder = resolved(target).map_err(io("find", target))?;
    let storage = resolved(storage).map_err(io("find", storage))?;
    let home = std::env::var_os("HOME").and_then(|home| resolved(Path::new(&home)).ok());
    if let Some(why) = refusal(&folder, &storage, home.as_deref()) {
        return Err(refused(why));
    }
    let (Some(parent), Some(name)) = (folder.parent(), folder.file_name()) else {
        return Err(refused("it has no parent folder".to_string()));
    };
    let name = name.to_string_lossy().into_owned();
    std::fs::create_dir_all(parent).map_err(io("create the folder", parent))?;
    let exists = replaceable(&folder, target)?;
    sweep_leftovers(parent, &name);
    let staging = parent.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    if let Err(error) = build(&staging, files) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    let previous = previous_of(&folder);
    if let Err(error) = swap_in(&staging, &folder, &previous, exists) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    sync_folder(parent).map_err(io("flush the folder", parent))?;
    Ok(Written {
        folder,
        files: files.len(),
    })
}

/// Numbers this process's staging folders, so two writes never share one.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Whether a site is already at `folder` (`target` resolved); refused, naming `target`,
/// when something else is.
fn replaceable(folder: &Path, target: &Path) -> Result<bool, PublishError> {
    let refused = |why: String| PublishError::Refused {
        target: target.to_path_buf(),
        why,
    };
    let found = match std::fs::symlink_metadata(folder) {
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(refused(format!("it cannot be read ({error})"))),
        Ok(found) => found,
    };
    if found.file_type().is_symlink() {
        return Err(refused("it is a symbolic link, which publishing would replace; give the folder it points to instead".to_string()));
    }
    if !found.is_dir() {
        return Err(refused("it is a file, not a folder".to_string()));
    }
    let mut entries = std::fs::read_dir(folder)
        .map_err(|error| refused(format!("it cannot be read ({error})")))?;
    let empty = entries.next().is_none();
    if empty || folder.join(MARKER).is_file() {
        return Ok(true);
    }
    Err(refused(format!(
        "it holds files coopgov did not write, and publishing replaces the whole folder; \
         give the site an empty or new folder of its own, like {}",
        folder.join("governance").display()
    )))
}

/// Removes staging folders that a process which no longer runs left behind (a crash or
/// a kill in the middle of a write). Another live process's are left alone.
fn sweep_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        if !alive && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes every file under `staging`, a new folder, and flushes them and their folders.
fn build(staging: &Path, files: &[SiteFile]) -> Result<(), PublishError> {
    new_folder(staging)?;
    let marker = SiteFile {
        path: PathBuf::from(MARKER),
        bytes: MARKER_TEXT.as_bytes().to_vec(),
    };
    let mut folders = vec![staging.to_path_buf()];
    for file in files.iter().chain([&marker]) {
        let relative = inside(&file.path)?;
        let path = staging.join(relative);
        let mut folder = staging.to_path_buf();
        for component in relative.parent().into_iter().flat_map(Path::components) {
            folder.push(component);
            if !folders.contains(&folder) {
                new_folder(&folder)?;
                folders.push(folder.clone());
            }
        }
        write_file(&path, &file.bytes)?;
    }
    // Deepest first, so each folder is flushed after what it holds.
    for folder in folders.iter().rev() {
        sync_folder(folder).map_err(io("flush the folder", folder))?;
    }
    Ok(())
}

/// `path` as a relative path of plain names only: nothing absolute, no `..`.
fn inside(path: &Path) -> Result<&Path, PublishError> {
    let plain = path
        .components()
        .all(|component| matches!(component, Component::Normal(_)));
    match plain && path.components().next().is_some() {
        true => Ok(path),
        false => Err(PublishError::OutsideTheSite(path.to_path_buf())),
    }
}

/// A folder that did not exist (never one found there, nor a link), mode 755 whatever
/// the umask.
fn new_folder(path: &Path) -> Result<(), PublishError> {
    DirBuilder::new()
        .mode(FOLDER_MODE)
        .create(path)
        .map_err(io("create the folder", path))?;
    std::fs::set_permissions(path, Permissions::from_mode(FOLDER_MODE))
        .map_err(io("set the permissions of", path))
}

/// A new file (never one found there, nor through a link), mode 644 whatever the
/// umask, on disk before this returns.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(io("create the file", path))?;
    file.write_all(bytes).map_err(io("write", path))?;
    file.set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(io("set the permissions of", path))?;
    file.sync_all().map_err(io("flush", path))
}

fn sync_folder(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Puts the site at `staging` where `folder` is. With `exists`, the old site is swapped
/// out in the same step; where the file system cannot swap, it is moved aside first,
/// and for that moment the folder is missing.
fn swap_in(
    staging: &Path,
    folder: &Path,
    previous: &Path,
    exists: bool,
) -> Result<(), PublishError> {
    if !exists {
        match std::fs::rename(staging, folder) {
            Ok(()) => return Ok(()),
            // Another publish put a site there meanwhile: swap with it as below.
            Err(error) if matches!(error.raw_os_error(), Some(libc::ENOTEMPTY | libc::EEXIST)) => {}
            Err(error) => return Err(io("move the new site to", folder)(error)),
        }
    }
    match exchange(staging, folder) {
        Ok(()) => {
            // `staging` now holds the old site.
            retire(staging, previous);
            Ok(())
        }
        Err(error)
            if matches!(
                error.raw_os_error(),
                Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
            ) =>
        {
            info!(folder = %folder.display(), %error, "this file system cannot swap folders in one step; the site is moved aside and replaced, so for a moment it is missing");
            let _ = std::fs::remove_dir_all(previous);
            std::fs::rename(folder, previous)
                .map_err(io("move the old site aside from", folder))?;
            std::fs::rename(staging, folder).map_err(|error| {
                // Better the old site than none.
                let _ = std::fs::rename(previous, folder);
                io("move the new site to", folder)(error)
            })
        }
        Err(error) => Err(io("swap the new site with", folder)(error)),
    }
}

/// Keeps the site just replaced as `previous`, in place of the one before it.
fn retire(old: &Path, previous: &Path) {
    match std::fs::remove_dir_all(previous) {
        Ok(()) => {}
        Err(error) if error.kind() == ErrorKind::NotFound => {}
        Err(error) => {
            warn!(folder = %previous.display(), %error, "could not remove the site before the last one")
        }
    }
    if let Err(error) = std::fs::rename(old, previous) {
        warn!(folder = %old.display(), %error, "could not keep the previous site; removing it");
        let _ = std::fs::remove_dir_all(old);
    }
}

/// `renameat2(from, to, RENAME_EXCHANGE)`: both names stay, their folders trade places.
fn exchange(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    Ok(renameat_with(CWD, from, CWD, to, RenameFlags::EXCHANGE)?)
}
