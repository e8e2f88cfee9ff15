//! Validated values: wire input is parsed into these before any SQL runs, and a failure names
//! the field at fault (422).

mod email;
mod enums;
mod fields;
mod indicator;
mod numbers;
mod password;
mod period;
mod text;

pub use email::Email;
/// For the closed vocabularies that live with their module (the audit log's entity types).
pub(crate) use enums::text_enum;
pub use enums::{ActionStatus, CommitteeKind, ConventionStatus, PartnerKind, Role, StepStatus};
pub use fields::{parse_list, At, Invalid};
pub use indicator::{
    check_goal, parse_reference_value, parse_scale, parse_value, Direction, Frequency,
    IndicatorKind, IndicatorType, MeasuredValue,
};
pub use numbers::{ordered, Number, Percent, Year};
pub use password::Password;
pub use period::Period;
pub use text::{LongText, Title};
