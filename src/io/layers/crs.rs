//! Coordinate reference systems a layer may come in, and reprojection to WGS84 lon/lat.
//!
//! Three are understood: WGS84 (EPSG:4326, or OGC's CRS84 with lon/lat order), RD New
//! (EPSG:28992, what Dutch GIS data and QGIS in the Netherlands use) and Web Mercator
//! (EPSG:3857, web map exports). Anything else is refused by name rather than guessed: a
//! wrong guess puts every unit in the wrong place without a word.
//!
//! Reprojection is proj4rs (a pure-Rust port of PROJ's projections), not formulas of our own.
//! RD New uses the 7-parameter `towgs84` shift PROJ and EPSG publish for Amersfoort to WGS84
//! (about 1 m accurate, plenty for territory borders; the RDNAPTRANS grid would give cm).
//! No reprojection is hand-written here: only the choice of CRS is ours.

use geo::{Coord, MapCoordsInPlace, MultiPolygon, Rect};
use proj4rs::proj::Proj;

/// A coordinate reference system Tessera can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326 read as lon/lat, OGC CRS84).
    Wgs84,
    /// Amersfoort / RD New, metres (EPSG:28992).
    RdNew,
    /// WGS 84 / Pseudo-Mercator, metres (EPSG:3857, also 900913 and 102100).
    WebMercator,
}

/// RD New as a PROJ string, with the datum shift to WGS84 as PROJ's `+towgs84` (the
/// parameters of EPSG's "Amersfoort to WGS 84 (4)", which PROJ itself picks for 28992).
pub const RD_NEW_PROJ: &str = "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs";

/// Web Mercator as a PROJ string: the sphere's lon/lat are taken as WGS84 ones (no datum
/// shift), which is what the "pseudo" in its name means.
pub const WEB_MERCATOR_PROJ: &str =
    "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs";

const WGS84_PROJ: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";

/// RD New's area of use in its own metres, `[min x, min y, max x, max y]` (EPSG's bounds,
/// rounded outwards). Coordinates in a file without a CRS that all fall inside are taken as
/// RD New (see [`settle_crs`]).
pub const RD_BOUNDS: [f64; 4] = [-7_000.0, 289_000.0, 300_000.0, 629_000.0];

impl Crs {
    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::RdNew => 28992,
            Crs::WebMercator => 3857,
        }
    }

    /// How the report names it: "EPSG:28992 (RD New)".
    pub fn label(self) -> String {
        let name = match self {
            Crs::Wgs84 => "WGS84",
            Crs::RdNew => "RD New",
            Crs::WebMercator => "Web Mercator",
        };
        format!("EPSG:{} ({name})", self.epsg())
    }

    /// The CRS with this EPSG code, if it is one of ours.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 | 4258 => Some(Crs::Wgs84),
            28992 => Some(Crs::RdNew),
            3857 | 900913 | 102100 | 102113 | 3785 => Some(Crs::WebMercator),
            _ => None,
        }
    }
}

/// Why a CRS cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// A CRS Tessera does not reproject.
    #[error(
        "its coordinate reference system is {0}; Tessera reads WGS84 (EPSG:4326), RD New (EPSG:28992) and Web Mercator (EPSG:3857): save the layer in one of these"
    )]
    Unknown(String),
    /// A `crs` member that is not a named CRS.
    #[error("its crs member is not understood: {0}")]
    Malformed(String),
    /// No CRS given, and the coordinates are not lon/lat.
    #[error(
        "it {missing}, and its coordinates (x {x}, y {y} in feature {feature}) are not longitude/latitude: they look like metres of a projected system but lie outside RD New (EPSG:28992); save the layer with its CRS, or as WGS84"
    )]
    Unmarked {
        /// "has no crs member" or "has no .prj file".
        missing: &'static str,
        /// The first coordinate outside lon/lat.
        x: f64,
        /// Its y.
        y: f64,
        /// Its feature (1-based).
        feature: usize,
    },
    /// proj4rs failed on a coordinate.
    #[error("reprojecting ({x}, {y}) from {crs} failed: {reason}")]
    Reproject {
        /// The source CRS.
        crs: String,
        /// The coordinate.
        x: f64,
        /// Its y.
        y: f64,
        /// proj4rs's words.
        reason: String,
    },
}

