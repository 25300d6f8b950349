//! Domain blocks: the admin API's verbs, and making a domain's block match a decision,
//! then reading it back to check that it does, on servers whose domain blocks differ:
//! Mastodon's carry a severity (`silence`, `suspend`); GoToSocial's do not (every block
//! is a suspension), and it answers a duplicate block with the existing one. `exact.rs`
//! reads a block as an exact state and puts one back, comments and flags included.

use super::client::{path_segment, Client};
use super::server::Capabilities;
use super::types::{decode_items, DomainBlock};
use super::ApiError;
use crate::model::{Action, Severity};
use reqwest::Method;
use tracing::{info, warn};

mod exact;
#[cfg(test)]
pub(super) use exact::state_of;

/// Mastodon's largest page of admin domain blocks.
const DOMAIN_BLOCK_PAGE_LIMIT: u32 = 200;

/// A domain block to create or update (Mastodon ignores `domain` on update).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockRequest<'a> {
    pub domain: &'a str,
    pub severity: Severity,
    pub public_comment: &'a str,
    pub private_comment: &'a str,
    /// `None` sends nothing: the server's default on creation, the block's own on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_media: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reports: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscate: Option<bool>,
}

/// The result of asking for a domain block.
#[derive(Debug, Clone)]
pub enum BlockResult {
    Created(DomainBlock),
    /// The server already had a block as strict or stricter.
    AlreadyInPlace(DomainBlock),
}

/// What `action` asks of its domain's block: the severity it puts in place, or `None` to
/// lift any block; `None` for a motion, which asks nothing.
fn wanted(action: &Action) -> Option<(&str, Option<Severity>)> {
    Some((action.domain()?, action.severity()))
}

fn cannot_silence() -> ApiError {
    ApiError::Unsupported(
        "this server cannot limit (silence) another server, only suspend it; nothing was changed"
            .to_string(),
    )
}

/// The comments a block carries: the public one names the decision.
struct Comments<'a> {
    public: &'a str,
    private: &'a str,
    refusals: Refusals,
}

/// What a silence also refuses, as a list's advice carries it; `false` leaves the
/// server's default (on creation) or the block's own (on update).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refusals {
    pub reject_media: bool,
    pub reject_reports: bool,
}

/// A block's severity as the server means it: where blocks carry none, a block is a
/// suspension; Mastodon's default, when a block omits it, is `silence`. A name no
/// version of Mastodon writes is read as the mildest block, `noop`: never as stricter
/// than it may be.
fn severity_of(block: &DomainBlock, capabilities: &Capabilities) -> Severity {
    match (&block.severity, capabilities.block_severity) {
        (Some(name), true) => Severity::from_name(name).unwrap_or(Severity::Noop),
        (None, true) => Severity::Silence,
        (_, false) => Severity::Suspend,
    }
}

impl Client {
    /// Carries out a decision's `action` on the instance: makes the domain's block match
    /// it, with the comments given (a motion changes nothing). `Ok(Some(severity))` when
    /// a stricter block was already in place and stays.
    pub async fn carry_out(
        &self,
        action: &Action,
        public_comment: &str,
        private_comment: &str,
        refusals: Refusals,
        capabilities: &Capabilities,
    ) -> Result<Option<Severity>, ApiError> {
        let Some((domain, wanted)) = wanted(action) else {
            return Ok(None);
        };
        let comments = Comments {
            public: public_comment,
            private: private_comment,
            refusals,
        };
        self.make_block_match(domain, wanted, &comments, capabilities)
            .await
    }

    /// Every admin domain block on the instance.
    pub async fn domain_blocks(&self) -> Result<Vec<DomainBlock>, ApiError> {
        let first = format!(
            "{}/api/v1/admin/domain_blocks?limit={DOMAIN_BLOCK_PAGE_LIMIT}",
            self.base_url()
        );
        let pages = self.all_pages("listing domain blocks", first).await?;
        let (blocks, unreadable) = decode_items(pages);
        for error in unreadable {
            warn!(%error, "skipped a domain block that could not be read");
        }
        Ok(blocks)
    }

    /// How strictly each blocked domain is blocked, as the server means it: what a list's
    /// advice is measured against.
    pub async fn block_severities(
        &self,
        capabilities: &Capabilities,
    ) -> Result<std::collections::BTreeMap<String, Severity>, ApiError> {
        Ok(self
            .domain_blocks()
            .await?
            .iter()
            .map(|block| {
                (
                    block.domain.to_lowercase(),
                    severity_of(block, capabilities),
                )
            })
            .collect())
    }

