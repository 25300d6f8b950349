//! Child processes and scratch directories: signals by PID, staged shutdown, temp dirs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Sends `signal` ("TERM", "INT", …) to `pid` with `kill(1)`; a gone process is not an error.
pub fn send_signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Waits up to `timeout` for `child` to exit, reaping it.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => return None,
            Err(_) => return None,
        }
    }
}

/// SIGTERM, then SIGINT, each with `grace` to act, then SIGKILL. Returns how it ended.
pub fn stop(child: &mut Child, grace: Duration) -> ExitStatus {
    if let Ok(Some(status)) = child.try_wait() {
        return status;
    }
    for signal in ["TERM", "INT"] {
        send_signal(child.id(), signal);
        if let Some(status) = wait_timeout(child, grace) {
            return status;
        }
    }
    let _ = child.kill();
    child.wait().expect("wait for a SIGKILLed child")
}

/// A fresh directory under the system temp dir, removed on drop
/// (kept if `COOPGOV_KEEP_TEST_DIRS` is set, to look at logs and stores afterwards).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "coopgov-{label}-{}-{n}-{nanos:x}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create temp dir {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("COOPGOV_KEEP_TEST_DIRS").is_some() {
            eprintln!("keeping {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The last `lines` lines of a text file, or a note saying why there are none.
pub fn file_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

/// Owns a child process and stops it (see [`stop`]) when dropped, even if the test
/// future is cancelled half-way through starting it.
pub struct StopOnDrop {
    pub child: Child,
    pub grace: Duration,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        stop(&mut self.child, self.grace);
    }
}
