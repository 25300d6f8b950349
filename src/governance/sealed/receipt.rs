//! A receipt code: 50 random bits as ten Crockford base32 characters, in groups of four
//! joined by hyphens (`7F3K-Q9X2-M4`). Crockford's alphabet has no I, L, O or U, so a
//! code read aloud or copied by hand is read back the same (`i`/`l` as 1, `o` as 0).

use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code: 10 × 5 = 50 bits.
const LENGTH: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Receipt(String);

impl Receipt {
    /// The code of 50 of `bits` (the edge draws them from the OS's secure source).
    pub fn from_bits(bits: u64) -> Receipt {
        let code: String = (0..LENGTH)
            .rev()
            .map(|index| ALPHABET[((bits >> (index * 5)) & 31) as usize] as char)
            .collect();
        Receipt(code)
    }

    /// A code as a member may type it: any case, with or without hyphens or spaces.
    pub fn parse(text: &str) -> Option<Receipt> {
        let mut code = String::with_capacity(LENGTH);
        for c in text.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return None;
            }
            code.push(c);
        }
        (code.len() == LENGTH).then_some(Receipt(code))
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = &self.0;
        write!(f, "{}-{}-{}", &code[..4], &code[4..8], &code[8..])
    }
}

impl From<Receipt> for String {
    fn from(receipt: Receipt) -> String {
        receipt.0
    }
}

impl TryFrom<String> for Receipt {
    type Error = String;
    fn try_from(text: String) -> Result<Receipt, String> {
        Receipt::parse(&text).ok_or_else(|| format!("not a receipt code: {text:?}"))
    }
}
