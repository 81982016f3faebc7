//! The commands and their options, as clap reads them.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Format, MAX_SYNTH_ACCOUNTS, MAX_SYNTH_TERRITORIES, design};

/// The settings `design` and `rebalance` share.
#[derive(Debug, clap::Args)]
pub(super) struct DesignArgs {
    /// The unit layer to build from (see `tessera units --list`), e.g. nl-pc4; or `hexagons`
    /// for a grid of hexagons over the accounts, sized to their density, added to the project
    /// with the plan.
    #[arg(long, value_name = "LAYER")]
    pub(super) units: String,
    /// Metrics to balance, with optional weights: potential:2,workload,accounts.
    #[arg(long, value_name = "METRIC[:WEIGHT],...", default_value = "potential,workload,accounts",
          value_parser = design::parse_balance)]
    balance: BalanceList,
    /// A numeric column of the accounts' own (kept from their import) to balance too, with
    /// an optional weight: omzet_2025:2.
    #[arg(long, value_name = "NAME[:WEIGHT]", value_parser = design::parse_column)]
    balance_column: Option<(String, f64)>,
    /// The least every territory must hold of a metric (repeat for more): accounts:250.
    #[arg(long, value_name = "METRIC:VALUE", value_parser = design::parse_limit)]
    min: Vec<(crate::engine::balance::BalanceMetric, f64)>,
    /// The most every territory may hold of a metric (repeat for more; workload in hours a
    /// year): workload:1600.
    #[arg(long, value_name = "METRIC:VALUE", value_parser = design::parse_limit)]
    max: Vec<(crate::engine::balance::BalanceMetric, f64)>,
    /// The largest deviation from the mean allowed, %.
    #[arg(long, value_name = "PCT", default_value_t = 5.0)]
    tolerance: f64,
    /// How much round shapes weigh (0: not at all).
    #[arg(long, value_name = "W", default_value_t = 1.0)]
    compactness: f64,
    /// A territory that keeps its units (repeat for more).
    #[arg(long, value_name = "TERRITORY")]
    lock: Vec<String>,
    /// A unit, by code, that stays in the territory holding it (a rebalance; repeat for
    /// more).
    #[arg(long, value_name = "CODE")]
    lock_unit: Vec<String>,
    /// Random seed: the same seed gives the same plan.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The name of the new scenario.
    #[arg(long, value_name = "NAME")]
    into: String,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(super) format: Format,
}

/// Balance metrics and weights, as parsed from `--balance`.
type BalanceList = Vec<(crate::engine::balance::BalanceMetric, f64)>;

impl DesignArgs {
    /// The session's request, for plan `from`, with `count` territories.
    pub(super) fn request(
        &self,
        from: Option<String>,
        count: crate::session::TerritoryCount,
    ) -> crate::session::DesignRequest {
        crate::session::DesignRequest {
            layer: self.units.clone(),
            count,
            balance: self.balance.clone(),
            tolerance: self.tolerance / 100.0,
            compactness: self.compactness,
            locked: self.lock.clone(),
            locked_units: self.lock_unit.clone(),
            column: self.balance_column.clone(),
            limits: self
                .min
                .iter()
                .map(|&(metric, v)| crate::session::Limit {
                    metric,
                    min: Some(v),
                    max: None,
                })
                .chain(self.max.iter().map(|&(metric, v)| crate::session::Limit {
                    metric,
                    min: None,
                    max: Some(v),
                }))
                .collect(),
            seed: self.seed,
            from,
            into: self.into.clone(),
        }
    }
}

