//! Free text an operator reads in a table (display names, block reasons):
//! what may not hide in it. Control characters aside (refused by the
//! callers), it must not carry characters that are invisible or turn the
//! text around (a right-to-left override, U+202E, between "alice" and
//! "nimda" shows "aliceadmin"), nor pile marks on one letter until they
//! cover its neighbours.

use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Result};

/// The longest block reason, in characters.
const MAX_BLOCK_REASON: usize = 256;

/// A block reason: at most 256 characters, no control characters.
pub fn check_block_reason(reason: &str) -> Result<()> {
    if reason.chars().count() > MAX_BLOCK_REASON {
        return Err(Error::invalid(
            "block_reason",
            format!("must be at most {MAX_BLOCK_REASON} characters"),
        ));
    }
    if reason.chars().any(char::is_control) {
        return Err(Error::invalid(
            "block_reason",
            "must not contain control characters",
        ));
    }
    check_visible(reason).map_err(|m| Error::invalid("block_reason", m))?;
    Ok(())
}

/// Code points in one character as displayed (a letter and its marks, an
/// emoji sequence); past this it is a pile of marks, not writing.
const MAX_CLUSTER: usize = 10;

/// Whether `c` is invisible or changes the direction of what follows:
/// Unicode's format characters (category Cf) but the two joiners, the line
/// and paragraph separators, and the fillers that render as blank.
pub fn hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'
        | '\u{200E}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{2800}'
        | '\u{3164}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Refuses text holding what an operator could not see, with the first such
/// code point named.
pub fn check_visible(text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| hidden(c)) {
        return Err(format!(
            "must not contain invisible or direction-changing characters (U+{:04X})",
            u32::from(c)
        ));
    }
    // The zero-width joiners belong inside words (Persian) and emoji
    // sequences, never at an edge or two in a row.
    let joiner = |c: char| matches!(c, '\u{200C}' | '\u{200D}');
    let chars: Vec<char> = text.chars().collect();
    let stray = chars.iter().enumerate().any(|(i, &c)| {
        joiner(c)
            && (i == 0 || i + 1 == chars.len() || joiner(chars[i - 1]) || joiner(chars[i + 1]))
    });
    if stray {
        return Err("must not contain a zero-width joiner outside a word".to_owned());
    }
    if text
        .graphemes(true)
        .any(|g| g.chars().count() > MAX_CLUSTER)
    {
        return Err(format!(
            "must not stack more than {MAX_CLUSTER} marks and joiners on one character"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_with_their_marks_and_emoji_pass() {
        for good in [
            "Zoë Ångström",
            "José",
            "Jose\u{301}",
            "محمد",
            "می\u{200C}خواهم",
            "देवनागरी",
            "ไทย",
            "李小龙",
            "👨\u{200D}👩\u{200D}👧\u{200D}👦 family",
            "🏳️\u{200D}🌈",
            "O'Brien-Smith Jr.",
        ] {
            assert_eq!(check_visible(good), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused() {
        for (bad, code) in [
            ("alice\u{202E}nimda", "U+202E"),
            ("ad\u{200B}min", "U+200B"),
            ("\u{FEFF}admin", "U+FEFF"),
            ("line\u{2028}break", "U+2028"),
            ("a\u{2066}b\u{2069}", "U+2066"),
            ("\u{3164}", "U+3164"),
            ("soft\u{AD}hyphen", "U+00AD"),
            ("tag\u{E0041}", "U+E0041"),
        ] {
            let err = check_visible(bad).unwrap_err();
            assert!(err.contains(code), "{bad:?}: {err}");
        }
    }

    #[test]
    fn stray_joiners_and_piles_of_marks_are_refused() {
        for bad in ["\u{200D}admin", "admin\u{200C}", "a\u{200D}\u{200D}b"] {
            assert!(
                check_visible(bad).unwrap_err().contains("joiner"),
                "{bad:?}"
            );
        }
        let zalgo = format!("a{}", "\u{0301}".repeat(12));
        assert!(check_visible(&zalgo).unwrap_err().contains("stack"));
        // A few marks on one letter are writing.
        assert_eq!(check_visible(&format!("a{}", "\u{0301}".repeat(3))), Ok(()));
    }
}
