//! What the benchmarks (`app/benches/`) share: the statistics of a sample of run times and the
//! Markdown row of a measurement.

use std::time::Duration;

/// The statistics of one measurement's run times.
pub struct Stats {
    pub median: Duration,
    pub p95: Duration,
    pub min: Duration,
    pub runs: usize,
}

/// The median (of the middle two for an even count), the 95th percentile and the minimum of
/// `times` (not empty).
pub fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let runs = times.len();
    let median = if runs % 2 == 1 { times[runs / 2] } else { (times[runs / 2 - 1] + times[runs / 2]) / 2 };
    Stats { median, p95: times[(runs * 95 / 100).min(runs - 1)], min: times[0], runs }
}

/// "target < N µs: met" (or "not met").
pub fn target_us(median: Duration, target: Duration) -> String {
    format!("target < {} µs: {}", target.as_micros(), verdict(median < target))
}

/// "target < N ms: met" (or "not met").
pub fn target_ms(median: Duration, target: Duration) -> String {
    format!("target < {} ms: {}", target.as_millis(), verdict(median < target))
}

/// "met" or "not met".
pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

/// The measurement's median on stderr (`<bench>: <what>: median ...`) and its row on stdout
/// (`| what | median | p95 | min (N runs) | target |`), durations written by `fmt`.
pub fn report(bench: &str, what: &str, s: &Stats, target: &str, fmt: impl Fn(Duration) -> String) {
    eprintln!("{bench}: {what}: median {}", fmt(s.median));
    println!("| {what} | {} | {} | {} ({} runs) | {target} |", fmt(s.median), fmt(s.p95), fmt(s.min), s.runs);
}

/// "1.234 µs", "1.234 ms" or "1.234 s".
pub fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

/// Drops every `AWS_*` variable and sets the emulator's dummy credentials and region (the
/// benchmarks that talk to LocalStack). Run it first thing in `main`, while the process has a
/// single thread.
pub fn use_emulator_credentials_only() {
    let aws: Vec<_> = std::env::vars_os().map(|(k, _)| k).filter(|k| k.to_string_lossy().starts_with("AWS_")).collect();
    for k in aws {
        std::env::remove_var(k);
    }
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        std::env::set_var(k, v);
    }
}

/// All of a stack's events, newest first: (timestamp in seconds, resource type, logical id,
/// status). At most 50 pages.
pub fn stack_events(
    rt: &tokio::runtime::Runtime,
    cfn: &framework::deploy::CfnClient,
    stack: &str,
) -> Result<Vec<(f64, String, String, String)>, String> {
    rt.block_on(async {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..50 {
            let out = cfn
                .client
                .describe_stack_events()
                .stack_name(stack)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| format!("DescribeStackEvents of {stack} failed: {}", error_chain(&e)))?;
            for e in out.stack_events() {
                events.push((
                    e.timestamp().map(|t| t.as_secs_f64()).unwrap_or(f64::NAN),
                    e.resource_type().unwrap_or_default().to_string(),
                    e.logical_resource_id().unwrap_or_default().to_string(),
                    e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                ));
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(events);
            }
        }
        Err(format!("DescribeStackEvents of {stack}: more than 50 pages"))
    })
}

/// An error with its sources, `: `-separated.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The `main` of a benchmark on the emulator: only the emulator's credentials
/// ([`use_emulator_credentials_only`]), then `run` on the repository's root. Exits 0 when it
/// returns `Ok(true)`; 1 when it returns `Ok(false)` (measured, but the cleanup failed) or an
/// error, which is printed as `<name>: error: ...`.
pub fn emulator_main(name: &str, run: impl FnOnce(&std::path::Path) -> Result<bool, String>) -> ! {
    use_emulator_credentials_only();
    let root = crate::repo_root();
    let root = root.canonicalize().unwrap_or(root);
    let code = match run(&root) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            1
        }
    };
    std::process::exit(code)
}
