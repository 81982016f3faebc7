//! Per-territory numbers.
//!
//! A [`Tally`] sums the accounts of a territory. Each account adds a [`Contribution`]; the
//! incremental update subtracts it from the territory it leaves and adds it to the one it
//! joins, instead of re-summing every account. The maximum travel distance cannot be
//! subtracted; the tally flags it for a rescan instead. [`GeometryMeasures`] hold what depends
//! on the shape only, recomputed when the shape changes. [`TerritoryMetrics`] combines both
//! with the territory's targets into the numbers the planner sees.

use geo::orient::{Direction, Orient};
use geo::{Centroid, GeodesicArea, MultiPolygon};
use serde::Serialize;

use super::haversine_km;
use crate::model::{AccountStatus, Accounts, Settings, Territory};

/// Where travel to a territory's accounts starts: the rep's home base, or the territory's
/// centroid when it has no rep.
pub type TravelBase = Option<(f64, f64)>;

/// What one account adds to its territory's tally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    prospect: bool,
    potential: f64,
    revenue: f64,
    pipeline: f64,
    won: u64,
    lost: u64,
    visit_minutes: f64,
    travel_minutes: f64,
    distance_km: f64,
}

impl Contribution {
    /// One-way distance from the territory's base, km.
    pub fn distance_km(&self) -> f64 {
        self.distance_km
    }

    /// Whether the account is a prospect.
    pub fn is_prospect(&self) -> bool {
        self.prospect
    }

    /// Potential, EUR/yr.
    pub fn potential(&self) -> f64 {
        self.potential
    }

    /// Revenue, EUR/yr.
    pub fn revenue(&self) -> f64 {
        self.revenue
    }

    /// Minutes a year spent on visits.
    pub fn visit_minutes(&self) -> f64 {
        self.visit_minutes
    }

    /// Minutes a year of driving to the visits from the base.
    pub fn travel_minutes(&self) -> f64 {
        self.travel_minutes
    }

    /// The contribution of account row `i` to a territory whose travel starts at `base`.
    #[inline]
    pub fn of(accounts: &Accounts, i: usize, base: TravelBase, settings: &Settings) -> Self {
        let distance_km = match base {
            Some((lon, lat)) => haversine_km(lon, lat, accounts.lons()[i], accounts.lats()[i]),
            None => 0.0,
        };
        let visits = f64::from(accounts.visits_per_year(i));
        let minutes = accounts
            .minutes_per_visit(i)
            .map_or(settings.default_minutes_per_visit, f64::from);
        let (won, lost) = accounts.deals(i);
        Contribution {
            prospect: accounts.status(i) == AccountStatus::Prospect,
            potential: accounts.potential(i),
            revenue: accounts.revenue(i),
            pipeline: accounts.pipeline(i),
            won: u64::from(won),
            lost: u64::from(lost),
            visit_minutes: visits * minutes,
            // A visit is a round trip from the base.
            travel_minutes: visits * 2.0 * settings.drive_minutes(distance_km),
            distance_km,
        }
    }
}

/// Sums over the accounts of one territory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Accounts owned.
    pub accounts: u64,
    /// Of which prospects.
    pub prospects: u64,
    /// Of which customers.
    pub customers: u64,
    /// Sum of potential, EUR/yr.
    pub potential: f64,
    /// Sum of revenue, EUR/yr.
    pub revenue: f64,
    /// Sum of open pipeline, EUR.
    pub pipeline: f64,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
    /// Sum of visits x minutes per visit.
    pub visit_minutes: f64,
    /// Sum of visits x round-trip drive minutes.
    pub travel_minutes: f64,
    /// Sum of one-way distances from the base, km.
    pub distance_km: f64,
    /// Largest one-way distance from the base, km.
    pub max_distance_km: f64,
}

impl Tally {
    /// Adds one account.
    #[inline]
    pub fn add(&mut self, c: &Contribution) {
        self.accounts += 1;
        if c.prospect {
            self.prospects += 1;
        } else {
            self.customers += 1;
        }
        self.potential += c.potential;
        self.revenue += c.revenue;
        self.pipeline += c.pipeline;
        self.won += c.won;
        self.lost += c.lost;
        self.visit_minutes += c.visit_minutes;
        self.travel_minutes += c.travel_minutes;
        self.distance_km += c.distance_km;
        self.max_distance_km = self.max_distance_km.max(c.distance_km);
    }

    /// Removes one account. Returns true when the removed account may have been the farthest,
    /// so that [`Self::max_distance_km`] needs a rescan of the territory's accounts.
    #[inline]
    pub fn remove(&mut self, c: &Contribution) -> bool {
        self.accounts = self.accounts.saturating_sub(1);
        if c.prospect {
            self.prospects = self.prospects.saturating_sub(1);
        } else {
            self.customers = self.customers.saturating_sub(1);
        }
        self.potential -= c.potential;
        self.revenue -= c.revenue;
        self.pipeline -= c.pipeline;
        self.won = self.won.saturating_sub(c.won);
        self.lost = self.lost.saturating_sub(c.lost);
        self.visit_minutes -= c.visit_minutes;
        self.travel_minutes -= c.travel_minutes;
        self.distance_km -= c.distance_km;
        if self.accounts == 0 {
            // Start clean rather than carry rounding residue.
            *self = Tally::default();
            return false;
        }
        c.distance_km >= self.max_distance_km
    }
}

