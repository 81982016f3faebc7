//! Where an input may come from: a regular file (or a link to one). Reading a pipe would
//! wait for a writer forever, and a device or a folder is never a table; both are refused
//! with a message that says what the path is. Text inputs may start with a UTF-8 byte-order
//! mark (Windows tools write one), which JSON parsers refuse: it is dropped here.

use std::path::Path;

/// Why an input cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputError {
    /// The path is a folder.
    #[error("{path}: it is a folder, not a file")]
    Folder {
        /// The path as given.
        path: String,
    },
    /// The path is a pipe, socket or device.
    #[error("{path}: not a regular file (a pipe, socket or device); save the data to a file first")]
    NotAFile {
        /// The path as given.
        path: String,
    },
    /// The system refused the read.
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The path as given.
        path: String,
        /// The system's words.
        reason: String,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: not UTF-8 text: {reason}")]
    NotUtf8 {
        /// The path as given.
        path: String,
        /// Where the first bad byte is.
        reason: String,
    },
}

/// Checks that `path` is a regular file (after following links), without opening it.
pub fn check_input(path: &Path) -> Result<(), InputError> {
    let name = || path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| InputError::Io {
        path: name(),
        reason: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(InputError::Folder { path: name() });
    }
    if !meta.is_file() {
        return Err(InputError::NotAFile { path: name() });
    }
    Ok(())
}

/// The bytes of a regular file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    check_input(path)?;
    std::fs::read(path).map_err(|e| InputError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The UTF-8 text of a regular file, without a leading byte-order mark.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = read_bytes(path)?;
    let mut text = String::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        path: path.display().to_string(),
        reason: e.utf8_error().to_string(),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_dropped_and_a_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.geojson");
        std::fs::write(&file, b"\xef\xbb\xbf{}").unwrap();
        assert_eq!(read_text(&file).unwrap(), "{}");
        let err = read_bytes(dir.path()).unwrap_err().to_string();
        assert!(err.contains("it is a folder"), "{err}");
    }
}
