//! Reading the first sheet of a spreadsheet into a [`Table`], within bounds.
//!
//! A spreadsheet is a zip of XML parts, and a tiny file can describe an enormous sheet: one
//! cell at XFD1048576, a shared-strings table that declares four billion entries, a part that
//! unpacks to gigabytes, one cell of a gigabyte. Reading it whole (calamine's `Range`
//! allocates every cell of the declared area) can take all the memory of the machine. So:
//!
//! 1. Every part of the archive is checked before anything is read: its declared unpacked
//!    size, then its XML streamed once in small buffers (no part is held in memory), counting
//!    rows, cells and texts and measuring the longest text, tag and cell. A part is refused
//!    as soon as it passes a limit ([`SheetLimits`]), naming the part and the limit.
//! 2. Excel files (`.xlsx`, `.xlsm`) are then read cell by cell (calamine's cell reader), so
//!    memory follows the cells that hold something, never the declared area; the sheet's
//!    declared dimension and every cell's position are checked against the limits.
//!
//! Other formats (`.xls`, `.xlsb`, `.ods`) get the archive check where they are zips and are
//! then read whole by calamine.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};

use super::{AccountsError, Table};
use crate::progress::Progress;

/// How much of a spreadsheet Tessera reads; anything larger is refused before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimits {
    /// Rows of the sheet (Excel's own limit is 1,048,576).
    pub rows: u64,
    /// Columns of the sheet.
    pub columns: u64,
    /// Cells in a sheet part, and cells the table may hold (rows times their width).
    pub cells: u64,
    /// Different texts in the shared-strings table.
    pub strings: u64,
    /// Bytes of one cell's text.
    pub cell_bytes: u64,
    /// Unpacked bytes of one part of the archive.
    pub part_bytes: u64,
    /// Unpacked bytes of the whole archive.
    pub total_bytes: u64,
}

impl SheetLimits {
    /// The limits of every import: far beyond a CRM export of a million accounts, far below
    /// what would exhaust a laptop's memory.
    pub const DEFAULT: SheetLimits = SheetLimits {
        rows: 2_000_000,
        columns: 500,
        cells: 40_000_000,
        strings: 10_000_000,
        // As for delimited text: longer ones are not names or addresses.
        cell_bytes: 64 * 1024,
        part_bytes: 1 << 30,
        total_bytes: 2 << 30,
    };
}

/// XML runs (text between tags, or one tag) longer than this are refused while streaming,
/// so that no XML event buffered by the parser is larger: a cell's text is at most
/// `cell_bytes` long, even written with character references.
const RUN_BYTES: u64 = 1 << 20;

/// What the archive check found in one XML part.
#[derive(Debug, Default)]
struct PartScan {
    rows: u64,
    cells: u64,
    strings: u64,
    /// The `uniqueCount` the shared-strings table declares (calamine reserves room for it).
    declared_strings: Option<u64>,
}

