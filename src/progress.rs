//! A progress bar on standard error for long lint runs (large trees,
//! `--fix`), as users of cargo and ruff's formatter see: only on a
//! terminal, never in CI logs or when standard error is a pipe or a file,
//! and only once a run has taken about a second, so short runs print
//! nothing extra.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears; `POLICY_CHECK_PROGRESS_DELAY_MS`
/// sets it (for tests, which cannot wait on a slow run).
const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// Counts files done; draws only where [`Progress::new`] allowed it.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    delay: Duration,
    /// Drawing is allowed at all (a terminal, not CI).
    allowed: bool,
    /// The bar has been given its terminal (once the delay passed).
    shown: AtomicBool,
}

/// How long a run waits before it shows progress, or `None` when standard
/// error is no terminal to show it on (a pipe, CI, a dumb terminal). The
/// one rule for the linter's bar and `diff`'s line.
pub fn on_terminal() -> Option<Duration> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let allowed =
        std::io::stderr().is_terminal() && !set("CI") && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
    let delay = std::env::var("POLICY_CHECK_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis);
    allowed.then_some(delay)
}

impl Progress {
    /// A bar over `total` files, hidden until the delay has passed, and
    /// for good unless standard error is a terminal outside CI.
    pub fn new(total: usize) -> Self {
        let (allowed, delay) = match on_terminal() {
            Some(delay) => (true, delay),
            None => (false, DEFAULT_DELAY),
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} files {wide_bar} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: Instant::now(),
            delay,
            allowed,
            shown: AtomicBool::new(false),
        }
    }

    /// One more file done (from any worker thread).
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.allowed && !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= self.delay {
            // One thread gives the bar its terminal; the others see `shown`.
            if !self.shown.swap(true, Ordering::Relaxed) {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    /// Runs `write` with the bar cleared, so output on the same terminal
    /// is not drawn over; the bar is drawn again after.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    /// Clears the bar before the summary.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
