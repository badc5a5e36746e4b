//! Binaural placement: the measured HRTF set, distance cues and the per-source placer that
//! renders a mono signal to the two ears. (Motion follows the tempo, so it lives in the engine.)

pub mod cache;
pub mod distance;
pub mod hrtf;
pub mod placer;
pub mod sofa;

/// Where a source is, relative to the centre of the listener's head.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Azimuth in degrees: 0 = front, positive to the right (90 = right ear), any value (wrapped).
    pub azimuth_deg: f32,
    /// Elevation in degrees: -40 (below) to 90 (straight up); clamped to the data's range.
    pub elevation_deg: f32,
    /// Distance from the centre of the head in metres, 0.1 to 10 (clamped).
    pub distance_m: f32,
}

impl Default for Position {
    /// In front, at ear height, an arm's length (1 m) away.
    fn default() -> Self {
        Self {
            azimuth_deg: 0.0,
            elevation_deg: 0.0,
            distance_m: 1.0,
        }
    }
}
