//! The embedded demo project: the Netherlands in four regions.
//!
//! It reproduces the product's worked example: four regions (Noord, Oost, West, Zuid), each
//! holding exactly 200 ICP prospects, a target of EUR 800K per rep, an average deal of EUR 40K
//! and 10 % conversion, so every region needs 20 deals and 200 leads, and its prospects just
//! cover them. Customers with revenue and pipeline come on top. Everything is seeded and
//! built from files inside the binary (`assets/`), so the demo is identical everywhere.
//!
//! Accounts are placed around real places (GeoNames), chosen in proportion to population,
//! and kept inside their own region; the regions themselves were derived from the places and
//! the Natural Earth outline by `examples/make_demo_assets/`.

use std::io::Read;

use flate2::read::GzDecoder;
use thiserror::Error;

use crate::engine::area::PreparedArea;
use crate::io::territories::read_territories;
use crate::model::{
    Account, AccountId, AccountStatus, Accounts, Colour, Project, Rep, RepId, Scenario, ScenarioId,
    SegmentRule, Settings, Territory, TerritoryId,
};
use crate::rng::SplitMix64;
use crate::synth::{INDUSTRIES, SIZE_CLASSES};

const REGIONS_GZ: &[u8] = include_bytes!("../assets/nl-regions.geojson.gz");
const PLACES_GZ: &[u8] = include_bytes!("../assets/nl-places.csv.gz");

/// Prospects per region, from the worked example.
pub const PROSPECTS_PER_REGION: usize = 200;
/// Target per rep, EUR/yr (worked example).
pub const TARGET: f64 = 800_000.0;
/// Average deal size, EUR (worked example).
pub const AVERAGE_DEAL: f64 = 40_000.0;
/// Conversion from lead to deal (worked example).
pub const CONVERSION: f64 = 0.10;

