//! Prompts leave the terminal as they found it. Ctrl-C at a prompt would
//! otherwise kill usersctl with echo switched off or the cursor hidden.

use std::io::Write;
use std::sync::Once;

/// Call before prompting: from then on Ctrl-C restores the terminal, says that
/// nothing was changed, and exits with 130.
pub fn restore_on_interrupt() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let saved = rustix::termios::tcgetattr(std::io::stdin()).ok();
        let _ = ctrlc::set_handler(move || {
            if let Some(saved) = &saved {
                let _ = rustix::termios::tcsetattr(
                    std::io::stdin(),
                    rustix::termios::OptionalActions::Now,
                    saved,
                );
            }
            let mut stderr = std::io::stderr();
            // Show the cursor again (a confirmation prompt hides it).
            let _ = write!(
                stderr,
                "\x1b[?25h\nusersctl: interrupted; nothing was changed\n"
            );
            std::process::exit(130);
        });
    });
}
