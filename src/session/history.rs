//! Undo and redo as a type: the edits that can be undone and redone, within a budget.

use std::collections::VecDeque;

use crate::model::Edit;

/// At most this many edits can be undone (older ones are forgotten).
pub const MAX_EDITS: usize = 500;
/// At most about this many bytes of edits are kept for undo (a million-row import holds
/// every row again, ~200 MB); the newest edit is always kept, whatever its size.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// The edits that can be undone (oldest first) and redone (most recently undone last).
///
/// Bounded by count and by an estimate of the memory the edits hold: when a new edit goes
/// over either bound, the oldest edits are forgotten (they stay in the file, only their undo
/// is gone).
#[derive(Debug)]
pub struct History {
    undo: VecDeque<(Edit, usize)>,
    redo: Vec<(Edit, usize)>,
    max_edits: usize,
    max_bytes: usize,
}

impl Default for History {
    fn default() -> Self {
        History::with_limits(MAX_EDITS, MAX_BYTES)
    }
}

impl History {
    /// A history that keeps at most `max_edits` edits and about `max_bytes` bytes of them.
    pub fn with_limits(max_edits: usize, max_bytes: usize) -> History {
        History {
            undo: VecDeque::new(),
            redo: Vec::new(),
            max_edits: max_edits.max(1),
            max_bytes,
        }
    }

    /// Records a new edit: it can be undone, and nothing can be redone any more.
    pub fn record(&mut self, edit: Edit) {
        self.redo.clear();
        self.push_undo(edit);
    }

    /// Takes the edit to undo next (the caller gives it back with [`History::undone`] or
    /// [`History::restore_undo`]).
    pub(super) fn take_undo(&mut self) -> Option<Edit> {
        let (edit, _) = self.undo.pop_back()?;
        Some(edit)
    }

    /// Puts back an edit whose undo failed.
    pub(super) fn restore_undo(&mut self, edit: Edit) {
        self.push_undo(edit);
    }

    /// Files an undone edit for redo.
    pub(super) fn undone(&mut self, edit: Edit) {
        let bytes = edit.approx_bytes();
        self.redo.push((edit, bytes));
    }

    /// Takes the edit to redo next (given back with [`History::redone`] or
    /// [`History::restore_redo`]).
    pub(super) fn take_redo(&mut self) -> Option<Edit> {
        let (edit, _) = self.redo.pop()?;
        Some(edit)
    }

    /// Puts back an edit whose redo failed.
    pub(super) fn restore_redo(&mut self, edit: Edit) {
        self.undone(edit);
    }

    /// Files a redone edit for undo again (what is left to redo stays).
    pub(super) fn redone(&mut self, edit: Edit) {
        self.push_undo(edit);
    }

    /// The edit Undo would undo.
    pub fn last_undo(&self) -> Option<&Edit> {
        self.undo.back().map(|(e, _)| e)
    }

    /// The edit Redo would redo.
    pub fn last_redo(&self) -> Option<&Edit> {
        self.redo.last().map(|(e, _)| e)
    }

    /// The description of the edit Undo would undo.
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.back().map(|(e, _)| e.description.as_str())
    }

    /// The description of the edit Redo would redo.
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|(e, _)| e.description.as_str())
    }

    /// The edits that can be undone, newest first.
    pub fn undoable(&self) -> impl Iterator<Item = &Edit> {
        self.undo.iter().rev().map(|(e, _)| e)
    }

    /// The edits that can be redone, the next redo last.
    pub fn redoable(&self) -> impl Iterator<Item = &Edit> {
        self.redo.iter().map(|(e, _)| e)
    }

    /// How many edits can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// How many edits can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// The estimated bytes the edits that can be undone hold.
    pub fn bytes(&self) -> usize {
        self.undo.iter().map(|(_, b)| b).sum()
    }

    fn push_undo(&mut self, edit: Edit) {
        let bytes = edit.approx_bytes();
        self.undo.push_back((edit, bytes));
        // Forget the oldest undo steps until within both bounds; the newest always stays.
        let redo: usize = self.redo.iter().map(|(_, b)| b).sum();
        let mut total = self.bytes() + redo;
        while self.undo.len() > 1 && (self.undo.len() > self.max_edits || total > self.max_bytes) {
            if let Some((_, b)) = self.undo.pop_front() {
                total -= b;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(name: &str, rows: usize) -> Edit {
        let account = crate::model::Account {
            id: crate::model::AccountId(1),
            external_id: String::new(),
            name: String::new(),
            lon: 5.0,
            lat: 52.0,
            industry: String::new(),
            size_class: String::new(),
            status: crate::model::AccountStatus::Prospect,
            potential: 0.0,
            revenue: 0.0,
            pipeline: 0.0,
            deals_won: 0,
            deals_lost: 0,
            visits_per_year: 1.0,
            minutes_per_visit: None,
            extra: Default::default(),
        };
        Edit {
            description: name.into(),
            changes: vec![crate::model::Change::Accounts {
                added: vec![account; rows],
                removed: Vec::new(),
                updated: Vec::new(),
            }],
        }
    }

    #[test]
    fn the_oldest_edits_go_when_the_count_is_reached() {
        let mut h = History::with_limits(3, usize::MAX);
        for k in 0..5 {
            h.record(edit(&k.to_string(), 0));
        }
        let kept: Vec<&str> = h.undoable().map(|e| e.description.as_str()).collect();
        assert_eq!(kept, ["4", "3", "2"]);
    }

    #[test]
    fn the_oldest_edits_go_when_the_bytes_are_reached_but_the_newest_stays() {
        let one = edit("a", 1000).approx_bytes();
        let mut h = History::with_limits(100, 2 * one + one / 2);
        for k in 0..4 {
            h.record(edit(&k.to_string(), 1000));
        }
        assert_eq!(h.undo_len(), 2, "two edits fit the budget");
        assert!(h.bytes() <= 2 * one + one / 2);
        // One edit bigger than the whole budget is still undoable.
        h.record(edit("huge", 10_000));
        assert_eq!(h.undo_len(), 1);
        assert_eq!(h.next_undo(), Some("huge"));
    }

    #[test]
    fn undo_and_redo_move_edits_between_the_stacks() {
        let mut h = History::default();
        h.record(edit("a", 0));
        h.record(edit("b", 0));
        let b = h.take_undo().expect("b");
        h.undone(b);
        assert_eq!((h.next_undo(), h.next_redo()), (Some("a"), Some("b")));
        let b = h.take_redo().expect("b");
        h.redone(b);
        assert_eq!((h.next_undo(), h.next_redo()), (Some("b"), None));
        if let Some(b) = h.take_undo() {
            h.undone(b);
        }
        h.record(edit("c", 0));
        assert_eq!(h.redo_len(), 0, "a new edit drops what could be redone");
    }
}
