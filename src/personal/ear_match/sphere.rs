//! Directions around the head: where a tap plays and where the listener heard it, the angle
//! between two directions, their mirror images, and a regular grid over the sphere.

use crate::binaural::Position;

/// Spacing of the grid's elevation rings (degrees).
const GRID_RING_STEP_DEG: f32 = 10.0;
/// Spacing of the grid's directions along the horizontal ring (degrees); rings above and below
/// hold fewer, keeping about this spacing on the sphere.
const GRID_AZIMUTH_STEP_DEG: f32 = 5.0;
/// Elevation of the poles (degrees): a ring there is a single direction.
const POLE_DEG: f32 = 90.0;
/// A full turn (degrees).
const TURN_DEG: f32 = 360.0;
/// Half a turn (degrees): azimuths wrap into -180 ..= 180.
const HALF_TURN_DEG: f32 = 180.0;

/// A direction from the centre of the listener's head, in Tingle's convention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heading {
    /// Azimuth (degrees, -180 ..= 180): 0 = front, positive to the listener's right
    /// (90 = right ear), ±180 = behind.
    pub azimuth_deg: f32,
    /// Elevation (degrees, -90 ..= 90): positive up.
    pub elevation_deg: f32,
}

impl Heading {
    /// The direction at `azimuth_deg` (degrees, any value: wrapped into -180 ..= 180) and
    /// `elevation_deg` (degrees, positive up; clamped to -90 ..= 90).
    pub fn new(azimuth_deg: f32, elevation_deg: f32) -> Self {
        let wrapped = (azimuth_deg + HALF_TURN_DEG).rem_euclid(TURN_DEG) - HALF_TURN_DEG;
        Self {
            azimuth_deg: if wrapped == -HALF_TURN_DEG {
                HALF_TURN_DEG
            } else {
                wrapped
            },
            elevation_deg: elevation_deg.clamp(-POLE_DEG, POLE_DEG),
        }
    }

    /// The unit vector of the direction: x to the right, y ahead, z up.
    pub fn unit_vector(self) -> [f32; 3] {
        Position {
            azimuth_deg: self.azimuth_deg,
            elevation_deg: self.elevation_deg,
            distance_m: 1.0,
        }
        .to_vector()
    }

    /// The direction of the vector `v` (x to the right, y ahead, z up; any length but zero).
    fn from_vector(v: [f32; 3]) -> Self {
        let p = Position::from_vector(v, 1.0);
        Self::new(p.azimuth_deg, p.elevation_deg)
    }

    /// The great-circle angle (degrees, 0 ..= 180) between this direction and `other`.
    pub fn angle_to(self, other: Self) -> f32 {
        let (a, b) = (self.unit_vector(), other.unit_vector());
        let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        let cross = [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ];
        // atan2 of the sine and cosine stays accurate for small and nearly opposite angles.
        let sine = (cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]).sqrt();
        sine.atan2(dot).to_degrees()
    }

    /// The mirror image about the frontal plane (the vertical plane through both ears): front
    /// and back swap, the side and the height stay (azimuth 30 becomes 150).
    pub fn mirrored_front_back(self) -> Self {
        let [x, y, z] = self.unit_vector();
        Self::from_vector([x, -y, z])
    }

    /// The mirror image about the horizontal plane through both ears: up and down swap.
    pub fn mirrored_up_down(self) -> Self {
        Self::new(self.azimuth_deg, -self.elevation_deg)
    }

    /// The angle (degrees, 0 ..= 90) between the direction and the frontal plane: 0 at the
    /// ears and overhead, 90 straight ahead or behind at ear height.
    pub fn off_frontal_plane_deg(self) -> f32 {
        self.unit_vector()[1].abs().min(1.0).asin().to_degrees()
    }

    /// The angle (degrees, 0 ..= 90) between the direction and the horizontal plane.
    pub fn off_horizontal_plane_deg(self) -> f32 {
        self.elevation_deg.abs()
    }
}

/// A regular grid of directions covering elevations `elevation_range` (lowest, highest;
/// degrees, -90 ..= 90): rings every 10 degrees from the lowest up (and one at the highest),
/// each ring's directions equally spaced in azimuth from 0, about 5 degrees apart on the
/// sphere (a single direction at a pole). The grid [`crate::binaural::hrtf::HrtfSet`] accepts.
pub fn grid(elevation_range: (f32, f32)) -> Vec<Heading> {
    let (lowest, highest) = elevation_range;
    let rings = ((highest - lowest) / GRID_RING_STEP_DEG).ceil() as usize;
    (0..=rings)
        .map(|k| (lowest + k as f32 * GRID_RING_STEP_DEG).min(highest))
        .flat_map(|elevation| {
            let count = if elevation.abs() >= POLE_DEG {
                1
            } else {
                let circumference_deg = TURN_DEG * elevation.to_radians().cos();
                ((circumference_deg / GRID_AZIMUTH_STEP_DEG).round() as usize).max(1)
            };
            (0..count).map(move |i| Heading::new(i as f32 * TURN_DEG / count as f32, elevation))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binaural::hrtf::HrtfSet;

    #[test]
    fn angles_and_mirrors() {
        let front = Heading::new(0.0, 0.0);
        assert!((front.angle_to(Heading::new(90.0, 0.0)) - 90.0).abs() < 1e-3);
        assert!((front.angle_to(Heading::new(180.0, 0.0)) - 180.0).abs() < 1e-3);
        assert!((front.angle_to(Heading::new(0.0, 90.0)) - 90.0).abs() < 1e-3);
        let mirrored = Heading::new(30.0, 20.0).mirrored_front_back();
        assert!((mirrored.azimuth_deg - 150.0).abs() < 1e-3);
        assert!((mirrored.elevation_deg - 20.0).abs() < 1e-3);
        assert_eq!(Heading::new(-180.0, 0.0).azimuth_deg, 180.0);
        assert!((Heading::new(90.0, 0.0).off_frontal_plane_deg()).abs() < 1e-3);
        assert!((front.off_frontal_plane_deg() - 90.0).abs() < 1e-3);
    }

    /// The grid over KEMAR's elevations has KEMAR's rings, and a set accepts it.
    #[test]
    fn grid_has_equally_spaced_rings() {
        let range = HrtfSet::kemar().elevation_range();
        let directions = grid(range);
        let positions: Vec<(f32, f32)> = directions
            .iter()
            .map(|h| (h.azimuth_deg, h.elevation_deg))
            .collect();
        HrtfSet::check_grid(&positions).expect("a regular grid");
        assert_eq!(directions.first().map(|h| h.elevation_deg), Some(range.0));
        assert_eq!(directions.last().map(|h| h.elevation_deg), Some(range.1));
        assert_eq!(
            directions.iter().filter(|h| h.elevation_deg == 0.0).count(),
            72
        );
    }
}
