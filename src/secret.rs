//! The access token, kept out of every log and message: its `Debug` prints `[redacted]`
//! and it has no `Display`.

/// The access token. Its `Debug` prints `[redacted]`; it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token obtained at run time (by `coopgov login`).
    pub fn new(token: String) -> Secret {
        Secret(token)
    }

    /// The token itself, for the one place that sends it to the instance.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
