//! Amazon CloudWatch Logs: log groups with typed retention, retained by default.

mod log_group;
mod retention;

pub use log_group::{
    CfnLogGroup, LogGroup, LogGroupBuilder, LogGroupClass, LogGroupProps, LogGroupRef, LOG_GROUP_NAME,
};
pub use retention::{InvalidRetention, RetentionDays};
