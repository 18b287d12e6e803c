//! Event pattern matching benchmark (`cargo bench -p app --bench event_match`): many EventBridge
//! rules against realistic events, with `constructs::events::RuleIndex` and one by one.
//!
//! Measures, on the release build, one core:
//! - 100 events of about 1 KB (an envelope as EventBridge delivers it, `resources` ARNs, a nested
//!   `detail` with an order, a customer with an address, items, metrics, tags and an IP address),
//!   each matched from its JSON text (parsing included) against the first 10, 100 and 1,000 of
//!   1,000 rules of mixed operators: exact, prefix, suffix, numeric ranges, exists,
//!   anything-but, wildcard, cidr, equals-ignore-case and `$or`. Most rules name a distinct
//!   `detail-type` under one of 40 `source`s, as real rules do; some name only a shared `source`,
//!   a `source` prefix or a `detail-type` suffix, and 10% have no exact value at all (numeric,
//!   exists, anything-but only). Each event is built for one rule, so it matches one to a few;
//!   the same 100 events are used for every rule count;
//! - `RuleIndex::matching_text` (the index: anchors, then each candidate confirmed by its own
//!   `EventPattern::matches`); target >= 300,000 events/s at each rule count, and growth from 10
//!   to 1,000 rules < 2x;
//! - the naive way, `serde_json::from_str` and `EventPattern::matches` over every rule, the same
//!   rows, no target;
//! - LocalStack's own Python engine in the same run (`localstack.services.events.event_rule_engine`
//!   of localstack-core in `.tools/localstack-venv`, called in-process by
//!   `scripts/bench_event_match.py`) on the same 1,000 patterns (their JSON) and event texts:
//!   `json.loads` of the event, then its `EventRuleEngine.evaluate_pattern_on_event` over every
//!   rule with the patterns compiled once, and as its EventBridge provider does it
//!   (`localstack.utils.event_matcher.matches_event` per rule, compiling the pattern each time).
//!   Its matches are compared with ours. When the venv is missing or the script fails, its rows
//!   say "not measured" and why (also when `EVENT_MATCH_SKIP_LOCALSTACK` is set, to iterate
//!   quickly).
//!
//! The three indexes are timed interleaved, round after round, so that the machine's slow spells
//! weigh on each rule count alike. Before timing, the index's answer for every event is checked
//! against the naive one. Prints one
//! Markdown table row `| What | Median | p95 | Min | Target |` per measurement (times per event);
//! `scripts/bench` puts them in BENCHMARKS.md. Progress goes to stderr.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use constructs::events::{EventPattern, RuleIndex};
use constructs::stepfunctions::interpreter::SplitMix64;
use serde_json::{json, Value};
use suite::bench::fmt;

const RULES: usize = 1_000;
const EVENTS: usize = 100;
const SOURCES: usize = 40;
/// Timed passes over the 100 events (after warm-up).
const PASSES: usize = 300;
const TARGET_EVENTS_PER_S: f64 = 300_000.0;
const TARGET_GROWTH: f64 = 2.0;

fn source(k: usize) -> String {
    format!("com.acme.service{k:02}")
}

fn detail_type(i: usize) -> String {
    format!("Order Status Changed v{i}")
}

/// Rule `i`: its pattern as JSON (the same text goes to LocalStack).
fn rule(i: usize) -> Value {
    let src = source(i % SOURCES);
    let dt = detail_type(i);
    // One detail condition, cycling over the operators.
    let detail = match i % 9 {
        0 => json!({"status": ["SHIPPED", "DELIVERED"]}),
        1 => json!({"order": {"id": [{"prefix": "ord-1"}]}}),
        2 => json!({"customer": {"email": [{"suffix": "@example.com"}]}}),
        3 => json!({"amount": [{"numeric": [">", 10, "<=", 500]}]}),
        4 => json!({"coupon": [{"exists": false}], "customer": {"tier": [{"exists": true}]}}),
        5 => json!({"status": [{"anything-but": ["CANCELLED", "FAILED"]}]}),
        6 => json!({"customer": {"address": {"city": [{"wildcard": "*ville"}]}}}),
        7 => json!({"sourceIp": [{"cidr": "10.0.0.0/8"}]}),
        _ => json!({"customer": {"tier": [{"equals-ignore-case": "gold"}]}}),
    };
    match i % 20 {
        // A distinct detail-type under a shared source: most rules.
        0..=11 => json!({"source": [src], "detail-type": [dt], "detail": detail}),
        // Only a shared source and detail conditions.
        12 | 13 => json!({"source": [src], "detail": detail}),
        // $or: a detail-type, or a status with an amount.
        14 | 15 => json!({"source": [src], "$or": [
            {"detail-type": [dt]},
            {"detail": {"status": ["RETURNED"], "amount": [{"numeric": [">=", 1000]}]}}
        ]}),
        // A source prefix and a numeric range.
        16 => json!({"source": [{"prefix": format!("{src}")}], "detail": {"items": {"qty": [{"numeric": [">", 3]}]}}}),
        // A detail-type suffix and resources by wildcard.
        17 => {
            json!({"detail-type": [{"suffix": format!("v{i}")}], "resources": [{"wildcard": "arn:aws:dynamodb:*:table/Orders*"}]})
        }
        // No exact value anywhere: numeric and exists on metrics only some events carry.
        18 => {
            json!({"detail": {"metrics": {format!("m{}", i % 50): [{"numeric": [">", 50]}]}, "coupon": [{"exists": false}]}})
        }
        // anything-but on the source, with a rare field that must exist.
        _ => {
            json!({"source": [{"anything-but": {"prefix": "aws."}}], "detail": {format!("flag{}", i % 50): [{"exists": true}]}})
        }
    }
}

