//! Where an output may go: never over the project, over a file the same command reads, or
//! over something that is not a plain file (a device, a folder, a pipe, a symbolic link).
//! Outputs are written beside their target and renamed over it, which would replace a
//! device node or a link with a regular file, and would destroy a project silently.

use std::path::{Path, PathBuf};

/// Why a path cannot take an output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output is a file that must not be overwritten.
    #[error("{path}: this is {what}; write the output to another file")]
    Protected {
        /// The output path as given.
        path: String,
        /// What it is ("the project", "the accounts file this command reads", ...).
        what: String,
    },
    /// The output exists and is not a regular file.
    #[error("{path}: {kind}, not a regular file; write the output to a regular file")]
    NotAFile {
        /// The output path as given.
        path: String,
        /// What it is instead.
        kind: &'static str,
    },
}

/// Checks that `out` may be written: it is not one of `protected` (each with what it is,
/// compared as files, so another spelling of the same path or a hard link counts), and if it
/// exists it is a regular file, not a symbolic link.
pub fn check_output(out: &Path, protected: &[(&Path, &str)]) -> Result<(), OutputError> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        let kind = if meta.file_type().is_symlink() {
            Some("a symbolic link")
        } else if meta.is_dir() {
            Some("a folder")
        } else if !meta.is_file() {
            Some("a device, pipe or socket")
        } else {
            None
        };
        if let Some(kind) = kind {
            return Err(OutputError::NotAFile {
                path: out.display().to_string(),
                kind,
            });
        }
    }
    for (path, what) in protected {
        if same_file(out, path) {
            return Err(OutputError::Protected {
                path: out.display().to_string(),
                what: (*what).to_owned(),
            });
        }
    }
    Ok(())
}

/// Whether two paths name the same file: the same canonical path (for an output that does
/// not exist yet, its folder's canonical path and its name), or on Unix the same inode.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b))
            && x.dev() == y.dev()
            && x.ino() == y.ino()
        {
            return true;
        }
    }
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The canonical form of a path whose file may not exist yet.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_an_input_and_non_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = dir.path().join("p.tessera");
        std::fs::write(&project, b"x").expect("write");
        let protected = [(project.as_path(), "the project")];
        // The same file under another spelling.
        let other_spelling = dir.path().join(".").join("p.tessera");
        let err = check_output(&other_spelling, &protected).expect_err("refused");
        assert!(err.to_string().contains("the project"), "{err}");
        // A new file beside it is fine; so is an existing regular file.
        assert!(check_output(&dir.path().join("out.csv"), &protected).is_ok());
        std::fs::write(dir.path().join("old.csv"), b"x").expect("write");
        assert!(check_output(&dir.path().join("old.csv"), &protected).is_ok());
        // A folder and a device are not files.
        assert!(check_output(dir.path(), &[]).is_err());
        assert!(check_output(Path::new("/dev/null"), &[]).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(dir.path().join("old.csv"), &link).expect("symlink");
            let err = check_output(&link, &[]).expect_err("a link is refused");
            assert!(err.to_string().contains("symbolic link"), "{err}");
            // A hard link to the project is the project.
            let hard = dir.path().join("hard.tessera");
            std::fs::hard_link(&project, &hard).expect("hard link");
            assert!(check_output(&hard, &protected).is_err());
        }
    }
}
