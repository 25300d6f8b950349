//! Checks of single values (choices, durations, counts, paths), each refusal at its line.

use super::raw::{DurationText, Field};
use super::ConfigError;
use crate::commands::parse_duration;
use serde_path_to_error::Segment;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

const DURATION_HINT: &str = r#"write a number and a unit, like "90m", "48h" or "6d""#;
/// Nothing the bot waits for is longer; this also keeps date arithmetic far from overflow.
const LONGEST: Duration = Duration::from_secs(365 * 86_400);

/// Knows the file, so it can turn a span into `file:line: message`.
pub(super) struct Checker<'a> {
    pub text: &'a str,
    pub file: String,
    /// The config file's folder, against which relative paths are resolved.
    pub folder: PathBuf,
}

/// A checked duration, with where it was written (None for a default) for later errors.
pub(super) struct Written {
    pub value: Duration,
    pub span: Option<Range<usize>>,
    /// As quoted in messages: `"6d"` or `"6d" (the default)`.
    pub shown: String,
}

impl Checker<'_> {
    pub fn new<'a>(text: &'a str, path: &Path) -> Checker<'a> {
        Checker {
            text,
            file: path.display().to_string(),
            folder: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
            + 1
    }

    pub fn at(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError::Invalid {
            file: self.file.clone(),
            line: self.line(span.start),
            message,
        }
    }

    /// An error about the file as a whole (no line to point at).
    pub fn whole(&self, message: String) -> ConfigError {
        ConfigError::File {
            file: self.file.clone(),
            message,
        }
    }

    /// A TOML syntax or type error, rewritten to name the key and its line.
    pub fn toml_error(&self, error: &serde_path_to_error::Error<toml::de::Error>) -> ConfigError {
        let key = dotted_key(error.path());
        let error = error.inner();
        let message = error.message().trim_end();
        let Some(span) = error.span() else {
            return self.whole(message.to_owned());
        };
        // An empty path: the file is not TOML and serde never started, so only the text
        // can tell which key the line holds.
        let key = match key.is_empty() {
            true => key_path_at(self.text, span.start),
            false => key,
        };
        // toml's errors have no kind, only serde's sentence: its opening words tell the
        // kind, so that the sentence can say what to write instead in a config file's terms.
        let message = if let Some(rest) = message.strip_prefix("unknown field ") {
            // "`foo`, expected one of `a`, `b`": the path already ends with `foo`
            let expected = rest.split_once(", ").map_or("", |(_, expected)| expected);
            format!("{key} is not a known key; {expected} (check the spelling and the [table] it is in)")
        } else if (message.starts_with("invalid length") && message.contains("struct "))
            || (message.starts_with("invalid type: map") && self.is_array_header(span.start))
        {
            // An optional table written `[[key]]` is read as the table's fields in order,
            // and trips over the first one; only its header tells what happened.
            format!("{key} must be a table, [{key}], not an array of tables")
        } else if let Some((found, expected)) = message
            .strip_prefix("invalid type: ")
            .and_then(|rest| rest.split_once(", expected "))
        {
            format!("{key} is the {found}, but must be {}", plain_type(expected))
        } else {
            format!("{key}: {}", message.replace('\n', "; "))
        };
        let message = message.trim_start_matches(": ").to_owned();
        self.at(span, message)
    }

    /// Whether the line holding byte `offset` is an `[[array of tables]]` header.
    fn is_array_header(&self, offset: usize) -> bool {
        let start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        self.text[start..].trim_start().starts_with("[[")
    }

    /// One of a fixed set of words; absent means `default`.
    pub fn choose<T: Copy>(
        &self,
        value: &Field<String>,
        key: &str,
        what: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T, ConfigError> {
        let Some(value) = value else {
            return Ok(default);
        };
        let found = choices.iter().find(|(name, _)| *name == value.get_ref());
        found.map(|(_, choice)| *choice).ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            let text = value.get_ref();
            let allowed = one_of(&names);
            self.at(
                value.span(),
                format!("{key} {text:?} is not {what}; use {allowed}"),
            )
        })
    }

    /// A duration like "48h"; `zero_allowed` admits "0". Absent means `default`.
    pub fn duration(
        &self,
        value: &Field<DurationText>,
        key: &str,
        default: &str,
        zero_allowed: bool,
    ) -> Result<Written, ConfigError> {
        let Some(value) = value else {
            return Ok(Written {
                value: parse_duration(default).expect("built-in default durations parse"),
                span: None,
                shown: format!("{default:?} (the default)"),
            });
        };
        let text = &value.get_ref().0;
        let fail = |problem: &str| self.at(value.span(), format!("{key} {text:?} {problem}"));
        let parsed = parse_duration(text)
            .ok_or_else(|| fail(&format!("is not a duration; {DURATION_HINT}")))?;
        if parsed.is_zero() && !zero_allowed {
            return Err(fail(&format!("must be longer than zero; {DURATION_HINT}")));
        }
        if parsed > LONGEST {
            return Err(fail(r#"is longer than a year; write at most "365d""#));
        }
        Ok(Written {
            value: parsed,
            span: Some(value.span()),
            shown: format!("{text:?}"),
        })
    }

    /// Refuses `shorter` > `longer`, at the line of whichever of the two was written.
    pub fn in_order(
        &self,
        (shorter_key, shorter): (&str, &Written),
        (longer_key, longer): (&str, &Written),
    ) -> Result<(), ConfigError> {
        if shorter.value <= longer.value {
            return Ok(());
        }
        let message = format!(
            "{shorter_key} {} is longer than {longer_key} {}; keep urgent_min_duration \
             ≤ min_duration ≤ default_duration ≤ max_duration",
            shorter.shown, longer.shown
        );
        Err(match shorter.span.clone().or(longer.span.clone()) {
            Some(span) => self.at(span, message),
            None => self.whole(message),
        })
    }

    /// A whole number from 0 up; absent means `default`.
    pub fn count(&self, value: &Field<i64>, key: &str, default: u32) -> Result<u32, ConfigError> {
        let Some(value) = value else {
            return Ok(default);
        };
        u32::try_from(*value.get_ref()).map_err(|_| {
            let number = value.get_ref();
            self.at(
                value.span(),
                format!("{key} is {number}; write a whole number from 0 up"),
            )
        })
    }

    /// A non-empty path, resolved against the config file's folder when relative; `~/…`
    /// is in the home folder, as a shell would read it.
    pub fn path(&self, value: &Spanned<String>, key: &str) -> Result<PathBuf, ConfigError> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            let message = format!("{key} is empty; write a file name, like \"coopgov.db\"");
            return Err(self.at(value.span(), message));
        }
        let in_home = match text {
            "~" => Some(""),
            _ => text.strip_prefix("~/"),
        };
        let Some(rest) = in_home else {
            return Ok(self.folder.join(text));
        };
        match std::env::var_os("HOME").filter(|home| !home.is_empty()) {
            Some(home) => Ok(PathBuf::from(home).join(rest)),
            None => Err(self.at(
                value.span(),
                format!("{key} starts with ~ but HOME is not set; write the whole path"),
            )),
        }
    }
}

