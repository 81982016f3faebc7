//! Accounts, stored column by column.
//!
//! A project may hold a million accounts. Storing them as columns (one vector per field, all
//! names in one string buffer) keeps them near 100 bytes each and lets the engine scan
//! coordinates without touching names. [`Account`] is the owned, one-row view used to add
//! and show accounts.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::AccountId;

/// Whether an account already buys from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    /// Not yet a customer; counts towards the leads a territory holds.
    #[default]
    Prospect,
    /// Already buying; carries revenue.
    Customer,
}

impl AccountStatus {
    /// The word used in files: `prospect` or `customer`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Prospect => "prospect",
            AccountStatus::Customer => "customer",
        }
    }

    /// Parses `prospect`/`customer` (also Dutch `klant`), ignoring case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "prospect" | "lead" => Some(AccountStatus::Prospect),
            "customer" | "klant" | "client" => Some(AccountStatus::Customer),
            _ => None,
        }
    }
}

/// One account, as an owned row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Account {
    /// Id inside the project.
    pub id: AccountId,
    /// The CRM's id for this account.
    pub external_id: String,
    /// Company name.
    pub name: String,
    /// WGS84 longitude in degrees.
    pub lon: f64,
    /// WGS84 latitude in degrees.
    pub lat: f64,
    /// Industry (free text, e.g. "Healthcare"); empty when unknown.
    pub industry: String,
    /// Size class (free text, e.g. "SME"); empty when unknown.
    pub size_class: String,
    /// Prospect or customer.
    pub status: AccountStatus,
    /// Expected yearly value if won, EUR/yr.
    pub potential: f64,
    /// Current yearly revenue, EUR/yr.
    pub revenue: f64,
    /// Open pipeline, EUR.
    pub pipeline: f64,
    /// Deals won so far.
    pub deals_won: u32,
    /// Deals lost so far.
    pub deals_lost: u32,
    /// Visits per year the account needs.
    pub visits_per_year: f32,
    /// Minutes per visit; `None` uses the project default.
    pub minutes_per_visit: Option<f32>,
    /// Any further attributes from the source file, kept as text.
    pub extra: BTreeMap<String, String>,
}

/// A small set of distinct strings (industries, size classes) numbered in order of arrival.
/// Index 0 is always the empty string ("unknown").
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    names: Vec<String>,
    index: HashMap<String, u16>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        let mut v = Vocabulary {
            names: Vec::new(),
            index: HashMap::new(),
        };
        v.intern("");
        v
    }
}

impl Vocabulary {
    /// The number of a string, adding it if new. Saturates at `u16::MAX` distinct values
    /// (then maps further new strings to "unknown"), which no real vocabulary reaches.
    pub fn intern(&mut self, name: &str) -> u16 {
        if let Some(i) = self.lookup(name) {
            return i;
        }
        let Ok(i) = u16::try_from(self.names.len()) else {
            return 0;
        };
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }

    /// The number of a string, if known.
    #[inline]
    pub fn lookup(&self, name: &str) -> Option<u16> {
        // Vocabularies are usually a handful of words: comparing them beats hashing, and this
        // runs once per account when a project loads.
        if self.names.len() <= 16 {
            return self.names.iter().position(|n| n == name).map(|i| i as u16);
        }
        self.index.get(name).copied()
    }

    /// The string for a number (empty for unknown numbers).
    pub fn name(&self, i: u16) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }

    /// How many distinct strings, including the empty one.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Never empty: the empty string is always present.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// All strings, in number order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Many strings in one buffer: 4 bytes of overhead per string instead of 24+.
#[derive(Debug, Clone, Default, PartialEq)]
struct StringColumn {
    text: String,
    ends: Vec<u32>,
}

impl StringColumn {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        // Saturate instead of wrapping: 4 GiB of names is far beyond any project.
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.text.get(start..end).unwrap_or("")
    }

    fn reserve(&mut self, rows: usize, bytes: usize) {
        self.ends.reserve(rows);
        self.text.reserve(bytes);
    }
}

