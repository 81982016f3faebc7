//! Noticing writes by other connections: SQLite's `data_version`, which changes when another
//! connection (another process, or a read-only window's writer) commits to the file.
//!
//! It also changes when this connection switches the journal mode (a bulk write leaves the
//! WAL for its duration): those steps are counted and taken off, or the window would take
//! its own import for another program's and reload, dropping its undo history.

use super::{ProjectFile, StoreResult, sql_error};

impl ProjectFile {
    /// SQLite's `PRAGMA data_version` of this connection: it changes exactly when another
    /// connection has committed a change to the file since the last call (our own writes
    /// leave it alone), so polling it tells whether the project changed on disk.
    pub fn data_version(&self) -> StoreResult<i64> {
        Ok(self.raw_data_version()? - self.own_version_steps)
    }

    /// SQLite's own `data_version`, our journal-mode switches included.
    fn raw_data_version(&self) -> StoreResult<i64> {
        self.conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(sql_error(&self.path))
    }

    /// Runs `f`, which changes the journal mode of this connection, and counts how far that
    /// moved `data_version`: the project lock keeps other writers out meanwhile, so the
    /// whole step is ours.
    pub(super) fn counting_own_versions<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.raw_data_version().ok();
        let result = f(self);
        if let (Some(before), Ok(after)) = (before, self.raw_data_version()) {
            self.own_version_steps += after - before;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::super::ProjectFile;
    use super::super::tests::{demo, import_edit, write};
    use crate::model::{Change, Edit, Project};

    /// An edit of the balance tolerance, the smallest write there is.
    fn tolerance_edit(project: &Project, tolerance: f64) -> Edit {
        let before = project.settings.clone();
        let mut after = before.clone();
        after.balance_tolerance = tolerance;
        Edit {
            description: "tolerance".into(),
            changes: vec![Change::Settings { before, after }],
        }
    }

    #[test]
    fn only_other_connections_move_the_data_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.tessera");
        let mut project = demo();
        let mut window = ProjectFile::create(&path, &project).expect("create");
        let seen = window.data_version().expect("version");
        // Our own bulk import (over 10,000 rows: written outside the WAL) and a small edit:
        // nothing to notice.
        write(&mut window, &mut project, &import_edit(12_000));
        assert_eq!(window.data_version().expect("version"), seen, "bulk");
        let edit = tolerance_edit(&project, 0.2);
        write(&mut window, &mut project, &edit);
        assert_eq!(window.data_version().expect("version"), seen, "small");
        // Another connection's commit is noticed.
        let (mut other, mut read) = ProjectFile::open(&path).expect("open");
        let edit = tolerance_edit(&read, 0.3);
        write(&mut other, &mut read, &edit);
        assert_ne!(window.data_version().expect("version"), seen);
    }
}