/// The CRS a GeoJSON document declares in its legacy `crs` member (GeoJSON 2008; QGIS and
/// GDAL still write it for anything but WGS84): `Ok(None)` when there is none.
/// Understood: `urn:ogc:def:crs:EPSG::28992`, `EPSG:28992`, `urn:ogc:def:crs:OGC:1.3:CRS84`,
/// and the `EPSG` link type `{"type":"EPSG","properties":{"code":28992}}`.
pub fn geojson_crs(document: &serde_json::Value) -> Result<Option<Crs>, CrsError> {
    let Some(crs) = document.get("crs") else {
        return Ok(None);
    };
    if crs.is_null() {
        return Ok(None);
    }
    let props = crs.get("properties");
    if let Some(code) = props.and_then(|p| p.get("code")) {
        let code = code
            .as_u64()
            .or_else(|| code.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| CrsError::Malformed(crs.to_string()))?;
        return u32::try_from(code)
            .ok()
            .and_then(Crs::from_epsg)
            .map(Some)
            .ok_or_else(|| CrsError::Unknown(format!("EPSG:{code}")));
    }
    let name = props
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| CrsError::Malformed(crs.to_string()))?;
    crs_from_name(name).map(Some)
}

/// A CRS from its name as GeoJSON, GeoPackage or a user writes it: `EPSG:28992`,
/// `urn:ogc:def:crs:EPSG::28992`, `urn:ogc:def:crs:EPSG:6.6:28992`, `CRS84`.
pub fn crs_from_name(name: &str) -> Result<Crs, CrsError> {
    let upper = name.trim().to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
        return Ok(Crs::Wgs84);
    }
    if upper.contains("EPSG")
        && let Some(code) = upper
            .rsplit([':', '/'])
            .next()
            .and_then(|c| c.parse::<u32>().ok())
    {
        return Crs::from_epsg(code).ok_or_else(|| CrsError::Unknown(format!("EPSG:{code}")));
    }
    Err(CrsError::Unknown(name.trim().to_string()))
}

/// The CRS a `.prj` file (ESRI or OGC WKT) describes: by its outermost EPSG authority if it
/// has one, else by the name of its PROJCS or GEOGCS.
pub fn crs_from_prj(wkt: &str) -> Result<Crs, CrsError> {
    let text = wkt.trim().trim_start_matches('\u{feff}');
    let upper = text.to_ascii_uppercase();
    let projected = upper.starts_with("PROJCS") || upper.starts_with("PROJCRS");
    // The outermost AUTHORITY (or WKT2 ID) closes the root, so it is the last one.
    if let Some(code) = last_epsg_authority(&upper) {
        return Crs::from_epsg(code)
            .ok_or_else(|| CrsError::Unknown(format!("EPSG:{code} ({})", root_name(text))));
    }
    let name = root_name(text);
    let key: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let crs = match key.as_str() {
        "amersfoortrdnew" | "rdnew" | "amersfoortrdnewrdnew" => Some(Crs::RdNew),
        "wgs1984webmercatorauxiliarysphere"
        | "wgs84pseudomercator"
        | "wgs1984webmercator"
        | "popularvisualisationcrsmercator"
        | "webmercator" => Some(Crs::WebMercator),
        "gcswgs1984" | "wgs84" | "wgs1984" if !projected => Some(Crs::Wgs84),
        _ => None,
    };
    crs.ok_or_else(|| {
        CrsError::Unknown(if name.is_empty() {
            text.chars().take(80).collect()
        } else {
            name
        })
    })
}

