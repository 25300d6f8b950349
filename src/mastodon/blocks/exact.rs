//! A domain's block as an exact state (`BlockState`): read it, and put it back exactly,
//! comments and flags included, as an urgent action undone must. Where the server keeps
//! less (GoToSocial: no severity, no reject flags), what it keeps is what is compared.

use super::{cannot_silence, severity_of, BlockRequest, BlockResult};
use crate::mastodon::server::Capabilities;
use crate::mastodon::types::DomainBlock;
use crate::mastodon::{ApiError, Client};
use crate::model::{BlockState, Severity};
use tracing::info;

/// A block's exact state, as the server means it.
pub(in crate::mastodon) fn state_of(
    block: &DomainBlock,
    capabilities: &Capabilities,
) -> BlockState {
    BlockState {
        severity: severity_of(block, capabilities),
        public_comment: block.public_comment.clone().unwrap_or_default(),
        private_comment: block.private_comment.clone().unwrap_or_default(),
        reject_media: block.reject_media,
        reject_reports: block.reject_reports,
        obfuscate: block.obfuscate,
    }
}

/// Why the server cannot hold `wanted`, as a sentence; `None` when it can.
fn refusal(wanted: &BlockState, capabilities: &Capabilities) -> Option<ApiError> {
    if wanted.severity == Severity::Silence && !capabilities.silence {
        return Some(cannot_silence());
    }
    // GoToSocial makes any block a suspension: never one stricter than asked.
    (!capabilities.block_severity && wanted.severity != Severity::Suspend).then(|| {
        ApiError::Unsupported(format!(
            "this server's every block is a suspension, so a block of severity {} cannot be made; nothing was changed",
            wanted.severity
        ))
    })
}

/// `wanted` as far as the server keeps it: where blocks carry no severity they carry
/// no reject flags either (a suspension rejects everything).
fn as_kept(wanted: &BlockState, capabilities: &Capabilities) -> BlockState {
    if capabilities.block_severity {
        return wanted.clone();
    }
    BlockState {
        severity: Severity::Suspend,
        reject_media: false,
        reject_reports: false,
        ..wanted.clone()
    }
}

/// What making a domain's block exactly the wanted one takes.
#[derive(Debug, PartialEq, Eq)]
enum Change<'a> {
    Nothing,
    Create(&'a BlockState),
    Update { id: &'a str, to: &'a BlockState },
    Delete { id: &'a str },
}

/// From the block there is (`existing`) and the one wanted (as the server keeps it).
fn change<'a>(
    existing: Option<&'a DomainBlock>,
    wanted: Option<&'a BlockState>,
    capabilities: &Capabilities,
) -> Change<'a> {
    match (existing, wanted) {
        (None, None) => Change::Nothing,
        (Some(block), None) => Change::Delete { id: &block.id },
        (None, Some(wanted)) => Change::Create(wanted),
        (Some(block), Some(wanted)) if state_of(block, capabilities) == *wanted => Change::Nothing,
        (Some(block), Some(wanted)) => Change::Update {
            id: &block.id,
            to: wanted,
        },
    }
}

/// Every field of `state`, the flags included, so an update can also turn one off.
fn exact_request<'a>(domain: &'a str, state: &'a BlockState) -> BlockRequest<'a> {
    BlockRequest {
        domain,
        severity: state.severity,
        public_comment: &state.public_comment,
        private_comment: &state.private_comment,
        reject_media: Some(state.reject_media),
        reject_reports: Some(state.reject_reports),
        obfuscate: Some(state.obfuscate),
    }
}

/// What the instance shows that is not what was wanted, in words; `None` when it matches.
/// The severity is compared, and the public comment where the server shows one.
fn mismatch(
    found: Option<&DomainBlock>,
    wanted: Option<&BlockState>,
    capabilities: &Capabilities,
) -> Option<String> {
    let (block, wanted) = match (found, wanted) {
        (None, None) => return None,
        (None, Some(_)) => return Some("no block".to_string()),
        (Some(block), None) => return Some(severity_of(block, capabilities).to_string()),
        (Some(block), Some(wanted)) => (block, wanted),
    };
    let severity = severity_of(block, capabilities);
    if severity != wanted.severity {
        return Some(severity.to_string());
    }
    match &block.public_comment {
        Some(comment) if *comment != wanted.public_comment => {
            Some(format!("the public comment “{comment}”"))
        }
        _ => None,
    }
}

