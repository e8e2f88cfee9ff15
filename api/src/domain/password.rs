//! A password that meets the contract's policy: 15 to 128 characters, no composition rules,
//! common or guessable passwords refused.

use std::fmt;

pub struct Password(String);

/// What a guesser tries first on a French platform: AZERTY rows, the commonest French
/// passwords' words, and this service's own vocabulary.
const FRENCH_GUESSES: &[&str] = &[
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "azerty",
    "motdepasse",
    "bonjour",
    "soleil",
    "doudou",
    "chouchou",
    "loulou",
    "marseille",
    "paris",
    "france",
    "jetaime",
    "caf",
    "ctg",
    "convention",
    "territoriale",
    "globale",
    "allocations",
    "familiales",
    "quercy",
    "bouriane",
    "gourdon",
];

impl Password {
    pub const MIN_CHARS: usize = 15;
    pub const MAX_CHARS: usize = 128;

    /// Parses a new password; `context` holds words a guesser would try first (the user's
    /// e-mail and name).
    pub fn parse(value: String, context: &[&str]) -> Result<Self, String> {
        let length = value.chars().count();
        if length < Self::MIN_CHARS {
            return Err(format!("must be at least {} characters", Self::MIN_CHARS));
        }
        if length > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        // zxcvbn knows the common-password lists and dictionary patterns; a score below 3
        // means "guessable" whatever the length. Its keyboards are English: French rows and
        // words go in as known guesses.
        let guesses: Vec<&str> = context
            .iter()
            .copied()
            .chain(FRENCH_GUESSES.iter().copied())
            .collect();
        let entropy = zxcvbn::zxcvbn(&value, &guesses);
        if (entropy.score() as u8) < 3 {
            return Err(
                "is too common or too easy to guess: choose a longer phrase of unrelated words"
                    .into(),
            );
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never printed, even by accident.
impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds() {
        assert!(Password::parse("short".into(), &[]).is_err());
        assert!(Password::parse("x".repeat(129), &[]).is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_length() {
        assert!(Password::parse("passwordpassword".into(), &[]).is_err());
        assert!(Password::parse("123456789012345".into(), &[]).is_err());
        assert!(Password::parse("azertyuiopqsdfgh".into(), &[]).is_err());
    }

    #[test]
    fn a_passphrase_is_accepted_without_composition_rules() {
        assert!(Password::parse("cheval agrafe pile correcte".into(), &[]).is_ok());
    }

    #[test]
    fn is_never_debug_printed() {
        let p = Password::parse("cheval agrafe pile correcte".into(), &[]).unwrap();
        assert!(!format!("{p:?}").contains("cheval"));
    }
}
