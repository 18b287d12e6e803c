//! Typed options of a state machine: type, logging, and where the definition comes from.

use framework::Value;

use super::asl::Definition;

/// `STANDARD` (durable, up to a year, exactly-once) or `EXPRESS` (high-volume, up to 5 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateMachineType {
    /// `STANDARD`: durable, up to a year, exactly-once (the default).
    #[default]
    Standard,
    /// `EXPRESS`: high-volume, up to 5 minutes, at-least-once.
    Express,
}

impl StateMachineType {
    /// The CloudFormation value.
    pub fn as_str(self) -> &'static str {
        match self {
            StateMachineType::Standard => "STANDARD",
            StateMachineType::Express => "EXPRESS",
        }
    }
}

/// Which execution history events are logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Every event.
    All,
    /// Errors only.
    Error,
    /// Fatal errors only.
    Fatal,
    /// Nothing.
    Off,
}

impl LogLevel {
    /// The CloudFormation value.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::All => "ALL",
            LogLevel::Error => "ERROR",
            LogLevel::Fatal => "FATAL",
            LogLevel::Off => "OFF",
        }
    }
}

/// Logging of executions to a CloudWatch Logs log group.
///
/// ```
/// use constructs::stepfunctions::{LogLevel, LogOptions};
/// let logs = LogOptions::new("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/demo:*")
///     .level(LogLevel::All)
///     .include_execution_data(true);
/// # let _ = logs;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LogOptions {
    /// ARN of the destination log group (`LogGroupRef::arn()`).
    pub destination: Value,
    /// Level (default [`LogLevel::Error`], as AWS CDK).
    pub level: LogLevel,
    /// Log execution input and output too.
    pub include_execution_data: bool,
}

impl LogOptions {
    /// Logs to the log group with ARN `destination`, level ERROR, without execution data.
    pub fn new(destination: impl Into<Value>) -> LogOptions {
        LogOptions { destination: destination.into(), level: LogLevel::Error, include_execution_data: false }
    }
    /// The level.
    pub fn level(mut self, level: LogLevel) -> Self {
        self.level = level;
        self
    }
    /// Whether input and output are logged.
    pub fn include_execution_data(mut self, include: bool) -> Self {
        self.include_execution_data = include;
        self
    }
}

/// Where a state machine's definition comes from: the typed builder or existing JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitionBody {
    /// Built with [`asl`](super::asl).
    Typed(Definition),
    /// An existing definition as JSON (imported and validated when the state machine is built).
    Json(serde_json::Value),
    /// An existing definition as JSON text (imported and validated when the state machine is built).
    Text(String),
}

impl From<Definition> for DefinitionBody {
    fn from(d: Definition) -> Self {
        DefinitionBody::Typed(d)
    }
}

impl From<serde_json::Value> for DefinitionBody {
    fn from(v: serde_json::Value) -> Self {
        DefinitionBody::Json(v)
    }
}

impl DefinitionBody {
    /// Existing JSON text.
    pub fn from_text(text: impl Into<String>) -> DefinitionBody {
        DefinitionBody::Text(text.into())
    }

    /// Imports the definition: the typed model, or every problem plus the raw JSON text.
    pub(crate) fn resolve(self) -> Result<Definition, (Vec<String>, String)> {
        match self {
            DefinitionBody::Typed(d) => Ok(d),
            DefinitionBody::Json(v) => Definition::from_json(&v).map_err(|e| (e.problems, v.to_string())),
            DefinitionBody::Text(t) => Definition::from_json_str(&t).map_err(|e| (e.problems, t)),
        }
    }
}