impl Tally {
    /// Replaces the travel sums (after the travel base moved).
    pub fn set_travel(&mut self, travel_minutes: f64, distance_km: f64, max_distance_km: f64) {
        self.travel_minutes = travel_minutes;
        self.distance_km = distance_km;
        self.max_distance_km = max_distance_km;
    }
}

/// Measures of a territory's shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GeometryMeasures {
    /// Geodesic area, km2.
    pub area_km2: f64,
    /// Geodesic perimeter (outer rings and holes), km.
    pub perimeter_km: f64,
    /// Polsby-Popper compactness, 4 pi area / perimeter^2: 1 for a circle, towards 0 for
    /// long or ragged shapes.
    pub polsby_popper: f64,
    /// Number of separate parts; more than 1 means the territory is not contiguous.
    pub parts: usize,
    /// Centroid (lon, lat), the travel base when no rep is assigned.
    pub centroid: Option<(f64, f64)>,
}

impl GeometryMeasures {
    /// Measures a geometry (WGS84 lon/lat).
    pub fn of(geometry: &MultiPolygon<f64>) -> Self {
        // A clockwise outer ring would measure as the rest of the Earth: orient first (cheap
        // next to the geodesic computation).
        let (perimeter_m, area_m2) = geometry
            .orient(Direction::Default)
            .geodesic_perimeter_area_unsigned();
        let area_km2 = area_m2 / 1e6;
        let perimeter_km = perimeter_m / 1e3;
        let polsby_popper = if perimeter_km > 0.0 {
            4.0 * std::f64::consts::PI * area_km2 / (perimeter_km * perimeter_km)
        } else {
            0.0
        };
        GeometryMeasures {
            area_km2,
            perimeter_km,
            polsby_popper,
            parts: geometry
                .0
                .iter()
                .filter(|p| p.exterior().0.len() >= 4)
                .count(),
            centroid: geometry.centroid().map(|p| (p.x(), p.y())),
        }
    }
}

/// Everything the planner sees about one territory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TerritoryMetrics {
    /// Accounts owned.
    pub accounts: u64,
    /// Prospects owned (the leads the territory holds).
    pub prospects: u64,
    /// Customers owned.
    pub customers: u64,
    /// Potential, EUR/yr.
    pub potential: f64,
    /// Revenue, EUR/yr.
    pub revenue: f64,
    /// Open pipeline, EUR.
    pub pipeline: f64,
    /// Deals won.
    pub deals_won: u64,
    /// Deals lost.
    pub deals_lost: u64,
    /// won / (won + lost); `None` before any deal closed.
    pub win_rate: Option<f64>,
    /// Hours per year for visits and the drive to them.
    pub workload_hours: f64,
    /// Of which driving, hours per year.
    pub travel_hours: f64,
    /// Mean one-way straight-line distance from the base, km.
    pub mean_distance_km: f64,
    /// Largest one-way straight-line distance from the base, km.
    pub max_distance_km: f64,
    /// Geodesic area, km2.
    pub area_km2: f64,
    /// Polsby-Popper compactness (0..1).
    pub polsby_popper: f64,
    /// Separate parts of the territory (1 = contiguous).
    pub parts: usize,
    /// Workload / rep capacity; `None` without a rep (or a rep without capacity).
    pub capacity_use: Option<f64>,
    /// Sales target, EUR/yr.
    pub target: f64,
    /// target / average deal.
    pub required_deals: f64,
    /// required deals / conversion.
    pub required_leads: f64,
    /// prospects / required leads: 1.0 or more means the territory holds enough leads.
    pub coverage: Option<f64>,
}

impl TerritoryMetrics {
    /// Combines a tally, the shape's measures and the territory's targets.
    /// `rep_capacity_hours` is `None` when no rep is assigned.
    pub fn new(
        tally: &Tally,
        shape: &GeometryMeasures,
        territory: &Territory,
        rep_capacity_hours: Option<f64>,
    ) -> Self {
        let workload_hours = (tally.visit_minutes + tally.travel_minutes) / 60.0;
        let closed = tally.won + tally.lost;
        let required_deals = ratio(territory.target, territory.average_deal).unwrap_or(0.0);
        let required_leads = ratio(required_deals, territory.conversion).unwrap_or(0.0);
        TerritoryMetrics {
            accounts: tally.accounts,
            prospects: tally.prospects,
            customers: tally.customers,
            potential: tally.potential,
            revenue: tally.revenue,
            pipeline: tally.pipeline,
            deals_won: tally.won,
            deals_lost: tally.lost,
            win_rate: (closed > 0).then(|| tally.won as f64 / closed as f64),
            workload_hours,
            travel_hours: tally.travel_minutes / 60.0,
            mean_distance_km: ratio(tally.distance_km, tally.accounts as f64).unwrap_or(0.0),
            max_distance_km: tally.max_distance_km,
            area_km2: shape.area_km2,
            polsby_popper: shape.polsby_popper,
            parts: shape.parts,
            capacity_use: rep_capacity_hours.and_then(|c| ratio(workload_hours, c)),
            target: territory.target,
            required_deals,
            required_leads,
            coverage: ratio(tally.prospects as f64, required_leads),
        }
    }
}