/// The code of the last `AUTHORITY["EPSG","n"]` or `ID["EPSG",n]` in upper-cased WKT.
fn last_epsg_authority(upper: &str) -> Option<u32> {
    let at = upper.rfind("AUTHORITY[").or_else(|| upper.rfind("ID["))?;
    let rest = &upper[at..];
    let inner = &rest[rest.find('[')? + 1..rest.find(']')?];
    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('"'));
    if parts.next()? != "EPSG" {
        return None;
    }
    parts.next()?.parse().ok()
}

/// The quoted name right after the WKT root keyword: `PROJCS["RD_New",...` gives `RD_New`.
fn root_name(wkt: &str) -> String {
    wkt.split('"').nth(1).unwrap_or("").to_string()
}

/// The CRS of a file that declared `declared` (or nothing), given its coordinates' bounds.
/// A declared CRS stands. Undeclared coordinates that fit lon/lat are WGS84; undeclared ones
/// that lie wholly inside RD New's bounds are taken as RD New (the two ranges do not overlap,
/// and RD New is what Dutch files without a CRS are in practice) and the returned note says
/// so; anything else is refused. `first_outside` is the first coordinate outside lon/lat and
/// its feature, for the message.
pub fn settle_crs(
    declared: Option<Crs>,
    bounds: Option<Rect<f64>>,
    first_outside: Option<(Coord<f64>, usize)>,
    missing: &'static str,
) -> Result<(Crs, Option<String>), CrsError> {
    if let Some(crs) = declared {
        return Ok((crs, None));
    }
    let (Some(bounds), Some((coord, feature))) = (bounds, first_outside) else {
        return Ok((Crs::Wgs84, None));
    };
    let [x0, y0, x1, y1] = RD_BOUNDS;
    let inside = |c: Coord<f64>| c.x >= x0 && c.x <= x1 && c.y >= y0 && c.y <= y1;
    if inside(bounds.min()) && inside(bounds.max()) {
        let note = format!(
            "the file {missing}; its coordinates all lie within RD New's range in metres, so they were read as EPSG:28992 (RD New)"
        );
        return Ok((Crs::RdNew, Some(note)));
    }
    Err(CrsError::Unmarked {
        missing,
        x: coord.x,
        y: coord.y,
        feature,
    })
}

/// Reprojects `geometry` from `crs` to WGS84 lon/lat in place (nothing to do for WGS84).
pub fn to_wgs84(crs: Crs, geometry: &mut MultiPolygon<f64>) -> Result<(), CrsError> {
    let Some(transformer) = Transformer::new(crs)? else {
        return Ok(());
    };
    transformer.apply(geometry)
}

/// A prepared reprojection from one CRS to WGS84, for many geometries.
pub(crate) struct Transformer {
    crs: Crs,
    from: Proj,
    to: Proj,
}

impl Transformer {
    /// `None` for WGS84 (nothing to do).
    pub(crate) fn new(crs: Crs) -> Result<Option<Transformer>, CrsError> {
        let definition = match crs {
            Crs::Wgs84 => return Ok(None),
            Crs::RdNew => RD_NEW_PROJ,
            Crs::WebMercator => WEB_MERCATOR_PROJ,
        };
        let proj = |s: &str| {
            Proj::from_proj_string(s).map_err(|e| CrsError::Reproject {
                crs: crs.label(),
                x: 0.0,
                y: 0.0,
                reason: e.to_string(),
            })
        };
        Ok(Some(Transformer {
            crs,
            from: proj(definition)?,
            to: proj(WGS84_PROJ)?,
        }))
    }

    /// Reprojects every coordinate; the first failure (or a non-finite result) stops it.
    /// (Point by point: handing proj4rs whole rings was measured no faster; its time is the
    /// projection's own arithmetic, about 1 us a point for RD New.)
    pub(crate) fn apply(&self, geometry: &mut MultiPolygon<f64>) -> Result<(), CrsError> {
        geometry.try_map_coords_in_place(|c| {
            let (x, y) = self.point(c.x, c.y)?;
            Ok(Coord { x, y })
        })
    }

