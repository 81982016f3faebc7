//! Comparing two plans: the disruption lists exactly the accounts that change territory or
//! rep (checked against point-in-polygon tests done here with geo), and the deltas are the
//! differences of the two plans' reports.

use geo::{Coord, Intersects, Point};
use tessera::edit;
use tessera::engine::balance::BalanceMetric;
use tessera::engine::compare::{Comparison, compare_scenarios};
use tessera::engine::report::ScenarioReport;
use tessera::model::{Project, Scenario, ScenarioId};

/// The demo with a duplicate ("Draft") whose border between two territories moved and whose
/// first territory went to another rep.
fn demo_and_draft() -> (Project, ScenarioId, ScenarioId) {
    let mut p = tessera::demo::project().expect("demo");
    let a = p.scenarios[0].id;
    let (dup, b) = edit::scenarios::duplicate_scenario(&p, a, "Draft").expect("duplicate");
    dup.apply(&mut p).expect("apply");
    let draft = p.scenario(b).expect("draft").clone();
    // A vertex of the border of territories 0 and 1, moved as far as stays valid.
    let areas = shared_vertices(&draft)
        .into_iter()
        .flat_map(|at| [0.4, 0.2, 0.1, -0.1, -0.2, -0.4].map(move |d| (at, d)))
        .find_map(|(at, d)| {
            let to = Coord {
                x: at.x + d,
                y: at.y + d / 2.0,
            };
            let areas = edit::move_vertex(&draft, at, to);
            let valid = areas.len() == 2 && edit::check(&draft, &areas).is_ok();
            (valid && moves_an_account(&p, &draft, &areas)).then_some(areas)
        })
        .expect("a shared vertex whose move changes an account's territory");
    edit::areas_edit(&draft, "Moved", &areas)
        .apply(&mut p)
        .expect("move");
    let draft = p.scenario(b).expect("draft");
    let mut first = draft.territories[0].clone();
    first.rep = draft.territories[1].rep;
    edit::territory_properties(draft, &first)
        .expect("a change")
        .apply(&mut p)
        .expect("rep");
    (p, a, b)
}

/// Vertices that territories 0 and 1 share, and no other.
fn shared_vertices(s: &Scenario) -> Vec<Coord<f64>> {
    let vertices = |k: usize| -> Vec<Coord<f64>> {
        s.territories[k]
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.clone())
            .collect()
    };
    let (first, second) = (vertices(0), vertices(1));
    let others: Vec<Coord<f64>> = (2..s.territories.len()).flat_map(vertices).collect();
    first
        .into_iter()
        .filter(|c| second.contains(c) && !others.contains(c))
        .collect()
}

/// Whether new areas give some account of the project another territory.
fn moves_an_account(p: &Project, s: &Scenario, areas: &edit::NewAreas) -> bool {
    let mut after = s.clone();
    for (t, area) in areas {
        after.territories[*t].geometry = area.clone();
    }
    (0..p.accounts.len()).any(|row| {
        let (lon, lat) = (p.accounts.lons()[row], p.accounts.lats()[row]);
        owner_by_geometry(s, lon, lat) != owner_by_geometry(&after, lon, lat)
    })
}

/// The territory owning a point, by plain geometry (the demo has no overrides or rules).
fn owner_by_geometry(s: &Scenario, lon: f64, lat: f64) -> Option<usize> {
    let p = Point::new(lon, lat);
    s.territories.iter().position(|t| t.geometry.intersects(&p))
}

fn compare(p: &Project, a: ScenarioId, b: ScenarioId) -> Comparison {
    compare_scenarios(p, p.scenario(a).expect("a"), p.scenario(b).expect("b"))
}

