//! A spinner on stderr naming the phase of a run (reading, analysing, evaluating) so that a
//! person at a terminal sees a long `check` or `exposure` is working.
//!
//! It is drawn only when stderr is a terminal (never in pipes, CI logs or tests) and only
//! for human output: machine formats (JSON, SARIF, CSV, …) are read by programs that may
//! share the terminal's stderr. It has no colours, so `NO_COLOR` does not hide it. It is
//! cleared before the report is written and when the run ends early (on drop).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The spinner, or nothing when it must not be drawn.
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    /// Starts the spinner on phase `first` if `human_output` and stderr is a terminal.
    pub(crate) fn start(human_output: bool, first: &'static str) -> Self {
        let term_dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        if !shown(human_output, std::io::stderr().is_terminal(), term_dumb) {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message(first);
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    /// Names the phase now running.
    pub(crate) fn phase(&self, message: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    /// Runs `f` (which prints to stderr) with the spinner hidden, so lines do not interleave.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Clears the spinner (before the report goes to the terminal).
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Whether to draw: human output, a terminal on stderr, and not a `dumb` terminal.
fn shown(human_output: bool, stderr_terminal: bool, term_dumb: bool) -> bool {
    human_output && stderr_terminal && !term_dumb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_human_output_on_a_real_terminal() {
        assert!(shown(true, true, false));
        assert!(!shown(false, true, false), "machine formats never");
        assert!(
            !shown(true, false, false),
            "not when stderr is piped or captured"
        );
        assert!(!shown(true, true, true), "not on a dumb terminal");
    }

    #[test]
    fn hidden_under_test() {
        // Test runs capture stderr, so even human output gets no spinner.
        let p = Progress::start(true, "reading");
        assert!(p.0.is_none() || std::io::stderr().is_terminal());
        p.phase("reading");
        assert_eq!(p.suspend(|| 7), 7);
    }
}
