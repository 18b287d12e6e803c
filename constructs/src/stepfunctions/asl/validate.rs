//! Graph validation of a definition: names, `StartAt`, transition targets, reachability,
//! termination, and each state's own checks (recursively into branches and processors).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::definition::Definition;

/// Maximum length of a state name.
pub const MAX_STATE_NAME: usize = 80;

impl Definition {
    /// State names must be unique in the whole state machine, branches and Map processors
    /// included (the States Language requires it; Step Functions rejects the definition
    /// otherwise). Duplicates within one scope are reported by `check_into`.
    pub(crate) fn check_unique_across_scopes(&self, out: &mut Vec<String>) {
        let mut all: Vec<(&str, String, String)> = Vec::new();
        self.collect_names("", &mut all);
        let mut first: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
        for (name, scope, ctx) in &all {
            match first.get(name) {
                Some((first_scope, first_ctx)) if first_scope != scope => out.push(format!(
                    "{ctx}: the name is also used by {first_ctx}; state names must be unique in the whole state machine (branches and Map processors included)"
                )),
                Some(_) => {}
                None => {
                    first.insert(name, (scope, ctx));
                }
            }
        }
    }

    /// (name, scope, context) of every state, depth first in definition order.
    fn collect_names<'a>(&'a self, prefix: &str, out: &mut Vec<(&'a str, String, String)>) {
        for (name, state) in &self.states {
            let ctx = if prefix.is_empty() { format!("state {name:?}") } else { format!("{prefix}: state {name:?}") };
            out.push((name, prefix.to_string(), ctx.clone()));
            match state {
                super::states::State::Parallel(p) => {
                    for (i, b) in p.branches.iter().enumerate() {
                        b.collect_names(&format!("{ctx} Branches[{i}]"), out);
                    }
                }
                super::states::State::Map(m) => {
                    let field = if m.legacy_iterator { "Iterator" } else { "ItemProcessor" };
                    m.processor.collect_names(&format!("{ctx} {field}"), out);
                }
                _ => {}
            }
        }
    }

    /// Appends the problems of this definition to `out`. `prefix` names where a nested
    /// definition sits (`state "P" Branches[0]`); empty for the top level.
    pub(crate) fn check_into(&self, prefix: &str, top: bool, out: &mut Vec<String>) {
        let def_ctx = if prefix.is_empty() { "definition".to_string() } else { prefix.to_string() };
        let state_ctx = |name: &str| {
            if prefix.is_empty() {
                format!("state {name:?}")
            } else {
                format!("{prefix}: state {name:?}")
            }
        };
        let scope = if top { "the definition" } else { "this branch" };

        if !top {
            if self.timeout_seconds.is_some() {
                out.push(format!("{def_ctx}: TimeoutSeconds is only allowed at the top level"));
            }
            if self.version.is_some() {
                out.push(format!("{def_ctx}: Version is only allowed at the top level"));
            }
        }
        if self.timeout_seconds == Some(0) {
            out.push(format!("{def_ctx}: TimeoutSeconds must be a positive integer"));
        }
        if let Some(v) = &self.version {
            if v != "1.0" {
                out.push(format!("{def_ctx}: Version must be \"1.0\" (got {v:?})"));
            }
        }
        if self.states.is_empty() {
            out.push(format!("{def_ctx}: States must hold at least one state"));
        }

        // Names: unique, 1..=80 characters.
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, (name, _)) in self.states.iter().enumerate() {
            let len = name.chars().count();
            if len == 0 || len > MAX_STATE_NAME {
                out.push(format!(
                    "{}: a state name must be 1 to {MAX_STATE_NAME} characters long (it has {len})",
                    state_ctx(name)
                ));
            }
            if name.chars().any(char::is_control) {
                out.push(format!("{}: a state name must not contain control characters", state_ctx(name)));
            }
            if index.contains_key(name.as_str()) {
                out.push(format!("{}: the name is used by more than one state of {scope}", state_ctx(name)));
            } else {
                index.insert(name, i);
            }
        }