/// a / b, or `None` when b is zero or the result is not finite.
fn ratio(a: f64, b: f64) -> Option<f64> {
    let r = a / b;
    (b != 0.0 && r.is_finite()).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, AccountId, Colour, SegmentRule, TerritoryId};
    use geo::polygon;

    fn territory(target: f64, deal: f64, conversion: f64) -> Territory {
        Territory {
            id: TerritoryId(1),
            name: "Noord".into(),
            colour: Colour::nth(0),
            rep: None,
            geometry: MultiPolygon(vec![]),
            rule: SegmentRule::default(),
            target,
            average_deal: deal,
            conversion,
        }
    }

    #[test]
    fn worked_example_feasibility() {
        // Target 800K, deal 40K, conversion 10 %: 20 deals, 200 leads; 200 prospects cover it.
        let tally = Tally {
            accounts: 230,
            prospects: 200,
            customers: 30,
            ..Tally::default()
        };
        let m = TerritoryMetrics::new(
            &tally,
            &GeometryMeasures::default(),
            &territory(800_000.0, 40_000.0, 0.10),
            None,
        );
        assert_eq!(m.required_deals, 20.0);
        assert!((m.required_leads - 200.0).abs() < 1e-9);
        assert!((m.coverage.unwrap_or(0.0) - 1.0).abs() < 1e-9);
        assert_eq!(m.capacity_use, None);
        let none = TerritoryMetrics::new(
            &tally,
            &GeometryMeasures::default(),
            &territory(800_000.0, 0.0, 0.10),
            None,
        );
        assert_eq!((none.required_deals, none.coverage), (0.0, None));
    }

    #[test]
    fn workload_counts_visits_and_round_trips() {
        let mut accounts = Accounts::default();
        accounts.push(&Account {
            id: AccountId(1),
            lon: 5.0,
            lat: 53.0, // 111.2 km north of the base
            visits_per_year: 4.0,
            minutes_per_visit: Some(30.0),
            deals_won: 3,
            deals_lost: 1,
            ..Account::default()
        });
        let settings = Settings::default();
        let c = Contribution::of(&accounts, 0, Some((5.0, 52.0)), &settings);
        let mut tally = Tally::default();
        tally.add(&c);
        // Drive one way: 111.19 km x 1.3 / 60 km/h = 2.409 h; per visit 2 x that.
        let expected_hours = 4.0 * (30.0 + 2.0 * 111.19 * 1.3) / 60.0;
        let m = TerritoryMetrics::new(
            &tally,
            &GeometryMeasures::default(),
            &territory(0.0, 0.0, 0.0),
            Some(1600.0),
        );
        assert!(
            (m.workload_hours - expected_hours).abs() < 0.01,
            "{}",
            m.workload_hours
        );
        assert_eq!(m.win_rate, Some(0.75));
        assert!((m.capacity_use.unwrap_or(0.0) - expected_hours / 1600.0).abs() < 1e-5);
        let near = Contribution::of(&accounts, 0, Some((5.0, 52.9)), &settings);
        tally.add(&near);
        assert!(
            tally.remove(&c),
            "removing the farthest account flags a rescan"
        );
        assert!(!tally.remove(&near), "an emptied tally needs no rescan");
        assert_eq!(tally, Tally::default());
    }

    #[test]
    fn geometry_measures_of_a_square_degree() {
        let g = MultiPolygon(vec![polygon![
            (x: 5.0, y: 52.0), (x: 6.0, y: 52.0), (x: 6.0, y: 53.0), (x: 5.0, y: 53.0)
        ]]);
        let m = GeometryMeasures::of(&g);
        let clockwise = g.orient(Direction::Reversed);
        assert!(
            (GeometryMeasures::of(&clockwise).area_km2 - m.area_km2).abs() < 1e-6,
            "winding does not matter"
        );
        // About 68.5 km x 111.2 km at 52.5 N.
        assert!((m.area_km2 - 7600.0).abs() < 100.0, "{}", m.area_km2);
        // A square is 0.785 compact (pi / 4); this slightly oblong one a bit less.
        assert!(
            m.polsby_popper > 0.70 && m.polsby_popper < 0.786,
            "{}",
            m.polsby_popper
        );
        assert_eq!(m.parts, 1);
        let (cx, cy) = m.centroid.unwrap_or_default();
        assert!((cx - 5.5).abs() < 1e-9 && (cy - 52.5).abs() < 1e-9);
    }
}
