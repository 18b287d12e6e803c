//! The flagship app's command line: see [`app::run_cli`].

fn main() -> std::process::ExitCode {
    app::run_cli()
}