/// Event `e`: about 1 KB, built for rule `target`.
fn event(e: usize, target: usize, rng: &mut SplitMix64) -> String {
    let statuses = ["SHIPPED", "DELIVERED", "PENDING", "CANCELLED", "RETURNED"];
    let cities = ["Springville", "Greenville", "Portland", "Austin"];
    let tiers = ["Gold", "silver", "GOLD", "bronze"];
    let mut metrics = serde_json::Map::new();
    for _ in 0..3 {
        metrics.insert(format!("m{}", rng.below(50)), json!(rng.below(100)));
    }
    let mut detail = json!({
        "order": {"id": format!("ord-{}", 1000 + rng.below(9000)), "channel": "web", "currency": "EUR"},
        "status": statuses[rng.below(statuses.len())],
        "amount": (rng.below(200_000) as f64) / 100.0,
        "customer": {
            "id": format!("cust-{:06}", rng.below(1_000_000)),
            "email": if rng.below(2) == 0 { "jane.doe@example.com" } else { "j.doe@example.org" },
            "tier": tiers[rng.below(tiers.len())],
            "address": {"street": "42 Main Street", "city": cities[rng.below(cities.len())], "zip": "12345", "country": "US"}
        },
        "items": [
            {"sku": "SKU-12345", "qty": 1 + rng.below(5), "price": 19.99},
            {"sku": "SKU-67890", "qty": 1 + rng.below(5), "price": 5.25}
        ],
        "metrics": metrics,
        "sourceIp": if rng.below(2) == 0 { "10.1.2.3" } else { "192.168.0.10" },
        "tags": ["priority", "gift-wrap", "express"],
        "requestId": "c2f6a1d4-8e0b-4f6e-9a53-0d7c1b2e3f4a"
    });
    if rng.below(3) == 0 {
        detail["coupon"] = json!("SPRING24");
    }
    if rng.below(4) == 0 {
        detail[format!("flag{}", rng.below(50))] = json!(true);
    }
    let text = json!({
        "version": "0",
        "id": format!("6a7e8feb-b491-4cf7-a9f1-bf37034{e:05}"),
        "detail-type": detail_type(target),
        "source": source(target % SOURCES),
        "account": "123456789012",
        "time": "2026-03-01T12:34:56Z",
        "region": "eu-west-1",
        "resources": [
            "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
            format!("arn:aws:lambda:eu-west-1:123456789012:function:order-handler-{}", target % 7)
        ],
        "detail": detail
    })
    .to_string();
    text
}

struct Stats {
    median: Duration,
    p95: Duration,
    min: Duration,
    runs: usize,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let runs = times.len();
    let median = if runs % 2 == 1 { times[runs / 2] } else { (times[runs / 2 - 1] + times[runs / 2]) / 2 };
    Stats { median, p95: times[(runs * 95 / 100).min(runs - 1)], min: times[0], runs }
}

/// Per-event times: each sample is one pass over all events, divided by their number.
fn per_event(passes: usize, events: &[String], mut f: impl FnMut(&str) -> usize) -> Stats {
    for _ in 0..passes / 10 + 1 {
        for e in events {
            black_box(f(black_box(e)));
        }
    }
    let times = (0..passes)
        .map(|_| {
            let start = Instant::now();
            for e in events {
                black_box(f(black_box(e)));
            }
            start.elapsed() / events.len() as u32
        })
        .collect();
    stats(times)
}

