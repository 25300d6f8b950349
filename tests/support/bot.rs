//! The real `coopgov` binary as a child process, logging next to its config.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use super::process::{file_tail, send_signal, wait_timeout};

/// How long the bot gets to drain and exit after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// A running `coopgov run`; killed (SIGKILL) if dropped without [`BotProcess::terminate`].
pub struct BotProcess {
    child: Option<Child>,
    pub log_path: PathBuf,
}

impl BotProcess {
    /// Runs `coopgov run --config <config_path>` with `COOPGOV_TOKEN=token`, `RUST_LOG=info`;
    /// stdout and stderr are appended to `coopgov.log` beside the config.
    pub fn start(config_path: &Path, token: &str) -> BotProcess {
        BotProcess::start_logging(config_path, token, "info")
    }

    /// Like [`BotProcess::start`] with `RUST_LOG=rust_log`.
    pub fn start_logging(config_path: &Path, token: &str, rust_log: &str) -> BotProcess {
        BotProcess::start_with_args(config_path, token, rust_log, &[])
    }

    /// Like [`BotProcess::start_logging`], with more arguments before `run`.
    pub fn start_with_args(
        config_path: &Path,
        token: &str,
        rust_log: &str,
        args: &[&str],
    ) -> BotProcess {
        let log_path = config_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("coopgov.log");
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", log_path.display()));
        let child = Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .args(args)
            .arg("run")
            .arg("--config")
            .arg(config_path)
            .env("COOPGOV_TOKEN", token)
            .env("RUST_LOG", rust_log)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", env!("CARGO_BIN_EXE_coopgov")));
        BotProcess {
            child: Some(child),
            log_path,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("bot is running").id()
    }

    /// Whether the process has exited already (without reaping it for `terminate`).
    pub fn has_exited(&mut self) -> bool {
        let child = self.child.as_mut().expect("bot is running");
        matches!(child.try_wait(), Ok(Some(_)))
    }

    /// SIGTERM, then up to 15 s to exit; panics with the log if it has to be killed.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("bot is running");
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        send_signal(child.id(), "TERM");
        if let Some(status) = wait_timeout(&mut child, SHUTDOWN_GRACE) {
            return status;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "coopgov did not exit within {SHUTDOWN_GRACE:?} of SIGTERM; log tail:\n{}",
            file_tail(&self.log_path, 80)
        );
    }

    /// SIGKILL: the bot gets no chance to tidy up, as in a crash.
    pub fn kill(mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Everything the bot has written so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            if std::thread::panicking() {
                eprintln!("--- coopgov log ---\n{}", file_tail(&self.log_path, 80));
            }
        }
    }
}
