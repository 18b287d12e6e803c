//! One stack event as CloudFormation reports it (DescribeStackEvents), plain data: the leaf that
//! following a stack ([`crate::deploy::events`]), finding a failure's root cause
//! ([`crate::deploy::root_cause`]) and the errors that carry it all read, depending on nothing
//! of theirs.

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackEvent {
    /// `EventId`.
    pub id: String,
    /// `Timestamp`, RFC 3339.
    pub time: Option<String>,
    /// `LogicalResourceId` (the stack name for the stack's own events).
    pub logical_id: String,
    /// `PhysicalResourceId`.
    pub physical_id: Option<String>,
    /// `ResourceType`.
    pub resource_type: String,
    /// `ResourceStatus`.
    pub status: String,
    /// `ResourceStatusReason`.
    pub reason: Option<String>,
}

impl StackEvent {
    /// Whether this is an event of the stack itself rather than of one of its resources.
    pub fn is_stack_event(&self, stack_name: &str) -> bool {
        self.resource_type == "AWS::CloudFormation::Stack" && self.logical_id == stack_name
    }

    pub(crate) fn from_sdk(e: &aws_sdk_cloudformation::types::StackEvent) -> StackEvent {
        StackEvent {
            id: e.event_id().unwrap_or_default().to_string(),
            time: e.timestamp().map(|t| t.to_string()),
            logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
            physical_id: e.physical_resource_id().filter(|p| !p.is_empty()).map(str::to_string),
            resource_type: e.resource_type().unwrap_or_default().to_string(),
            status: e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            reason: e.resource_status_reason().filter(|r| !r.is_empty()).map(str::to_string),
        }
    }
}
