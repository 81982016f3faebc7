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

/// A value of a balance metric with its unit ("EUR 1,250,000", "1,450 h", "92 %").
pub fn metric(metric: crate::engine::balance::BalanceMetric, value: f64) -> String {
    use crate::engine::balance::BalanceMetric as M;
    match metric {
        M::CapacityUse => format!("{:.0} %", value * 100.0),
        M::Potential | M::Revenue => format!("EUR {}", whole(value)),
        M::Workload | M::Travel => format!("{} h", whole(value)),
        M::Accounts | M::Prospects => whole(value),
    }
}

/// "+1,250" / "-3.5 %" style texts of a delta.
pub fn delta_texts(
    metric: crate::engine::balance::BalanceMetric,
    d: &crate::engine::compare::MetricDelta,
) -> (String, String) {
    let diff = d.difference().map_or_else(
        || "-".to_owned(),
        |v| {
            let text = self::metric(metric, v.abs());
            if v > 0.0 {
                format!("+{text}")
            } else if v < 0.0 {
                format!("-{text}")
            } else {
                text
            }
        },
    );
    let pct = d
        .percent()
        .map_or_else(|| "-".to_owned(), |p| format!("{p:+.1} %"));
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
