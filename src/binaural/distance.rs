//! Distance cues: level with distance, the near field (interaural level difference growing as a
//! source approaches the head, proximity bass) and air absorption for far sources.
//!
//! Every cue here is relative to rendering at the distance the HRTF set was measured at (1.4 m
//! for KEMAR), and at exactly that distance the measured data is reproduced unchanged but for
//! the overall level.
//!
//! Near field (below about 1 m, Brungart & Rabinowitz 1999): at low frequencies, where the head
//! barely shadows, each ear hears roughly the free field at its own position, so the ear facing
//! a close source gets much louder than the far one while the ITD hardly changes. Tingle scales
//! each ear by the ratio of its straight-line distance to the source against the same ratio at
//! the measurement distance, fully below [`NEAR_FIELD_SHELF_HZ`] and by a fraction ([`HIGH_BAND_FRACTION`], in dB)
//! above it, where the measured head shadow already dominates.

use super::Position;
use crate::dsp::math::db_to_gain;

/// Head radius of the KEMAR manikin (m).
pub const HEAD_RADIUS_M: f32 = 0.0875;
/// Smallest distance from the centre of the head (m).
pub const MIN_DISTANCE_M: f32 = crate::ranges::DISTANCE_M.min;
/// Largest distance from the centre of the head (m).
pub const MAX_DISTANCE_M: f32 = crate::ranges::DISTANCE_M.max;
/// Distance (m) at which the source plays at unity gain.
const REFERENCE_DISTANCE_M: f32 = 1.0;
/// Largest overall distance gain (linear, +6 dB, reached at 0.5 m): closer sources grow
/// louder only through the near-ear cue, so moving in never startles.
const MAX_SOURCE_GAIN: f32 = 2.0;
/// Largest near-field boost of one ear relative to the measurement distance (linear, 12 dB).
const MAX_EAR_GAIN: f32 = 3.981_071_7;
/// Share (of the dB change) of the near-field cue applied above the shelf; [`cues`] relies on
/// it being one half (a square root of the linear gain).
const HIGH_BAND_FRACTION: f32 = 0.5;
const _: () = assert!(HIGH_BAND_FRACTION == 0.5);
/// Corner (Hz) of the per-ear near-field shelf.
pub const NEAR_FIELD_SHELF_HZ: f32 = 1500.0;
/// Corner (Hz) of the proximity-bass shelf.
pub const PROXIMITY_SHELF_HZ: f32 = 250.0;
/// Proximity bass at the minimum distance (dB); it starts at [`NEAR_FIELD_M`].
const PROXIMITY_MAX_DB: f32 = 6.0;
/// Distance (m) below which proximity bass begins.
pub const NEAR_FIELD_M: f32 = 1.0;
/// Air absorption (ISO 9613-1, 20 C, 50 % RH, about 0.1 dB/m at 8 kHz and 0.35 dB/m at
/// 16 kHz) fitted by a one-pole low-pass whose corner is this (Hz) divided by the square root
/// of the path beyond the measurement distance (m): 16 kHz at 10 m.
const AIR_CORNER_HZ_PER_METRE: f32 = 47_000.0;

/// The distance cues for one source position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DistanceCues {
    /// Overall gain of the source (linear).
    pub source_gain: f32,
    /// Gain (linear, >= 1) below [`PROXIMITY_SHELF_HZ`] for close sources.
    pub proximity_gain: f32,
    /// Corner (Hz) of the air-absorption low-pass; infinite within the measurement distance.
    pub air_corner_hz: f32,
    /// Per ear (left, right): near-field gain below [`NEAR_FIELD_SHELF_HZ`] (linear).
    pub ear_low: [f32; 2],
    /// Per ear (left, right): near-field gain above [`NEAR_FIELD_SHELF_HZ`] (linear).
    pub ear_high: [f32; 2],
}

/// Overall gain (linear) of a source `distance_m` (m) from the head's centre: 1 at 1 m,
/// falling as 1 / r beyond, rising as 1 / r closer up to +6 dB at 0.5 m and no further.
pub fn source_gain(distance_m: f32) -> f32 {
    (REFERENCE_DISTANCE_M / distance_m.clamp(MIN_DISTANCE_M, MAX_DISTANCE_M)).min(MAX_SOURCE_GAIN)
}

/// Corner (Hz) of the one-pole low-pass that stands for the air's absorption over a path of
/// `path_m` (m), relative to a set measured at `measurement_distance_m` (m); infinite within
/// the measurement distance.
pub fn air_corner_hz(path_m: f32, measurement_distance_m: f32) -> f32 {
    let extra_path = (path_m - measurement_distance_m).max(0.0);
    if extra_path > 0.0 {
        AIR_CORNER_HZ_PER_METRE / extra_path.sqrt()
    } else {
        f32::INFINITY
    }
}

