//! `AWS::StepFunctions::StateMachine` as a typed L1 resource with its own validation.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{Resource, StringRule, Validator, Value};

use super::asl::{Definition, State};

/// Rules for `StateMachineName`: 1-80 characters, no whitespace, control characters or
/// any of `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`.
pub const STATE_MACHINE_NAME: StringRule = StringRule::new(1, 80).chars(
    |c| !c.is_whitespace() && !c.is_control() && !"<>{}[]?*\"#%\\^|~`$&,;:/".contains(c),
    "any character except whitespace, control characters and < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /",
);

/// The largest definition Step Functions accepts (1 MiB of JSON text).
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// `LoggingConfiguration`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CfnLoggingConfiguration {
    /// `Level`: ALL, ERROR, FATAL or OFF.
    pub level: Option<Value>,
    /// `IncludeExecutionData`.
    pub include_execution_data: Option<Value>,
    /// Log group ARNs of `Destinations` (at most one).
    pub log_group_arns: Vec<Value>,
}

/// The L1 state machine.
#[derive(Debug, Clone, PartialEq)]
pub struct CfnStateMachine {
    /// `RoleArn` (required).
    pub role_arn: Value,
    /// The typed definition, rendered into `DefinitionString` and validated at synth.
    pub definition: Option<Definition>,
    /// A raw `DefinitionString`, used when `definition` is not set.
    pub definition_string: Option<Value>,
    /// `StateMachineName`.
    pub state_machine_name: Option<Value>,
    /// `StateMachineType`: STANDARD or EXPRESS.
    pub state_machine_type: Option<Value>,
    /// `LoggingConfiguration`.
    pub logging_configuration: Option<CfnLoggingConfiguration>,
    /// `TracingConfiguration.Enabled`.
    pub tracing_enabled: Option<Value>,
    /// `Tags`.
    pub tags: BTreeMap<String, Value>,
}

impl CfnStateMachine {
    /// A state machine assumed by `role_arn` running `definition`.
    pub fn new(role_arn: impl Into<Value>, definition: Definition) -> CfnStateMachine {
        CfnStateMachine {
            role_arn: role_arn.into(),
            definition: Some(definition),
            definition_string: None,
            state_machine_name: None,
            state_machine_type: None,
            logging_configuration: None,
            tracing_enabled: None,
            tags: BTreeMap::new(),
        }
    }
}

/// Task resources that an EXPRESS state machine cannot run, with where they are.
fn express_unsupported(def: &Definition, prefix: &str, out: &mut Vec<String>) {
    for (name, state) in &def.states {
        let at = if prefix.is_empty() { format!("state {name:?}") } else { format!("{prefix}: state {name:?}") };
        match state {
            State::Task(t) => {
                if let Some(arn) = t.resource.as_str() {
                    if arn.ends_with(".sync") || arn.contains(".sync:") || arn.ends_with(".waitForTaskToken") {
                        out.push(format!(
                            "{at}: EXPRESS state machines support only the Request Response integration pattern, not {arn:?} (.sync / .waitForTaskToken need STANDARD)"
                        ));
                    } else if arn.split(':').nth(5) == Some("activity") {
                        out.push(format!(
                            "{at}: EXPRESS state machines do not support activities ({arn:?}); use STANDARD"
                        ));
                    }
                }
            }
            State::Parallel(p) => {
                for (i, b) in p.branches.iter().enumerate() {
                    express_unsupported(b, &format!("{at} Branches[{i}]"), out);
                }
            }
            State::Map(m) => express_unsupported(&m.processor, &format!("{at} ItemProcessor"), out),
            _ => {}
        }
    }
}

impl Resource for CfnStateMachine {
    fn cfn_type(&self) -> &str {
        "AWS::StepFunctions::StateMachine"
    }

