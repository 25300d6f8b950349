//! A process's memory as Linux reports it in `/proc/<pid>/status`.

/// The field `name` (`VmRSS`, `VmHWM`, …) of process `pid` (`self` for this one), in MB;
/// NaN where it cannot be read.
pub fn memory_mb(pid: &str, name: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