    /// One position in the file's CRS as WGS84 (lon, lat) in degrees.
    pub(crate) fn point(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let mut point = (x, y, 0.0);
        let failed = |reason: String| CrsError::Reproject {
            crs: self.crs.label(),
            x,
            y,
            reason,
        };
        proj4rs::transform::transform(&self.from, &self.to, &mut point)
            .map_err(|e| failed(e.to_string()))?;
        let (lon, lat) = (point.0.to_degrees(), point.1.to_degrees());
        if !lon.is_finite() || !lat.is_finite() {
            return Err(failed("the result is not a number".into()));
        }
        Ok((lon, lat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn rd_to_wgs84(x: f64, y: f64) -> (f64, f64) {
        let mut mp = MultiPolygon::new(vec![
            polygon![(x: x, y: y), (x: x + 1.0, y: y), (x: x, y: y + 1.0)],
        ]);
        to_wgs84(Crs::RdNew, &mut mp).unwrap();
        let c = mp.0[0].exterior().0[0];
        (c.x, c.y)
    }

    /// Metres between two lon/lat points (equirectangular; fine over a few metres).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let lat = a.1.to_radians();
        let dx = (a.0 - b.0).to_radians() * lat.cos() * 6_371_000.0;
        let dy = (a.1 - b.1).to_radians() * 6_371_000.0;
        dx.hypot(dy)
    }

    /// Known RD points and their WGS84 positions. Amersfoort's Onze Lieve Vrouwetoren is
    /// RD's origin (155000, 463000; Kadaster, nl.wikipedia "Rijksdriehoekscoördinaten"), at
    /// 52.155172 N, 5.387204 E in WGS84. The other four, across the country, are what PROJ
    /// 9.1.1 (the C++ library, an independent implementation) gives with
    /// `cs2cs -d 7 EPSG:28992 EPSG:4326`: it picks EPSG's "Amersfoort to WGS 84 (4)", whose
    /// Helmert parameters are our towgs84, so the two agree to millimetres. This checks the
    /// port; the Helmert itself is about 1 m from RDNAPTRANS, as EPSG states.
    #[test]
    fn rd_new_known_points_within_two_metres() {
        let known = [
            // (RD x, RD y, lat, lon, what)
            (
                155_000.0,
                463_000.0,
                52.155_172_3,
                5.387_203_5,
                "Onze Lieve Vrouwetoren, Amersfoort",
            ),
            (
                121_687.0,
                487_484.0,
                52.374_218_2,
                4.898_009_9,
                "Amsterdam centre",
            ),
            (
                136_977.0,
                455_906.0,
                52.091_118_5,
                5.124_217_7,
                "Utrecht centre",
            ),
            (
                13_000.0,
                372_000.0,
                51.319_411_5,
                3.350_068_9,
                "Zeeuws-Vlaanderen (south-west)",
            ),
            (
                280_000.0,
                610_000.0,
                53.461_491_9,
                7.269_273_2,
                "Ems estuary (north-east)",
            ),
        ];
        for (x, y, lat, lon, what) in known {
            let got = rd_to_wgs84(x, y);
            let d = metres(got, (lon, lat));
            eprintln!("{what}: {d:.2} m from the reference");
            assert!(
                d < 2.0,
                "{what}: got {got:?}, expected ({lon}, {lat}), {d:.2} m off"
            );
        }
    }

    #[test]
    fn web_mercator_round_numbers() {
        // x = R * lon (radians); y = R * ln(tan(pi/4 + lat/2)).
        let r = 6_378_137.0_f64;
        let (lon, lat) = (5.0_f64, 52.0_f64);
        let x = r * lon.to_radians();
        let y = r
            * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
                .tan()
                .ln();
        let mut mp = MultiPolygon::new(vec![
            polygon![(x: x, y: y), (x: x + 1.0, y: y), (x: x, y: y + 1.0)],
        ]);
        to_wgs84(Crs::WebMercator, &mut mp).unwrap();
        let c = mp.0[0].exterior().0[0];
        assert!(
            (c.x - lon).abs() < 1e-9 && (c.y - lat).abs() < 1e-9,
            "{c:?}"
        );
    }

    #[test]
    fn geojson_crs_members() {
        let doc =
            |name: &str| serde_json::json!({"crs": {"type": "name", "properties": {"name": name}}});
        assert_eq!(
            geojson_crs(&doc("urn:ogc:def:crs:EPSG::28992")),
            Ok(Some(Crs::RdNew))
        );
        assert_eq!(geojson_crs(&doc("EPSG:28992")), Ok(Some(Crs::RdNew)));
        assert_eq!(geojson_crs(&doc("EPSG:3857")), Ok(Some(Crs::WebMercator)));
        assert_eq!(
            geojson_crs(&doc("urn:ogc:def:crs:OGC:1.3:CRS84")),
            Ok(Some(Crs::Wgs84))
        );
        assert_eq!(geojson_crs(&serde_json::json!({})), Ok(None));
        let link = serde_json::json!({"crs": {"type": "EPSG", "properties": {"code": 28992}}});
        assert_eq!(geojson_crs(&link), Ok(Some(Crs::RdNew)));
        let err = geojson_crs(&doc("urn:ogc:def:crs:EPSG::31370")).unwrap_err();
        assert!(err.to_string().contains("EPSG:31370"), "{err}");
    }

    #[test]
    fn prj_files_by_authority_and_by_name() {
        let esri_rd = r#"PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",155000.0],UNIT["Meter",1.0]]"#;
        assert_eq!(crs_from_prj(esri_rd), Ok(Crs::RdNew));
        let ogc_rd = r#"PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],AUTHORITY["EPSG","6289"]],AUTHORITY["EPSG","4289"]],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","28992"]]"#;
        assert_eq!(crs_from_prj(ogc_rd), Ok(Crs::RdNew));
        let esri_wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(crs_from_prj(esri_wgs), Ok(Crs::Wgs84));
        let esri_merc = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator_Auxiliary_Sphere"]]"#;
        assert_eq!(crs_from_prj(esri_merc), Ok(Crs::WebMercator));
        let utm = r#"PROJCS["WGS 84 / UTM zone 31N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32631"]]"#;
        let err = crs_from_prj(utm).unwrap_err().to_string();
        assert!(
            err.contains("EPSG:32631") && err.contains("UTM zone 31N"),
            "{err}"
        );
        let lambert = r#"PROJCS["Belge_Lambert_1972",GEOGCS["GCS_Belge_1972"]]"#;
        assert!(
            crs_from_prj(lambert)
                .unwrap_err()
                .to_string()
                .contains("Belge_Lambert_1972")
        );
    }

    #[test]
    fn unmarked_coordinates() {
        let rect = |a: (f64, f64), b: (f64, f64)| {
            Some(Rect::new(
                Coord { x: a.0, y: a.1 },
                Coord { x: b.0, y: b.1 },
            ))
        };
        let at = Some((
            Coord {
                x: 120_000.0,
                y: 480_000.0,
            },
            1,
        ));
        assert_eq!(
            settle_crs(
                None,
                rect((3.0, 50.0), (7.0, 54.0)),
                None,
                "has no crs member"
            ),
            Ok((Crs::Wgs84, None))
        );
        let (crs, note) = settle_crs(
            None,
            rect((10_000.0, 300_000.0), (280_000.0, 620_000.0)),
            at,
            "has no crs member",
        )
        .unwrap();
        assert_eq!(crs, Crs::RdNew);
        assert!(note.unwrap().contains("RD New"));
        // Web Mercator metres of the Netherlands: outside RD's range, refused.
        let err = settle_crs(
            None,
            rect((370_000.0, 6_500_000.0), (800_000.0, 7_100_000.0)),
            at,
            "has no crs member",
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no crs member"), "{err}");
        assert_eq!(
            settle_crs(Some(Crs::RdNew), None, None, "x"),
            Ok((Crs::RdNew, None))
        );
    }
}
