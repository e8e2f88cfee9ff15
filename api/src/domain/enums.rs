//! The contract's closed vocabularies, stored as text (with a CHECK constraint) and sent as
//! snake_case strings.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            AsExpression, FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)+ }
            }

            /// Parses a query parameter or stored value.
            pub fn parse(value: &str) -> Result<Self, String> {
                match value {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!(
                        "must be one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(Self::parse(&text)?)
            }
        }
    };
}

text_enum!(
    /// What kind of organisation a partner is.
    PartnerKind {
        Caf = "caf",
        Epci = "epci",
        Commune = "commune",
        State = "state",
        Department = "department",
        Association = "association",
        PublicBody = "public_body",
        Other = "other",
    }
);

text_enum!(
    /// Where a convention is in its life.
    ConventionStatus {
        Draft = "draft",
        Active = "active",
        Closed = "closed",
    }
);

text_enum!(
    /// Where a fiche-action stands.
    ActionStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Suspended = "suspended",
        Abandoned = "abandoned",
    }
);

text_enum!(
    /// Where one step of a fiche-action stands.
    StepStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
    }
);

impl ActionStatus {
    /// Finished one way or another: such an action is never late.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Abandoned)
    }
}
