//! Evaluation: how far indicators, actions and the plan have come. Pure arithmetic over values
//! the services have already read, so that what "progress" means is decided in one place.

pub mod progress;

pub use progress::{
    achievement, action_progress, mean_progress, round_achievement, round_progress,
};
