//! A progress line on stderr for long runs: only on a terminal, never under `--quiet`, and only once a
//! run has taken about a second, so quick runs and logs never see it.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress is shown; `BC2M365_PROGRESS_AFTER_MS` changes it for tests.
fn show_after() -> Duration {
    std::env::var("BC2M365_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

/// Rows between two looks at the clock.
const CHECK_EVERY: u64 = 4096;

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    show_after: Duration,
    shown: bool,
    /// The count at the last look at the clock.
    checked_at: u64,
}

impl Progress {
    /// `enabled` is whether stderr is a terminal and the run is not `--quiet`; nothing is drawn otherwise.
    pub fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {msg} {human_pos} rows ({per_sec}, {elapsed})",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            show_after: show_after(),
            shown: false,
            checked_at: 0,
        }
    }

    /// What the run is doing: "reading salespeople.csv", "writing the outputs".
    pub fn stage(&mut self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
            bar.set_position(0);
        }
        self.checked_at = 0;
        self.check_clock();
    }

    /// `count` rows done in the current stage.
    pub fn rows(&mut self, count: u64) {
        let Some(bar) = &self.bar else { return };
        if count.wrapping_sub(self.checked_at) >= CHECK_EVERY {
            self.checked_at = count;
            bar.set_position(count);
            self.check_clock();
        }
    }

    fn check_clock(&mut self) {
        if let Some(bar) = &self.bar {
            if !self.shown && self.started.elapsed() >= self.show_after {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                self.shown = true;
            }
            if self.shown {
                bar.tick();
            }
        }
    }

    /// A last stage with no rows to count (writing the files that come after the rows), for a run that
    /// began at `run_started`: shown once the run has taken about a second. It is drawn once, by this
    /// thread: a ticking thread would wait for stderr, which the run holds.
    pub fn last_stage(enabled: bool, run_started: Instant, message: &str) -> Self {
        let mut progress = Progress::new(enabled);
        progress.started = run_started;
        if let Some(bar) = &progress.bar {
            if let Ok(style) = ProgressStyle::with_template("{msg}") {
                bar.set_style(style);
            }
            bar.set_message(message.to_string());
        }
        progress.check_clock();
        progress
    }

    /// Clears the line, so that the report that follows starts on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
