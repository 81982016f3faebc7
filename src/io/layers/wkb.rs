//! GeoPackage binary geometries: the `GP` header (version, flags, SRS id, optional envelope)
//! then Well-Known Binary. Only what a polygon layer needs is decoded (Polygon,
//! MultiPolygon, and the polygons inside a GeometryCollection); points and lines are
//! recognised and skipped. ISO (1000s for Z/M) and EWKB (high bits) dimension flags are both
//! read; Z and M values are dropped. Every count is checked against the bytes left before
//! anything is allocated, so a hostile blob cannot ask for gigabytes.

use geo::Coord;

/// What a blob holds.
#[derive(Debug, PartialEq)]
pub(crate) enum Shape {
    /// Polygons, each a list of rings (exterior first).
    Polygons(Vec<Vec<Vec<Coord<f64>>>>),
    /// Points only.
    Points,
    /// Lines only.
    Lines,
    /// No geometry (the GP empty flag, or an empty collection).
    Empty,
}

/// Decodes a GeoPackage binary blob.
pub(crate) fn decode_gpkg(blob: &[u8]) -> Result<Shape, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage binary geometry (no GP header)".into());
    }
    let flags = blob[3];
    if flags & 0b0010_0000 != 0 {
        return Err("an extended GeoPackage geometry type, which Tessera does not read".into());
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("invalid envelope code {e} in the GP header")),
    };
    if flags & 0b0001_0000 != 0 {
        return Ok(Shape::Empty);
    }
    let start = 8 + envelope;
    let wkb = blob
        .get(start..)
        .ok_or("the GP header is longer than the blob")?;
    decode_wkb(wkb)
}

