//! Reading an accounts file into a [`Table`] of text cells: delimited text in any common
//! encoding and delimiter, or the first sheet of a spreadsheet.

use super::{AccountsError, Table};
use crate::progress::Progress;
/// Characters 0x80-0x9F of Windows-1252 (the rest of the range 0x80-0xFF is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The file's text: UTF-16 (little or big endian) when it starts with a byte-order mark, as
/// Excel's "Unicode text" writes it; else UTF-8 (a byte-order mark is dropped), else
/// Windows-1252, as Excel writes CSV on Dutch Windows. UTF-8 text is borrowed, not copied (a
/// large export is tens of MB).
pub fn decode<'b>(bytes: &'b [u8], file: &str) -> Result<std::borrow::Cow<'b, str>, AccountsError> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        // UTF-16: the BOM is dropped; malformed pairs would become U+FFFD, so refuse them.
        let (text, _, malformed) = encoding.decode(bytes);
        if malformed {
            return Err(AccountsError::NotText {
                file: file.to_owned(),
                reason: format!("it starts as {} but is not valid {0} text", encoding.name()),
            });
        }
        if text.contains('\0') {
            return Err(AccountsError::NotText {
                file: file.to_owned(),
                reason: "it contains NUL characters (binary data)".into(),
            });
        }
        return Ok(std::borrow::Cow::Owned(text.into_owned()));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(AccountsError::NotText {
            file: file.to_owned(),
            reason: "it contains NUL bytes (binary data)".into(),
        });
    }
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect::<String>()
            .into(),
    })
}

/// The longest field accepted, in bytes: longer ones come from a missing closing quote or
/// from a file that is not a table.
const MAX_FIELD: usize = 64 * 1024;

/// Reads a delimited file (delimiter sniffed from the header: `,` `;` tab `|`).
pub fn read_table(bytes: &[u8], file: &str) -> Result<Table, AccountsError> {
    read_table_with_progress(bytes, file, &Progress::new())
}

/// [`read_table`], counting bytes read in `progress` and stopping with
/// [`AccountsError::Cancelled`] when it is cancelled.
fn read_table_with_progress(
    bytes: &[u8],
    file: &str,
    progress: &Progress,
) -> Result<Table, AccountsError> {
    progress.start(bytes.len());
    let text = decode(bytes, file)?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = crate::io::route::sniff_delimiter(first_line.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bad = |line: u64, reason: String| AccountsError::BadLine {
        file: file.to_owned(),
        line,
        reason,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            bad(line, e.to_string())
        })?;
        if k % 8192 == 0 {
            if progress.is_cancelled() {
                return Err(AccountsError::Cancelled {
                    file: file.to_owned(),
                });
            }
            progress.set(record.position().map_or(0, |p| p.byte() as usize));
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        // A quote that never closes swallows the rest of the line (or file) into one field:
        // then the row is short and a field holds delimiters or line breaks.
        if record.len() < headers.len()
            && record
                .iter()
                .any(|f| f.contains(char::from(delimiter)) || f.contains('\n'))
        {
            return Err(bad(
                line,
                "a quoted field does not close (unbalanced quotes, or the file is cut off)".into(),
            ));
        }
        if let Some((c, field)) = record.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD) {
            let column = headers.get(c).map_or("?", |h| h.as_str());
            return Err(bad(
                line,
                format!(
                    "the {column} field is {} bytes long (at most {MAX_FIELD}): is a quote missing?",
                    field.len()
                ),
            ));
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        let mut record = record;
        record.trim();
        rows.push(record);
    }
    if rows.is_empty() {
        return Err(AccountsError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(Table {
        headers,
        rows,
        lines,
        unit: "line",
    })
}

/// Whether a path names a spreadsheet (read with calamine) rather than delimited text.
pub fn is_spreadsheet(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"
        )
    })
}

/// Reads the first sheet of an Excel or OpenDocument spreadsheet: first row headers, then
/// data; numbers as their shortest decimal text. Refused before reading when it is larger
/// than [`super::SheetLimits::DEFAULT`] (the spreadsheet module).
pub fn read_spreadsheet(path: &std::path::Path, file: &str) -> Result<Table, AccountsError> {
    super::read_spreadsheet_within(path, file, &super::SheetLimits::DEFAULT, &Progress::new())
}

/// Reads an accounts file: a spreadsheet or GeoJSON points by its extension, else delimited
/// text.
pub fn read_accounts_file(path: &std::path::Path) -> Result<Table, AccountsError> {
    read_accounts_file_with_progress(path, &Progress::new())
}

/// [`read_accounts_file`], counting bytes of delimited text read in `progress` (spreadsheets
/// and GeoJSON are read in one go) and stopping when it is cancelled.
pub fn read_accounts_file_with_progress(
    path: &std::path::Path,
    progress: &Progress,
) -> Result<Table, AccountsError> {
    let file = path.display().to_string();
    // A pipe would block the read forever, a device is no table: refused before reading.
    crate::io::input::check_input(path).map_err(|e| AccountsError::Input(e.to_string()))?;
    if is_spreadsheet(path) {
        old_excel(path, &file)?;
        return super::read_spreadsheet_within(path, &file, &super::SheetLimits::DEFAULT, progress);
    }
    if super::is_geojson(path) {
        let text = crate::io::input::read_text(path).map_err(|e| AccountsError::NotGeoJson {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        return super::read_points(&text, &file);
    }
    let bytes =
        crate::io::input::read_bytes(path).map_err(|e| AccountsError::Input(e.to_string()))?;
    let mut table = read_table_with_progress(&bytes, &file, progress)?;
    // Cells Tessera's own CSV exports guarded against formula injection read back as they
    // were (the apostrophe before `=`, `+`, `-`, `@` is dropped).
    crate::io::csv_cell::restore_rows(&mut table.rows);
    Ok(table)
}

/// Refuses an Excel 97-2003 workbook (an OLE2 compound file) named `.xlsx`/`.xlsm`: the
/// zip reader would only say it found no end of central directory.
fn old_excel(path: &std::path::Path, file: &str) -> Result<(), AccountsError> {
    const OLE2: [u8; 8] = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods") {
        return Ok(());
    }
    let mut head = [0u8; 8];
    let read = std::fs::File::open(path).and_then(|mut f| {
        use std::io::Read;
        f.read(&mut head)
    });
    if read.is_ok_and(|n| n == head.len()) && head == OLE2 {
        return Err(AccountsError::NotSpreadsheet {
            file: file.to_owned(),
            reason: "this is an old Excel 97-2003 .xls file (or not a spreadsheet); save it as .xlsx or CSV".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_bom_are_decoded() {
        assert_eq!(decode(b"\xef\xbb\xbfnaam", "f").expect("utf8"), "naam");
        assert_eq!(decode(b"Caf\xe9 \x80 5", "f").expect("cp1252"), "Café € 5");
        assert!(decode(b"PK\x03\x04\x00\x00", "f").is_err());
        assert_eq!(decode(b"\xff\xfen\x00a\x00", "f").expect("utf16le"), "na");
        assert_eq!(decode(b"\xfe\xff\x00n\x00a", "f").expect("utf16be"), "na");
    }
}
