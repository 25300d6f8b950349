//! The shipped `bot.toml` as an admin edits it: its commented-out examples turned on.
//! Shared by the crate's own tests (`src/config/tests.rs` includes this file) and the
//! end-to-end ones, so both read the examples the same way.

/// `text` with the commented-out example that opens with `# <header>` uncommented, as an
/// admin would do it: every line from the header to the next blank line loses its "# ".
pub fn uncomment(text: &str, header: &str) -> String {
    let opening = format!("\n# {header}\n");
    let start = text.find(&opening).expect("the example shows the table") + 1;
    let end = text[start..]
        .find("\n\n")
        .map_or(text.len(), |end| start + end + 1);
    let example: String = text[start..end]
        .lines()
        .map(|line| line.strip_prefix("# ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect();
    format!("{}{example}{}", &text[..start], &text[end..])
}
