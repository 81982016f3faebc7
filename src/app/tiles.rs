//! Optional OpenStreetMap raster tiles under the map (View > OpenStreetMap tiles).
//!
//! Off by default and in tests: the embedded basemap needs no network. When switched on,
//! walkers' `HttpTiles` fetches tiles over HTTPS into a disk cache (respecting the tile
//! servers' `Expires` headers), and [`TileHealth`] tells the window when none arrive, so that
//! it can say so and keep drawing the embedded basemap instead.

use std::time::{Duration, Instant};

use walkers::sources::{Attribution, OpenStreetMap};
use walkers::{HttpOptions, HttpTiles, TileId, TilePiece, Tiles};

/// How long tiles may be asked for without any arriving before the map says it is offline.
pub const OFFLINE_AFTER: Duration = Duration::from_secs(5);

/// Whether tiles are arriving, judged from what the map asked for and got.
#[derive(Debug, Clone, Default)]
pub struct TileHealth {
    /// Since when tiles have been asked for without one being available.
    waiting_since: Option<Instant>,
    asked: bool,
    served: bool,
    /// Whether the last finished frame drew any tile.
    pub last_served: bool,
}

impl TileHealth {
    /// Records one request of the map for a tile, and whether a tile (or a zoomed-out stand-in
    /// from the cache) was there.
    pub fn record(&mut self, served: bool) {
        self.asked = true;
        self.served |= served;
    }

    /// Ends a frame: returns whether any tile was drawn in it.
    pub fn end_frame(&mut self, now: Instant) -> bool {
        let served = self.served;
        if served || !self.asked {
            self.waiting_since = None;
        } else if self.waiting_since.is_none() {
            self.waiting_since = Some(now);
        }
        self.asked = false;
        self.served = false;
        self.last_served = served;
        served
    }

    /// Whether tiles have been asked for and none arrived for [`OFFLINE_AFTER`].
    pub fn offline(&self, now: Instant) -> bool {
        self.waiting_since
            .is_some_and(|since| now.duration_since(since) >= OFFLINE_AFTER)
    }
}

/// OpenStreetMap tiles with a disk cache, watched by a [`TileHealth`].
pub struct OsmLayer {
    tiles: HttpTiles,
    /// Whether tiles arrive.
    pub health: TileHealth,
}

impl OsmLayer {
    /// Starts the tile fetcher (its requests go out only when the map asks for tiles).
    pub fn new(ctx: &egui::Context) -> OsmLayer {
        // reqwest is built without a default TLS crypto provider (no C/asm build beyond
        // ring, which rustls already uses); install ring's once. Err means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let options = HttpOptions {
            cache: eframe::storage_dir("Tessera").map(|dir| dir.join("tile-cache")),
            user_agent: Some(walkers::HeaderValue::from_static(concat!(
                "Tessera/",
                env!("CARGO_PKG_VERSION"),
                " (territory designer)"
            ))),
            ..HttpOptions::default()
        };
        OsmLayer {
            tiles: HttpTiles::with_options(OpenStreetMap, options, ctx.clone()),
            health: TileHealth::default(),
        }
    }
}

impl Tiles for OsmLayer {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let piece = self.tiles.at(tile_id);
        self.health.record(piece.is_some());
        piece
    }

    fn attribution(&self) -> Attribution {
        self.tiles.attribution()
    }

    fn tile_size(&self) -> u32 {
        self.tiles.tile_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_only_after_tiles_were_asked_for_and_none_came() {
        let start = Instant::now();
        let mut health = TileHealth::default();
        // Nothing asked: never offline.
        assert!(!health.end_frame(start));
        assert!(!health.offline(start + OFFLINE_AFTER * 2));
        // Asked, nothing served: offline once the wait is long enough.
        health.record(false);
        assert!(!health.end_frame(start));
        health.record(false);
        health.end_frame(start + OFFLINE_AFTER / 2);
        assert!(!health.offline(start + OFFLINE_AFTER / 2));
        assert!(health.offline(start + OFFLINE_AFTER));
        // One tile arrives: online again at once.
        health.record(false);
        health.record(true);
        assert!(health.end_frame(start + OFFLINE_AFTER * 2));
        assert!(!health.offline(start + OFFLINE_AFTER * 3));
    }
}