    fn properties(&self) -> BTreeMap<String, Value> {
        let mut p = BTreeMap::new();
        p.insert("RoleArn".into(), self.role_arn.clone());
        let definition = match &self.definition {
            Some(d) => Value::json_string(d.to_value()),
            None => self.definition_string.clone().unwrap_or(Value::Null),
        };
        p.insert("DefinitionString".into(), definition);
        p.insert("StateMachineName".into(), self.state_machine_name.clone().into());
        p.insert("StateMachineType".into(), self.state_machine_type.clone().into());
        if let Some(l) = &self.logging_configuration {
            let mut m = BTreeMap::new();
            m.insert("Level".to_string(), l.level.clone().into());
            m.insert("IncludeExecutionData".to_string(), l.include_execution_data.clone().into());
            let destinations: Vec<Value> = l
                .log_group_arns
                .iter()
                .map(|arn| Value::map([("CloudWatchLogsLogGroup", Value::map([("LogGroupArn", arn.clone())]))]))
                .collect();
            m.insert("Destinations".to_string(), Value::List(destinations));
            m.retain(|_, v| !v.is_empty_collection());
            p.insert("LoggingConfiguration".into(), Value::Map(m));
        }
        if let Some(t) = &self.tracing_enabled {
            p.insert("TracingConfiguration".into(), Value::map([("Enabled", t.clone())]));
        }
        if !self.tags.is_empty() {
            p.insert("Tags".into(), crate::tags_value(&self.tags));
        }
        p
    }