        let start = index.get(self.start_at.as_str()).copied();
        if start.is_none() && !self.states.is_empty() {
            out.push(format!("{def_ctx}: StartAt {:?} is not a state of {scope}", self.start_at));
        }

        // Transitions, and each state's own checks.
        let n = self.states.len();
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
        // States with a problem already reported (dangling transition, no Next/End) are not
        // also reported as non-terminating, nor are the states leading to them.
        let mut reported = vec![false; n];
        for (i, (name, state)) in self.states.iter().enumerate() {
            let ctx = state_ctx(name);
            state.check(&ctx, out);
            for edge in state.edges() {
                match index.get(edge.target) {
                    Some(&j) => succ[i].push(j),
                    None if top => {
                        reported[i] = true;
                        out.push(format!("{ctx}: {} {:?} is not a state of {scope}", edge.field, edge.target))
                    }
                    None => {
                        reported[i] = true;
                        out.push(format!(
                            "{ctx}: {} {:?} is not a state of this branch (transitions may not leave a Parallel branch or Map processor)",
                            edge.field, edge.target
                        ))
                    }
                }
            }
        }

        // Reachability from StartAt.
        if let Some(start) = start {
            let mut seen = vec![false; n];
            let mut queue = VecDeque::from([start]);
            seen[start] = true;
            while let Some(i) = queue.pop_front() {
                for &j in &succ[i] {
                    if !seen[j] {
                        seen[j] = true;
                        queue.push_back(j);
                    }
                }
            }
            let mut reported = BTreeSet::new();
            for (i, (name, _)) in self.states.iter().enumerate() {
                if !seen[i] && index.get(name.as_str()) == Some(&i) && reported.insert(name) {
                    out.push(format!(
                        "{}: the state is not reachable from StartAt {:?}",
                        state_ctx(name),
                        self.start_at
                    ));
                }
            }
        }

