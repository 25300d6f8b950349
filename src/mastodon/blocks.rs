//! Making a domain's block match a decision, and reading it back to check that it does,
//! on servers whose domain blocks differ: Mastodon's carry a severity (`silence`,
//! `suspend`); GoToSocial's do not (every block is a suspension), and it answers a
//! duplicate block with the existing one.

use super::client::{BlockRequest, BlockResult, Client};
use super::server::Capabilities;
use super::types::DomainBlock;
use super::ApiError;
use tracing::info;

/// What a decision asks of a domain's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Silence,
    Suspend,
    /// No block at all.
    Lifted,
}

impl Wanted {
    fn severity(self) -> Option<&'static str> {
        match self {
            Wanted::Silence => Some("silence"),
            Wanted::Suspend => Some("suspend"),
            Wanted::Lifted => None,
        }
    }
}

/// The comments a block carries: the public one names the decision.
pub struct Comments<'a> {
    pub public: &'a str,
    pub private: &'a str,
}

/// A block's severity as the server means it: where blocks carry none, a block is a
/// suspension; Mastodon's default, when a block omits it, is `silence`.
fn severity_of(block: &DomainBlock, capabilities: &Capabilities) -> String {
    match (&block.severity, capabilities.block_severity) {
        (Some(severity), true) => severity.clone(),
        (None, true) => "silence".to_string(),
        (_, false) => "suspend".to_string(),
    }
}

impl Client {
    /// Makes the instance's block on `domain` match `wanted` (create, change the severity,
    /// or delete), then reads the blocks back: the decision counts as applied only once
    /// the server shows it. `Ok(Some(severity))` when a stricter block was already there
    /// and stays.
    pub async fn make_block_match(
        &self,
        domain: &str,
        wanted: Wanted,
        comments: &Comments<'_>,
        capabilities: &Capabilities,
    ) -> Result<Option<String>, ApiError> {
        if wanted == Wanted::Silence && !capabilities.silence {
            return Err(ApiError::Unsupported(
                "this server cannot limit (silence) another server, only suspend it; nothing was changed".to_string(),
            ));
        }
        let existing = self.block_on(domain).await?;
        let Some(severity) = wanted.severity() else {
            if let Some(block) = existing {
                self.delete_domain_block(&block.id).await?;
            }
            return self
                .check_block(domain, wanted, capabilities)
                .await
                .map(|()| None);
        };
        let request = BlockRequest {
            domain,
            severity,
            public_comment: comments.public,
            private_comment: comments.private,
        };
        match existing {
            Some(block) if severity_of(&block, capabilities) == severity => return Ok(None),
            Some(block) => {
                self.update_domain_block(&block.id, &request).await?;
            }
            None => match self.create_domain_block(&request).await? {
                BlockResult::Created(_) => {}
                BlockResult::AlreadyInPlace(block) => {
                    let existing = severity_of(&block, capabilities);
                    info!(
                        domain,
                        existing, "a block as strict or stricter already exists"
                    );
                    return Ok((existing != severity).then_some(existing));
                }
            },
        }
        self.check_block(domain, wanted, capabilities)
            .await
            .map(|()| None)
    }

    async fn block_on(&self, domain: &str) -> Result<Option<DomainBlock>, ApiError> {
        Ok(self
            .domain_blocks()
            .await?
            .into_iter()
            .find(|block| block.domain.eq_ignore_ascii_case(domain)))
    }

    /// Reads the blocks back and compares the domain's with what was wanted.
    async fn check_block(
        &self,
        domain: &str,
        wanted: Wanted,
        capabilities: &Capabilities,
    ) -> Result<(), ApiError> {
        let found = self
            .block_on(domain)
            .await?
            .map(|block| severity_of(&block, capabilities));
        if found.as_deref() == wanted.severity() {
            Ok(())
        } else {
            Err(ApiError::Malformed {
                what: format!("checking the block on {domain}"),
                detail: format!(
                    "the instance shows {} after the change",
                    found.unwrap_or_else(|| "no block".to_string())
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mastodon::Software;

    fn block(severity: Option<&str>) -> DomainBlock {
        DomainBlock {
            id: "1".into(),
            domain: "spam.example".into(),
            severity: severity.map(str::to_string),
            public_comment: None,
        }
    }

    #[test]
    fn a_block_without_severity_is_a_suspension_where_blocks_carry_none() {
        let mastodon = Software::Mastodon.capabilities();
        let gotosocial = Software::GoToSocial.capabilities();
        assert_eq!(severity_of(&block(Some("suspend")), &mastodon), "suspend");
        assert_eq!(severity_of(&block(None), &mastodon), "silence");
        assert_eq!(severity_of(&block(None), &gotosocial), "suspend");
    }
}