/// All accounts of a project, column by column, in ascending id order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accounts {
    id: Vec<AccountId>,
    external_id: StringColumn,
    name: StringColumn,
    lon: Vec<f64>,
    lat: Vec<f64>,
    industry: Vec<u16>,
    size_class: Vec<u16>,
    status: Vec<AccountStatus>,
    potential: Vec<f64>,
    revenue: Vec<f64>,
    pipeline: Vec<f64>,
    deals_won: Vec<u32>,
    deals_lost: Vec<u32>,
    visits_per_year: Vec<f32>,
    /// Negative means "use the project default" (not NaN, so that tables compare equal).
    minutes_per_visit: Vec<f32>,
    /// JSON object text, empty when the account has no extra attributes.
    extra: StringColumn,
    industries: Vocabulary,
    size_classes: Vocabulary,
}

impl Accounts {
    /// An empty table with room for `rows` accounts.
    pub fn with_capacity(rows: usize) -> Self {
        let mut a = Accounts::default();
        a.id.reserve(rows);
        a.external_id.reserve(rows, rows * 8);
        a.name.reserve(rows, rows * 20);
        a.lon.reserve(rows);
        a.lat.reserve(rows);
        a.industry.reserve(rows);
        a.size_class.reserve(rows);
        a.status.reserve(rows);
        a.potential.reserve(rows);
        a.revenue.reserve(rows);
        a.pipeline.reserve(rows);
        a.deals_won.reserve(rows);
        a.deals_lost.reserve(rows);
        a.visits_per_year.reserve(rows);
        a.minutes_per_visit.reserve(rows);
        a.extra.reserve(rows, 0);
        a
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// True when there are no accounts.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Appends an account. Ids must be added in ascending order (so that [`Self::index_of`]
    /// can search them); an out-of-order id is given the next free id instead.
    pub fn push(&mut self, account: &Account) -> AccountId {
        let extra = if account.extra.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&account.extra).unwrap_or_default()
        };
        self.push_fields(
            account.id,
            &account.external_id,
            &account.name,
            [account.lon, account.lat],
            &account.industry,
            &account.size_class,
            account.status,
            [account.potential, account.revenue, account.pipeline],
            [account.deals_won, account.deals_lost],
            account.visits_per_year,
            account.minutes_per_visit,
            &extra,
        )
    }

    /// Appends an account from borrowed fields, without building an [`Account`] first
    /// (the project loader's fast path). `extra_json` is a JSON object's text or empty.
    #[allow(clippy::too_many_arguments)]
    pub fn push_fields(
        &mut self,
        id: AccountId,
        external_id: &str,
        name: &str,
        lon_lat: [f64; 2],
        industry: &str,
        size_class: &str,
        status: AccountStatus,
        money: [f64; 3],
        deals: [u32; 2],
        visits_per_year: f32,
        minutes_per_visit: Option<f32>,
        extra_json: &str,
    ) -> AccountId {
        let id = match self.id.last() {
            Some(last) if id <= *last => AccountId(last.0 + 1),
            _ => id,
        };
        self.id.push(id);
        self.external_id.push(external_id);
        self.name.push(name);
        self.lon.push(lon_lat[0]);
        self.lat.push(lon_lat[1]);
        let industry = self.industries.intern(industry);
        self.industry.push(industry);
        let size = self.size_classes.intern(size_class);
        self.size_class.push(size);
        self.status.push(status);
        self.potential.push(money[0]);
        self.revenue.push(money[1]);
        self.pipeline.push(money[2]);
        self.deals_won.push(deals[0]);
        self.deals_lost.push(deals[1]);
        self.visits_per_year.push(visits_per_year);
        self.minutes_per_visit
            .push(minutes_per_visit.filter(|m| *m >= 0.0).unwrap_or(-1.0));
        self.extra.push(extra_json);
        id
    }

    /// Appends every account of `other` (whose ids must all be greater than ours), renumbering
    /// its industry and size codes into our vocabularies.
    pub fn append(&mut self, other: &Accounts) {
        let industries: Vec<u16> = other
            .industries
            .names()
            .iter()
            .map(|n| self.industries.intern(n))
            .collect();
        let sizes: Vec<u16> = other
            .size_classes
            .names()
            .iter()
            .map(|n| self.size_classes.intern(n))
            .collect();
        for i in 0..other.len() {
            let id = match self.id.last() {
                Some(last) if other.id[i] <= *last => AccountId(last.0 + 1),
                _ => other.id[i],
            };
            self.id.push(id);
            self.external_id.push(other.external_id.get(i));
            self.name.push(other.name.get(i));
            self.extra.push(other.extra.get(i));
            self.industry.push(industries[other.industry[i] as usize]);
            self.size_class.push(sizes[other.size_class[i] as usize]);
        }
        self.lon.extend_from_slice(&other.lon);
        self.lat.extend_from_slice(&other.lat);
        self.status.extend_from_slice(&other.status);
        self.potential.extend_from_slice(&other.potential);
        self.revenue.extend_from_slice(&other.revenue);
        self.pipeline.extend_from_slice(&other.pipeline);
        self.deals_won.extend_from_slice(&other.deals_won);
        self.deals_lost.extend_from_slice(&other.deals_lost);
        self.visits_per_year
            .extend_from_slice(&other.visits_per_year);
        self.minutes_per_visit
            .extend_from_slice(&other.minutes_per_visit);
    }

    /// The next id that [`Self::push`] would accept.
    pub fn next_id(&self) -> AccountId {
        self.id
            .last()
            .map_or(AccountId(1), |last| AccountId(last.0 + 1))
    }

    /// The row of an account id.
    pub fn index_of(&self, id: AccountId) -> Option<usize> {
        self.id.binary_search(&id).ok()
    }

    /// The owned row `i`. Panics if `i >= len()`, like slice indexing.
    pub fn get(&self, i: usize) -> Account {
        let extra_text = self.extra.get(i);
        let extra = if extra_text.is_empty() {
            BTreeMap::new()
        } else {
            serde_json::from_str(extra_text).unwrap_or_default()
        };
        Account {
            id: self.id[i],
            external_id: self.external_id.get(i).to_owned(),
            name: self.name.get(i).to_owned(),
            lon: self.lon[i],
            lat: self.lat[i],
            industry: self.industries.name(self.industry[i]).to_owned(),
            size_class: self.size_classes.name(self.size_class[i]).to_owned(),
            status: self.status[i],
            potential: self.potential[i],
            revenue: self.revenue[i],
            pipeline: self.pipeline[i],
            deals_won: self.deals_won[i],
            deals_lost: self.deals_lost[i],
            visits_per_year: self.visits_per_year[i],
            minutes_per_visit: self.minutes_per_visit(i),
            extra,
        }
    }

    /// All ids, ascending.
    pub fn ids(&self) -> &[AccountId] {
        &self.id
    }
    /// Longitudes, one per row.
    pub fn lons(&self) -> &[f64] {
        &self.lon
    }
    /// Latitudes, one per row.
    pub fn lats(&self) -> &[f64] {
        &self.lat
    }
    /// Industry numbers (see [`Self::industries`]), one per row.
    pub fn industry_codes(&self) -> &[u16] {
        &self.industry
    }
    /// Size class numbers (see [`Self::size_classes`]), one per row.
    pub fn size_class_codes(&self) -> &[u16] {
        &self.size_class
    }
    /// The industries that occur.
    pub fn industries(&self) -> &Vocabulary {
        &self.industries
    }
    /// The size classes that occur.
    pub fn size_classes(&self) -> &Vocabulary {
        &self.size_classes
    }
    /// External (CRM) id of row `i`.
    pub fn external_id(&self, i: usize) -> &str {
        self.external_id.get(i)
    }
    /// Name of row `i`.
    pub fn name(&self, i: usize) -> &str {
        self.name.get(i)
    }
    /// Status of row `i`.
    pub fn status(&self, i: usize) -> AccountStatus {
        self.status[i]
    }
    /// Potential of row `i`, EUR/yr.
    pub fn potential(&self, i: usize) -> f64 {
        self.potential[i]
    }
    /// Potentials of all rows, EUR/yr.
    pub fn potentials(&self) -> &[f64] {
        &self.potential
    }
    /// Revenue of row `i`, EUR/yr.
    pub fn revenue(&self, i: usize) -> f64 {
        self.revenue[i]
    }
    /// Open pipeline of row `i`, EUR.
    pub fn pipeline(&self, i: usize) -> f64 {
        self.pipeline[i]
    }
    /// Deals won and lost by row `i`.
    pub fn deals(&self, i: usize) -> (u32, u32) {
        (self.deals_won[i], self.deals_lost[i])
    }
    /// Visits per year of row `i`.
    pub fn visits_per_year(&self, i: usize) -> f32 {
        self.visits_per_year[i]
    }
    /// Minutes per visit of row `i`, if the account sets its own.
    pub fn minutes_per_visit(&self, i: usize) -> Option<f32> {
        let m = self.minutes_per_visit[i];
        (m >= 0.0).then_some(m)
    }
    /// Extra attributes of row `i` as JSON object text (empty when none).
    pub fn extra_json(&self, i: usize) -> &str {
        self.extra.get(i)
    }

    /// Bytes of memory held by the table (a close estimate), for memory budgets.
    pub fn heap_bytes(&self) -> usize {
        let per_row = std::mem::size_of::<AccountId>() + 8 * 5 + 2 * 2 + 1 + 4 * 2 + 4 * 2 + 4 * 3;
        self.len() * per_row
            + self.external_id.text.capacity()
            + self.name.text.capacity()
            + self.extra.text.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: u32, name: &str) -> Account {
        Account {
            id: AccountId(id),
            external_id: format!("CRM-{id}"),
            name: name.into(),
            lon: 5.1,
            lat: 52.1,
            industry: "Healthcare".into(),
            size_class: "SME".into(),
            status: AccountStatus::Customer,
            potential: 40_000.0,
            revenue: 12_500.5,
            pipeline: 3_000.0,
            deals_won: 3,
            deals_lost: 1,
            visits_per_year: 4.0,
            minutes_per_visit: Some(45.0),
            extra: BTreeMap::from([("postcode".to_string(), "3511 AB".to_string())]),
        }
    }

    #[test]
    fn rows_round_trip_through_columns() {
        let mut table = Accounts::default();
        let a = sample(1, "Zorg BV");
        let mut b = sample(5, "Bouw & Co");
        b.minutes_per_visit = None;
        b.extra.clear();
        b.industry = String::new();
        table.push(&a);
        table.push(&b);
        assert_eq!(table.len(), 2);
        assert_eq!(table.get(0), a);
        assert_eq!(table.get(1), b);
        assert_eq!(table.index_of(AccountId(5)), Some(1));
        assert_eq!(table.index_of(AccountId(3)), None);
        assert_eq!(table.industries().len(), 2, "'' and Healthcare");
    }

    #[test]
    fn append_renumbers_vocabularies() {
        let mut a = Accounts::default();
        a.push(&sample(1, "a"));
        let mut b = Accounts::default();
        let mut retail = sample(2, "b");
        retail.industry = "Retail".into();
        b.push(&retail);
        b.push(&sample(3, "c"));
        a.append(&b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.get(1), retail);
        assert_eq!(a.get(2), sample(3, "c"));
        assert_eq!(
            a.industry_codes()[0],
            a.industry_codes()[2],
            "same industry, same code"
        );
    }

    #[test]
    fn out_of_order_ids_are_renumbered_to_stay_searchable() {
        let mut table = Accounts::default();
        table.push(&sample(7, "a"));
        let id = table.push(&sample(3, "b"));
        assert_eq!(id, AccountId(8));
        assert_eq!(table.index_of(AccountId(8)), Some(1));
    }

    #[test]
    fn status_parses_english_and_dutch() {
        assert_eq!(
            AccountStatus::parse(" Klant "),
            Some(AccountStatus::Customer)
        );
        assert_eq!(
            AccountStatus::parse("prospect"),
            Some(AccountStatus::Prospect)
        );
        assert_eq!(AccountStatus::parse("maybe"), None);
    }
}
