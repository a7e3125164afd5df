//! Questions asked on the terminal itself (`/dev/tty`), not on stdin and
//! stderr: a command whose stderr goes to a log, or whose stdin is a pipe of
//! names, still asks the person at the keyboard.
//!
//! Input is read through one buffer for the life of a `Tty`, and the terminal's
//! settings are changed without discarding what was typed ahead: a password
//! pasted twice at once, with both line ends, answers both questions.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};

use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex};

use crate::error::{Error, Result};
use crate::interrupt;

pub struct Tty {
    reader: BufReader<File>,
    writer: File,
}

impl Tty {
    /// The controlling terminal; an error that says what to use instead when
    /// there is none.
    pub fn open(instead: &str) -> Result<Tty> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .map_err(|e| Error::usage(format!("cannot ask on a terminal ({e}): {instead}")))?;
        let writer = file.try_clone()?;
        Ok(Tty {
            reader: BufReader::new(file),
            writer,
        })
    }

    /// A new password, typed twice without echo; asked again while `check`
    /// refuses it or the two do not match.
    pub fn new_password(
        &mut self,
        check: impl Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String> {
        loop {
            let first = self.secret("New password")?;
            if let Err(why) = check(&first) {
                writeln!(self.writer, "error: {why}")?;
                continue;
            }
            let second = self.secret("Repeat the password")?;
            if first == second {
                return Ok(first);
            }
            writeln!(self.writer, "error: the passwords do not match")?;
        }
    }

    /// One line typed without echo; asked again when empty.
    pub fn secret(&mut self, prompt: &str) -> Result<String> {
        loop {
            write!(self.writer, "{prompt}: ")?;
            let line = self.with_modes(
                |m| m.local_modes.remove(LocalModes::ECHO),
                |tty| tty.read_line(),
            )?;
            writeln!(self.writer)?;
            if !line.is_empty() {
                return Ok(line);
            }
        }
    }

    /// A yes-or-no question answered by one key: y for yes; n or Enter for no.
    pub fn confirm(&mut self, question: &str) -> Result<bool> {
        write!(self.writer, "{question} [y/N] ")?;
        let yes = self.with_modes(
            |m| {
                m.local_modes.remove(LocalModes::ICANON | LocalModes::ECHO);
                m.special_codes[SpecialCodeIndex::VMIN] = 1;
                m.special_codes[SpecialCodeIndex::VTIME] = 0;
            },
            |tty| loop {
                let mut key = [0u8; 1];
                if tty.reader.read(&mut key)? == 0 {
                    return Ok(false);
                }
                match key[0] {
                    b'y' | b'Y' => return Ok(true),
                    b'n' | b'N' | b'\n' | b'\r' => return Ok(false),
                    _ => {}
                }
            },
        )?;
        writeln!(self.writer, "{}", if yes { "yes" } else { "no" })?;
        Ok(yes)
    }

    /// Runs `read` with the terminal's modes changed by `change`, and puts
    /// them back afterwards (and on Ctrl-C meanwhile).
    fn with_modes<T>(
        &mut self,
        change: impl FnOnce(&mut termios::Termios),
        read: impl FnOnce(&mut Tty) -> Result<T>,
    ) -> Result<T> {
        let saved = termios::tcgetattr(self.reader.get_ref()).map_err(io::Error::from)?;
        let mut changed = saved.clone();
        change(&mut changed);
        interrupt::save_terminal(saved);
        // `Now`, not `Flush`: what was typed ahead stays to be read.
        termios::tcsetattr(self.reader.get_ref(), OptionalActions::Now, &changed)
            .map_err(io::Error::from)?;
        let result = read(self);
        interrupt::restore_terminal();
        result
    }

    fn read_line(&mut self) -> Result<String> {
        let mut raw = Vec::new();
        if self.reader.read_until(b'\n', &mut raw)? == 0 {
            return Err(Error::Interrupted(
                "no answer on the terminal (end of input); nothing was changed".to_owned(),
            ));
        }
        let line = String::from_utf8(raw)
            .map_err(|_| Error::usage("what was typed is not valid UTF-8"))?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        Ok(line.strip_suffix('\r').unwrap_or(line).to_owned())
    }
}

/// The first line of stdin, without its line ending. When stdin is a
/// terminal, it is read without echo, so the password is not shown.
pub fn stdin_line(limit: u64) -> Result<String> {
    use std::io::IsTerminal;
    let stdin = io::stdin();
    let read = |line: &mut String| {
        stdin
            .lock()
            .take(limit)
            .read_line(line)
            .map_err(|e| Error::usage(format!("cannot read the password from stdin: {e}")))
    };
    let mut line = String::new();
    if stdin.is_terminal()
        && let Ok(saved) = termios::tcgetattr(&stdin)
    {
        let mut quiet = saved.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        interrupt::save_terminal(saved);
        let _ = termios::tcsetattr(&stdin, OptionalActions::Now, &quiet);
        let result = read(&mut line);
        interrupt::restore_terminal();
        eprintln!();
        result?;
    } else {
        read(&mut line)?;
    }
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_owned())
}
