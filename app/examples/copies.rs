//! Synthesizes N copies of the pattern (default 1000) into a cloud assembly directory, for
//! scale tests: `cargo run --release -p app --example copies -- 1000 /tmp/copies.out [PREFIX]`
//! (PREFIX names the stacks PREFIX01, PREFIX02...; default Copies01...).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let copies: usize = match args.next().map(|s| s.parse()) {
        None => 1000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("error: the number of copies must be a whole number: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = args.next().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("copies.out"));
    let prefix = args.next();
    let assembly = match app::copies_app_named(copies, prefix.as_deref()).synth() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = assembly.write(&out) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("{} copies in {} stacks written to {}", copies, assembly.stacks.len(), out.display());
    ExitCode::SUCCESS
}
