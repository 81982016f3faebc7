//! Geographic units (postcode areas, municipalities, provinces) that planners build
//! territories from: `topology` cleans a layer once into shared arcs, so that the outline of
//! any set of units is exact (no sliver holes, no gaps or overlaps between neighbouring
//! territories) and fast to build; `layer` is a layer's units with their topology;
//! `embedded` holds the Dutch layers; `snap` turns a freehand plan into a plan of units;
//! `postcode` places a Dutch postcode inside its PC4 area; `measure` measures sets of units
//! fast (for painting); `stats` tells what each unit holds (for the map); `hexagons` lays a
//! grid of hexagons over the accounts where no layer fits.

pub mod embedded;
pub mod hexagons;
pub mod layer;
pub mod measure;
pub mod postcode;
pub mod snap;
pub mod stats;
pub mod topology;
