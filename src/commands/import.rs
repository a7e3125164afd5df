//! `users import`: JSON Lines in batches, every bad line reported, and with
//! `--atomic` nothing kept unless every line was good.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;

use super::backend::Backend;
use super::emit;
use super::export::TRANSFER_BATCH;
use crate::cli::{Format, ImportArgs};
use crate::error::{Error, Result};
use crate::output::Printer;
use crate::transfer::ImportUser;

/// Lines of an import from stdin read before the database is taken.
pub(super) const PREFETCH_LINES: usize = 50_000;

/// One refused import line.
#[derive(serde::Serialize)]
pub(super) struct RefusedLine {
    line: u64,
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<crate::error::FieldError>,
}

#[derive(serde::Serialize, Default)]
pub(super) struct ImportReport {
    imported: usize,
    refused: Vec<RefusedLine>,
    /// With --atomic and a refused line: what had been stored was removed again.
    rolled_back: bool,
    /// Stopped by Ctrl-C: lines after `last_line` were not read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_line: Option<u64>,
}

/// Loads JSON Lines in batches; each bad line is reported with its number and
/// nothing of it is stored. With `--atomic`, any bad line means nothing at all
/// is kept: batches already stored are deleted again.
pub(super) fn import(
    open: &dyn Fn() -> Result<Backend>,
    args: ImportArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let (file, size) = if args.file.as_os_str() == "-" {
        (None, None)
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", args.file.display())))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Some(file), size)
    };
    // Lines are read and parsed on a thread of their own while the batches
    // before them are stored.
    let from_stdin = file.is_none();
    let source = args.file.display().to_string();
    let (chunks, parsed_chunks) = std::sync::mpsc::sync_channel(4);
    std::thread::spawn(move || parse_lines(file, &source, &chunks));
    // A pipe is read ahead before the database is taken, so that whatever
    // writes into it (perhaps another usersctl on this database) can finish
    // and let the database go; past PREFETCH_LINES the import streams.
    let mut early = Vec::new();
    if from_stdin {
        let mut lines = 0;
        while lines < PREFETCH_LINES {
            let Ok(chunk) = parsed_chunks.recv() else {
                break;
            };
            lines += chunk.as_ref().map_or(0, Vec::len);
            early.push(chunk);
        }
    }
    let backend = &open()?;
    crate::interrupt::writing();
    // Progress in lines (users); from stdin, with no end known, a count.
    let bar = match size {
        Some(_) if !printer.quiet && io::stderr().is_terminal() => progress_bar(
            printer,
            count_lines(&args.file)?,
            "{bar:40} {pos}/{len} lines ({eta} left)",
        ),
        _ => progress_bar(printer, 0, "{spinner} {pos} lines done"),
    };
    let mut report = ImportReport::default();
    let mut importing = backend.import_begin(args.atomic)?;
    let mut batch: Vec<(u64, ImportUser)> = Vec::with_capacity(TRANSFER_BATCH);
    let mut store = |batch: &mut Vec<(u64, ImportUser)>, report: &mut ImportReport| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (lines, users): (Vec<u64>, Vec<ImportUser>) = batch.drain(..).unzip();
        let outcomes = backend.import(&mut importing, users)?;
        for (line, outcome) in lines.into_iter().zip(outcomes) {
            match outcome {
                Ok(_) => report.imported += 1,
                Err(e) => report.refused.push(refused(line, &e)),
            }
        }
        Ok(())
    };
    let mut last_line = 0u64;
    for chunk in early.into_iter().chain(parsed_chunks) {
        // Ctrl-C stops between batches; what was stored is reported.
        if crate::interrupt::stop_requested() {
            report.interrupted = true;
            break;
        }
        for (line_no, parsed) in chunk? {
            last_line = line_no;
            match parsed {
                Ok(None) => {}
                Ok(Some(user)) => batch.push((line_no, user)),
                Err(e) => report.refused.push(refused(line_no, &e)),
            }
            // With --atomic, once a line is bad nothing more is stored; the
            // rest is still read so that every bad line is reported.
            // The bar moves as lines are done with, not as they are read:
            // reading runs far ahead of hashing and storing.
            if args.atomic && !report.refused.is_empty() {
                batch.clear();
                bar.set_position(line_no);
            } else if batch.len() == TRANSFER_BATCH {
                store(&mut batch, &mut report)?;
                bar.set_position(line_no);
            }
        }
    }
    if report.interrupted {
        // The lines of the batch in hand were read but are not stored.
        report.last_line = Some(
            batch
                .first()
                .map_or(last_line, |(line, _)| line.saturating_sub(1)),
        );
        batch.clear();
    }
    if !args.atomic || report.refused.is_empty() {
        store(&mut batch, &mut report)?;
    }
    bar.set_position(report.last_line.unwrap_or(last_line));
    // Durable (or, --atomic and not whole, undone) before anything is
    // reported as imported.
    let whole = report.refused.is_empty() && !report.interrupted;
    let end = backend.import_end(importing, whole)?;
    bar.finish_and_clear();
    if end.rolled_back {
        report.imported = 0;
        report.rolled_back = true;
    }
    // Conflicts surface when their batch is stored, after later syntax errors.
    report.refused.sort_by_key(|r| r.line);
    print_import_report(printer, out, &report)
}