impl Client {
    /// The block on `domain` as it stands, exactly; `None` when there is none.
    pub async fn block_state(
        &self,
        domain: &str,
        capabilities: &Capabilities,
    ) -> Result<Option<BlockState>, ApiError> {
        let block = self.block_on(domain).await?;
        Ok(block.map(|block| state_of(&block, capabilities)))
    }

    /// Makes the block on `domain` exactly `wanted` (`None`: no block), creating, updating
    /// or deleting it and leaving an equal one alone, then reads it back: done only once
    /// the instance shows it. A block as strict or stricter on a parent domain, which the
    /// server will not duplicate, is left in place.
    pub async fn set_block(
        &self,
        domain: &str,
        wanted: Option<&BlockState>,
        capabilities: &Capabilities,
    ) -> Result<(), ApiError> {
        if let Some(refused) = wanted.and_then(|wanted| refusal(wanted, capabilities)) {
            return Err(refused);
        }
        let wanted = wanted.map(|wanted| as_kept(wanted, capabilities));
        let existing = self.block_on(domain).await?;
        match change(existing.as_ref(), wanted.as_ref(), capabilities) {
            Change::Nothing => return Ok(()),
            Change::Delete { id } => self.delete_domain_block(id).await?,
            Change::Update { id, to } => {
                self.update_domain_block(id, &exact_request(domain, to))
                    .await?;
            }
            Change::Create(to) => {
                if !self.create_exact(domain, to, capabilities).await? {
                    return Ok(());
                }
            }
        }
        let found = self.block_on(domain).await?;
        match mismatch(found.as_ref(), wanted.as_ref(), capabilities) {
            None => Ok(()),
            Some(shown) => Err(ApiError::Malformed {
                what: format!("checking the block on {domain}"),
                detail: format!("the instance shows {shown} after the change"),
            }),
        }
    }

