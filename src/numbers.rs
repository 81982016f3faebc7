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
