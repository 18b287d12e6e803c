//! Importing an existing JSON definition into the typed model, with the same validation.

use serde_json::{Map as JsonMap, Value as Json};

use super::definition::Definition;
use super::duplicates::duplicate_key_problems;
use super::error::DefinitionError;
use super::reader::Reader;
use super::states::State;

impl Definition {
    /// Reads a definition from its JSON text; every problem (unreadable JSON, unknown state
    /// types, missing or misplaced fields, and then the graph checks of
    /// [`Definition::problems`]) is reported together.
    ///
    /// ```
    /// use constructs::stepfunctions::asl::Definition;
    /// let d = Definition::from_json_str(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#).unwrap();
    /// assert_eq!(d.start_at, "A");
    /// let err = Definition::from_json_str(r#"{"StartAt": "A", "States": {"A": {"Type": "Sleep"}}}"#).unwrap_err();
    /// assert!(err.has("unknown state Type \"Sleep\""));
    /// ```
    pub fn from_json_str(text: &str) -> Result<Definition, DefinitionError> {
        let json = match serde_json::from_str::<Json>(text) {
            Ok(json) => json,
            Err(e) => return Err(DefinitionError { problems: vec![format!("definition: not valid JSON: {e}")] }),
        };
        let duplicates = duplicate_key_problems(text);
        match Definition::from_json(&json) {
            Ok(d) if duplicates.is_empty() => Ok(d),
            Ok(_) => Err(DefinitionError { problems: duplicates }),
            Err(mut e) => {
                e.problems.splice(0..0, duplicates);
                Err(e)
            }
        }
    }

    /// Reads a definition from a JSON value (see [`Definition::from_json_str`]).
    pub fn from_json(json: &Json) -> Result<Definition, DefinitionError> {
        let Some(obj) = json.as_object() else {
            return Err(DefinitionError { problems: vec!["definition: must be a JSON object".into()] });
        };
        let mut problems = Vec::new();
        let parsed = Definition::parse_object(obj, "", &mut problems);
        match parsed {
            Some(d) if problems.is_empty() => d.check().map(|_| d),
            _ => Err(DefinitionError { problems }),
        }
    }