/// A command of the command line (without one, the window opens).
#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Open a project in the window (the demo when no path is given).
    Open {
        /// The project file.
        path: Option<PathBuf>,
        /// Save the window as a PNG once the map has settled, then exit.
        #[arg(long, value_name = "PNG")]
        screenshot: Option<PathBuf>,
    },
    /// Write the embedded demo project (the Netherlands in 4 regions) to a file.
    Demo {
        /// Where to write it, e.g. demo.tessera.
        path: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print every territory's metrics, gaps, overlaps and the plan's balance.
    Report {
        /// The project file.
        path: PathBuf,
        /// The scenario to report (default: the active plan).
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add the territory (and rep) of each row of a CSV file of accounts or leads, for the
    /// CRM. The CSV needs `lat` and `lon` columns, or a Dutch `postcode` column (a row
    /// without coordinates is routed from a point inside its PC4 area); all other columns
    /// pass through unchanged.
    Route {
        /// The accounts or leads, CSV with a header row (`,` `;` tab or `|`).
        #[arg(long)]
        accounts: PathBuf,
        /// Territories as a GeoJSON FeatureCollection with a `name` property.
        #[arg(long, conflicts_with = "project", required_unless_present = "project")]
        territories: Option<PathBuf>,
        /// A project whose territories (and reps) to use.
        #[arg(long)]
        project: Option<PathBuf>,
        /// The project's scenario (default: the active plan).
        #[arg(long, requires = "project")]
        scenario: Option<String>,
        /// Where to write the result (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print read, index, assign and write times to standard error.
        #[arg(long)]
        timings: bool,
    },
    /// Writes a scenario for other programs: territories as GeoJSON (with every metric),
    /// assignments as CSV for the CRM, or both layers as a GeoPackage for GIS.
    Export {
        /// The project.
        path: PathBuf,
        /// Territories as an RFC 7946 GeoJSON FeatureCollection.
        #[arg(long)]
        geojson: Option<PathBuf>,
        /// Assignments as CSV: external_id, name, territory, rep.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Territories and accounts as a GeoPackage (.gpkg).
        #[arg(long)]
        gpkg: Option<PathBuf>,
        /// A plan built from units, as CSV for the CRM's assignment rules:
        /// unit_code, unit_name, territory, rep for every unit of its layer.
        #[arg(long, value_name = "FILE.csv")]
        units: Option<PathBuf>,
        /// Scenario name (default: the active one).
        #[arg(long)]
        scenario: Option<String>,
    },
    /// Adds territories from a GeoJSON FeatureCollection (Polygon and MultiPolygon features,
    /// named by their `name` property) to a scenario, as one undoable edit; or imports
    /// accounts from a CRM export (delimited text, Excel, or GeoJSON points), updating
    /// accounts by external id.
    Import {
        /// The project.
        path: PathBuf,
        /// The GeoJSON file of territories.
        #[arg(
            long,
            conflicts_with = "accounts",
            required_unless_present = "accounts"
        )]
        territories: Option<PathBuf>,
        /// The accounts file: CSV or other delimited text, Excel/OpenDocument, or GeoJSON
        /// Point features (properties are the columns).
        #[arg(long)]
        accounts: Option<PathBuf>,
        /// Column roles for the accounts file (RON, as `--save-mapping` writes); default:
        /// guessed from the headers.
        #[arg(long, requires = "accounts")]
        mapping: Option<PathBuf>,
        /// Write the mapping used to this file (RON), to reuse it next time.
        #[arg(long, requires = "accounts")]
        save_mapping: Option<PathBuf>,
        /// Show the report without importing.
        #[arg(long, requires = "accounts")]
        dry_run: bool,
        /// Print read, plan and write times of an accounts import to standard error.
        #[arg(long, requires = "accounts")]
        timings: bool,
        /// What a status value means, as VALUE=customer or VALUE=prospect (repeatable;
        /// `=prospect` for an empty status). Values that are neither a known word
        /// (customer, klant, prospect, lead, ...) nor answered here or in the mapping stop
        /// the import, listed with their row counts.
        #[arg(long = "status", requires = "accounts", value_name = "VALUE=STATUS")]
        statuses: Vec<String>,
        /// Rows without an external id update the existing account with the same name at
        /// the same place (within about 100 m) instead of adding it again.
        #[arg(long, requires = "accounts")]
        match_by_name: bool,
        /// Rows without potential get the average deal x conversion of the territory (of
        /// the active plan) they fall in.
        #[arg(long, requires = "accounts")]
        potential_from_territory: bool,
        /// Visits per year for rows without visits, by size class, as SIZE=VISITS
        /// (repeatable; `=VISITS` for rows without a size class).
        #[arg(long = "visits", requires = "accounts", value_name = "SIZE=VISITS")]
        visits: Vec<String>,
        /// Scenario to add the territories to (default: the active one); a name the project
        /// does not have yet makes a new scenario of the imported territories.
        #[arg(long)]
        scenario: Option<String>,
        /// The feature property that names each territory (default: the first of name,
        /// naam, regio, territory, gebied that the file has).
        #[arg(long, requires = "territories", value_name = "PROPERTY")]
        name_property: Option<String>,
    },
    /// Compares two scenarios: every territory's and rep's metrics in A and B with the
    /// difference, the plan-level balance, and who changes hands.
    Compare {
        /// The project.
        path: PathBuf,
        /// Scenario A (usually the plan in force).
        #[arg(long)]
        a: String,
        /// Scenario B (usually the draft).
        #[arg(long)]
        b: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write the accounts that change territory or rep to this CSV file.
        #[arg(long, value_name = "FILE.csv")]
        moves: Option<PathBuf>,
    },
    /// Geographic units (postcode areas, municipalities, provinces): list the layers, or
    /// make a new scenario of a plan snapped to a layer (each unit to the territory holding
    /// most of its accounts' potential; by area where it has none).
    Units {
        /// The project.
        path: PathBuf,
        /// List the layers and which layer each scenario is built from.
        #[arg(long)]
        list: bool,
        /// The layer to snap to: nl-pc4, nl-pc3, nl-pc2, nl-gemeente, nl-corop, nl-provincie.
        #[arg(long)]
        layer: Option<String>,
        /// Snap a plan (the active one, or --scenario) to the layer.
        #[arg(long, requires_all = ["layer", "into"])]
        from_plan: bool,
        /// The plan to snap (default: the active plan).
        #[arg(long, value_name = "S")]
        scenario: Option<String>,
        /// The name of the new scenario.
        #[arg(long, value_name = "NAME")]
        into: Option<String>,
        /// Add a unit layer of your own from a file (GeoJSON, TopoJSON, Shapefile with its
        /// .dbf and .prj, GeoPackage): its topology is cleaned and it is stored in the
        /// project, as one undoable edit.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["list", "from_plan", "remove"])]
        add: Option<PathBuf>,
        /// The key plans will refer to the added layer by (default: from the file's name).
        #[arg(long, value_name = "K", requires = "add")]
        key: Option<String>,
        /// The added layer's title (default: the file's name).
        #[arg(long, value_name = "T", requires = "add")]
        title: Option<String>,
        /// The field that codes the units of the added layer (default: guessed).
        #[arg(long, value_name = "F", requires = "add")]
        code_field: Option<String>,
        /// The field that names the units of the added layer (default: guessed).
        #[arg(long, value_name = "F", requires = "add")]
        name_field: Option<String>,
        /// Remove a unit layer of your own (refused while a plan is built from it).
        #[arg(long, value_name = "K", conflicts_with_all = ["list", "from_plan"])]
        remove: Option<String>,
    },
    /// Design territories automatically on a unit layer: balanced on the chosen metrics
    /// within a tolerance, each territory one connected set of units, compact; into a new
    /// scenario.
    Design {
        /// The project.
        path: PathBuf,
        /// How many territories (locked ones included).
        #[arg(
            long,
            value_name = "K",
            required_unless_present = "per_rep",
            conflicts_with = "per_rep"
        )]
        territories: Option<usize>,
        /// One territory per rep, seeded at the rep's home.
        #[arg(long)]
        per_rep: bool,
        #[command(flatten)]
        design: DesignArgs,
    },
    /// Rebalance a plan: move as few border units as it takes to bring every chosen metric
    /// within the tolerance; into a new scenario. A freehand plan is snapped to the layer
    /// first.
    Rebalance {
        /// The project.
        path: PathBuf,
        /// The plan to rebalance (default: the active plan).
        #[arg(long, value_name = "S")]
        scenario: Option<String>,
        #[command(flatten)]
        design: DesignArgs,
    },
    /// Suggest the reps for a plan's territories that travel least (expertise preferred);
    /// with --apply, give them.
    AssignReps {
        /// The project.
        path: PathBuf,
        /// The plan (default: the active plan).
        #[arg(long, value_name = "S")]
        scenario: Option<String>,
        /// Give the territories their suggested reps (one undoable edit).
        #[arg(long)]
        apply: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Writes a clean copy of a project that Tessera refuses because its file holds
    /// triggers, views or tables Tessera did not create: the project's data, without them.
    /// The original is only read.
    Repair {
        /// The project to repair (left as it is).
        path: PathBuf,
        /// Where to write the clean copy (a new file).
        #[arg(long, value_name = "CLEAN.tessera")]
        out: PathBuf,
    },
    /// Write a synthetic project of any size (clustered accounts, territories tiling the
    /// Netherlands' bounding box), for trying Tessera at scale.
    Synth {
        /// Where to write it.
        path: PathBuf,
        /// Number of accounts (0 to 10,000,000).
        #[arg(long, default_value_t = 1_000_000,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_SYNTH_ACCOUNTS))]
        accounts: usize,
        /// Number of territories (rounded to fill a grid; 1 to 10,000).
        #[arg(long, default_value_t = 100,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_SYNTH_TERRITORIES))]
        territories: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
}
