//! Synth benchmarks (`cargo bench -p app --bench synth`).
//!
//! Measures, on the release build:
//! - the flagship app synthesized in-process (build the tree + validate + render, and with the
//!   cloud assembly written to disk);
//! - the whole `app synth` process (spawn, synth, write cdk.out, print the template);
//! - 1000 copies of the pattern (7000 resources in stacks of at most 450 resources), in-process,
//!   and its peak memory, measured in a fresh child process (VmHWM).
//!
//! Prints one Markdown table row per measurement; `scripts/bench` puts them in BENCHMARKS.md.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "SYNTH_BENCH_CHILD";

fn main() {
    if std::env::var(CHILD_ENV).is_ok() {
        child_copies();
        return;
    }
    // `cargo bench` passes `--bench`; ignore arguments.
    let out = scratch_dir("synth-bench");

    let flagship = measure(20, 300, || {
        let app = app::flagship_app();
        std::hint::black_box(app.synth().expect("flagship synthesizes"));
    });
    report("flagship app, in-process: build + validate + synth", &flagship, None);

    let flagship_write = measure(20, 300, || {
        let app = app::flagship_app();
        app.synth().expect("flagship synthesizes").write(&out.join("flagship")).expect("write");
    });
    report("flagship app, in-process: build + synth + write cdk.out", &flagship_write, None);

    let exe = PathBuf::from(env!("CARGO_BIN_EXE_app"));
    let process = measure(5, 100, || {
        let status = Command::new(&exe)
            .args(["synth", "--output"])
            .arg(out.join("process"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("run app synth");
        assert!(status.success(), "app synth failed");
    });
    report("`app synth` whole process (writes cdk.out, prints the template)", &process, Some(Duration::from_millis(5)));

    let copies = measure(3, 20, || {
        let app = app::copies_app(1000);
        app.synth().expect("copies synthesize").write(&out.join("copies")).expect("write");
    });
    report("1000 copies (7000 resources, 16 stacks), in-process: build + synth + write", &copies, Some(Duration::from_millis(100)));

    let peak = peak_memory_of_copies();
    println!(
        "| 1000 copies: peak memory of a process that builds, synthesizes and writes them | {:.1} MB | | | target < 50 MB: {} |",
        peak as f64 / 1024.0,
        if peak < 50 * 1024 { "met" } else { "MISSED" }
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// Runs in a fresh process: synthesize the copies, print peak resident memory in KiB.
fn child_copies() {
    let out = scratch_dir("synth-bench-child");
    let app = app::copies_app(1000);
    app.synth().expect("copies synthesize").write(&out).expect("write");
    drop(app);
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM in /proc/self/status");
    println!("{hwm}");
    let _ = std::fs::remove_dir_all(&out);
}

fn peak_memory_of_copies() -> u64 {
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe).env(CHILD_ENV, "1").output().expect("run child");
    assert!(output.status.success(), "child failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("child prints KiB")
}

struct Stats {
    median: Duration,
    p95: Duration,
    min: Duration,
    runs: usize,
}

fn measure(warmup: usize, runs: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    Stats { median: times[runs / 2], p95: times[(runs * 95 / 100).min(runs - 1)], min: times[0], runs }
}

fn report(what: &str, s: &Stats, target: Option<Duration>) {
    let verdict = match target {
        Some(t) if s.median < t => format!("target < {} ms: met", t.as_millis()),
        Some(t) => format!("target < {} ms: MISSED", t.as_millis()),
        None => String::new(),
    };
    println!(
        "| {what} | {} | {} | {} ({} runs) | {verdict} |",
        ms(s.median),
        ms(s.p95),
        ms(s.min),
        s.runs
    );
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}
