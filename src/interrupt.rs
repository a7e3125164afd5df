//! Ctrl-C, told apart by what the command is doing when it comes.
//!
//! Before any write (at a prompt, while reading input) nothing has changed: the
//! terminal is put back as it was, the command says so, and exits 130. Once a
//! command has started writing, Ctrl-C only asks it to stop: a bulk command
//! finishes the batch in hand, reports what it did, and exits 130; a single
//! write completes (it is one transaction) and is reported as usual.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::termios::{OptionalActions, Termios};

static WRITING: AtomicBool = AtomicBool::new(false);
static STOP: AtomicBool = AtomicBool::new(false);
/// The terminal's settings while a prompt has changed them (echo off).
static SAVED_TERMINAL: Mutex<Option<Termios>> = Mutex::new(None);

/// Takes over Ctrl-C for a command (not for `serve`, which has its own).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if WRITING.load(Ordering::Acquire) {
            if !STOP.swap(true, Ordering::AcqRel) {
                let _ = writeln!(
                    std::io::stderr(),
                    "\nusersctl: interrupted; stopping after the current batch"
                );
            }
            return;
        }
        restore_terminal();
        // Show the cursor again, in case a progress bar hid it.
        let _ = write!(
            std::io::stderr(),
            "\x1b[?25h\nusersctl: interrupted; nothing was changed\n"
        );
        std::process::exit(130);
    });
}

/// From now on the command may have changed something: Ctrl-C asks it to stop
/// instead of ending it.
pub fn writing() {
    WRITING.store(true, Ordering::Release);
}

/// Whether Ctrl-C asked the command to stop.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Acquire)
}

/// Remembers the terminal's settings before a prompt changes them.
pub(crate) fn save_terminal(termios: Termios) {
    *SAVED_TERMINAL.lock().unwrap_or_else(|p| p.into_inner()) = Some(termios);
}

/// Puts the terminal back as the last `save_terminal` found it.
pub(crate) fn restore_terminal() {
    let saved = SAVED_TERMINAL
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let (Some(saved), Ok(tty)) = (saved, std::fs::File::open("/dev/tty")) {
        let _ = rustix::termios::tcsetattr(&tty, OptionalActions::Now, &saved);
    }
}
