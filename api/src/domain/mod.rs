//! Validated values: wire input is parsed into these before any SQL runs, and a failure names
//! the field at fault (422).

mod enums;
mod fields;
mod numbers;
mod text;

pub use enums::{ActionStatus, ConventionStatus, PartnerKind, StepStatus};
pub use fields::{parse_list, At, Invalid};
pub use numbers::{ordered, Number, Percent, Year};
pub use text::{LongText, Title};
