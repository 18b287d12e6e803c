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