#[test]
fn disruption_lists_every_moved_account_and_nothing_else() {
    let (p, a, b) = demo_and_draft();
    let c = compare(&p, a, b);
    let (sa, sb) = (p.scenario(a).expect("a"), p.scenario(b).expect("b"));
    let mut expected = Vec::new();
    for row in 0..p.accounts.len() {
        let (lon, lat) = (p.accounts.lons()[row], p.accounts.lats()[row]);
        let (ta, tb) = (
            owner_by_geometry(sa, lon, lat).map(|t| &sa.territories[t]),
            owner_by_geometry(sb, lon, lat).map(|t| &sb.territories[t]),
        );
        let names = (ta.map(|t| &t.name), tb.map(|t| &t.name));
        let reps = (ta.and_then(|t| t.rep), tb.and_then(|t| t.rep));
        if names.0 != names.1 || reps.0 != reps.1 {
            expected.push(row);
        }
    }
    let got: Vec<usize> = c.disruption.moves.iter().map(|m| m.row).collect();
    assert!(
        !got.is_empty(),
        "the border move and the rep change move accounts"
    );
    assert_eq!(got, expected);
    // Territory changes and rep changes both appear.
    assert!(c.disruption.moves.iter().any(|m| m.from != m.to));
    assert!(
        c.disruption
            .moves
            .iter()
            .any(|m| m.from == m.to && m.from_rep != m.to_rep)
    );
    let potential: f64 = got.iter().map(|&r| p.accounts.potential(r)).sum();
    assert!((c.disruption.potential_moved - potential).abs() < 1e-6);
    // Accounts change hands between reps: every gain is someone's loss.
    let net: i64 = c.disruption.reps.iter().map(|f| f.net()).sum();
    assert_eq!(net, 0);
    let net_potential: f64 = c.disruption.reps.iter().map(|f| f.net_potential).sum();
    assert!(net_potential.abs() < 1e-6);
}

#[test]
fn deltas_are_the_difference_of_the_two_reports() {
    let (p, a, b) = demo_and_draft();
    let c = compare(&p, a, b);
    let ra = ScenarioReport::compute(&p, p.scenario(a).expect("a"));
    let rb = ScenarioReport::compute(&p, p.scenario(b).expect("b"));
    assert_eq!(c.territories.len(), ra.territories.len());
    let mut changed = 0;
    for (row, (ta, tb)) in c
        .territories
        .iter()
        .zip(ra.territories.iter().zip(&rb.territories))
    {
        assert_eq!(row.name, ta.name);
        for m in BalanceMetric::ALL {
            let d = row.metric(m);
            let (va, vb) = (m.value(&ta.metrics), m.value(&tb.metrics));
            assert_eq!((d.a, d.b), (va, vb), "{} {}", row.name, m.label());
            if let (Some(va), Some(vb)) = (va, vb) {
                let diff = d.difference().expect("both present");
                assert!((diff - (vb - va)).abs() < 1e-9);
                if diff != 0.0 {
                    changed += 1;
                }
            }
        }
    }
    assert!(changed > 0, "the draft differs from the plan");
    assert_eq!(c.summary[0].gaps, ra.gaps);
    assert_eq!(c.summary[1].overlaps, rb.overlaps);
    // Per rep: the sums over the rep's territories.
    for row in &c.reps {
        let rep = p.reps.iter().find(|r| r.name == row.name).expect("rep");
        let sum = |s: &Scenario, r: &ScenarioReport| -> f64 {
            s.territories
                .iter()
                .zip(&r.territories)
                .filter(|(t, _)| t.rep == Some(rep.id))
                .map(|(_, t)| t.metrics.potential)
                .sum()
        };
        let d = row.metric(BalanceMetric::Potential);
        assert!((d.a.unwrap_or(0.0) - sum(p.scenario(a).expect("a"), &ra)).abs() < 1e-6);
        assert!((d.b.unwrap_or(0.0) - sum(p.scenario(b).expect("b"), &rb)).abs() < 1e-6);
    }
}

#[test]
fn a_plan_against_itself_moves_nothing() {
    let p = tessera::demo::project().expect("demo");
    let id = p.scenarios[0].id;
    let c = compare(&p, id, id);
    assert!(c.disruption.moves.is_empty());
    assert!(c.disruption.reps.is_empty());
    for row in &c.territories {
        for m in &row.metrics {
            // Two computations of one plan may add in another order: equal to rounding.
            assert!(m.difference().unwrap_or(0.0).abs() < 1e-6);
        }
    }
}