fn per_s(d: Duration) -> f64 {
    1.0 / d.as_secs_f64()
}

/// "312,345"
fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

fn report(what: &str, s: &Stats, target: &str) {
    eprintln!("event_match bench: {what}: median {} per event", fmt(s.median));
    println!("| {what} | {} | {} | {} ({} runs) | {target} |", fmt(s.median), fmt(s.p95), fmt(s.min), s.runs);
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "/")
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);

    let rule_json: Vec<Value> = (0..RULES).map(rule).collect();
    let patterns: Vec<EventPattern> = rule_json
        .iter()
        .enumerate()
        .map(|(i, j)| EventPattern::from_json(j).unwrap_or_else(|e| panic!("rule {i} is valid: {e}")))
        .collect();
    let mut rng = SplitMix64::new(0xE7E7_2026);
    let events: Vec<String> = (0..EVENTS).map(|e| event(e, rng.below(RULES), &mut rng)).collect();
    let sizes: Vec<usize> = events.iter().map(String::len).collect();
    let mean_size = sizes.iter().sum::<usize>() / sizes.len();

    // The three indexes are timed interleaved (a pass over the events with each in turn, round
    // after round), so that a slow spell of the machine weighs on every rule count alike and the
    // growth from 10 to 1,000 rules compares like with like.
    let counts = [10, 100, RULES];
    let indexes: Vec<RuleIndex> = counts.iter().map(|&n| patterns[..n].iter().cloned().enumerate().collect()).collect();
    let naive = |n: usize, text: &str| -> Vec<usize> {
        let event: Value = serde_json::from_str(text).expect("event JSON");
        patterns[..n].iter().enumerate().filter(|(_, p)| p.matches(&event)).map(|(i, _)| i).collect()
    };
    let mut per_event_matches = Vec::new();
    let mut ours_1000_matches = Vec::new();
    for (&n, index) in counts.iter().zip(&indexes) {
        let mut matched = 0;
        for e in &events {
            let want = naive(n, e);
            assert_eq!(index.matching_text(e).expect("event JSON"), want, "the index disagrees on {e}");
            matched += want.len();
            if n == RULES {
                ours_1000_matches.push(want);
            }
        }
        per_event_matches.push(matched as f64 / EVENTS as f64);
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); counts.len()];
    for round in 0..PASSES + PASSES / 10 + 1 {
        for (i, index) in indexes.iter().enumerate() {
            let start = Instant::now();
            for e in &events {
                black_box(index.matching_text(black_box(e)).expect("event JSON").len());
            }
            // The first tenth of the rounds warms up.
            if round > PASSES / 10 {
                samples[i].push(start.elapsed() / events.len() as u32);
            }
        }
    }
    let mut index_rows = Vec::new();
    let mut naive_1000 = None;
    for (i, (&n, index)) in counts.iter().zip(&indexes).enumerate() {
        let s = stats(std::mem::take(&mut samples[i]));
        let distinct = rule_json[..n].iter().map(Value::to_string).collect::<std::collections::BTreeSet<_>>().len();
        let eps = per_s(s.median);
        report(
            &format!(
                "`RuleIndex::matching_text`, {n} rules ({distinct} distinct patterns, {} always checked), events of {mean_size} bytes from text: {:.2} matches per event",
                index.always_checked(),
                per_event_matches[i]
            ),
            &s,
            &format!(
                "{} events/s on one core (target >= {}: {})",
                thousands(eps),
                thousands(TARGET_EVENTS_PER_S),
                verdict(eps >= TARGET_EVENTS_PER_S)
            ),
        );
        index_rows.push((n, s));
    }
    for n in counts {
        let s = per_event(if n == RULES { PASSES / 10 } else { PASSES }, &events, |e| naive(n, e).len());
        report(
            &format!("naive: `serde_json::from_str` + `EventPattern::matches` over each of {n} rules, the same events"),
            &s,
            &format!("{} events/s", thousands(per_s(s.median))),
        );
        if n == RULES {
            naive_1000 = Some(s);
        }
    }
    let (first, last) = (&index_rows[0].1, &index_rows[index_rows.len() - 1].1);
    let growth = last.median.as_secs_f64() / first.median.as_secs_f64();
    println!(
        "| `RuleIndex` growth from 10 to 1,000 rules: time per event x{growth:.2} ({} -> {} events/s) | | | | target < {TARGET_GROWTH}x: {} |",
        thousands(per_s(first.median)),
        thousands(per_s(last.median)),
        verdict(growth < TARGET_GROWTH)
    );
    let ours = &index_rows[index_rows.len() - 1].1;
    if let Some(naive) = &naive_1000 {
        println!(
            "| `RuleIndex` vs naive at 1,000 rules | | | | the index is {:.0}x faster |",
            naive.median.as_secs_f64() / ours.median.as_secs_f64()
        );
    }

    if std::env::var_os("EVENT_MATCH_SKIP_LOCALSTACK").is_some() {
        println!(
            "| LocalStack's Python engine, 1,000 rules: not measured: EVENT_MATCH_SKIP_LOCALSTACK is set | | | | |"
        );
        return;
    }
    eprintln!("event_match bench: LocalStack's Python engine (about a minute)");
    match localstack(&root, &rule_json, &events) {
        Ok(ls) => {
            let agree = ls.matches.iter().zip(&ours_1000_matches).filter(|(a, b)| a == b).count();
            let differ: Vec<String> = ls
                .matches
                .iter()
                .zip(&ours_1000_matches)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(3)
                .map(|(e, (a, b))| format!("event {e}: {a:?} (ours {b:?})"))
                .collect();
            let agreement = if differ.is_empty() {
                format!("the same matches as ours on all {EVENTS} events")
            } else {
                format!("the same matches as ours on {agree} of {EVENTS} events; e.g. {}", differ.join("; "))
            };
            for (what, s) in [
                ("patterns compiled once, `EventRuleEngine.evaluate_pattern_on_event` per rule", &ls.compiled),
                ("as its EventBridge provider does: `matches_event(pattern_text, event)` per rule", &ls.provider),
            ] {
                report(
                    &format!(
                        "LocalStack {} Python engine, in-process: `json.loads` + {what}, 1,000 rules, the same events ({agreement})",
                        ls.version
                    ),
                    s,
                    &format!(
                        "{} events/s; `RuleIndex` is {:.0}x faster",
                        thousands(per_s(s.median)),
                        s.median.as_secs_f64() / ours.median.as_secs_f64()
                    ),
                );
            }
        }
        Err(why) => println!("| LocalStack's Python engine, 1,000 rules: not measured: {} | | | | |", one_line(&why)),
    }
}

