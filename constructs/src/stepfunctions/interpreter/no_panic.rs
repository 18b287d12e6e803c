//! A property test: whatever the definition and the input, importing and running never panics
//! and always ends (a generated corpus of random definitions, inputs and handler replies, from a
//! fixed seed so a failure reproduces).

use serde_json::{json, Map, Value};

use super::{sequence, Handlers, Machine, Options, Reply, SplitMix64};

/// The run's own seeded generator, with the picks the generator below needs.
struct Gen(SplitMix64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const PATHS: &[&str] = &[
    "$",
    "$.a",
    "$.a.b",
    "$.items",
    "$.items[0]",
    "$.items[*]",
    "$..a",
    "$.n",
    "$.s",
    "$.missing",
    "$.a[-1]",
    "$.items[1:]",
    "$['a']",
    "$$.State.Name",
    "$$.Execution.Input",
    "$$.Map.Item.Value",
    "$.",
    "$[",
    "a",
    "$.t",
];
const INTRINSICS: &[&str] = &[
    "States.Format('{} {}', $.a, $.n)",
    "States.StringToJson($.s)",
    "States.JsonToString($)",
    "States.Array($.a, 1)",
    "States.ArrayPartition($.items, 2)",
    "States.ArrayRange(1, $.n, 1)",
    "States.ArrayGetItem($.items, $.n)",
    "States.ArrayLength($.items)",
    "States.Hash($.s, 'SHA-256')",
    "States.Base64Decode($.s)",
    "States.UUID()",
    "States.MathRandom(1, 9)",
    "States.MathAdd($.n, -1)",
    "States.StringSplit($.s, ',')",
    "States.JsonMerge($, $.a, false)",
    "States.Nope()",
    "States.Format(",
    "States.ArrayUnique($.items)",
];
const ERRORS: &[&str] =
    &["States.ALL", "States.TaskFailed", "States.Timeout", "States.Runtime", "Custom", "States.IntrinsicFailure"];

fn value(g: &mut Gen, depth: usize) -> Value {
    match g.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(g.chance(50)),
        2 => json!(g.below(20) as i64 - 5),
        3 => json!(g.below(1000) as f64 / 7.0),
        4 => json!(*g.pick(&["", "a", "x,y", "2026-01-01T00:00:00Z", "{\"a\":1}", "aGk="])),
        5 => Value::Array((0..g.below(4)).map(|_| value(g, depth + 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..g.below(4) {
                m.insert(g.pick(&["a", "b", "items", "n", "s", "t"]).to_string(), value(g, depth + 1));
            }
            Value::Object(m)
        }
    }
}

fn template(g: &mut Gen) -> Value {
    let mut m = Map::new();
    for _ in 0..g.below(3) {
        if g.chance(50) {
            m.insert(
                format!("{}.$", g.pick(&["x", "y", "z"])),
                json!(if g.chance(50) { *g.pick(PATHS) } else { *g.pick(INTRINSICS) }),
            );
        } else {
            m.insert(g.pick(&["k", "l"]).to_string(), value(g, 1));
        }
    }
    Value::Object(m)
}

fn maybe_path(g: &mut Gen, m: &mut Map<String, Value>, key: &str) {
    if g.chance(20) {
        m.insert(key.into(), if g.chance(15) { Value::Null } else { json!(*g.pick(PATHS)) });
    }
}

fn state(g: &mut Gen, names: &[String], me: usize, depth: usize) -> Value {
    let mut m = Map::new();
    let next = |g: &mut Gen, m: &mut Map<String, Value>| {
        if me + 1 < names.len() && g.chance(80) {
            m.insert("Next".into(), json!(names[me + 1 + g.below(names.len() - me - 1)]));
        } else {
            m.insert("End".into(), json!(true));
        }
    };
    let kind = g.below(if depth > 1 { 6 } else { 8 });
    let ty = ["Pass", "Choice", "Wait", "Succeed", "Fail", "Task", "Parallel", "Map"][kind];
    m.insert("Type".into(), json!(ty));
    if ty != "Fail" {
        maybe_path(g, &mut m, "InputPath");
        maybe_path(g, &mut m, "OutputPath");
    }
    if ["Pass", "Task", "Parallel", "Map"].contains(&ty) {
        maybe_path(g, &mut m, "ResultPath");
        if g.chance(30) && ty != "Map" {
            m.insert("Parameters".into(), template(g));
        }
    }
    if ["Task", "Parallel", "Map"].contains(&ty) {
        if g.chance(20) {
            m.insert("ResultSelector".into(), template(g));
        }
        if g.chance(40) {
            let retry: Vec<Value> = (0..1 + g.below(2))
                .map(|_| {
                    json!({"ErrorEquals": [*g.pick(ERRORS)], "MaxAttempts": g.below(4), "IntervalSeconds": 1 + g.below(3),
                           "BackoffRate": 1.0 + g.below(3) as f64, "JitterStrategy": *g.pick(&["FULL", "NONE"])})
                })
                .collect();
            m.insert("Retry".into(), Value::Array(retry));
        }
        if g.chance(40) && !names.is_empty() {
            m.insert("Catch".into(), json!([{"ErrorEquals": [*g.pick(ERRORS)], "Next": names[g.below(names.len())]}]));
        }
    }
    match ty {
        "Pass" => {
            if g.chance(30) {
                m.insert("Result".into(), value(g, 0));
            }
            next(g, &mut m);
        }
        "Choice" => {
            let op = *g.pick(&[
                "StringEquals",
                "NumericLessThan",
                "IsPresent",
                "BooleanEquals",
                "StringMatches",
                "TimestampLessThanPath",
                "IsNumeric",
            ]);
            let operand = match op {
                "StringEquals" | "StringMatches" => json!("a*"),
                "NumericLessThan" => json!(3),
                "TimestampLessThanPath" => json!(*g.pick(PATHS)),
                _ => json!(g.chance(50)),
            };
            let target = names[g.below(names.len())].clone();
            m.insert("Choices".into(), json!([{"Variable": *g.pick(PATHS), op: operand, "Next": target}]));
            if g.chance(70) {
                m.insert("Default".into(), json!(names[g.below(names.len())]));
            }
        }
        "Wait" => {
            let (k, v) = match g.below(4) {
                0 => ("Seconds", json!(g.below(100_000))),
                1 => ("SecondsPath", json!(*g.pick(PATHS))),
                2 => ("Timestamp", json!("2026-01-02T00:00:00Z")),
                _ => ("TimestampPath", json!(*g.pick(PATHS))),
            };
            m.insert(k.into(), v);
            next(g, &mut m);
        }
        "Fail" => {
            if g.chance(50) {
                m.insert("Error".into(), json!("E"));
            } else if g.chance(50) {
                m.insert("CausePath".into(), json!(*g.pick(PATHS)));
            }
        }
        "Task" => {
            m.insert(
                "Resource".into(),
                json!(*g.pick(&[
                    "arn:aws:states:::lambda:invoke",
                    "arn:aws:lambda:us-east-1:1:function:f",
                    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "arn:aws:states:::nohandler"
                ])),
            );
            if g.chance(30) {
                m.insert("TimeoutSeconds".into(), json!(1 + g.below(10)));
            }
            if g.chance(20) {
                m.insert("HeartbeatSeconds".into(), json!(1));
            }
            next(g, &mut m);
        }
        "Parallel" => {
            let branches: Vec<Value> =
                (0..1 + g.below(2)).map(|b| definition(g, depth + 1, &format!("{me}b{b}"))).collect();
            m.insert("Branches".into(), Value::Array(branches));
            next(g, &mut m);
        }
        _ => {
            m.insert("ItemProcessor".into(), definition(g, depth + 1, &format!("{me}m")));
            if g.chance(50) {
                m.insert("ItemsPath".into(), json!(*g.pick(PATHS)));
            }
            if g.chance(30) {
                m.insert("ItemSelector".into(), template(g));
            }
            if g.chance(30) {
                m.insert("MaxConcurrency".into(), json!(g.below(3)));
            }
            if g.chance(20) {
                m.insert("ToleratedFailureCount".into(), json!(g.below(2)));
            }
            next(g, &mut m);
        }
    }
    Value::Object(m)
}

fn definition(g: &mut Gen, depth: usize, prefix: &str) -> Value {
    let names: Vec<String> = (0..1 + g.below(4)).map(|i| format!("S{prefix}_{i}")).collect();
    let mut states = Map::new();
    for i in 0..names.len() {
        states.insert(names[i].clone(), state(g, &names, i, depth));
    }
    let mut d = json!({"StartAt": names[0], "States": states});
    if depth == 0 && g.chance(20) {
        d["TimeoutSeconds"] = json!(1 + g.below(100));
    }
    d
}

#[test]
fn random_definitions_and_inputs_never_panic() {
    let mut g = Gen(SplitMix64::new(0x5EED));
    let (mut ran, mut refused) = (0, 0);
    for _ in 0..1500 {
        let definition = definition(&mut g, 0, "");
        let machine = match Machine::from_json(&definition) {
            Ok(m) => m,
            Err(e) => {
                assert!(!e.problems.is_empty());
                refused += 1;
                continue;
            }
        };
        for _ in 0..3 {
            let input = json!({"a": value(&mut g, 1), "items": [1, "x", {"a": 2}], "n": g.below(5), "s": "x,y", "t": value(&mut g, 2)});
            let reply = match g.below(3) {
                0 => Reply::output(value(&mut g, 0)),
                1 => Reply::error("Custom", "boom"),
                _ => Reply::output(json!({"ok": true})).after_seconds(g.below(20) as f64),
            };
            let mut handlers = Handlers::new()
                .on("arn:aws:states:::lambda:invoke", reply.clone())
                .on(
                    "arn:aws:lambda:us-east-1:1:function:f",
                    sequence([Reply::error("States.TaskFailed", "x"), reply.clone()]),
                )
                .on("arn:aws:states:::sqs:sendMessage.waitForTaskToken", reply.heartbeat_every(2.0));
            let run =
                machine.run(input, &mut handlers, &Options::default().seed(g.next())).expect("small inputs start");
            assert!(run.history.len() >= 2 && run.history.len() <= super::MAX_HISTORY_EVENTS);
            assert_eq!(run.status.is_success(), run.output.is_some());
            ran += 1;
        }
    }
    assert!(
        ran > 500 && refused > 50,
        "the generator covers both valid and invalid definitions: {ran} runs, {refused} refused"
    );
}
