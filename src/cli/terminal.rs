//! Everything the command line prints goes through here: names, headers and messages come
//! from files anyone may have written, so control characters (ESC, BEL, line breaks, the C1
//! controls and the bidirectional overrides that reorder a line) are shown escaped (`\u{1b}`)
//! instead of reaching the terminal, and echoed input is cut to a readable length. Writing
//! to a full disk or a closed pipe is an error to report, never a panic.

use std::io::{IsTerminal, Write};

use anyhow::{Result, anyhow};

/// Characters of echoed input (a name, a header) shown before it is cut with "…".
pub const ECHO_CHARS: usize = 200;

/// Characters of one message line on standard error before it is cut with "…".
pub const LINE_CHARS: usize = 2_000;

/// Whether `c` would act on the terminal or reorder the text around it.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character escaped (`\u{1b}`), except those `keep` allows, cut
/// after `limit` characters with "…".
fn escaped(text: &str, limit: usize, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len().min(limit * 2));
    for (k, c) in text.chars().enumerate() {
        if k == limit {
            out.push('…');
            break;
        }
        if is_unsafe(c) && !keep(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Echoed input (a territory name, a column header): control characters escaped, at most
/// [`ECHO_CHARS`] characters.
pub fn shown(text: &str) -> String {
    escaped(text, ECHO_CHARS, |_| false)
}

/// One message line (line breaks in it escaped too, so a name cannot forge a line), at most
/// [`LINE_CHARS`] characters.
pub fn line(text: &str) -> String {
    escaped(text, LINE_CHARS, |_| false)
}

/// Prints one message line to standard error, formatted as by `format!`, through
/// [`note_line`].
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::terminal::note_line(format!($($arg)*))
    };
}
pub(crate) use note;

/// Prints one message line to standard error ([`line`]); a standard error that cannot be
/// written to is ignored (there is nowhere left to say so).
pub fn note_line(text: impl std::fmt::Display) {
    let text = line(&text.to_string());
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Writes a command's output (a report, a comparison) to standard output. On a terminal,
/// control characters other than line breaks and tabs are escaped; redirected to a file or
/// a program, the text is written as it is (it is data). A closed pipe (`| head`) ends the
/// output quietly; any other failure (a full disk) is an error.
pub fn print_out(text: &str) -> Result<()> {
    let stdout = std::io::stdout();
    let text = if stdout.is_terminal() {
        std::borrow::Cow::Owned(escaped(text, usize::MAX, |c| c == '\n' || c == '\t'))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut out = stdout.lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow!("cannot write to standard output: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_echoes_cut() {
        assert_eq!(shown("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(line("x\ny\r"), "x\\u{a}y\\u{d}");
        assert_eq!(shown("Noord\u{202e}Zuid"), "Noord\\u{202e}Zuid");
        assert_eq!(shown("Zuid-Holland é"), "Zuid-Holland é");
        let long = "x".repeat(50_000);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), ECHO_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(line(&long).chars().count(), LINE_CHARS + 1);
    }
}
