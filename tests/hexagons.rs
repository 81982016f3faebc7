//! Designing where no unit layer fits (issue 14): a grid of hexagons laid over the accounts,
//! sized to their density, added to the project in the same edit as the plan built from
//! it. Synthetic accounts spread over the Netherlands' bounding box (sea, Belgium and
//! Germany too), most of which no Dutch postcode holds.

mod cli_support;

use std::collections::{BTreeSet, VecDeque};

use cli_support::{s, tessera, text};
use tessera::design::graph::UnitGraph;
use tessera::engine::balance::BalanceMetric;
use tessera::model::{Change, Project, Scenario};
use tessera::session::{DesignRequest, HEXAGONS, Session, TerritoryCount, design_edit, layer_in};

fn request(layer: &str, territories: usize, into: &str) -> DesignRequest {
    DesignRequest {
        layer: layer.into(),
        count: TerritoryCount::Count(territories),
        balance: vec![
            (BalanceMetric::Potential, 1.0),
            (BalanceMetric::Workload, 1.0),
            (BalanceMetric::Accounts, 1.0),
        ],
        tolerance: 0.05,
        compactness: 1.0,
        locked: Vec::new(),
        locked_units: Vec::new(),
        column: None,
        seed: 1,
        from: None,
        into: into.into(),
    }
}

/// Whether each territory's hexagons form one connected set of the layer's graph.
fn connected(project: &Project, scenario: &Scenario) -> Vec<bool> {
    let key = scenario.units.layer.as_deref().expect("a plan of units");
    let layer = layer_in(project, key).expect("the project holds the layer");
    let graph = UnitGraph::of(&layer);
    scenario
        .territories
        .iter()
        .map(|t| {
            let members: BTreeSet<u32> = scenario
                .units
                .units_of(t.id)
                .filter_map(|code| layer.unit(code))
                .collect();
            let Some(&first) = members.first() else {
                return false;
            };
            let mut seen = BTreeSet::from([first]);
            let mut queue = VecDeque::from([first]);
            while let Some(u) = queue.pop_front() {
                for &(v, _) in &graph.next[u as usize] {
                    if members.contains(&v) && seen.insert(v) {
                        queue.push_back(v);
                    }
                }
            }
            seen.len() == members.len()
        })
        .collect()
}

#[test]
fn hexagons_hold_every_account_that_postcodes_miss_and_join_the_project_with_the_plan() {
    let project = tessera::synth::project(20_000, 8, 3);
    // On postcodes, most of these accounts lie in no unit.
    let (_, on_postcodes) = design_edit(
        &project,
        None,
        &request("nl-pc4", 8, "PC4"),
        false,
        &mut |_, _| true,
    )
    .expect("designed on PC4");
    assert!(on_postcodes.accounts_outside_units > 5_000);

    let mut session = Session::unsaved(project);
    let report = session
        .design(&request(HEXAGONS, 8, "Hexagons"), false, &mut |_, _| true)
        .expect("designed on hexagons");
    assert_eq!(
        report.accounts_outside_units, 0,
        "every account is in a hexagon"
    );
    assert_eq!(report.contiguous, 8);
    for (metric, deviation) in &report.max_deviation_pct {
        assert!(*deviation < 10.0, "{metric}: {deviation:.1} %");
    }
    let project = session.project().clone();
    let project = &project;
    assert_eq!(project.unit_layers.len(), 1, "the grid joined the project");
    let key = project.unit_layers[0].key.clone();
    assert!(key.starts_with("hexagons-"), "{key}");
    let plan = project.scenario_by_name("Hexagons").expect("the plan");
    assert_eq!(plan.units.layer.as_deref(), Some(key.as_str()));
    assert!(connected(project, plan).iter().all(|&c| c));
    // The live plan leaves no account out.
    session
        .show_scenario_named(Some("Hexagons"))
        .expect("shown");
    assert_eq!(session.current().map(|c| c.name.as_str()), Some("Hexagons"));
    let live = session.assignment();
    assert_eq!(live.gaps(), 0);
    assert_eq!(live.overlaps(), 0);
    let layer = layer_in(project, &key).expect("layer");
    let held: usize = plan.units.holder.len();
    assert_eq!(held, layer.units.len(), "every hexagon is in a territory");

    // A second design of the same size builds on the same grid: no second layer.
    let (edit, _) = design_edit(
        session.project(),
        None,
        &request(HEXAGONS, 8, "Again"),
        false,
        &mut |_, _| true,
    )
    .expect("designed again");
    assert!(
        !edit
            .changes
            .iter()
            .any(|c| matches!(c, Change::UnitLayer { .. }))
    );

    // One undo takes back the plan and the grid together.
    session.undo().expect("undone");
    assert!(session.project().unit_layers.is_empty());
    assert!(session.project().scenario_by_name("Hexagons").is_none());
}

#[test]
fn a_design_on_hexagons_is_saved_with_its_grid_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("abroad.tessera");
    let out = tessera(&[
        "synth",
        s(&path),
        "--accounts",
        "5000",
        "--territories",
        "6",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = tessera(&[
        "design",
        s(&path),
        "--territories",
        "6",
        "--units",
        "hexagons",
        "--into",
        "Hex",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["accounts_outside_units"], 0);
    assert_eq!(json["contiguous"], 6);
    let out = tessera(&["units", s(&path), "--list"]);
    let listed = text(&out.stdout);
    assert!(
        listed.lines().any(|l| l.starts_with("Hex\thexagons-")),
        "{listed}"
    );
}