/// `1234567` as `1,234,567`, for messages.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The column letters of a 0-based column index (`0` is `A`, `16383` is `XFD`).
fn column_name(mut col: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// Streams one XML part and counts what it holds, refusing it at the first limit passed.
/// Memory: one 64 KiB buffer and a few counters, whatever the part holds.
fn scan_part(mut part: impl Read, name: &str, limits: &SheetLimits) -> Result<PartScan, String> {
    let mut scan = PartScan::default();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut in_tag = false;
    // The tag's name as far as read (up to 16 bytes, enough for every name counted here);
    // `naming` while its bytes are still being read.
    let mut tag = [0u8; 16];
    let mut tag_len = 0usize;
    let mut naming = false;
    // The start tag of the shared-strings table, kept to read its `uniqueCount`.
    let mut sst = Vec::new();
    let mut run = 0u64;
    // Text bytes of the cell or shared string being read (rich text runs add up).
    let mut item = 0u64;
    let mut in_item = false;
    let mut previous = 0u8;
    let mut total = 0u64;
    let too_long = |what: &str| {
        format!(
            "{name} holds {what} longer than {} bytes; Tessera reads cells of at most {} bytes",
            grouped(RUN_BYTES),
            grouped(limits.cell_bytes)
        )
    };
    loop {
        let n = part.read(&mut buffer).map_err(|e| format!("{name}: {e}"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limits.part_bytes {
            return Err(format!(
                "{name} unpacks to more than {} bytes; Tessera reads at most {} per part",
                grouped(limits.part_bytes),
                grouped(limits.part_bytes)
            ));
        }
        for &b in &buffer[..n] {
            if in_tag {
                if b == b'>' {
                    in_tag = false;
                    run = 0;
                    let full = &tag[..tag_len.min(tag.len())];
                    let closing = full.starts_with(b"/");
                    let qualified = full.strip_prefix(b"/").unwrap_or(full);
                    // Names may carry a namespace prefix (`x:row`).
                    let local = qualified
                        .iter()
                        .rposition(|&c| c == b':')
                        .map_or(qualified, |k| &qualified[k + 1..]);
                    let is_item = matches!(local, b"c" | b"table-cell" | b"si");
                    if closing {
                        in_item &= !is_item;
                    } else {
                        if is_item {
                            // `<c r="B1"/>` holds nothing: no text follows that is its own.
                            in_item = previous != b'/';
                            item = 0;
                        }
                        match local {
                            b"row" | b"table-row" => scan.rows += 1,
                            b"c" | b"table-cell" => scan.cells += 1,
                            b"si" => scan.strings += 1,
                            b"sst" if scan.declared_strings.is_none() => {
                                scan.declared_strings = Some(unique_count(&sst).unwrap_or(0));
                            }
                            _ => {}
                        }
                    }
                    if scan.rows > limits.rows {
                        return Err(format!(
                            "{name} holds more than {} rows; Tessera reads at most {}",
                            grouped(limits.rows),
                            grouped(limits.rows)
                        ));
                    }
                    if scan.cells > limits.cells {
                        return Err(format!(
                            "{name} holds more than {} cells; Tessera reads at most {}",
                            grouped(limits.cells),
                            grouped(limits.cells)
                        ));
                    }
                    if scan.strings > limits.strings {
                        return Err(format!(
                            "{name} holds more than {} different texts; Tessera reads at most {}",
                            grouped(limits.strings),
                            grouped(limits.strings)
                        ));
                    }
                    previous = b;
                    continue;
                }
                previous = b;
                run += 1;
                if run > RUN_BYTES {
                    return Err(too_long("a tag"));
                }
                if naming {
                    if b.is_ascii_whitespace() || (b == b'/' && tag_len > 0) {
                        naming = false;
                    } else {
                        if tag_len < tag.len() {
                            tag[tag_len] = b;
                        }
                        tag_len += 1;
                    }
                }
                if scan.declared_strings.is_none() && tag_len >= 3 && sst.len() < 4096 {
                    let full = &tag[..tag_len.min(tag.len())];
                    if full == b"sst" || full.ends_with(b":sst") {
                        sst.push(b);
                    }
                }
            } else if b == b'<' {
                in_tag = true;
                naming = true;
                tag_len = 0;
                run = 0;
                sst.clear();
            } else {
                run += 1;
                item += u64::from(in_item);
                if run > RUN_BYTES || item > RUN_BYTES {
                    return Err(too_long("a text"));
                }
            }
        }
    }
    Ok(scan)
}

/// The `uniqueCount="N"` of a shared-strings start tag's bytes.
fn unique_count(tag: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(tag);
    let at = text.find("uniqueCount")?;
    let rest = &text[at + "uniqueCount".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix(['"', '\''])?;
    let end = rest.find(['"', '\''])?;
    rest[..end].trim().parse().ok()
}

/// Checks every part of a zip-based spreadsheet against `limits` before it is read: declared
/// unpacked sizes first (nothing unpacked), then each XML part streamed ([`scan_part`]), and
/// the shared-strings table's declared size against the limit and against what its part
/// could hold.
pub fn check_archive(path: &Path, file: &str, limits: &SheetLimits) -> Result<(), AccountsError> {
    let not = |reason: String| AccountsError::NotSpreadsheet {
        file: file.to_owned(),
        reason,
    };
    let handle = std::fs::File::open(path).map_err(|e| not(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(handle))
        .map_err(|e| not(format!("it is not a zip archive as .xlsx files are ({e})")))?;
    let mut total = 0u64;
    let mut parts = Vec::new();
    for k in 0..zip.len() {
        let entry = zip.by_index_raw(k).map_err(|e| not(e.to_string()))?;
        let name = entry.name().map_err(|e| not(e.to_string()))?.into_owned();
        let size = entry.size();
        if size > limits.part_bytes {
            return Err(not(format!(
                "{name} unpacks to {} bytes; Tessera reads at most {} per part",
                grouped(size),
                grouped(limits.part_bytes)
            )));
        }
        total = total.saturating_add(size);
        if total > limits.total_bytes {
            return Err(not(format!(
                "it unpacks to more than {} bytes; Tessera reads at most {}",
                grouped(total),
                grouped(limits.total_bytes)
            )));
        }
        if name.to_ascii_lowercase().ends_with(".xml") {
            parts.push((k, name, size));
        }
    }
    for (k, name, size) in parts {
        let entry = zip.by_index(k).map_err(|e| not(format!("{name}: {e}")))?;
        let scan = scan_part(entry, &name, limits).map_err(&not)?;
        if let Some(declared) = scan.declared_strings {
            // Each entry takes at least five bytes (`<si/>`): a count the part cannot hold
            // is not believed (calamine would reserve room for all of them).
            if declared > limits.strings || declared > size / 5 + 1 {
                return Err(not(format!(
                    "{name} declares {} different texts; its {} bytes hold at most {}, and Tessera reads at most {}",
                    grouped(declared),
                    grouped(size),
                    grouped(size / 5 + 1),
                    grouped(limits.strings)
                )));
            }
        }
    }
    Ok(())
}

/// A cell's text as the table holds it: numbers as their shortest decimal text, texts
/// trimmed, errors and empty cells empty.
fn text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Whether a path is an Excel workbook read cell by cell.
fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
}

/// Reads the first sheet of a spreadsheet (first row with anything in it: headers, then
/// data) within `limits`, stopping with [`AccountsError::Cancelled`] when `progress` is
/// cancelled.
pub fn read_spreadsheet_within(
    path: &Path,
    file: &str,
    limits: &SheetLimits,
    progress: &Progress,
) -> Result<Table, AccountsError> {
    let not = |reason: String| AccountsError::NotSpreadsheet {
        file: file.to_owned(),
        reason,
    };
    let is_zip = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut magic = [0u8; 4];
            f.read_exact(&mut magic).map(|()| magic == *b"PK\x03\x04")
        })
        .unwrap_or(false);
    if is_zip {
        check_archive(path, file, limits)?;
    }
    // Cells as (row, column, text), in the order read; rows are put together at the end.
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut check_cell = |row: u32, col: u32, value: String| -> Result<(), AccountsError> {
        let at = || format!("{}{}", column_name(u64::from(col)), u64::from(row) + 1);
        if u64::from(col) >= limits.columns {
            return Err(not(format!(
                "it has a cell at {} (column {}); Tessera reads at most {} columns",
                at(),
                grouped(u64::from(col) + 1),
                grouped(limits.columns)
            )));
        }
        if u64::from(row) >= limits.rows {
            return Err(not(format!(
                "it has a cell at {} (row {}); Tessera reads at most {} rows",
                at(),
                grouped(u64::from(row) + 1),
                grouped(limits.rows)
            )));
        }
        if value.len() as u64 > limits.cell_bytes {
            return Err(not(format!(
                "cell {} is {} bytes long; Tessera reads cells of at most {} bytes",
                at(),
                grouped(value.len() as u64),
                grouped(limits.cell_bytes)
            )));
        }
        if !value.is_empty() {
            cells.push((row, col, value));
        }
        Ok(())
    };
    if is_xlsx(path) && is_zip {
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook(path).map_err(|e: calamine::XlsxError| not(e.to_string()))?;
        let sheet = book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| not("it has no sheets".into()))?;
        let mut reader = book
            .worksheet_cells_reader(&sheet)
            .map_err(|e| not(e.to_string()))?;
        let declared = reader.dimensions();
        let (rows, columns) = (
            u64::from(declared.end.0.saturating_sub(declared.start.0)) + 1,
            u64::from(declared.end.1.saturating_sub(declared.start.1)) + 1,
        );
        if rows > limits.rows || columns > limits.columns {
            return Err(not(format!(
                "{sheet} declares {} rows x {} columns; Tessera reads at most {} rows and {} columns (delete what lies beyond the data, or save the sheet as CSV)",
                grouped(rows),
                grouped(columns),
                grouped(limits.rows),
                grouped(limits.columns)
            )));
        }
        let mut read = 0usize;
        while let Some(cell) = reader.next_cell().map_err(|e| not(e.to_string()))? {
            read += 1;
            if read.is_multiple_of(65_536) && progress.is_cancelled() {
                return Err(AccountsError::Cancelled {
                    file: file.to_owned(),
                });
            }
            let (row, col) = cell.get_position();
            check_cell(row, col, text(&Data::from(cell.get_value().clone())))?;
        }
    } else {
        let mut book = calamine::open_workbook_auto(path).map_err(|e| not(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| not("it has no sheets".into()))?
            .map_err(|e| not(e.to_string()))?;
        for (row, col, value) in range.used_cells() {
            let (r, c) = range.start().unwrap_or((0, 0));
            check_cell(r + row as u32, c + col as u32, text(value))?;
        }
    }
    table_of(cells, limits, file)
}

/// Puts cells together into rows: the first row with anything in it holds the headers,
/// columns start at the leftmost cell used, rows with nothing in them are left out.
fn table_of(
    mut cells: Vec<(u32, u32, String)>,
    limits: &SheetLimits,
    file: &str,
) -> Result<Table, AccountsError> {
    // Sheets list their cells row by row; a file that does not is sorted (stable: the last
    // value written for a cell wins below, as in calamine).
    if !cells.is_sorted_by_key(|c| (c.0, c.1)) {
        cells.sort_by_key(|c| (c.0, c.1));
    }
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    let mut width_total = 0u64;
    for (row, col, value) in cells {
        let col = (col - first_col) as usize;
        if rows.last().is_none_or(|(r, _)| *r != row) {
            rows.push((row, Vec::new()));
        }
        if let Some((_, fields)) = rows.last_mut() {
            if fields.len() <= col {
                width_total += (col + 1 - fields.len()) as u64;
                fields.resize(col + 1, String::new());
            }
            fields[col] = value;
        }
        if width_total > limits.cells {
            return Err(AccountsError::NotSpreadsheet {
                file: file.to_owned(),
                reason: format!(
                    "its rows hold more than {} cells; Tessera reads at most {}",
                    grouped(limits.cells),
                    grouped(limits.cells)
                ),
            });
        }
    }
    let mut rows = rows.into_iter();
    let headers = rows.next().map(|(_, h)| h).unwrap_or_default();
    let mut table = Table {
        headers,
        rows: Vec::new(),
        lines: Vec::new(),
        unit: "line",
    };
    for (row, fields) in rows {
        table.rows.push(csv::StringRecord::from(fields));
        table.lines.push(u64::from(row) + 1);
    }
    if table.rows.is_empty() {
        return Err(AccountsError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_for_messages() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(grouped(1_048_576), "1,048,576");
        assert_eq!(grouped(500), "500");
        assert_eq!(
            unique_count(b" xmlns=\"x\" count=\"9\" uniqueCount=\"4000000000\""),
            Some(4_000_000_000)
        );
    }

    #[test]
    fn the_scan_counts_rows_cells_and_texts_and_stops_long_runs() {
        let xml = br#"<?xml version="1.0"?><sst uniqueCount="2"><si><t>a</t></si><x:si><t>b</t></x:si></sst>"#;
        let scan = scan_part(&xml[..], "s.xml", &SheetLimits::DEFAULT).expect("scan");
        assert_eq!((scan.strings, scan.declared_strings), (2, Some(2)));
        let sheet = br#"<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"/></row></sheetData>"#;
        let scan = scan_part(&sheet[..], "s.xml", &SheetLimits::DEFAULT).expect("scan");
        assert_eq!((scan.rows, scan.cells), (1, 2));
        let few = SheetLimits {
            rows: 0,
            ..SheetLimits::DEFAULT
        };
        let error = scan_part(&sheet[..], "s.xml", &few).expect_err("too many rows");
        assert!(error.contains("more than 0 rows"), "{error}");
        let long = format!("<si><t>{}</t></si>", "x".repeat(RUN_BYTES as usize + 1));
        let error = scan_part(long.as_bytes(), "s.xml", &SheetLimits::DEFAULT).expect_err("long");
        assert!(error.contains("a text longer than"), "{error}");
    }
}