    /// Reads a definition object; `prefix` is empty at the top level, else where it is nested.
    pub(crate) fn parse_object(
        obj: &JsonMap<String, Json>,
        prefix: &str,
        problems: &mut Vec<String>,
    ) -> Option<Definition> {
        let top = prefix.is_empty();
        let ctx = if top { "definition".to_string() } else { prefix.to_string() };
        let mut r = Reader::new(obj, ctx, problems);
        let start_at = r.required_string("StartAt");
        let comment = r.string("Comment");
        let (timeout_seconds, version) =
            if top { (r.uint("TimeoutSeconds"), r.string("Version")) } else { (None, None) };
        let states_obj = if r.has("States") {
            r.object("States")
        } else {
            r.problem("missing required field States");
            None
        };
        r.finish(if top { "a definition" } else { "a branch or item processor" });
        let mut states = Vec::new();
        let mut ok = start_at.is_some() && states_obj.is_some();
        for (name, body) in states_obj.into_iter().flatten() {
            let state_ctx = if top { format!("state {name:?}") } else { format!("{prefix}: state {name:?}") };
            match body.as_object() {
                Some(o) => match State::parse(o, &state_ctx, problems) {
                    Some(s) => states.push((name.clone(), s)),
                    None => ok = false,
                },
                None => {
                    problems.push(format!("{state_ctx}: a state must be a JSON object"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(Definition { start_at: start_at?, states, comment, timeout_seconds, version })
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use serde_json::{json, Value as Json};

    fn import_err(v: Json) -> Vec<String> {
        Definition::from_json(&v).expect_err("should be rejected").problems
    }

    #[test]
    fn round_trips_every_state_type() {
        let d = Definition::new("P")
            .comment("all")
            .timeout_seconds(300)
            .version("1.0")
            .state(
                "P",
                Pass::new()
                    .result(json!({"a": 1}))
                    .result_path("$.r")
                    .input_path("$")
                    .output_path(PathOrNull::Null)
                    .next("W"),
            )
            .state("W", Wait::new(WaitFor::TimestampPath("$.when".into())).next("T"))
            .state(
                "T",
                Task::new("arn:aws:states:::lambda:invoke")
                    .parameters(json!({"FunctionName": "f", "Payload.$": "$"}))
                    .result_selector(json!({"body.$": "$.Payload"}))
                    .timeout_seconds(60)
                    .heartbeat_seconds(10)
                    .retry(
                        Retrier::on(["States.Timeout"])
                            .interval_seconds(2)
                            .max_attempts(3)
                            .backoff_rate(2)
                            .jitter(JitterStrategy::None),
                    )
                    .catch(Catcher::on(["States.ALL"], "F").result_path("$.error"))
                    .next("Par"),
            )
            .state(
                "Par",
                Parallel::new()
                    .branch(Definition::new("B1").state("B1", Succeed::new()))
                    .branch(Definition::new("B2").state("B2", Pass::new().end()))
                    .next("M"),
            )
            .state(
                "M",
                Map::new(Definition::new("I").state("I", Pass::new().end()))
                    .items_path("$.items")
                    .item_selector(json!({"v.$": "$$.Map.Item.Value"}))
                    .max_concurrency(2)
                    .processor_config(ProcessorConfig { mode: ProcessorMode::Inline, express: None })
                    .next("C"),
            )
            .state(
                "C",
                Choice::new()
                    .when(
                        Condition::and([Condition::is_present("$.x"), Condition::not(Condition::is_null("$.x"))]),
                        "S",
                    )
                    .otherwise("F"),
            )
            .state("S", Succeed::new())
            .state("F", Fail::new().error("E").cause("C"));
        assert_eq!(d.problems(), Vec::<String>::new());
        let json = d.to_json().unwrap();
        let back = Definition::from_json(&json).unwrap();
        assert_eq!(back.to_json().unwrap(), json);
        let text = serde_json::to_string(&json).unwrap();
        assert_eq!(Definition::from_json_str(&text).unwrap().to_json().unwrap(), json);
    }

    #[test]
    fn legacy_iterator_round_trips() {
        let v = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "Parameters": {"x.$": "$"}, "End": true}}});
        let d = Definition::from_json(&v).unwrap();
        assert_eq!(d.to_json().unwrap(), v);
    }

    #[test]
    fn unknown_type_and_missing_fields() {
        let p = import_err(json!({"StartAt": "A", "States": {
            "A": {"Type": "Sleep", "End": true},
            "B": {"End": true},
            "T": {"Type": "Task", "End": true},
            "C": {"Type": "Choice", "Default": "A"},
            "P": {"Type": "Parallel", "End": true},
            "M": {"Type": "Map", "End": true},
            "N": "text"
        }}));
        for needle in [
            "state \"A\": unknown state Type \"Sleep\" (expected Pass, Choice, Fail, Succeed, Wait, Parallel, Map or Task)",
            "state \"B\": missing required field Type",
            "state \"T\": missing required field Resource",
            "state \"C\": missing required field Choices",
            "state \"P\": missing required field Branches",
            "state \"M\": missing required field ItemProcessor (or its legacy form Iterator)",
            "state \"N\": a state must be a JSON object",
        ] {
            assert!(p.iter().any(|m| m == needle), "{needle}: {p:#?}");
        }
    }

    #[test]
    fn top_level_shape() {
        assert_eq!(import_err(json!([])), vec!["definition: must be a JSON object"]);
        let p = import_err(json!({"States": {}, "Extra": 1}));
        assert!(p.contains(&"definition: missing required field StartAt".to_string()), "{p:?}");
        assert!(p.contains(&"definition: field \"Extra\" is not allowed in a definition".to_string()), "{p:?}");
        let e = Definition::from_json_str("{not json").unwrap_err();
        assert!(e.problems[0].starts_with("definition: not valid JSON"), "{e}");
    }

    #[test]
    fn repeated_state_names_in_text_are_reported() {
        let e = Definition::from_json_str(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.problems,
            vec!["state \"A\": the name is used by more than one state (repeated key in the JSON text)"]
        );
    }

    #[test]
    fn fields_not_allowed_in_a_state_type() {
        let p = import_err(json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Next": "X", "InputPath": "$"}}}));
        assert!(p.contains(&"state \"F\": field \"InputPath\" is not allowed in a Fail state".to_string()), "{p:?}");
        assert!(p.contains(&"state \"F\": field \"Next\" is not allowed in a Fail state".to_string()), "{p:?}");
        let p =
            import_err(json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultSelector": {}, "End": true}}}));
        assert_eq!(p, vec!["state \"P\": field \"ResultSelector\" is not allowed in a Pass state"]);
    }

    #[test]
    fn wait_needs_exactly_one_field() {
        let p = import_err(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Timestamp": "2020-01-01T00:00:00Z", "End": true}}}),
        );
        assert_eq!(p, vec!["state \"W\": a Wait state must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath (it has Seconds, Timestamp)"]);
        let p = import_err(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": true}}}));
        assert_eq!(
            p,
            vec!["state \"W\": a Wait state must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath"]
        );
    }

    #[test]
    fn choice_rule_shapes() {
        let p = import_err(json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.a", "StringEquals": "x"},
                {"And": [{"Variable": "$.a", "IsNull": true, "Next": "S"}], "Next": "S"}
            ]},
            "S": {"Type": "Succeed"}
        }}));
        assert!(p.contains(&"state \"C\": Choices[0]: a top-level Choice rule must have Next".to_string()), "{p:#?}");
        assert!(
            p.contains(
                &"state \"C\": Choices[1] And[0]: a nested rule (inside And/Or/Not) must not have Next".to_string()
            ),
            "{p:#?}"
        );
    }