/// `http(s)://host[/path]` without its trailing slash; `None` for anything else.
pub(super) fn web_address(text: &str) -> Option<String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let whole = !rest.is_empty() && !rest.starts_with('/') && !text.contains(char::is_whitespace);
    whole.then(|| text.trim_end_matches('/').to_owned())
}

/// Why `text` was refused as a web address, and how to write one.
pub(super) fn not_a_web_address(text: &str, example: &str) -> String {
    format!("{text:?} is not a web address; write it with https://, like {example:?}")
}

/// serde's names for types, in the words of a config file.
fn plain_type(expected: &str) -> &str {
    match expected {
        "i64" | "u32" => "a whole number",
        "f64" => "a number",
        "a sequence" => r#"a list, like ["alice", "bob"]"#,
        _ if expected.starts_with("struct ") => "a table",
        _ => expected,
    }
}

/// `"a", "b" or "c"`.
pub(super) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The dotted key serde was reading when it failed, as a config file writes it. toml's
/// `Spanned` reads its value under a private key (`$__serde_spanned_private_value`),
/// which is no key of the file; list positions are left out, as the line already points
/// at the item. The config tests notice if a toml upgrade renames the private key.
fn dotted_key(path: &serde_path_to_error::Path) -> String {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Map { key } if !key.starts_with("$__serde_spanned_private") => {
                Some(key.as_str())
            }
            _ => None,
        })
        .collect();
    keys.join(".")
}

/// The dotted key at byte `offset`, read from the nearest `[table]` header above it and
/// the `key =` on its line. A heuristic, for syntax errors only: they come before serde
/// reads a key, and carry only a span.
pub(super) fn key_path_at(text: &str, offset: usize) -> String {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&index| text.is_char_boundary(index))
        .unwrap_or(0);
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line_end = text[offset..]
        .find('\n')
        .map_or(text.len(), |index| offset + index);
    let line = text[line_start..line_end].trim();
    if line.starts_with('[') {
        return header_name(line);
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|above| above.starts_with('['))
        .map(header_name)
        .unwrap_or_default();
    let key = line
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches('"').to_owned());
    match (table.is_empty(), key) {
        (_, None) => table,
        (true, Some(key)) => key,
        (false, Some(key)) => format!("{table}.{key}"),
    }
}

/// `[rules.default]  # comment` → `rules.default`.
fn header_name(line: &str) -> String {
    let inner = line.trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or(inner);
    inner
        .split('.')
        .map(|part| part.trim().trim_matches('"'))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        let cases: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("45s", Some(45)),
            ("90m", Some(5_400)),
            ("48h", Some(172_800)),
            ("6d", Some(518_400)),
            ("", None),
            ("6", None),
            ("d", None),
            ("-1d", None),
            ("1.5h", None),
            ("6 d", None),
            ("6D", Some(518_400)),
            ("6w", None),
            ("99999999999999999999d", None),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse_duration(text),
                seconds.map(Duration::from_secs),
                "{text:?}"
            );
        }
    }

    #[test]
    fn key_paths_are_read_from_the_text() {
        let text = "top = 1\n[rules.default]   # c\nmethod = \"x\"\n[ \"actions\" ]\n";
        let cases = [
            (0, "top"),
            (12, "rules.default"),
            (30, "rules.default.method"),
            (45, "actions"),
        ];
        for (offset, path) in cases {
            assert_eq!(key_path_at(text, offset), path, "at {offset}");
        }
        assert_eq!(one_of(&["a", "b", "c"]), r#""a", "b" or "c""#);
        assert_eq!(one_of(&["a"]), r#""a""#);
    }
}