/// Decodes plain WKB.
pub(crate) fn decode_wkb(wkb: &[u8]) -> Result<Shape, String> {
    let mut reader = Reader { bytes: wkb, at: 0 };
    let mut polygons = Vec::new();
    let mut kinds = (0usize, 0usize);
    reader.geometry(&mut polygons, &mut kinds, 0)?;
    Ok(match (polygons.is_empty(), kinds) {
        (false, _) => Shape::Polygons(polygons),
        (true, (p, _)) if p > 0 => Shape::Points,
        (true, (_, l)) if l > 0 => Shape::Lines,
        _ => Shape::Empty,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// Nested collections deeper than this are refused (no real file nests at all).
const MAX_DEPTH: usize = 16;

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let bytes = self
            .bytes
            .get(self.at..self.at + N)
            .ok_or_else(|| format!("the geometry ends early (at byte {})", self.at))?;
        self.at += N;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        let b = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        let b = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items of at least `min_bytes` each, checked against the bytes left.
    fn count(&mut self, little: bool, min_bytes: usize) -> Result<usize, String> {
        let n = self.u32(little)? as usize;
        let left = self.bytes.len().saturating_sub(self.at);
        if n.saturating_mul(min_bytes) > left {
            return Err(format!(
                "the geometry ends early: it claims {n} parts but has only {left} bytes left"
            ));
        }
        Ok(n)
    }

    fn geometry(
        &mut self,
        polygons: &mut Vec<Vec<Vec<Coord<f64>>>>,
        kinds: &mut (usize, usize),
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("geometry collections nested too deeply".into());
        }
        let little = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            b => return Err(format!("invalid WKB byte order {b}")),
        };
        let raw = self.u32(little)?;
        // EWKB: Z, M and SRID flags in the high bits; ISO: thousands.
        let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
        if raw & 0x2000_0000 != 0 {
            self.u32(little)?;
        }
        let iso = raw & 0x0FFF_FFFF;
        let base = iso % 1000;
        match iso / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(format!("unknown WKB geometry type {raw}")),
        }
        let dims = 2 + usize::from(z) + usize::from(m);
        match base {
            1 => {
                self.coords(little, dims, 1)?;
                kinds.0 += 1;
            }
            2 => {
                let n = self.count(little, dims * 8)?;
                self.coords(little, dims, n)?;
                kinds.1 += 1;
            }
            3 => polygons.push(self.rings(little, dims)?),
            4..=7 => {
                let n = self.count(little, 5)?;
                for _ in 0..n {
                    self.geometry(polygons, kinds, depth + 1)?;
                }
            }
            _ => {
                return Err(format!(
                    "WKB geometry type {base} (curves, surfaces) is not read; save the layer with plain polygons"
                ));
            }
        }
        Ok(())
    }

    fn rings(&mut self, little: bool, dims: usize) -> Result<Vec<Vec<Coord<f64>>>, String> {
        let n = self.count(little, 4)?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            let points = self.count(little, dims * 8)?;
            rings.push(self.coords(little, dims, points)?);
        }
        Ok(rings)
    }

    fn coords(&mut self, little: bool, dims: usize, n: usize) -> Result<Vec<Coord<f64>>, String> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let x = self.f64(little)?;
            let y = self.f64(little)?;
            for _ in 2..dims {
                self.f64(little)?;
            }
            out.push(Coord { x, y });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polygon_wkb(little: bool, ring: &[(f64, f64)]) -> Vec<u8> {
        let mut out = vec![u8::from(little)];
        let u = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let f = |v: f64| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        out.extend(u(3));
        out.extend(u(1));
        out.extend(u(ring.len() as u32));
        for &(x, y) in ring {
            out.extend(f(x));
            out.extend(f(y));
        }
        out
    }

    const SQUARE: [(f64, f64); 5] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];

    #[test]
    fn both_byte_orders() {
        for little in [true, false] {
            let Shape::Polygons(p) = decode_wkb(&polygon_wkb(little, &SQUARE)).unwrap() else {
                panic!()
            };
            assert_eq!(p[0][0].len(), 5);
            assert_eq!(p[0][0][2], Coord { x: 1.0, y: 1.0 });
        }
    }

    #[test]
    fn truncated_and_lying_counts_are_errors() {
        let full = polygon_wkb(true, &SQUARE);
        for cut in 0..full.len() {
            assert!(decode_wkb(&full[..cut]).is_err(), "cut at {cut}");
        }
        let mut lying = full.clone();
        lying[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        let err = decode_wkb(&lying).unwrap_err();
        assert!(err.contains("claims"), "{err}");
    }

    #[test]
    fn gp_header_with_envelope_and_empty_flag() {
        let mut blob = b"GP\0".to_vec();
        blob.push(0b0000_0011); // little-endian, envelope [minx, maxx, miny, maxy]
        blob.extend(28992i32.to_le_bytes());
        for v in [0.0f64, 1.0, 0.0, 1.0] {
            blob.extend(v.to_le_bytes());
        }
        blob.extend(polygon_wkb(true, &SQUARE));
        assert!(matches!(decode_gpkg(&blob), Ok(Shape::Polygons(_))));
        blob[3] |= 0b0001_0000;
        assert_eq!(decode_gpkg(&blob), Ok(Shape::Empty));
        assert!(decode_gpkg(b"XX\0\0\0\0\0\0").is_err());
    }

    #[test]
    fn points_are_recognised() {
        let mut point = vec![1u8];
        point.extend(1u32.to_le_bytes());
        point.extend(5.0f64.to_le_bytes());
        point.extend(52.0f64.to_le_bytes());
        assert_eq!(decode_wkb(&point), Ok(Shape::Points));
    }

    /// Random byte changes to a two-part multipolygon (fixed seed): an error or shapes, never
    /// a panic; counts are checked before allocating, so no runaway allocation either.
    #[test]
    fn mutated_blobs_never_panic() {
        let mut multi = vec![1u8];
        multi.extend(6u32.to_le_bytes());
        multi.extend(2u32.to_le_bytes());
        multi.extend(polygon_wkb(true, &SQUARE));
        multi.extend(polygon_wkb(false, &SQUARE));
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            let mut bytes = multi.clone();
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state as usize) % bytes.len();
                bytes[at] = (state >> 32) as u8;
            }
            let _ = decode_wkb(&bytes);
        }
    }
}
