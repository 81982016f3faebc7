//! Every account knows its unit in each layer: the postcode area, municipality, province (and
//! the other embedded layers) an account lies in, found on demand from its position (one
//! lookup in each layer's prepared units, built once per run), for the account panel, exports
//! and tests.

use super::{Session, SessionError, unit_layer};
use crate::units::embedded;
use crate::units::layer::Unit;

/// The unit of one layer an account lies in.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountUnit {
    /// The layer's key (`nl-pc4`).
    pub layer: &'static str,
    /// The layer's title ("Postcodes (PC4)").
    pub title: &'static str,
    /// The unit, `None` when the account lies in none of the layer's units (abroad, at sea).
    pub unit: Option<Unit>,
}

/// The unit of layer `key` under a point (lon/lat), if any.
pub fn unit_at_point(key: &str, lon: f64, lat: f64) -> Result<Option<Unit>, SessionError> {
    let layer = unit_layer(key)?;
    Ok(layer
        .unit_at(lon, lat)
        .map(|u| layer.units[u as usize].clone()))
}

impl Session {
    /// The unit of layer `key` that account `row` lies in (`None` outside every unit).
    pub fn account_unit(&self, row: usize, key: &str) -> Result<Option<Unit>, SessionError> {
        let accounts = &self.project().accounts;
        match (accounts.lons().get(row), accounts.lats().get(row)) {
            (Some(&lon), Some(&lat)) => {
                let layer = self.unit_layer(key)?;
                Ok(layer
                    .unit_at(lon, lat)
                    .map(|u| layer.units[u as usize].clone()))
            }
            _ => Ok(None),
        }
    }

    /// The unit account `row` lies in, in each of `keys` (every embedded layer when empty),
    /// finest first.
    pub fn account_units(
        &self,
        row: usize,
        keys: &[&str],
    ) -> Result<Vec<AccountUnit>, SessionError> {
        embedded::keys()
            .filter(|(key, _)| keys.is_empty() || keys.contains(key))
            .map(|(layer, title)| {
                Ok(AccountUnit {
                    layer,
                    title,
                    unit: self.account_unit(row, layer)?,
                })
            })
            .collect()
    }
}
