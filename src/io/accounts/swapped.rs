//! Latitude and longitude columns mapped the wrong way round. CRM exports label coordinates
//! inconsistently ("x"/"y", "lengtegraad"/"breedtegraad" mixed up), and a swapped file
//! imports without a single bad row: every Dutch account lands in the Arabian Sea. So the
//! plan refuses it when the numbers say so, before anything is written:
//!
//! - the project has accounts, and most rows fall in their area only the other way round;
//! - or, in a project without accounts, most "latitudes" are beyond ±90 while the
//!   "longitudes" would be fine latitudes. (With accounts, the area decides: a few latitudes
//!   of 91 in a Dutch file are typos, each skipped with its line, not a swap.)

use super::{AccountsError, Table, parse_decimal};

/// At most this many rows (evenly spread over the file) are looked at: enough to be sure,
/// and a million-row file is not parsed twice.
const SAMPLE: usize = 10_000;

/// A box (min lon, min lat, max lon, max lat).
pub(crate) type Area = (f64, f64, f64, f64);

/// Refuses the mapping when the columns `(lat, lon)` of `table` look swapped; `near` is the
/// area of the project's accounts, when it has any.
pub(crate) fn check_swapped(
    table: &Table,
    (lat_col, lon_col): (usize, usize),
    near: Option<Area>,
    file: &str,
) -> Result<(), AccountsError> {
    let step = table.rows.len().div_ceil(SAMPLE).max(1);
    let inside = |(lon0, lat0, lon1, lat1): Area, lon: f64, lat: f64| {
        (lon0..=lon1).contains(&lon) && (lat0..=lat1).contains(&lat)
    };
    let (mut parsed, mut impossible, mut straight, mut swapped) = (0usize, 0, 0, 0);
    let mut example = None;
    for row in table.rows.iter().step_by(step) {
        let value = |c: usize| row.get(c).and_then(parse_decimal);
        let (Some(lat), Some(lon)) = (value(lat_col), value(lon_col)) else {
            continue;
        };
        parsed += 1;
        example.get_or_insert((lat, lon));
        if lat.abs() > 90.0 && lon.abs() <= 90.0 && lat.abs() <= 180.0 {
            impossible += 1;
        }
        if let Some(area) = near {
            straight += usize::from(inside(area, lon, lat));
            swapped += usize::from(inside(area, lat, lon));
        }
    }
    let Some((lat, lon)) = example else {
        return Ok(());
    };
    let most = |n: usize| n * 2 > parsed;
    let why = if near.is_none() && most(impossible) {
        format!("{impossible} of {parsed} rows read have a latitude beyond ±90")
    } else if most(swapped) && straight * 10 < parsed {
        format!(
            "{swapped} of {parsed} rows read fall among the project's accounts only the other way round"
        )
    } else {
        return Ok(());
    };
    let header = |c: usize| table.headers.get(c).map_or("?", String::as_str);
    Err(AccountsError::Swapped {
        file: file.to_owned(),
        detail: format!(
            "column '{}' holds values like {lat} and column '{}' values like {lon}; {why}. \
             Map '{}' to latitude and '{}' to longitude",
            header(lat_col),
            header(lon_col),
            header(lon_col),
            header(lat_col),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str)]) -> Table {
        Table {
            headers: vec!["lat".into(), "lon".into()],
            rows: rows
                .iter()
                .map(|(a, b)| csv::StringRecord::from(vec![*a, *b]))
                .collect(),
            lines: (2..rows.len() as u64 + 2).collect(),
            unit: "line",
        }
    }

    const NETHERLANDS: Area = (3.0, 50.5, 7.5, 54.0);

    #[test]
    fn swapped_dutch_coordinates_are_refused_near_the_projects_accounts() {
        let t = table(&[("5,12", "52,09"), ("6,08", "52,51"), ("4,9", "52,37")]);
        let error = check_swapped(&t, (0, 1), Some(NETHERLANDS), "f.csv")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "f.csv: latitude and longitude look swapped: column 'lat' holds values like 5.12"
            ),
            "{error}"
        );
        assert!(error.contains("3 of 3 rows"), "{error}");
        // The right way round, or with no accounts to compare with, it is fine.
        let right = table(&[("52,09", "5,12"), ("52,51", "6,08")]);
        assert_eq!(
            check_swapped(&right, (0, 1), Some(NETHERLANDS), "f.csv"),
            Ok(())
        );
        assert_eq!(check_swapped(&t, (0, 1), None, "f.csv"), Ok(()));
    }

    #[test]
    fn latitudes_beyond_90_with_fitting_longitudes_are_refused_anywhere() {
        // American accounts, swapped: "latitudes" of -100 are impossible.
        let t = table(&[("-100.1", "40.2"), ("-95.3", "35.1"), ("40", "-100")]);
        let error = check_swapped(&t, (0, 1), None, "us.csv")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("2 of 3 rows read have a latitude beyond ±90"),
            "{error}"
        );
        // One bad row among good ones is that row's problem, not a swap.
        let t = table(&[("95", "5"), ("52", "5"), ("51", "4")]);
        assert_eq!(check_swapped(&t, (0, 1), None, "f.csv"), Ok(()));
    }
}
