//! The progress bar `check` draws on standard error while files are checked: only on a
//! terminal, and only once a run has taken long enough that silence would look like a hang
//! (a pre-commit run over ten files never shows one).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Progress;

/// How long a run goes silent before the bar appears.
const GRACE: Duration = Duration::from_millis(500);

/// A bar for this run, or `None` when standard error is not a terminal or output is quiet.
pub fn bar(quiet: bool) -> Option<Arc<dyn Progress>> {
    (!quiet && std::io::stderr().is_terminal()).then(|| Arc::new(Bar::new()) as Arc<dyn Progress>)
}

#[derive(Debug)]
struct Bar {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} checking {pos}/{len} files [{bar:30}] {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Bar {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }
}

impl Progress for Bar {
    fn start(&self, files: usize) {
        self.bar.set_length(files as u64);
    }

    fn file_done(&self) {
        self.bar.inc(1);
        if self.started.elapsed() >= GRACE && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
