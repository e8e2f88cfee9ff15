//! An e-mail address used as a login: trimmed, checked for a plausible shape, compared without
//! regard to case (the database's unique index is on its lower-case form).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: String) -> Result<Self, String> {
        let value = value.trim().to_string();
        let valid = value.len() <= 254
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            })
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(value))
        } else {
            Err("must be an e-mail address".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            Email::parse(" a.b@caf.fr ".into()).unwrap().as_str(),
            "a.b@caf.fr"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@caf.fr",
            "a@caf.",
            "a b@caf.fr",
            "a@b@caf.fr",
        ] {
            assert!(Email::parse(bad.into()).is_err(), "{bad}");
        }
    }
}
