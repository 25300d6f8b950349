//! The draw, exactly as SPEC §10 defines it, so that anyone can recompute it with
//! `sha256sum`: the seed is the SHA-256 of `coopgov-jury-v1`, the proposal number, the
//! ballot's status id and the pool sorted by acct, one per line; the draw order sorts
//! the pool by the SHA-256 of `<seed>\n<acct>`.

use sha2::{Digest, Sha256};

/// The first line of the seed's text: a later way of drawing would name itself anew.
const VERSION: &str = "coopgov-jury-v1";

/// Lowercase hex SHA-256 of `text`'s UTF-8 bytes, as `sha256sum` prints it.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The pool as the draw reads it: each acct once, sorted by its UTF-8 bytes.
pub fn sorted_pool<'a>(pool: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut sorted: Vec<String> = pool.into_iter().map(str::to_string).collect();
    sorted.sort();
    sorted.dedup();
    sorted
}

/// The text whose SHA-256 is the seed (no trailing newline). `pool` must be sorted.
pub fn seed_text(number: u64, ballot_status_id: &str, pool: &[String]) -> String {
    let mut lines = vec![
        VERSION.to_string(),
        number.to_string(),
        ballot_status_id.to_string(),
    ];
    lines.extend(pool.iter().cloned());
    lines.join("\n")
}

/// The draw's seed: lowercase hex.
pub fn seed(number: u64, ballot_status_id: &str, pool: &[String]) -> String {
    sha256_hex(&seed_text(number, ballot_status_id, pool))
}

/// The pool in draw order: by the hex SHA-256 of `<seed>\n<acct>`, ascending (hex of
/// equal length sorts as the numbers do); two equal hashes would fall back to the acct.
pub fn draw_order(seed: &str, pool: &[String]) -> Vec<String> {
    let mut keyed: Vec<(String, &String)> = pool
        .iter()
        .map(|acct| (sha256_hex(&format!("{seed}\n{acct}")), acct))
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, acct)| acct.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Computed by hand, outside coopgov:
    /// ```text
    /// $ printf 'coopgov-jury-v1\n7\n113456789012345678\nalice\nbob\ncarol\ndave' | sha256sum
    /// $ for a in alice bob carol dave; do printf '%s\n%s' "$SEED" "$a" | sha256sum; done
    /// ```
    #[test]
    fn the_draw_matches_sha256sum_by_hand() {
        let pool = sorted_pool(["dave", "alice", "carol", "bob"]);
        assert_eq!(
            seed_text(7, "113456789012345678", &pool),
            "coopgov-jury-v1\n7\n113456789012345678\nalice\nbob\ncarol\ndave"
        );
        let seed = seed(7, "113456789012345678", &pool);
        assert_eq!(seed, SEED);
        assert_eq!(draw_order(&seed, &pool), ORDER);
    }

    const SEED: &str = "c241dbfec92cef08893e40151a161e1b4254be6d52cdf504c585c6a5e903491d";
    /// With the hash each one sorted by:
    /// 914ca801… dave, be8ca4f5… bob, e31c3eaa… carol, e65850f8… alice.
    const ORDER: [&str; 4] = ["dave", "bob", "carol", "alice"];

    proptest! {
        /// The order the members are listed in, or listed twice, changes nothing.
        #[test]
        fn the_pool_s_input_order_does_not_matter(
            mut accts in proptest::collection::vec("[a-z][a-z0-9_]{0,8}", 1..12),
            number in 1u64..10_000,
        ) {
            let first = sorted_pool(accts.iter().map(String::as_str));
            accts.reverse();
            accts.push(accts[0].clone());
            let second = sorted_pool(accts.iter().map(String::as_str));
            prop_assert_eq!(&first, &second);
            let seed = seed(number, "9", &first);
            prop_assert_eq!(draw_order(&seed, &first), draw_order(&seed, &second));
            let mut drawn = draw_order(&seed, &first);
            drawn.sort();
            prop_assert_eq!(drawn, first);
        }
    }
}
