//! The accounts' own numeric columns (attributes an import kept beyond the known fields,
//! such as last year's turnover), read as numbers for a design to balance.

use super::SessionError;
use crate::io::accounts::parse_number;
use crate::model::Accounts;

/// Rows sampled when listing the numeric columns: enough to find every column a CRM
/// export has, few enough to list them at once in a million accounts.
const SAMPLED: usize = 5_000;

/// The value of column `name` in each account's attributes, as a number (Dutch or English
/// marks, currency signs allowed); an account without one counts 0. Refused when no
/// account has a number there, naming the numeric columns there are.
pub fn numeric_column(accounts: &Accounts, name: &str) -> Result<Vec<f64>, SessionError> {
    let mut found = 0usize;
    let values: Vec<f64> = (0..accounts.len())
        .map(|row| {
            let value = value_in(accounts.extra_json(row), name);
            found += usize::from(value.is_some());
            value.unwrap_or(0.0)
        })
        .collect();
    if found == 0 {
        let known = numeric_columns(accounts);
        return Err(SessionError::Design(if known.is_empty() {
            format!(
                "no account has a number in column {name}, and the accounts have no numeric columns of their own"
            )
        } else {
            format!(
                "no account has a number in column {name}; the numeric columns are {}",
                known.join(", ")
            )
        }));
    }
    Ok(values)
}

/// The columns of the accounts' own attributes that hold numbers, by name (from a sample of
/// rows spread over the table).
pub fn numeric_columns(accounts: &Accounts) -> Vec<String> {
    let n = accounts.len();
    let step = (n / SAMPLED).max(1);
    let mut names = std::collections::BTreeSet::new();
    for row in (0..n).step_by(step) {
        let json = accounts.extra_json(row);
        if json.is_empty() {
            continue;
        }
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) {
            for (key, value) in map {
                if number_of(&value).is_some() {
                    names.insert(key);
                }
            }
        }
    }
    names.into_iter().collect()
}

/// Column `name` of one account's attributes (a JSON object), as a number.
fn value_in(json: &str, name: &str) -> Option<f64> {
    if json.is_empty() {
        return None;
    }
    let serde_json::Value::Object(map) = serde_json::from_str(json).ok()? else {
        return None;
    };
    map.get(name).and_then(number_of)
}

/// A JSON value as a number: a number, or text that reads as one.
fn number_of(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => parse_number(s),
        _ => None,
    }
}