    /// Reads one page of admin domain blocks: proves the token may manage federation.
    pub async fn can_read_domain_blocks(&self) -> Result<(), ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/admin/domain_blocks")
            .query(&[("limit", "1")]);
        self.json("listing domain blocks", request)
            .await
            .map(|_| ())
    }

    /// Creates a domain block; a 422 naming an existing block is reported as such.
    pub async fn create_domain_block(
        &self,
        block: &BlockRequest<'_>,
    ) -> Result<BlockResult, ApiError> {
        let request = self
            .request(Method::POST, "/api/v1/admin/domain_blocks")
            .json(block);
        match self.typed("creating a domain block", request).await {
            Ok(created) => Ok(BlockResult::Created(created)),
            Err(error) => match error.existing_domain_block() {
                Some(existing) => Ok(BlockResult::AlreadyInPlace(existing)),
                None => Err(error),
            },
        }
    }

    pub async fn update_domain_block(
        &self,
        id: &str,
        block: &BlockRequest<'_>,
    ) -> Result<DomainBlock, ApiError> {
        let path = format!("/api/v1/admin/domain_blocks/{}", path_segment(id));
        let request = self.request(Method::PUT, &path).json(block);
        self.typed("updating a domain block", request).await
    }

    pub async fn delete_domain_block(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/admin/domain_blocks/{}", path_segment(id));
        // Mastodon answers `{}`; nothing in it is needed.
        self.send(
            "lifting a domain block",
            self.request(Method::DELETE, &path),
        )
        .await
        .map(|_| ())
    }

    /// Makes the instance's block on `domain` match `wanted` (create, change the severity,
    /// or delete), then reads the blocks back: the decision counts as applied only once
    /// the server shows it. `Ok(Some(severity))` when a stricter block was already there
    /// and stays.
    async fn make_block_match(
        &self,
        domain: &str,
        wanted: Option<Severity>,
        comments: &Comments<'_>,
        capabilities: &Capabilities,
    ) -> Result<Option<Severity>, ApiError> {
        if wanted == Some(Severity::Silence) && !capabilities.silence {
            return Err(cannot_silence());
        }
        let existing = self.block_on(domain).await?;
        let Some(severity) = wanted else {
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
            reject_media: comments.refusals.reject_media.then_some(true),
            reject_reports: comments.refusals.reject_reports.then_some(true),
            obfuscate: None,
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
                        existing = %existing,
                        "a block as strict or stricter already exists"
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
        wanted: Option<Severity>,
        capabilities: &Capabilities,
    ) -> Result<(), ApiError> {
        let found = self
            .block_on(domain)
            .await?
            .map(|block| severity_of(&block, capabilities));
        if found == wanted {
            Ok(())
        } else {
            Err(ApiError::Malformed {
                what: format!("checking the block on {domain}"),
                detail: format!(
                    "the instance shows {} after the change",
                    found.map_or_else(|| "no block".to_string(), |found| found.to_string())
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
            ..DomainBlock::default()
        }
    }

    /// Decisions carried out as before: the flags are not sent, so each server keeps its
    /// default (Mastodon: false) and a block's own flags survive a change of severity.
    #[test]
    fn a_decision_s_request_sends_no_flags() {
        let request = BlockRequest {
            domain: "spam.example",
            severity: Severity::Suspend,
            public_comment: "spam (ballot #1)",
            private_comment: "coopgov ballot 1 passed",
            reject_media: None,
            reject_reports: None,
            obfuscate: None,
        };
        assert_eq!(
            serde_json::to_value(&request).expect("JSON"),
            serde_json::json!({
                "domain": "spam.example",
                "severity": "suspend",
                "public_comment": "spam (ballot #1)",
                "private_comment": "coopgov ballot 1 passed",
            })
        );
    }

    #[test]
    fn a_block_without_severity_is_a_suspension_where_blocks_carry_none() {
        let mastodon = Software::Mastodon.capabilities();
        let gotosocial = Software::GoToSocial.capabilities();
        assert_eq!(
            severity_of(&block(Some("suspend")), &mastodon),
            Severity::Suspend
        );
        assert_eq!(severity_of(&block(None), &mastodon), Severity::Silence);
        assert_eq!(severity_of(&block(None), &gotosocial), Severity::Suspend);
        // A name no Mastodon writes is never read as stricter than it may be.
        assert_eq!(
            severity_of(&block(Some("other")), &mastodon),
            Severity::Noop
        );
    }
}
