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

impl Position {
    /// The vector (m) from the centre of the head to the source: x to the right, y ahead, z up.
    pub fn to_vector(self) -> [f32; 3] {
        let (az, el) = (
            self.azimuth_deg.to_radians(),
            self.elevation_deg.to_radians(),
        );
        let r = self.distance_m;
        [
            r * el.cos() * az.sin(),
            r * el.cos() * az.cos(),
            r * el.sin(),
        ]
    }

    /// The source in the direction of `v` (x to the right, y ahead, z up; any length) at
    /// `distance_m` (m).
    pub fn from_vector(v: [f32; 3], distance_m: f32) -> Self {
        Self {
            azimuth_deg: v[0].atan2(v[1]).to_degrees(),
            elevation_deg: v[2].atan2(v[0].hypot(v[1])).to_degrees(),
            distance_m,
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
