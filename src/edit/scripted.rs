//! The crash test's fixed edit script: a child process replays it and the parent checks that
//! the project file holds exactly the steps that were committed.

use geo::Coord;

use super::{areas_edit, check, insert_vertex, midpoint, move_vertex};
use crate::model::{Change, Edit, Project};

/// Step `k` of a fixed edit script (a vertex move, an inserted vertex or a named-account
/// override, chosen from `k` and the project as it is), for tests that replay edits in a
/// child process and must know what each step did. `None` when the step is refused.
pub fn scripted(project: &Project, scenario: usize, k: usize) -> Option<Edit> {
    let s = project.scenarios.get(scenario)?;
    let n = s.territories.len();
    if n == 0 {
        return None;
    }
    let ring = &s.territories[k % n].geometry.0.first()?.exterior().0;
    let at = ring[(k * 7) % (ring.len() - 1)];
    let areas = match k % 3 {
        0 => {
            let d = 0.002 * ((k % 5) as f64 - 2.0);
            move_vertex(
                s,
                at,
                Coord {
                    x: at.x + d,
                    y: at.y - d / 2.0,
                },
            )
        }
        1 => {
            let next = ring[(k * 7) % (ring.len() - 1) + 1];
            insert_vertex(s, at, next, midpoint(at, next))
        }
        _ => {
            let accounts = project.accounts.ids();
            let account = *accounts.get((k * 31) % accounts.len().max(1))?;
            let before = s.overrides.get(&account).copied();
            let after = Some(s.territories[(k / 3) % n].id).filter(|t| Some(*t) != before);
            return Some(Edit {
                description: format!("Named account {}", account.0),
                changes: vec![Change::Overrides {
                    scenario: s.id,
                    changes: vec![(account, before, after)],
                }],
            });
        }
    };
    check(s, &areas).ok()?;
    Some(areas_edit(s, "Moved", &areas))
}
