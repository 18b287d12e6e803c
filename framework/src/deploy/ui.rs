//! Where a deployment talks to the user: its report (stdout for the CLI, a buffer in tests),
//! the progress display and the yes/no questions.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex, OnceLock};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget};

/// How stack events are shown while an operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ProgressMode {
    /// A progress bar on the terminal (stderr) with failures printed above it; falls back to
    /// event lines when stderr is not a terminal.
    #[default]
    Bar,
    /// One line per stack event.
    Events,
}

/// Asks the user a yes/no question.
pub trait Prompt {
    /// `Some(answer)`, or `None` when nobody can be asked (no terminal).
    fn ask(&mut self, question: &str) -> Option<bool>;
}

/// Asks on the terminal: the question on stderr, the answer from stdin; `None` when stdin is
/// not a terminal (CI, pipes), so that nothing ever hangs waiting for input.
#[derive(Debug, Default)]
pub struct TerminalPrompt;

impl Prompt for TerminalPrompt {
    fn ask(&mut self, question: &str) -> Option<bool> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, "{question} (y/n) ");
        let _ = stderr.flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).is_err() {
            return None;
        }
        Some(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }
}

/// Scripted answers, for tests and non-interactive callers (`None` = no terminal).
#[derive(Debug, Default)]
pub struct ScriptedPrompt {
    /// Answers given in order; when they run out, `None`.
    pub answers: std::collections::VecDeque<Option<bool>>,
    /// The questions asked.
    pub asked: Vec<String>,
}

impl Prompt for ScriptedPrompt {
    fn ask(&mut self, question: &str) -> Option<bool> {
        self.asked.push(question.to_string());
        self.answers.pop_front().flatten()
    }
}

/// The report writer, progress mode and prompt of one run.
///
/// Clones share the writer, the prompt and the progress bars, so that stacks deployed side by
/// side (`--concurrency`) each hold a `Ui` of their own: report lines are written whole (each
/// names its stack), questions are asked one at a time, and each stack's bar is a row of one
/// display, with report lines printed above the bars.
#[derive(Clone)]
pub struct Ui {
    shared: Arc<Shared>,
    /// How events are shown.
    pub progress: ProgressMode,
}

struct Shared {
    out: Mutex<Box<dyn Write + Send>>,
    prompt: Mutex<Box<dyn Prompt + Send>>,
    /// The bars' display, made when the first bar is drawn.
    bars: OnceLock<MultiProgress>,
}

impl std::fmt::Debug for Ui {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ui").field("progress", &self.progress).finish_non_exhaustive()
    }
}

impl Ui {
    /// A UI writing to `out`, asking `prompt`.
    pub fn new(out: Box<dyn Write + Send>, progress: ProgressMode, prompt: Box<dyn Prompt + Send>) -> Ui {
        Ui {
            shared: Arc::new(Shared { out: Mutex::new(out), prompt: Mutex::new(prompt), bars: OnceLock::new() }),
            progress,
        }
    }

    /// The CLI's UI: report on stdout, questions on the terminal.
    pub fn terminal(progress: ProgressMode) -> Ui {
        Ui::new(Box::new(std::io::stdout()), progress, Box::new(TerminalPrompt))
    }

    /// Prints one line of the report (above any progress bars). Write errors (a closed pipe)
    /// are ignored: a deployment already started on the server must still be followed to its
    /// end.
    pub fn say(&self, line: impl std::fmt::Display) {
        let write = || {
            // A panic elsewhere cannot leave a line half-written in a way that matters here.
            let mut out = self.shared.out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        };
        match self.shared.bars.get() {
            Some(bars) => bars.suspend(write),
            None => write(),
        }
    }

    /// Asks a yes/no question (one at a time, whichever stack asks).
    pub fn ask(&self, question: &str) -> Option<bool> {
        let ask = || self.shared.prompt.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).ask(question);
        match self.shared.bars.get() {
            Some(bars) => bars.suspend(ask),
            None => ask(),
        }
    }

    /// Whether a progress bar can be drawn (bar mode and stderr is a terminal).
    pub fn bar_enabled(&self) -> bool {
        self.progress == ProgressMode::Bar && std::io::stderr().is_terminal()
    }

    /// Adds `bar` as a row of the bars' display (on stderr).
    pub(crate) fn add_bar(&self, bar: ProgressBar) -> ProgressBar {
        self.shared.bars.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())).add(bar)
    }

    /// Clears `bar` and removes its row.
    pub(crate) fn remove_bar(&self, bar: &ProgressBar) {
        bar.finish_and_clear();
        if let Some(bars) = self.shared.bars.get() {
            bars.remove(bar);
        }
    }
}