/// The demo's regions, their provinces, reps and customer counts.
struct RegionPlan {
    name: &'static str,
    provinces: [&'static str; 3],
    rep: &'static str,
    /// Home base: (place, lon, lat).
    home: (&'static str, f64, f64),
    customers: usize,
    colour: Colour,
}

const REGIONS: [RegionPlan; 4] = [
    RegionPlan {
        name: "Noord",
        provinces: ["Groningen", "Friesland", "Drenthe"],
        rep: "Sanne de Vries",
        home: ("Groningen", 6.5665, 53.2194),
        customers: 38,
        colour: Colour([0x1f, 0x77, 0xb4]),
    },
    RegionPlan {
        name: "Oost",
        provinces: ["Overijssel", "Gelderland", "Flevoland"],
        rep: "Daan Bakker",
        home: ("Apeldoorn", 5.9699, 52.2112),
        customers: 52,
        colour: Colour([0x2c, 0xa0, 0x2c]),
    },
    RegionPlan {
        name: "West",
        provinces: ["North Holland", "South Holland", "Utrecht"],
        rep: "Emma Jansen",
        home: ("Utrecht", 5.1214, 52.0907),
        customers: 71,
        colour: Colour([0xff, 0x7f, 0x0e]),
    },
    RegionPlan {
        name: "Zuid",
        provinces: ["Zeeland", "North Brabant", "Limburg"],
        rep: "Lucas Visser",
        home: ("Eindhoven", 5.4697, 51.4416),
        customers: 56,
        colour: Colour([0xd6, 0x27, 0x28]),
    },
];

/// The embedded assets could not be read (a build problem, never the user's data).
#[derive(Debug, Error)]
#[error("the embedded demo data is damaged: {0}")]
pub struct DemoError(String);

/// A populated place from the embedded gazetteer.
#[derive(Debug, Clone, serde::Deserialize)]
struct Place {
    name: String,
    province: String,
    population: f64,
    lat: f64,
    lon: f64,
}

fn gunzip(bytes: &[u8]) -> Result<String, DemoError> {
    let mut text = String::new();
    GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| DemoError(e.to_string()))?;
    Ok(text)
}

fn places() -> Result<Vec<Place>, DemoError> {
    let text = gunzip(PLACES_GZ)?;
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<Place>, _>>()
        .map_err(|e| DemoError(e.to_string()))
}

/// Builds the demo project. Deterministic: every call returns the same project.
pub fn project() -> Result<Project, DemoError> {
    let regions = read_territories(&gunzip(REGIONS_GZ)?, "nl-regions.geojson")
        .map_err(|e| DemoError(e.to_string()))?;
    let places = places()?;
    let settings = Settings::default();
    let mut rng = SplitMix64::new(20_261_123);
    let mut accounts = Accounts::with_capacity(1200);
    let mut reps = Vec::new();
    let mut territories = Vec::new();

    for (k, plan) in REGIONS.iter().enumerate() {
        let area = regions
            .iter()
            .find(|r| r.name == plan.name)
            .ok_or_else(|| DemoError(format!("region {} is missing", plan.name)))?;
        let prepared = PreparedArea::new(&area.geometry);
        let local: Vec<&Place> = places
            .iter()
            .filter(|p| plan.provinces.contains(&p.province.as_str()))
            .collect();
        if local.is_empty() {
            return Err(DemoError(format!("no places for {}", plan.name)));
        }
        let rep_id = RepId(k as u32 + 1);
        reps.push(Rep {
            id: rep_id,
            name: plan.rep.to_owned(),
            home_lon: plan.home.1,
            home_lat: plan.home.2,
            capacity_hours: settings.working_hours_per_year,
            target: TARGET,
            expertise: vec![INDUSTRIES[k * 2].to_owned()],
            colour: plan.colour,
        });
        territories.push(Territory {
            id: TerritoryId(k as u32 + 1),
            name: plan.name.to_owned(),
            colour: plan.colour,
            rep: Some(rep_id),
            geometry: area.geometry.clone(),
            rule: SegmentRule::default(),
            target: TARGET,
            average_deal: AVERAGE_DEAL,
            conversion: CONVERSION,
        });
        let statuses = std::iter::repeat_n(AccountStatus::Prospect, PROSPECTS_PER_REGION)
            .chain(std::iter::repeat_n(AccountStatus::Customer, plan.customers));
        for status in statuses {
            let (place, lon, lat) = place_account(&local, &prepared, &mut rng)?;
            let id = accounts.next_id();
            accounts.push(&account(id, place, lon, lat, status, &mut rng));
        }
    }

    Ok(Project {
        name: "Demo: the Netherlands in 4 regions".into(),
        settings,
        accounts,
        reps,
        scenarios: vec![Scenario {
            id: ScenarioId(1),
            name: "Current plan".into(),
            notes: "The worked example: 4 regions, 200 ICP prospects each; target EUR 800K, \
                    average deal EUR 40K, 10 % conversion: 20 deals and 200 leads per region."
                .into(),
            created: 1_767_225_600, // 2026-01-01T00:00:00Z
            territories,
            overrides: Default::default(),
            units: Default::default(),
        }],
        active_scenario: Some(ScenarioId(1)),
        unit_layers: Vec::new(),
    })
}

/// Picks a place in proportion to its population and a point a few km around it that lies
/// inside the region.
fn place_account<'p>(
    places: &[&'p Place],
    region: &PreparedArea,
    rng: &mut SplitMix64,
) -> Result<(&'p Place, f64, f64), DemoError> {
    let total: f64 = places.iter().map(|p| p.population.max(500.0)).sum();
    for _ in 0..1000 {
        let mut pick = rng.next_f64() * total;
        let place = places
            .iter()
            .find(|p| {
                pick -= p.population.max(500.0);
                pick < 0.0
            })
            .unwrap_or(&places[places.len() - 1]);
        // Bigger places spread wider: 1 km for a village, about 5 km for a city of 150,000.
        let spread_km = 1.0 + place.population.max(0.0).sqrt() / 100.0;
        let lat = place.lat + rng.normal() * spread_km / 111.2;
        let lon = place.lon + rng.normal() * spread_km / (111.2 * place.lat.to_radians().cos());
        if region.contains(lon, lat) {
            return Ok((place, (lon * 1e5).round() / 1e5, (lat * 1e5).round() / 1e5));
        }
    }
    Err(DemoError(
        "could not place an account inside its region".into(),
    ))
}

/// A believable account at a place.
fn account(
    id: AccountId,
    place: &Place,
    lon: f64,
    lat: f64,
    status: AccountStatus,
    rng: &mut SplitMix64,
) -> Account {
    const KINDS: [&str; 8] = [
        "Bouwbedrijf",
        "Zorggroep",
        "Tech",
        "Metaalwerken",
        "Transport",
        "Winkelgroep",
        "Agro",
        "Adviesgroep",
    ];
    const SUFFIXES: [&str; 5] = ["B.V.", "& Zn.", "Groep", "Holding", "N.V."];
    let industry = rng.below(8) as usize;
    let size = match rng.next_f64() {
        x if x < 0.6 => 0,
        x if x < 0.9 => 1,
        _ => 2,
    };
    let scale = [1.0, 2.0, 4.0][size];
    let customer = status == AccountStatus::Customer;
    // Adding a lower-case letter keeps names in one place apart without numbers.
    let letter = (b'A' + rng.below(26) as u8) as char;
    let extra = [
        ("city".to_owned(), place.name.clone()),
        ("province".to_owned(), place.province.clone()),
    ];
    Account {
        id,
        external_id: format!("NL-{:05}", id.0),
        name: format!(
            "{} {} {letter}. {}",
            KINDS[industry],
            place.name,
            SUFFIXES[rng.below(SUFFIXES.len() as u64) as usize]
        ),
        lon,
        lat,
        industry: INDUSTRIES[industry].to_owned(),
        size_class: SIZE_CLASSES[size].to_owned(),
        status,
        potential: (rng.range_f64(20_000.0, 60_000.0) * scale / 100.0).round() * 100.0,
        revenue: if customer {
            (rng.range_f64(10_000.0, 50_000.0) * scale / 100.0).round() * 100.0
        } else {
            0.0
        },
        pipeline: if rng.chance(if customer { 0.5 } else { 0.15 }) {
            (rng.range_f64(5_000.0, 40_000.0) * scale / 100.0).round() * 100.0
        } else {
            0.0
        },
        deals_won: if customer { 1 + rng.below(5) as u32 } else { 0 },
        deals_lost: rng.below(if customer { 3 } else { 2 }) as u32,
        visits_per_year: if customer {
            [4.0, 6.0, 12.0][size]
        } else {
            2.0
        },
        minutes_per_visit: Some(if customer {
            [45.0, 60.0, 90.0][size]
        } else {
            60.0
        }),
        extra: extra.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::report::ScenarioReport;

    #[test]
    fn demo_reproduces_the_worked_example() {
        let project = project().expect("the embedded demo builds");
        assert_eq!(project, super::project().expect("twice"), "deterministic");
        let scenario = project.active().expect("a scenario");
        let report = ScenarioReport::compute(&project, scenario);
        assert_eq!(report.gaps, 0);
        assert_eq!(report.overlaps, 0);
        let names: Vec<&str> = report.territories.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Noord", "Oost", "West", "Zuid"]);
        for t in &report.territories {
            assert_eq!(
                t.metrics.prospects, PROSPECTS_PER_REGION as u64,
                "{}",
                t.name
            );
            assert_eq!(t.metrics.required_deals, 20.0);
            assert!((t.metrics.required_leads - 200.0).abs() < 1e-9);
            assert!(t.metrics.coverage.is_some_and(|c| (c - 1.0).abs() < 1e-9));
            assert!(t.metrics.customers > 0 && t.metrics.revenue > 0.0);
            assert!(t.metrics.parts >= 1);
            assert!(
                t.metrics.area_km2 > 5_000.0 && t.metrics.area_km2 < 15_000.0,
                "{}",
                t.metrics.area_km2
            );
        }
        let industries = project.accounts.industries().len() - 1;
        assert_eq!(industries, 8, "8 industries");
    }

    #[test]
    fn reps_live_inside_their_regions() {
        let project = project().expect("demo");
        let scenario = project.active().expect("scenario");
        for t in &scenario.territories {
            let rep = t
                .rep
                .and_then(|r| project.rep(r))
                .expect("every region has a rep");
            assert!(
                crate::engine::area::contains_point(&t.geometry, rep.home_lon, rep.home_lat),
                "{} lives outside {}",
                rep.name,
                t.name
            );
        }
    }
}
