//! Binaural placement: the measured HRTF set, distance cues and the per-source placer that
//! renders a mono signal to the two ears. (Motion follows the tempo, so it lives in the engine.)

pub mod cache;
pub mod diffuse;
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

/// A displacement of a [`Position`]: a motion's swing from the set position, or a trigger's
/// scatter from its layer's position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offset {
    /// Added to the azimuth (degrees).
    pub azimuth_deg: f32,
    /// Added to the elevation (degrees).
    pub elevation_deg: f32,
    /// Multiplies the distance (> 0).
    pub distance_factor: f32,
}

impl Offset {
    /// No displacement.
    pub const NONE: Self = Self {
        azimuth_deg: 0.0,
        elevation_deg: 0.0,
        distance_factor: 1.0,
    };

    /// `p` moved by the offset (not clamped: the placer clamps what it renders).
    pub fn apply(&self, p: Position) -> Position {
        Position {
            azimuth_deg: p.azimuth_deg + self.azimuth_deg,
            elevation_deg: p.elevation_deg + self.elevation_deg,
            distance_m: p.distance_m * self.distance_factor,
        }
    }
}