struct LocalStack {
    version: String,
    compiled: Stats,
    provider: Stats,
    matches: Vec<Vec<usize>>,
}

fn localstack(root: &std::path::Path, rules: &[Value], events: &[String]) -> Result<LocalStack, String> {
    let python = root.join(".tools/localstack-venv/bin/python");
    let script = root.join("scripts/bench_event_match.py");
    if !python.is_file() {
        return Err(format!("no {} (`scripts/localstack up` installs it)", python.display()));
    }
    let scratch = std::env::temp_dir().join(format!("event-match-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let spec = json!({
        "rules": rules.iter().map(Value::to_string).collect::<Vec<_>>(),
        "events": events,
        "compiled_passes": 3,
        "provider_passes": 1
    });
    let spec_file = scratch.join("spec.json");
    let out_file = scratch.join("result.json");
    std::fs::write(&spec_file, spec.to_string()).map_err(|e| format!("cannot write {}: {e}", spec_file.display()))?;
    let output = Command::new(&python)
        .arg(&script)
        .arg(&spec_file)
        .arg("--out")
        .arg(&out_file)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(format!(
            "scripts/bench_event_match.py failed ({}): {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" ")
        ));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    let result: Value = serde_json::from_str(&text).map_err(|e| format!("the script's result is not JSON: {e}"))?;
    let times = |name: &str| -> Result<Stats, String> {
        let list = result[name].as_array().ok_or(format!("no {name} samples in the result"))?;
        let times: Option<Vec<Duration>> = list.iter().map(|s| s.as_f64().map(Duration::from_secs_f64)).collect();
        let times = times.filter(|t| !t.is_empty()).ok_or(format!("bad {name} samples"))?;
        Ok(stats(times))
    };
    let matches = result["matches"]
        .as_array()
        .ok_or("no matches in the result")?
        .iter()
        .map(|m| m.as_array().map(|ids| ids.iter().filter_map(|i| i.as_u64()).map(|i| i as usize).collect()))
        .collect::<Option<Vec<Vec<usize>>>>()
        .ok_or("bad matches in the result")?;
    let ls = LocalStack {
        version: result["localstack"].as_str().unwrap_or("?").to_string(),
        compiled: times("compiled_seconds")?,
        provider: times("provider_seconds")?,
        matches,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(ls)
}
