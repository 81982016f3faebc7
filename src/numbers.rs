//! Numbers as people read them, shared by the window and the command line.

/// A whole number with thousands separators.
///
/// ```
/// assert_eq!(tessera::numbers::whole(1_234_567.0), "1,234,567");
/// assert_eq!(tessera::numbers::whole(-40_000.4), "-40,000");
/// ```
pub fn whole(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < -0.5 { format!("-{out}") } else { out }
}

/// What a number counts, for its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A fraction shown as a whole percentage ("92 %").
    Percent,
    /// Euros ("EUR 1,250,000").
    Euro,
    /// Hours ("1,450 h").
    Hours,
    /// A plain count ("1,017").
    Count,
}

/// A value with its unit ("EUR 1,250,000", "1,450 h", "92 %").
pub fn amount(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Percent => format!("{:.0} %", value * 100.0),
        Unit::Euro => format!("EUR {}", whole(value)),
        Unit::Hours => format!("{} h", whole(value)),
        Unit::Count => whole(value),
    }
}

/// "+EUR 1,250" / "-3.5 %" style texts of a difference and its percentage ("-" when
/// there is none).
pub fn delta_texts(unit: Unit, difference: Option<f64>, percent: Option<f64>) -> (String, String) {
    let diff = difference.map_or_else(
        || "-".to_owned(),
        |v| {
            let text = amount(unit, v.abs());
            if v > 0.0 {
                format!("+{text}")
            } else if v < 0.0 {
                format!("-{text}")
            } else {
                text
            }
        },
    );
    let pct = percent.map_or_else(|| "-".to_owned(), |p| format!("{p:+.1} %"));
    (diff, pct)
}

/// A value of a plan-summary line: one decimal for a percentage ("7.7"), else a whole number.
pub fn summary_value(label: &str, value: f64) -> String {
    if label.ends_with('%') {
        format!("{value:.1}")
    } else {
        whole(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(whole(0.0), "0");
        assert_eq!(whole(999.4), "999");
        assert_eq!(whole(1_234_567.0), "1,234,567");
        assert_eq!(whole(-40_000.0), "-40,000");
    }
}
