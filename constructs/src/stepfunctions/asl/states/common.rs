//! The fields the state types share (`Comment`, `InputPath`, `OutputPath`, `Parameters`,
//! `ResultSelector`, `ResultPath`, `Retry`, `Catch`, `Next` / `End`): one struct, rendered,
//! checked and read from JSON here once. Each state type embeds it and says, with [`Takes`],
//! which of the fields it may have; its builder methods set only those.

use std::collections::BTreeMap;

use framework::Value;

use super::super::error_handling::{
    check_catch, check_retry, parse_retry_catch, render_error_handling, Catcher, Retrier,
};
use super::super::fields::{check_path, check_payload, check_reference_path, put, PathOrNull, Transition};
use super::super::reader::Reader;

/// The fields several state types share. A state holds only those its type allows (a Fail
/// state has no `Next`, a Pass state no `Retry`): they are set through the state's builder
/// methods, and read from a state with `fields()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommonFields {
    /// `Comment` (every state type).
    pub comment: Option<String>,
    /// `InputPath` (all but Fail).
    pub input_path: Option<PathOrNull>,
    /// `OutputPath` (all but Fail).
    pub output_path: Option<PathOrNull>,
    /// `Parameters` (Pass, Task, Parallel, Map).
    pub parameters: Option<Value>,
    /// `ResultSelector` (Task, Parallel, Map).
    pub result_selector: Option<Value>,
    /// `ResultPath` (Pass, Task, Parallel, Map).
    pub result_path: Option<PathOrNull>,
    /// `Retry` (Task, Parallel, Map).
    pub retry: Vec<Retrier>,
    /// `Catch` (Task, Parallel, Map).
    pub catch: Vec<Catcher>,
    /// `Next` / `End` (Pass, Wait, Task, Parallel, Map).
    pub transition: Option<Transition>,
}

/// Which of the [`CommonFields`] a state type takes (`Comment` is always taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Takes {
    /// `InputPath` and `OutputPath`.
    io: bool,
    /// `Next` / `End` (required then).
    transition: bool,
    /// `Parameters` and `ResultPath`.
    result: bool,
    /// `ResultSelector`, `Retry` and `Catch`.
    errors: bool,
}

impl Takes {
    /// Fail: `Comment` only.
    pub const COMMENT: Takes = Takes { io: false, transition: false, result: false, errors: false };
    /// Choice, Succeed: `Comment`, `InputPath`, `OutputPath`.
    pub const IO: Takes = Takes { io: true, ..Takes::COMMENT };
    /// Wait: as [`Takes::IO`], and `Next` / `End`.
    pub const IO_NEXT: Takes = Takes { transition: true, ..Takes::IO };
    /// Pass: as [`Takes::IO_NEXT`], and `Parameters`, `ResultPath`.
    pub const RESULT: Takes = Takes { result: true, ..Takes::IO_NEXT };
    /// Task, Parallel, Map: every shared field.
    pub const ALL: Takes = Takes { errors: true, ..Takes::RESULT };

    /// True when the state type has `Next` / `End`.
    pub fn transition(self) -> bool {
        self.transition
    }
}

