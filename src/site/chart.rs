//! A tally drawn as inline SVG: one horizontal bar a position, its name before it and
//! its count after it as text, and a title and description for those who cannot see it.

use crate::governance::{messages, Position, Tally};
use maud::{html, Markup};

/// The longest bar, in the drawing's units: every voter.
const BAR: u32 = 200;
const ROW: u32 = 28;
/// Where bars start, after the longest name ("disagree").
const BARS_AT: u32 = 78;
/// Where the counts are written, in a column after the longest bar.
const COUNTS_AT: u32 = BARS_AT + BAR + 8;

/// A bar's length for `count` of `voters`: in proportion, and never invisible when
/// someone took the position.
pub(super) fn bar_length(count: u32, voters: u32) -> u32 {
    if count == 0 || voters == 0 {
        return 0;
    }
    (u64::from(count) * u64::from(BAR) / u64::from(voters)).max(2) as u32
}

/// The tally in words, as the chart's description and the small chart's label.
pub(super) fn in_words(tally: &Tally) -> String {
    let voters = match tally.voters() {
        1 => "1 voter".to_string(),
        n => format!("{n} voters"),
    };
    format!("{} ({voters})", messages::counts(tally))
}

/// The full chart; `id` makes its title and description unique on the page.
pub(super) fn tally_chart(tally: &Tally, title: &str, id: &str) -> Markup {
    let voters = tally.voters();
    let height = ROW * 4 + 4;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    html! {
        svg.tally xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox={ "0 0 " (COUNTS_AT + 40) " " (height) }
            aria-labelledby={ (title_id) " " (desc_id) } {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (in_words(tally)) }
            @for (row, position) in Position::ALL.into_iter().enumerate() {
                @let count = tally.count(position);
                @let y = row as u32 * ROW + 4;
                @let length = bar_length(count, voters);
                g.row data-position=(position.name()) data-count=(count) {
                    text.label x="0" y=(y + 16) { (position.name()) }
                    rect.track x=(BARS_AT) y=(y + 2) width=(BAR) height="18" rx="2" {}
                    rect class={ "bar " (position.name()) } x=(BARS_AT) y=(y + 2)
                        width=(length) height="18" rx="2" {}
                    text.count x=(COUNTS_AT) y=(y + 16) { (count) }
                }
            }
        }
    }
}

/// A small stacked bar for lists, with the counts as its label; the counts are also
/// written beside it by the caller.
pub(super) fn mini_chart(tally: &Tally) -> Markup {
    let voters = tally.voters();
    let mut at = 0;
    let segments: Vec<(Position, u32, u32)> = Position::ALL
        .into_iter()
        .map(|position| {
            let length = bar_length(tally.count(position), voters);
            let segment = (position, at, length);
            at += length;
            segment
        })
        .collect();
    html! {
        svg.mini xmlns="http://www.w3.org/2000/svg" role="img" viewBox={ "0 0 " (BAR) " 10" }
            preserveAspectRatio="none" aria-label=(in_words(tally)) {
            rect.track x="0" y="0" width=(BAR) height="10" {}
            @for (position, x, length) in segments {
                @if length > 0 {
                    rect class=(position.name()) x=(x) y="0" width=(length) height="10" {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion_and_never_hide_a_vote() {
        let check = |count, voters, expected| {
            assert_eq!(bar_length(count, voters), expected, "{count} of {voters}");
        };
        check(0, 0, 0);
        check(0, 5, 0);
        check(5, 5, BAR);
        check(1, 2, BAR / 2);
        check(1, 1000, 2);
        check(2, 3, 133);
    }
}
