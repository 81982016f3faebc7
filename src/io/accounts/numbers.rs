//! Numbers as CRM exports write them: Dutch and English thousands and decimal marks, currency
//! signs; coordinates with a decimal mark only.

/// A number as CRM exports write it: `1234.5`, `1.234,56` (Dutch), `1,234.56` (English),
/// `€ 40.000`, `40000 EUR`, `-12,5`. With one kind of separator, a separator that appears
/// more than once, or once followed by exactly three digits, groups thousands; otherwise it
/// is the decimal mark. `None` for anything else (and for NaN or infinity).
pub fn parse_number(text: &str) -> Option<f64> {
    // Plain integers ("40000") need no cleaning.
    let plain = text.trim();
    if plain.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && let Ok(v) = plain.parse::<f64>()
    {
        return Some(v);
    }
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim_end_matches("EUR")
        .trim_start_matches("EUR")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\'')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (dots, commas) = (cleaned.matches('.').count(), cleaned.matches(',').count());
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) => single_kind(&cleaned, '.'),
        (0, _) => single_kind(&cleaned, ','),
        _ => Some(if cleaned.rfind('.') > cleaned.rfind(',') {
            '.'
        } else {
            ','
        }),
    };
    let normalised: String = cleaned
        .chars()
        .filter_map(|c| match c {
            '.' | ',' if Some(c) == decimal => Some('.'),
            '.' | ',' => None,
            c => Some(c),
        })
        .collect();
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A coordinate: degrees with a decimal point or a decimal comma ("52.090", "52,090"); no
/// thousands separators, so a single `.` or `,` is always the decimal mark.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let v = if t.contains(',') && !t.contains('.') {
        t.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        t.parse::<f64>().ok()?
    };
    v.is_finite().then_some(v)
}

/// The decimal mark when only `sep` appears (see [`parse_number`]).
fn single_kind(text: &str, sep: char) -> Option<char> {
    let count = text.matches(sep).count();
    let after = text.rsplit(sep).next().map_or(0, |s| s.len());
    if count > 1 || after == 3 {
        None
    } else {
        Some(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_dutch_and_english_formats() {
        for (text, value) in [
            ("1234", 1234.0),
            ("1.234,56", 1234.56),
            ("1,234.56", 1234.56),
            ("€ 40.000", 40000.0),
            ("40000 EUR", 40000.0),
            ("52,0907", 52.0907),
            ("5.1214", 5.1214),
            ("-12,5", -12.5),
            ("1.000.000", 1_000_000.0),
            ("2,000,000", 2_000_000.0),
        ] {
            assert_eq!(parse_number(text), Some(value), "{text}");
        }
        for bad in ["", "abc", "NaN", "inf", "1e999", "12-3"] {
            assert_eq!(parse_number(bad), None, "{bad}");
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        // Amounts group thousands; coordinates never do.
        assert_eq!(parse_number("40.000"), Some(40_000.0));
        assert_eq!(parse_decimal("52.090"), Some(52.09));
        assert_eq!(parse_decimal("52,090"), Some(52.09));
        assert_eq!(parse_decimal("-0,5"), Some(-0.5));
    }
}