    /// Creates the block. Where the server answers with a block of the domain already
    /// there (GoToSocial's 200, Mastodon's 422 after a race), that one is made exact.
    /// `false` when a block on a parent domain covers this one and stays.
    async fn create_exact(
        &self,
        domain: &str,
        wanted: &BlockState,
        capabilities: &Capabilities,
    ) -> Result<bool, ApiError> {
        let request = exact_request(domain, wanted);
        let block = match self.create_domain_block(&request).await? {
            BlockResult::Created(block) => block,
            BlockResult::AlreadyInPlace(block) if block.domain.eq_ignore_ascii_case(domain) => {
                block
            }
            BlockResult::AlreadyInPlace(block) => {
                let severity = severity_of(&block, capabilities);
                info!(
                    domain,
                    covered_by = %block.domain,
                    severity = %severity,
                    "a block as strict or stricter on a parent domain already covers it"
                );
                return Ok(false);
            }
        };
        if state_of(&block, capabilities) != *wanted {
            self.update_domain_block(&block.id, &request).await?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mastodon::Software;

    fn state(severity: &str) -> BlockState {
        BlockState {
            severity: Severity::from_name(severity).expect("a severity"),
            public_comment: "spam (ballot #1)".to_string(),
            private_comment: "coopgov ballot 1 passed".to_string(),
            reject_media: true,
            reject_reports: false,
            obfuscate: false,
        }
    }

    /// `state` as Mastodon would list it.
    fn block_of(state: &BlockState) -> DomainBlock {
        DomainBlock {
            id: "7".to_string(),
            domain: "spam.example".to_string(),
            severity: Some(state.severity.to_string()),
            public_comment: Some(state.public_comment.clone()),
            private_comment: Some(state.private_comment.clone()),
            reject_media: state.reject_media,
            reject_reports: state.reject_reports,
            obfuscate: state.obfuscate,
        }
    }

    #[test]
    fn the_change_is_decided_from_what_is_there_and_what_is_wanted() {
        let mastodon = Software::Mastodon.capabilities();
        let suspend = state("suspend");
        let silence = state("silence");
        let mut flags_off = suspend.clone();
        flags_off.reject_media = false;
        let mut other_comment = suspend.clone();
        other_comment.private_comment = "ratified".to_string();
        let there = block_of(&suspend);
        let cases = [
            (None, None, Change::Nothing),
            (None, Some(&suspend), Change::Create(&suspend)),
            (Some(&there), None, Change::Delete { id: "7" }),
            (Some(&there), Some(&suspend), Change::Nothing),
            (
                Some(&there),
                Some(&silence),
                Change::Update {
                    id: "7",
                    to: &silence,
                },
            ),
            (
                Some(&there),
                Some(&flags_off),
                Change::Update {
                    id: "7",
                    to: &flags_off,
                },
            ),
            (
                Some(&there),
                Some(&other_comment),
                Change::Update {
                    id: "7",
                    to: &other_comment,
                },
            ),
        ];
        for (existing, wanted, expected) in cases {
            assert_eq!(change(existing, wanted, &mastodon), expected, "{wanted:?}");
        }
    }

    /// GoToSocial keeps no severity and no reject flags: a suspension wanted with flags
    /// is already in place when the comments match, and nothing is sent again and again.
    #[test]
    fn on_gotosocial_only_what_it_keeps_is_compared() {
        let gotosocial = Software::GoToSocial.capabilities();
        let wanted = as_kept(&state("suspend"), &gotosocial);
        let there = DomainBlock {
            severity: None,
            reject_media: false,
            ..block_of(&state("suspend"))
        };
        assert_eq!(
            change(Some(&there), Some(&wanted), &gotosocial),
            Change::Nothing
        );
        let mut obfuscated = wanted.clone();
        obfuscated.obfuscate = true;
        assert_eq!(
            change(Some(&there), Some(&obfuscated), &gotosocial),
            Change::Update {
                id: "7",
                to: &obfuscated
            }
        );
    }

    #[test]
    fn a_severity_the_server_cannot_hold_is_refused() {
        let gotosocial = Software::GoToSocial.capabilities();
        let mastodon = Software::Mastodon.capabilities();
        for severity in ["silence", "noop"] {
            let refused = refusal(&state(severity), &gotosocial).expect("refused");
            assert!(matches!(refused, ApiError::Unsupported(_)), "{refused}");
            assert!(refused.to_string().contains("nothing was changed"));
            assert!(refusal(&state(severity), &mastodon).is_none());
        }
        assert!(refusal(&state("suspend"), &gotosocial).is_none());
    }

    #[test]
    fn the_request_carries_every_flag_so_an_update_can_turn_one_off() {
        let mut wanted = state("silence");
        wanted.reject_media = false;
        let request = exact_request("spam.example", &wanted);
        assert_eq!(
            serde_json::to_value(&request).expect("JSON"),
            serde_json::json!({
                "domain": "spam.example",
                "severity": "silence",
                "public_comment": "spam (ballot #1)",
                "private_comment": "coopgov ballot 1 passed",
                "reject_media": false,
                "reject_reports": false,
                "obfuscate": false,
            })
        );
    }

    #[test]
    fn the_read_back_compares_severity_and_a_shown_public_comment() {
        let mastodon = Software::Mastodon.capabilities();
        let wanted = state("suspend");
        let exact = block_of(&wanted);
        let silenced = block_of(&state("silence"));
        let mut renamed = exact.clone();
        renamed.public_comment = Some("spam".to_string());
        let mut without_comment = exact.clone();
        without_comment.public_comment = None;
        let mut other_private = exact.clone();
        other_private.private_comment = Some("changed by hand".to_string());
        let shown = |found: Option<&DomainBlock>, wanted: Option<&BlockState>| {
            mismatch(found, wanted, &mastodon)
        };
        assert_eq!(shown(None, None), None);
        assert_eq!(shown(Some(&exact), Some(&wanted)), None);
        assert_eq!(shown(Some(&without_comment), Some(&wanted)), None);
        assert_eq!(shown(Some(&other_private), Some(&wanted)), None);
        assert_eq!(shown(None, Some(&wanted)).as_deref(), Some("no block"));
        assert_eq!(shown(Some(&exact), None).as_deref(), Some("suspend"));
        assert_eq!(
            shown(Some(&silenced), Some(&wanted)).as_deref(),
            Some("silence")
        );
        assert_eq!(
            shown(Some(&renamed), Some(&wanted)).as_deref(),
            Some("the public comment “spam”")
        );
    }
}