impl CommonFields {
    /// Writes the fields that are set into the state's JSON object.
    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "Comment", self.comment.as_deref());
        put(m, "InputPath", self.input_path.as_ref().map(PathOrNull::to_value));
        put(m, "OutputPath", self.output_path.as_ref().map(PathOrNull::to_value));
        put(m, "Parameters", self.parameters.clone());
        put(m, "ResultSelector", self.result_selector.clone());
        put(m, "ResultPath", self.result_path.as_ref().map(PathOrNull::to_value));
        render_error_handling(&self.retry, &self.catch, m);
        Transition::render(&self.transition, m);
    }

    /// The checks of the shared fields of a `type_name` state (problems prefixed with `ctx`), in
    /// the order problems are reported: the transition, the paths and `Parameters`,
    /// `ResultSelector`, then `Retry`/`Catch`. States whose own checks interleave with them
    /// (Task, Map) call the steps themselves.
    pub(crate) fn check(&self, ctx: &str, type_name: &str, takes: Takes, out: &mut Vec<String>) {
        self.check_transition(ctx, type_name, takes, out);
        self.check_paths(ctx, out);
        self.check_result_selector(ctx, out);
        self.check_errors(ctx, out);
    }

    /// A state that takes a transition has `Next` or `End`.
    pub(crate) fn check_transition(&self, ctx: &str, type_name: &str, takes: Takes, out: &mut Vec<String>) {
        if takes.transition && self.transition.is_none() {
            out.push(format!("{ctx}: a {type_name} state must have either Next or End"));
        }
    }

    /// `InputPath`, `OutputPath`, `ResultPath` and `Parameters`.
    pub(crate) fn check_paths(&self, ctx: &str, out: &mut Vec<String>) {
        check_path(ctx, "InputPath", &self.input_path, out);
        check_path(ctx, "OutputPath", &self.output_path, out);
        check_reference_path(ctx, "ResultPath", &self.result_path, out);
        check_payload(ctx, "Parameters", &self.parameters, out);
    }

    /// `ResultSelector`.
    pub(crate) fn check_result_selector(&self, ctx: &str, out: &mut Vec<String>) {
        check_payload(ctx, "ResultSelector", &self.result_selector, out);
    }

    /// `Retry` and `Catch`.
    pub(crate) fn check_errors(&self, ctx: &str, out: &mut Vec<String>) {
        check_retry(ctx, &self.retry, out);
        check_catch(ctx, &self.catch, out);
    }

    /// Reads the shared fields a state type `takes`; the others stay unread, so the reader
    /// reports them as not allowed.
    pub(crate) fn parse(r: &mut Reader<'_, '_>, takes: Takes) -> CommonFields {
        let errors = CommonFields::parse_errors(r, takes);
        let mut fields = CommonFields::parse_after_errors(r, takes, errors);
        fields.parse_transition(r, takes);
        fields
    }

    /// The first step of [`parse`](Self::parse), for states that read fields of their own in
    /// between (problems are reported in reading order): `Retry` and `Catch`.
    pub(crate) fn parse_errors(r: &mut Reader<'_, '_>, takes: Takes) -> (Vec<Retrier>, Vec<Catcher>) {
        if takes.errors {
            parse_retry_catch(r)
        } else {
            (Vec::new(), Vec::new())
        }
    }

    /// The second step: `Comment`, the paths, `Parameters`, `ResultSelector` (no transition yet).
    pub(crate) fn parse_after_errors(
        r: &mut Reader<'_, '_>,
        takes: Takes,
        errors: (Vec<Retrier>, Vec<Catcher>),
    ) -> CommonFields {
        let (retry, catch) = errors;
        CommonFields {
            comment: r.string("Comment"),
            input_path: takes.io.then(|| r.path_or_null("InputPath")).flatten(),
            output_path: takes.io.then(|| r.path_or_null("OutputPath")).flatten(),
            parameters: takes.result.then(|| r.value("Parameters")).flatten(),
            result_selector: takes.errors.then(|| r.value("ResultSelector")).flatten(),
            result_path: takes.result.then(|| r.path_or_null("ResultPath")).flatten(),
            retry,
            catch,
            transition: None,
        }
    }

    /// The last step: `Next` / `End`.
    pub(crate) fn parse_transition(&mut self, r: &mut Reader<'_, '_>, takes: Takes) {
        self.transition = takes.transition.then(|| r.transition()).flatten();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(takes: Takes, obj: serde_json::Value) -> (CommonFields, Vec<String>) {
        let mut problems = Vec::new();
        let mut r = Reader::new(obj.as_object().unwrap(), "state \"S\"", &mut problems);
        let fields = CommonFields::parse(&mut r, takes);
        r.finish("a state");
        (fields, problems)
    }

    #[test]
    fn reads_only_the_fields_a_state_type_takes() {
        let obj = json!({"Comment": "c", "InputPath": "$.a", "Parameters": {}, "Retry": [], "Next": "B"});
        let (fields, problems) = parse(Takes::IO, obj.clone());
        assert_eq!(
            fields,
            CommonFields { comment: Some("c".into()), input_path: Some("$.a".into()), ..Default::default() }
        );
        assert_eq!(
            problems,
            vec![
                "state \"S\": field \"Parameters\" is not allowed in a state",
                "state \"S\": field \"Retry\" is not allowed in a state",
                "state \"S\": field \"Next\" is not allowed in a state",
            ]
        );
        let (fields, problems) = parse(Takes::ALL, obj);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(fields.transition, Some(Transition::Next("B".into())));
        assert_eq!(fields.parameters, Some(Value::Map(BTreeMap::new())));
    }

    #[test]
    fn checks_paths_payloads_and_the_transition() {
        let fields = CommonFields {
            input_path: Some("x".into()),
            result_path: Some("$.a[*]".into()),
            parameters: Some(Value::map([("a.$", Value::from(1))])),
            retry: vec![Retrier::on(Vec::<String>::new())],
            ..Default::default()
        };
        let mut out = Vec::new();
        fields.check("state \"S\"", "Task", Takes::ALL, &mut out);
        assert_eq!(out.len(), 5, "{out:#?}");
        assert_eq!(out[0], "state \"S\": a Task state must have either Next or End");
        assert!(out[1].starts_with("state \"S\": InputPath"), "{out:#?}");
        assert!(out[2].starts_with("state \"S\": ResultPath"), "{out:#?}");
        assert!(out[3].starts_with("state \"S\": Parameters.a.$"), "{out:#?}");
        assert!(out[4].starts_with("state \"S\": Retry[0]: ErrorEquals"), "{out:#?}");
        let mut out = Vec::new();
        CommonFields::default().check("state \"S\"", "Succeed", Takes::IO, &mut out);
        assert_eq!(out, Vec::<String>::new());
    }

    #[test]
    fn renders_the_fields_that_are_set() {
        let fields = CommonFields {
            comment: Some("c".into()),
            output_path: Some(PathOrNull::Null),
            transition: Some(Transition::End),
            ..Default::default()
        };
        let mut m = BTreeMap::new();
        fields.render(&mut m);
        let json = crate::stepfunctions::asl::definition::literal_json(&Value::Map(m)).unwrap();
        assert_eq!(json, json!({"Comment": "c", "End": true, "OutputPath": null}));
    }
}