/// Computes the distance cues of `position` (distance clamped to the supported range) for an
/// HRTF set measured at `measurement_distance_m` (m, 0.5 to 5).
pub fn cues(position: &Position, measurement_distance_m: f32) -> DistanceCues {
    let r = position.distance_m.clamp(MIN_DISTANCE_M, MAX_DISTANCE_M);
    let source_gain = source_gain(r);

    let proximity_gain = if r < NEAR_FIELD_M {
        let closeness = (NEAR_FIELD_M / r).ln() / (NEAR_FIELD_M / MIN_DISTANCE_M).ln();
        db_to_gain(PROXIMITY_MAX_DB * closeness.min(1.0))
    } else {
        1.0
    };

    let air_corner_hz = air_corner_hz(r, measurement_distance_m);

    let (az_sin, az_cos) = position.azimuth_deg.to_radians().sin_cos();
    let (el_sin, el_cos) = position.elevation_deg.to_radians().sin_cos();
    // x to the front, y to the right, z up; the ears sit at y = -a (left) and y = +a (right).
    let dir = [el_cos * az_cos, el_cos * az_sin, el_sin];
    let ear_distance = |radius: f32, side: f32| -> f32 {
        let (x, y, z) = (
            radius * dir[0],
            radius * dir[1] - side * HEAD_RADIUS_M,
            radius * dir[2],
        );
        (x * x + y * y + z * z).sqrt()
    };
    let mut ear_low = [1.0; 2];
    let mut ear_high = [1.0; 2];
    for (ear, side) in [-1.0f32, 1.0].into_iter().enumerate() {
        // Free-field level at the ear relative to the head centre, against the same at the
        // measurement distance.
        let here = r / ear_distance(r, side);
        let reference = measurement_distance_m / ear_distance(measurement_distance_m, side);
        // The level change capped at MAX_EAR_GAIN, and half of it in dB (the square root)
        // above the shelf: no logarithms or powers per control period.
        let low = (here / reference).min(MAX_EAR_GAIN);
        ear_low[ear] = low;
        ear_high[ear] = low.sqrt();
    }
    DistanceCues {
        source_gain,
        proximity_gain,
        air_corner_hz,
        ear_low,
        ear_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binaural::hrtf::MEASUREMENT_DISTANCE_M;

    fn at(azimuth_deg: f32, distance_m: f32) -> DistanceCues {
        let position = Position {
            azimuth_deg,
            elevation_deg: 0.0,
            distance_m,
        };
        cues(&position, MEASUREMENT_DISTANCE_M)
    }

    #[test]
    fn measurement_distance_is_neutral_for_the_ears() {
        let c = at(90.0, MEASUREMENT_DISTANCE_M);
        for ear in 0..2 {
            assert!((c.ear_low[ear] - 1.0).abs() < 1e-6 && (c.ear_high[ear] - 1.0).abs() < 1e-6);
        }
        assert!(c.air_corner_hz.is_infinite());
        assert_eq!(c.proximity_gain, 1.0);
        // A set measured elsewhere is neutral at its own distance.
        let position = Position {
            azimuth_deg: 90.0,
            elevation_deg: 0.0,
            distance_m: 1.2,
        };
        let other = cues(&position, 1.2);
        for ear in 0..2 {
            assert!((other.ear_low[ear] - 1.0).abs() < 1e-6);
        }
        assert!(other.air_corner_hz.is_infinite());
    }

    #[test]
    fn near_ear_grows_and_far_ear_falls_as_a_source_approaches() {
        let mut last = at(90.0, 1.4);
        for d in [1.0, 0.7, 0.5, 0.3, 0.2, 0.15, 0.1] {
            let c = at(90.0, d);
            assert!(c.ear_low[1] > last.ear_low[1] || c.ear_low[1] == MAX_EAR_GAIN);
            assert!(c.ear_low[0] < last.ear_low[0]);
            last = c;
        }
    }

    /// The linear constants agree with the dB ones they stand for.
    #[test]
    fn linear_constants_match_their_db_values() {
        assert!((MAX_EAR_GAIN - db_to_gain(12.0)).abs() < 1e-6);
        let c = at(90.0, 0.3);
        for ear in 0..2 {
            let db = 20.0 * c.ear_low[ear].log10();
            assert!((c.ear_high[ear] - db_to_gain(HIGH_BAND_FRACTION * db)).abs() < 1e-5);
        }
    }

    #[test]
    fn far_sources_lose_treble_and_level() {
        let near = at(0.0, 2.0);
        let far = at(0.0, 10.0);
        assert!(far.air_corner_hz < near.air_corner_hz);
        assert!((far.source_gain - 0.1).abs() < 1e-6);
    }
}