    fn validate(&self, v: &mut Validator<'_>) {
        if self.role_arn == Value::Null {
            v.error("missing required property RoleArn");
        }
        match (&self.definition, &self.definition_string) {
            (Some(d), _) => {
                v.errors(d.problems());
                if let Some(size) = d.to_value().literal_json_len() {
                    if size > MAX_DEFINITION_BYTES {
                        v.error(format!(
                            "the definition is {size} bytes; Step Functions accepts at most {MAX_DEFINITION_BYTES}"
                        ));
                    }
                }
            }
            (None, None) => v.error("missing required property DefinitionString (or a typed definition)"),
            (None, Some(_)) => {}
        }
        STATE_MACHINE_NAME.check_opt(v, "StateMachineName", self.state_machine_name.as_ref());
        let ty = self.state_machine_type.as_ref().and_then(Value::as_str);
        if let Some(t) = ty {
            if t != "STANDARD" && t != "EXPRESS" {
                v.error(format!("StateMachineType must be STANDARD or EXPRESS (got {t:?})"));
            }
        }
        if ty == Some("EXPRESS") {
            if let Some(d) = &self.definition {
                let mut out = Vec::new();
                express_unsupported(d, "", &mut out);
                v.errors(out);
            }
        }
        if let Some(l) = &self.logging_configuration {
            let level = l.level.as_ref().and_then(Value::as_str);
            if let Some(level) = level {
                if !["ALL", "ERROR", "FATAL", "OFF"].contains(&level) {
                    v.error(format!("LoggingConfiguration.Level must be ALL, ERROR, FATAL or OFF (got {level:?})"));
                }
            }
            if l.log_group_arns.len() > 1 {
                v.error(format!(
                    "LoggingConfiguration.Destinations holds at most one log group (got {})",
                    l.log_group_arns.len()
                ));
            }
            if l.log_group_arns.is_empty() && level.is_some_and(|lv| lv != "OFF") {
                v.error("LoggingConfiguration.Destinations is required unless Level is OFF");
            }
            for arn in &l.log_group_arns {
                if let Some(s) = arn.as_str() {
                    if !s.starts_with("arn:") || !s.contains(":log-group:") {
                        v.error(format!(
                            "LoggingConfiguration destination {s:?} is not a log group ARN (arn:...:log-group:...)"
                        ));
                    }
                }
            }
            if let Some(x) = &l.include_execution_data {
                if !matches!(x, Value::Bool(_)) && !x.is_token() {
                    v.error("LoggingConfiguration.IncludeExecutionData must be a boolean");
                }
            }
        }
        if let Some(t) = &self.tracing_enabled {
            if !matches!(t, Value::Bool(_)) && !t.is_token() {
                v.error("TracingConfiguration.Enabled must be a boolean");
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stepfunctions::asl::{Pass, Task};
    use framework::Problem;

    fn problems(spec: &CfnStateMachine) -> Vec<String> {
        let mut out: Vec<Problem> = Vec::new();
        spec.validate(&mut Validator::new("S/SM/Resource", &mut out));
        out.into_iter().map(|p| p.message).collect()
    }

    fn ok_definition() -> Definition {
        Definition::new("A").state("A", Pass::new().end())
    }

    #[test]
    fn valid_spec_has_no_problems() {
        let mut spec = CfnStateMachine::new("arn:aws:iam::123456789012:role/r", ok_definition());
        spec.state_machine_name = Some("my-machine_1.v2".into());
        spec.state_machine_type = Some("EXPRESS".into());
        assert_eq!(problems(&spec), Vec::<String>::new());
    }

    #[test]
    fn names_and_enums_are_checked() {
        let mut spec = CfnStateMachine::new(Value::Null, ok_definition());
        spec.state_machine_name = Some("bad name/with:chars".into());
        spec.state_machine_type = Some("FAST".into());
        spec.logging_configuration =
            Some(CfnLoggingConfiguration { level: Some("DEBUG".into()), ..Default::default() });
        spec.tracing_enabled = Some("yes".into());
        let p = problems(&spec);
        assert_eq!(p[0], "missing required property RoleArn");
        assert!(
            p[1].starts_with(
                "StateMachineName \"bad name/with:chars\" has characters that are not allowed (' ', '/', ':')"
            ),
            "{p:#?}"
        );
        assert_eq!(p[2], "StateMachineType must be STANDARD or EXPRESS (got \"FAST\")");
        assert_eq!(p[3], "LoggingConfiguration.Level must be ALL, ERROR, FATAL or OFF (got \"DEBUG\")");
        assert_eq!(p[4], "LoggingConfiguration.Destinations is required unless Level is OFF");
        assert_eq!(p[5], "TracingConfiguration.Enabled must be a boolean");
        let long = "x".repeat(81);
        let mut spec = CfnStateMachine::new("arn:aws:iam::1:role/r", ok_definition());
        spec.state_machine_name = Some(long.as_str().into());
        assert!(problems(&spec)[0].contains("must be 1 to 80 characters long (it has 81)"));
    }

    #[test]
    fn logging_destinations_are_checked() {
        let mut spec = CfnStateMachine::new("arn:aws:iam::1:role/r", ok_definition());
        spec.logging_configuration = Some(CfnLoggingConfiguration {
            level: Some("ALL".into()),
            include_execution_data: Some(true.into()),
            log_group_arns: vec!["my-log-group".into(), "arn:aws:logs:eu-west-1:1:log-group:/x:*".into()],
        });
        let p = problems(&spec);
        assert_eq!(p[0], "LoggingConfiguration.Destinations holds at most one log group (got 2)");
        assert!(p[1].contains("\"my-log-group\" is not a log group ARN"));
        spec.logging_configuration = Some(CfnLoggingConfiguration { level: Some("OFF".into()), ..Default::default() });
        assert_eq!(problems(&spec), Vec::<String>::new());
    }

    #[test]
    fn express_rejects_sync_callback_and_activities() {
        let def = Definition::new("A")
            .state("A", Task::new("arn:aws:states:::ecs:runTask.sync").next("B"))
            .state("B", Task::new("arn:aws:states:::sqs:sendMessage.waitForTaskToken").next("C"))
            .state("C", Task::new("arn:aws:states:eu-west-1:123456789012:activity:work").end());
        let mut spec = CfnStateMachine::new("arn:aws:iam::1:role/r", def);
        assert_eq!(problems(&spec), Vec::<String>::new());
        spec.state_machine_type = Some("EXPRESS".into());
        let p = problems(&spec);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].starts_with("state \"A\": EXPRESS state machines support only the Request Response"));
        assert!(p[1].starts_with("state \"B\": EXPRESS"));
        assert!(p[2].starts_with("state \"C\": EXPRESS state machines do not support activities"));
    }

    #[test]
    fn definition_problems_are_reported() {
        let spec = CfnStateMachine::new("arn:aws:iam::1:role/r", Definition::new("Nope").state("A", Pass::new().end()));
        let p = problems(&spec);
        assert!(p.contains(&"definition: StartAt \"Nope\" is not a state of the definition".to_string()), "{p:?}");
        let mut spec = CfnStateMachine::new("arn:aws:iam::1:role/r", ok_definition());
        spec.definition = None;
        assert_eq!(problems(&spec), vec!["missing required property DefinitionString (or a typed definition)"]);
        let big = Definition::new("A").state("A", Pass::new().result("x".repeat(MAX_DEFINITION_BYTES)).end());
        let spec = CfnStateMachine::new("arn:aws:iam::1:role/r", big);
        let p = problems(&spec);
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("Step Functions accepts at most 1048576"), "{p:?}");
    }
}
