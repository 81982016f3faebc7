//! Cells as every CSV file Tessera writes carries them: defused against formula injection
//! (OWASP "CSV Injection").
//!
//! A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (`=HYPERLINK(...)`, `+cmd|'/C calc'!A0`), and some read a leading tab or carriage
//! return as blank and then the formula after it. Names and ids come from CRM exports and
//! GeoJSON files that anyone may have written, so every cell that starts with one of those
//! characters gets a leading apostrophe, as OWASP recommends: spreadsheets show it as text.
//! Numbers stay numbers: a cell that is a plain decimal number (`-12.5`, `+3`, `-4,5`,
//! `1e-3`) cannot be a formula and is written as it is, so negative metrics stay numeric.
//! Reading an accounts file undoes it ([`restore`]), so an export read back gives the same
//! names and external ids.

use std::borrow::Cow;

/// Whether a cell starting with this byte would be run as a formula.
fn is_trigger(b: u8) -> bool {
    matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// Whether `cell` is a plain decimal number: an optional sign, digits with at most one
/// decimal point or comma, and an optional exponent. Nothing else (no spaces, no letters).
fn is_number(cell: &[u8]) -> bool {
    let rest = match cell.first() {
        Some(b'+' | b'-') => &cell[1..],
        _ => cell,
    };
    let (mantissa, exponent) = match rest.iter().position(|&b| b == b'e' || b == b'E') {
        Some(k) => (&rest[..k], Some(&rest[k + 1..])),
        None => (rest, None),
    };
    let mut digits = 0;
    let mut separators = 0;
    for &b in mantissa {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' | b',' => separators += 1,
            _ => return false,
        }
    }
    if digits == 0 || separators > 1 {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(b"+").or(e.strip_prefix(b"-")).unwrap_or(e);
            !e.is_empty() && e.iter().all(u8::is_ascii_digit)
        }
    }
}

/// The cell as it goes into a CSV file: with a leading `'` when it starts with `= + - @`, a
/// tab or a carriage return and is not a plain number (or starts with `'` and one of those);
/// unchanged otherwise.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    match defuse_bytes(cell.as_bytes()) {
        Cow::Borrowed(_) => Cow::Borrowed(cell),
        Cow::Owned(_) => Cow::Owned(format!("'{cell}")),
    }
}

/// [`defuse`] for raw bytes (rows passed through by lead routing, in any encoding).
pub fn defuse_bytes(cell: &[u8]) -> Cow<'_, [u8]> {
    let guarded = match cell {
        [b, ..] if is_trigger(*b) => !is_number(cell),
        // An apostrophe already there gets another, so that reading back ([`restore`])
        // gives the cell exactly as it was.
        [b'\'', b, ..] => is_trigger(*b),
        _ => false,
    };
    if !guarded {
        return Cow::Borrowed(cell);
    }
    let mut out = Vec::with_capacity(cell.len() + 1);
    out.push(b'\'');
    out.extend_from_slice(cell);
    Cow::Owned(out)
}

/// Writes one record with every cell defused: the only way Tessera's CSV writers write a row.
pub fn write_record<W: std::io::Write, I, T>(
    writer: &mut csv::Writer<W>,
    record: I,
) -> csv::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut row = csv::ByteRecord::new();
    for cell in record {
        row.push_field(&defuse_bytes(cell.as_ref()));
    }
    writer.write_byte_record(&row)
}

/// Undoes [`defuse`] on a cell read back: an apostrophe before a cell that [`defuse`] would
/// guard is the one Tessera (or a careful CRM) added; the text after it is the value. Other
/// cells, `'-12.5` among them, are left as they are.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        // Exactly the cells `defuse` writes: the rest is one it would have guarded.
        Some(rest) if matches!(defuse(rest), Cow::Owned(_)) => rest,
        _ => cell,
    }
}

/// [`restore`] on every cell of rows read from delimited text (rows without a guarded cell
/// are left as they are, so a large file is not copied).
pub fn restore_rows(rows: &mut [csv::StringRecord]) {
    for row in rows {
        if row.iter().any(|cell| restore(cell).len() != cell.len()) {
            *row = row.iter().map(restore).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_an_apostrophe_and_numbers_do_not() {
        for hostile in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|'/C calc'!A0",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
            "-",
            "+31 20 555 0000",
            "-inf",
        ] {
            assert_eq!(defuse(hostile), format!("'{hostile}"), "{hostile:?}");
            assert_eq!(restore(&defuse(hostile)), hostile);
        }
        for plain in [
            "-12.5", "+3", "-4,5", "1e-3", "-1E+9", "12", "Bakkerij", "", " =1", "'plain",
        ] {
            assert_eq!(defuse(plain), plain, "{plain:?}");
        }
        assert_eq!(defuse_bytes(b"=1\xff").as_ref(), b"'=1\xff");
        assert_eq!(
            restore("'plain"),
            "'plain",
            "an apostrophe before text stays"
        );
        assert_eq!(defuse("'=1"), "''=1");
        assert_eq!(restore(&defuse("'=1")), "'=1");
        assert_eq!(restore("'-12.5"), "'-12.5", "defuse never writes this");
    }
}
