//! Installs the pinned mastodon_mock into a venv under the target dir, once per machine.
//!
//! Several test binaries (and threads) may start at once, so the install runs under an
//! exclusive `flock` on `<target>/mastodon-mock.lock`: the kernel drops it if a process
//! dies mid-install, so a crashed run never leaves a stale lock behind. A marker file,
//! written last, is what says "installed"; a half-finished venv never counts.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The version the harness was written against (its config and mock-only endpoints as
/// `tests/support/mock.rs` uses them; the package's own page on PyPI documents them).
pub const MOCK_VERSION: &str = "0.6.1";

/// How long to wait for another process that holds the install lock.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// `CARGO_TARGET_DIR` if set at run time, else `<manifest dir>/target`.
pub fn target_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => manifest_dir.join(dir), // join keeps an absolute path as is
        _ => manifest_dir.join("target"),
    }
}

/// Path of the `mastodon_mock` executable, installing it first if needed.
/// Blocking (the first install takes ~40 s): call it from `spawn_blocking`.
pub fn mock_executable() -> PathBuf {
    static EXECUTABLE: OnceLock<PathBuf> = OnceLock::new();
    EXECUTABLE.get_or_init(ensure_installed).clone()
}

fn ensure_installed() -> PathBuf {
    let venv = target_dir().join("mastodon-mock");
    let executable = venv.join("bin").join("mastodon_mock");
    let marker = venv.join(format!(".coopgov-mastodon_mock-{MOCK_VERSION}"));
    if marker.exists() {
        return executable;
    }

    let _lock = acquire_lock(&target_dir().join("mastodon-mock.lock"));
    if marker.exists() {
        return executable; // another process finished while we waited
    }
    if !(executable.exists() && has_dist_info(&venv)) {
        install(&venv);
    }
    if !executable.exists() {
        panic!(
            "pip reported success but {} does not exist",
            executable.display()
        );
    }
    fs::write(&marker, "installed by tests/support/install.rs\n")
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", marker.display()));
    executable
}

/// Blocks (politely, with a deadline) until this process holds the install lock.
fn acquire_lock(path: &Path) -> File {
    fs::create_dir_all(path.parent().expect("lock path has a parent"))
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open lock file {}: {e}", path.display()));
    let deadline = Instant::now() + LOCK_WAIT;
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return file,
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                if !told {
                    eprintln!("waiting for another test process to install mastodon_mock…");
                    told = true;
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(TryLockError::WouldBlock) => panic!(
                "gave up after {LOCK_WAIT:?} waiting for the lock {} (another process is installing mastodon_mock)",
                path.display()
            ),
            Err(TryLockError::Error(e)) => panic!("cannot lock {}: {e}", path.display()),
        }
    }
}

fn has_dist_info(venv: &Path) -> bool {
    let wanted = format!("mastodon_mock-{MOCK_VERSION}.dist-info");
    let Ok(lib) = fs::read_dir(venv.join("lib")) else {
        return false;
    };
    lib.flatten()
        .any(|python| python.path().join("site-packages").join(&wanted).is_dir())
}

fn install(venv: &Path) {
    eprintln!(
        "installing mastodon_mock=={MOCK_VERSION} into {} (once, about 40 s)…",
        venv.display()
    );
    let created = Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg(venv)
        .output();
    let created = match created {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "python3 is not on PATH, and the integration tests need it to run the \
             mastodon_mock server: install Python 3.9+ with its venv module \
             (Debian/Ubuntu: apt-get install python3 python3-venv)"
        ),
        Err(e) => panic!("cannot run python3: {e}"),
    };
    check(
        &created,
        "python3 -m venv (on Debian/Ubuntu, apt-get install python3-venv)",
    );

    let pip = Command::new(venv.join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
        ])
        .arg(format!("mastodon_mock=={MOCK_VERSION}"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the venv's python: {e}"));
    check(&pip, &format!("pip install mastodon_mock=={MOCK_VERSION}"));
}

fn check(output: &Output, what: &str) {
    if !output.status.success() {
        panic!(
            "{what} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}
