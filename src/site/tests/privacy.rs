//! Nothing private reaches the site: no direct message, no report, no admin's note.

use super::*;

#[test]
fn nothing_private_is_written() {
    let site = site(&input());
    for (path, text) in &site {
        for private in [
            PRIVATE_NOTE,   // an earlier block's private comment
            "report-id-r",  // a case's reports
            "dm-",          // the direct messages that asked for urgent actions and appeals
            "public reply", // votes' own words are the thread's, not the record's
            "limited by hand",
        ] {
            assert!(!text.contains(private), "{path} shows {private:?}");
        }
    }
}