    #[test]
    fn graph_problems_of_an_import_are_reported() {
        let p = import_err(json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Missing"},
            "B": {"Type": "Pass", "Next": "A", "End": true},
            "C": {"Type": "Succeed"}
        }}));
        assert_eq!(p, vec!["state \"B\": has both Next and End; it must have exactly one of them"]);
        let p = import_err(json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Missing"},
            "C": {"Type": "Succeed"}
        }}));
        assert!(p.contains(&"state \"A\": Next \"Missing\" is not a state of the definition".to_string()), "{p:#?}");
        assert!(p.contains(&"state \"C\": the state is not reachable from StartAt \"A\"".to_string()), "{p:#?}");
    }

    #[test]
    fn retry_and_catch_shapes() {
        let p = import_err(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true,
            "Retry": [{"MaxAttempts": 2, "JitterStrategy": "SOME"}], "Catch": [{"ErrorEquals": ["States.ALL"]}, 3]}}}),
        );
        for needle in [
            "state \"T\": Retry[0]: missing required field ErrorEquals",
            "state \"T\": Retry[0]: JitterStrategy must be FULL or NONE (got \"SOME\")",
            "state \"T\": Catch[0]: missing required field Next",
            "state \"T\": Catch[1]: a catcher must be an object",
        ] {
            assert!(p.iter().any(|m| m == needle), "{needle}: {p:#?}");
        }
    }

    #[test]
    fn nested_branch_problems_name_the_branch() {
        let p = import_err(json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "X", "States": {"X": {"Type": "Pass"}}, "TimeoutSeconds": 3}
        ]}}}));
        assert!(
            p.contains(
                &"state \"P\" Branches[0]: field \"TimeoutSeconds\" is not allowed in a branch or item processor"
                    .to_string()
            ),
            "{p:#?}"
        );
    }
}
