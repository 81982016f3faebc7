//! Display colours for territories and reps.

use serde::{Deserialize, Serialize};

/// An sRGB colour, stored in files as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    /// A palette of distinct, print-friendly colours for new territories.
    pub const PALETTE: [Colour; 12] = [
        Colour([0x1f, 0x77, 0xb4]),
        Colour([0xff, 0x7f, 0x0e]),
        Colour([0x2c, 0xa0, 0x2c]),
        Colour([0xd6, 0x27, 0x28]),
        Colour([0x94, 0x67, 0xbd]),
        Colour([0x8c, 0x56, 0x4b]),
        Colour([0xe3, 0x77, 0xc2]),
        Colour([0x7f, 0x7f, 0x7f]),
        Colour([0xbc, 0xbd, 0x22]),
        Colour([0x17, 0xbe, 0xcf]),
        Colour([0x39, 0x3b, 0x79]),
        Colour([0xad, 0x49, 0x4a]),
    ];

    /// The palette colour for the `n`-th territory, cycling.
    pub fn nth(n: usize) -> Colour {
        Self::PALETTE[n % Self::PALETTE.len()]
    }

    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Parses `#rrggbb` (the `#` is optional); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Colour> {
        let hex = text.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Colour([byte(0)?, byte(2)?, byte(4)?]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rejects_garbage() {
        for c in Colour::PALETTE {
            assert_eq!(Colour::from_hex(&c.to_hex()), Some(c));
        }
        assert_eq!(Colour::from_hex("00ff10"), Some(Colour([0, 255, 16])));
        assert_eq!(Colour::from_hex("#12345"), None);
        assert_eq!(Colour::from_hex("#gg0000"), None);
        assert_eq!(Colour::from_hex("#ééé"), None);
    }
}