/// A parsed import line: `None` for a blank one.
pub(super) type ParsedLine = (u64, Result<Option<ImportUser>>);

/// Reads `file` (stdin when `None`) and sends its lines, parsed, in chunks,
/// until the receiver hangs up.
pub(super) fn parse_lines(
    file: Option<std::fs::File>,
    source: &str,
    chunks: &std::sync::mpsc::SyncSender<Result<Vec<ParsedLine>>>,
) {
    let mut reader: Box<dyn BufRead> = match file {
        Some(file) => Box::new(io::BufReader::with_capacity(1 << 16, file)),
        None => Box::new(io::BufReader::with_capacity(1 << 16, io::stdin())),
    };
    let mut raw = Vec::new();
    let mut line_no = 0u64;
    loop {
        let mut chunk = Vec::with_capacity(TRANSFER_BATCH);
        while chunk.len() < TRANSFER_BATCH {
            raw.clear();
            match reader.read_until(b'\n', &mut raw) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = chunks.send(Err(Error::usage(format!("cannot read {source}: {e}"))));
                    return;
                }
            }
            line_no += 1;
            let parsed = std::str::from_utf8(&raw)
                .map_err(|_| Error::usage("not valid UTF-8"))
                .and_then(|line| match line.trim() {
                    "" => Ok(None),
                    line => ImportUser::parse_line(line).map(Some),
                });
            chunk.push((line_no, parsed));
        }
        let last = chunk.len() < TRANSFER_BATCH;
        if chunks.send(Ok(chunk)).is_err() || last {
            return;
        }
    }
}

/// Lines in a file, for the progress bar's total (one cheap pass over bytes
/// that are in the page cache afterwards anyway).
pub(super) fn count_lines(path: &Path) -> Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

pub(super) fn refused(line: u64, err: &Error) -> RefusedLine {
    RefusedLine {
        line,
        error: err.code(),
        message: err.to_string(),
        details: err.details().to_vec(),
    }
}

pub(super) fn print_import_report(
    printer: &Printer,
    out: &mut dyn Write,
    report: &ImportReport,
) -> Result<()> {
    if printer.format == Format::Json {
        emit(printer.json(out, report))?;
    } else {
        for r in &report.refused {
            eprintln!("usersctl: line {}: {}", r.line, r.message);
        }
        let n = report.imported;
        printer.note(&format!(
            "imported {n} user{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if report.interrupted {
        let n = report.imported;
        return Err(Error::Interrupted(format!(
            "interrupted after line {}: {}",
            report.last_line.unwrap_or(0),
            if report.rolled_back || n == 0 {
                "nothing was imported".to_owned()
            } else {
                format!(
                    "{n} user{} imported; the lines after it were not",
                    if n == 1 { " was" } else { "s were" }
                )
            }
        )));
    }
    if report.refused.is_empty() {
        return Ok(());
    }
    let n = report.refused.len();
    let summary = format!(
        "{n} line{} refused{}",
        if n == 1 { "" } else { "s" },
        if report.rolled_back || report.imported == 0 {
            "; nothing was imported"
        } else {
            "; the other lines were imported"
        }
    );
    if report.refused.iter().any(|r| r.error != "conflict") {
        Err(Error::usage(summary))
    } else {
        Err(Error::Conflict(summary))
    }
}

/// A progress bar on a terminal (nothing otherwise), drawn with `template`.
pub(super) fn progress_bar(printer: &Printer, len: u64, template: &str) -> indicatif::ProgressBar {
    if printer.quiet || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
