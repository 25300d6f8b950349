//! What the bot answers to `jury join`, `jury leave` and `jury pool` (SPEC §10), by
//! direct message.

/// "1 member", "3 members".
fn members(count: usize) -> String {
    match count {
        1 => "1 member".to_string(),
        _ => format!("{count} members"),
    }
}

pub fn no_jury() -> String {
    "This cooperative has no Standing Jury: every member votes on every proposal, so there is no jury pool to join or leave.".to_string()
}

/// `pool` members are in it; `you_are_in` says whether the one asking is among them.
pub fn pool_size(pool: usize, you_are_in: bool) -> String {
    let mut text = format!("The jury pool has {}.", members(pool));
    if you_are_in {
        text.push_str(" You are one of them.");
    }
    text
}

/// `jury pool` where the working group keeps the pool in a file.
pub fn roster_pool_size(pool: usize) -> String {
    format!(
        "The jury pool has {}. It is a list the working group keeps.",
        members(pool)
    )
}

/// `jury join` or `jury leave` where the working group keeps the pool in a file.
pub fn roster_pool_is_kept(pool: usize) -> String {
    format!(
        "Here the jury is drawn from a list the working group keeps in a file ({}), so “jury join” and “jury leave” do not apply. Ask the working group to add you to it or take you off.",
        members(pool)
    )
}

/// `why` is the eligibility explanation (another server, too new an account…).
pub fn cannot_join(why: &str) -> String {
    format!("You cannot join the jury pool: {why}")
}

pub fn joined(pool: usize) -> String {
    format!(
        "You joined the jury pool, which now has {}. When a proposal that a jury decides opens, you may be drawn by lot and invited by direct message; you serve only if you accept. To leave the pool, send: jury leave",
        members(pool)
    )
}

pub fn already_in(pool: usize) -> String {
    format!(
        "You are already in the jury pool, which has {}. To leave it, send: jury leave",
        members(pool)
    )
}

pub fn left(pool: usize) -> String {
    format!(
        "You left the jury pool, which now has {}; you will not be drawn for new cases. A jury you already sit on keeps you until its case is decided.",
        members(pool)
    )
}

pub fn not_in() -> String {
    "You are not in the jury pool, so there is nothing to leave. To volunteer, send: jury join"
        .to_string()
}