        // Termination: a terminal state must be reachable from every state.
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, targets) in succ.iter().enumerate() {
            for &j in targets {
                pred[j].push(i);
            }
        }
        let mut ends = vec![false; n];
        let mut queue: VecDeque<usize> = self
            .states
            .iter()
            .enumerate()
            .filter(|(i, (_, s))| s.is_terminal() || reported[*i] || matches!(s.transition(), Some(None)))
            .map(|(i, _)| i)
            .collect();
        for &i in &queue {
            ends[i] = true;
        }
        while let Some(j) = queue.pop_front() {
            for &i in &pred[j] {
                if !ends[i] {
                    ends[i] = true;
                    queue.push_back(i);
                }
            }
        }
        for (i, (name, _)) in self.states.iter().enumerate() {
            if !ends[i] && index.get(name.as_str()) == Some(&i) {
                out.push(format!(
                    "{}: no terminal state (Succeed, Fail or End: true) is reachable from it, so its executions never end",
                    state_ctx(name)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::flagship;
    use super::super::*;

    fn problems(d: &Definition) -> Vec<String> {
        d.problems()
    }

    #[test]
    fn flagship_is_valid() {
        assert_eq!(problems(&flagship()), Vec::<String>::new());
    }

    #[test]
    fn start_at_must_exist() {
        let d = Definition::new("Nope").state("A", Pass::new().end());
        let p = problems(&d);
        assert!(p.contains(&"definition: StartAt \"Nope\" is not a state of the definition".to_string()), "{p:?}");
    }

    #[test]
    fn next_default_and_catch_targets_must_exist() {
        let d = Definition::new("C")
            .state("C", Choice::new().when(Condition::is_present("$.a"), "X").otherwise("Y"))
            .state("T", Task::new("arn:aws:states:::lambda:invoke").catch(Catcher::on(["States.ALL"], "Z")).next("W"));
        let p = problems(&d);
        for needle in [
            "state \"C\": Choices[0].Next \"X\" is not a state of the definition",
            "state \"C\": Default \"Y\" is not a state of the definition",
            "state \"T\": Catch[0].Next \"Z\" is not a state of the definition",
            "state \"T\": Next \"W\" is not a state of the definition",
        ] {
            assert!(p.iter().any(|m| m == needle), "{needle}: {p:#?}");
        }
    }

    #[test]
    fn unreachable_states_are_reported() {
        let d = Definition::new("A").state("A", Pass::new().end()).state("Orphan", Succeed::new());
        assert_eq!(problems(&d), vec!["state \"Orphan\": the state is not reachable from StartAt \"A\""]);
    }

    #[test]
    fn endless_loops_are_reported() {
        let d = Definition::new("A").state("A", Pass::new().next("B")).state("B", Wait::seconds(1).next("A"));
        let p = problems(&d);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("state \"A\": no terminal state"), "{p:?}");
        assert!(p[1].starts_with("state \"B\": no terminal state"), "{p:?}");
        // a loop with an exit is fine
        let ok = Definition::new("A")
            .state("A", Wait::seconds(1).next("Check"))
            .state("Check", Choice::new().when(Condition::boolean_equals("$.done", true), "Done").otherwise("A"))
            .state("Done", Succeed::new());
        assert_eq!(problems(&ok), Vec::<String>::new());
    }

    #[test]
    fn states_need_next_or_end() {
        let d = Definition::new("A").state("A", Pass::new());
        assert_eq!(problems(&d), vec!["state \"A\": a Pass state must have either Next or End"]);
    }

    #[test]
    fn names_are_unique_and_at_most_80_characters() {
        let long = "x".repeat(81);
        let d = Definition::new("A")
            .state("A", Pass::new().next(long.as_str()))
            .state(long.as_str(), Pass::new().next("A2"))
            .state("A2", Succeed::new())
            .state("A2", Succeed::new())
            .state("", Succeed::new());
        let p = problems(&d);
        assert!(
            p.iter()
                .any(|m| m
                    .contains(&format!("state {long:?}: a state name must be 1 to 80 characters long (it has 81)"))),
            "{p:#?}"
        );
        assert!(
            p.iter().any(|m| m == "state \"A2\": the name is used by more than one state of the definition"),
            "{p:#?}"
        );
        assert!(p.iter().any(|m| m == "state \"\": a state name must be 1 to 80 characters long (it has 0)"), "{p:#?}");
    }

    #[test]
    fn choice_needs_rules_and_valid_conditions() {
        let d = Definition::new("C").state("C", Choice::new().otherwise("D")).state("D", Succeed::new());
        assert_eq!(problems(&d), vec!["state \"C\": a Choice state must have at least one rule in Choices"]);
        let d = Definition::new("C")
            .state("C", Choice::new().when(Condition::string_equals("detail.Path", "A"), "D"))
            .state("D", Succeed::new());
        let p = problems(&d);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("state \"C\": Choices[0]: Variable \"detail.Path\" is not a valid JSONPath"), "{p:?}");
    }

    #[test]
    fn branches_have_their_own_namespace() {
        let branch = Definition::new("Inner").state("Inner", Pass::new().next("Outer"));
        let d = Definition::new("P")
            .state("P", Parallel::new().branch(branch).next("Outer"))
            .state("Outer", Succeed::new());
        let p = problems(&d);
        assert!(
            p.iter().any(|m| m == "state \"P\" Branches[0]: state \"Inner\": Next \"Outer\" is not a state of this branch (transitions may not leave a Parallel branch or Map processor)"),
            "{p:#?}"
        );
        // names are unique in the whole state machine, branches included
        let b = |n: &str| Definition::new(n).state(n, Pass::new().end());
        let d = Definition::new("P").state("P", Parallel::new().branch(b("A")).branch(b("B")).end());
        assert_eq!(problems(&d), Vec::<String>::new());
        let d = Definition::new("A").state("A", Parallel::new().branch(b("A")).branch(b("X")).branch(b("X")).end());
        assert_eq!(
            problems(&d),
            vec![
                "state \"A\" Branches[0]: state \"A\": the name is also used by state \"A\"; state names must be unique in the whole state machine (branches and Map processors included)",
                "state \"A\" Branches[2]: state \"X\": the name is also used by state \"A\" Branches[1]: state \"X\"; state names must be unique in the whole state machine (branches and Map processors included)",
            ]
        );
        let d = Definition::new("P").state("P", Parallel::new().end());
        assert_eq!(problems(&d), vec!["state \"P\": a Parallel state must have at least one branch"]);
    }

    #[test]
    fn map_processor_is_validated() {
        let processor = Definition::new("Missing").state("Each", Pass::new().end()).timeout_seconds(5);
        let d = Definition::new("M").state("M", Map::new(processor).items_path("$.items[*]").end());
        let p = problems(&d);
        assert!(
            p.iter().any(|m| m == "state \"M\" ItemProcessor: StartAt \"Missing\" is not a state of this branch"),
            "{p:#?}"
        );
        assert!(
            p.iter().any(|m| m == "state \"M\" ItemProcessor: TimeoutSeconds is only allowed at the top level"),
            "{p:#?}"
        );
        assert!(
            p.iter().any(|m| m.starts_with("state \"M\": ItemsPath \"$.items[*]\" is not a valid reference path")),
            "{p:#?}"
        );
    }

    #[test]
    fn wait_fields_are_checked() {
        let d = Definition::new("W").state("W", Wait::until("tomorrow").end());
        let p = problems(&d);
        assert!(p[0].starts_with("state \"W\": Timestamp \"tomorrow\" is not an RFC 3339 timestamp"), "{p:?}");
        let d = Definition::new("W").state("W", Wait::new(WaitFor::SecondsPath("$.a[*]".into())).end());
        assert!(problems(&d)[0].starts_with("state \"W\": SecondsPath"));
    }

    #[test]
    fn task_fields_are_checked() {
        let d = Definition::new("T").state(
            "T",
            Task::new("lambda")
                .timeout_seconds(10)
                .heartbeat_seconds(10)
                .result_path("$.a[*]")
                .parameters(serde_json::json!({"x.$": "nope"}))
                .retry(Retrier::on(["States.ALL"]))
                .retry(Retrier::on(["Other"]))
                .end(),
        );
        let p = problems(&d);
        for needle in [
            "state \"T\": Resource \"lambda\" must be an ARN",
            "state \"T\": HeartbeatSeconds (10) must be smaller than TimeoutSeconds (10)",
            "state \"T\": ResultPath \"$.a[*]\" is not a valid reference path",
            "state \"T\": Parameters.x.$: \"nope\"",
            "state \"T\": Retry[0]: States.ALL must be in the last Retry entry",
        ] {
            assert!(p.iter().any(|m| m.starts_with(needle)), "{needle}: {p:#?}");
        }
    }

    #[test]
    fn fail_fields_are_exclusive() {
        let d = Definition::new("F")
            .state("F", Fail::new().error("E").error_path("$.e").cause("c").cause_path("States.Nope()"));
        let p = problems(&d);
        assert!(p.contains(&"state \"F\": a Fail state may have Error or ErrorPath, not both".to_string()));
        assert!(p.contains(&"state \"F\": a Fail state may have Cause or CausePath, not both".to_string()));
        assert!(p.iter().any(|m| m.contains("CausePath") && m.contains("unknown intrinsic")), "{p:?}");
    }

    #[test]
    fn top_level_fields_are_checked() {
        let d = Definition::new("A").state("A", Succeed::new()).timeout_seconds(0).version("2.0");
        assert_eq!(
            problems(&d),
            vec![
                "definition: TimeoutSeconds must be a positive integer",
                "definition: Version must be \"1.0\" (got \"2.0\")"
            ]
        );
        let d = Definition::new("A");
        assert_eq!(problems(&d), vec!["definition: States must hold at least one state"]);
    }
}
