//! The contract's closed vocabularies, stored as text (with a CHECK constraint) and sent as
//! snake_case strings.

macro_rules! text_enum {
    // `tt`, not `literal`: utoipa reads `rename = $text` only when it sees a plain string token.
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
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

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                Ok(Self::parse(&text)?)
            }
        }
    };
}

pub(crate) use text_enum;

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

text_enum!(
    /// A member's role in a convention (see the contract's role table).
    Role {
        Viewer = "viewer",
        Pilot = "pilot",
        Committee = "committee",
        Copil = "copil",
        Coordinator = "coordinator",
        /// The Caf reporting integration: reads plans, measurements and reports only.
        Reporting = "reporting",
    }
);

text_enum!(
    /// The COPIL, or a thematic technical committee covering some axes.
    CommitteeKind {
        Copil = "copil",
        Thematic = "thematic",
    }
);

impl ActionStatus {
    /// Finished one way or another: such an action is never late.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Abandoned)
    }
}
