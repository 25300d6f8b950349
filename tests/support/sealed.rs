//! What a sealed ballot's thread must show at its close, on any server.

use std::collections::BTreeMap;

/// Each voter's current receipt is listed with its position, each voter is named, and the
/// void receipt is not listed.
pub fn assert_lists_hold(
    receipts: &str,
    voters: &str,
    codes: &BTreeMap<&str, (&str, String)>,
    void: &str,
) {
    for (name, (position, code)) in codes {
        assert!(
            receipts.contains(&format!("{code} {position}")),
            "{receipts}"
        );
        assert!(voters.contains(name), "{voters}");
    }
    assert!(
        !receipts.contains(void),
        "the void receipt is listed: {receipts}"
    );
}

/// The receipt code in a receipt's direct message.
pub fn code_in(text: &str) -> String {
    text.lines()
        .find_map(|line| line.trim().strip_prefix("Your receipt: "))
        .unwrap_or_else(|| panic!("no receipt code in {text}"))
        .trim()
        .to_string()
}
