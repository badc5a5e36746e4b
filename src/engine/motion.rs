//! Source motion: orbit, ear-to-ear sweep, figure-eight and random drift, free-running in Hz
//! or locked to the host's tempo and song position.
//!
//! A motion yields an offset from the source's set position. Depth (0..1) scales it:
//! - **Orbit**: the source circles the head once per cycle (clockwise seen from above); depth
//!   tilts the circle up to [`ORBIT_TILT_DEG`], higher in front and lower behind (0 = level).
//! - **Ear to ear**: swings through the front between the ears: azimuth +/- 90 deg × depth.
//! - **Figure eight**: a sideways eight in front of the face: azimuth +/- 90 deg × depth,
//!   elevation +/- 30 deg × depth at twice the rate.
//! - **Drift**: a smooth random wander (a new random point every cycle, joined by a
//!   Catmull-Rom spline): azimuth +/- 60 deg, elevation +/- 20 deg, distance ×/÷ 1.41, each × depth.
//!   The points come from a hash of the cycle number, so a drift is the same on every render
//!   and follows the song position when synced.

use super::tempo::{NoteValue, Transport};
use crate::binaural::Offset;
use crate::ranges;
use std::f64::consts::TAU;

/// Largest tilt of an orbit (degrees).
pub const ORBIT_TILT_DEG: f32 = 30.0;
/// Azimuth swing of ear-to-ear and figure-eight motion at full depth (degrees).
const SWING_DEG: f32 = 90.0;
/// Elevation swing of the figure eight at full depth (degrees).
const EIGHT_RISE_DEG: f32 = 30.0;
/// Drift range at full depth: azimuth (degrees), elevation (degrees), distance (octaves).
const DRIFT_RANGE: [f32; 3] = [60.0, 20.0, 0.5];

/// How a source moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MotionMode {
    /// Stays where it is set.
    #[default]
    Off,
    /// Circles the head.
    Orbit,
    /// Sweeps between the ears through the front.
    EarToEar,
    /// Traces a sideways figure eight in front of the face.
    FigureEight,
    /// Wanders smoothly at random.
    Drift,
}

/// How fast a motion cycles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MotionRate {
    /// Free-running, in cycles per second (Hz, > 0).
    Hertz(f32),
    /// One cycle per note value at the host tempo, locked to the song position while playing.
    Synced(NoteValue),
}

/// A motion setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionSettings {
    /// The motion's shape.
    pub mode: MotionMode,
    /// Its speed.
    pub rate: MotionRate,
    /// Its size, 0..=1.
    pub depth: f32,
}

impl Default for MotionSettings {
    fn default() -> Self {
        Self {
            mode: MotionMode::Off,
            rate: MotionRate::Hertz(0.25),
            depth: 1.0,
        }
    }
}

/// The phase of a motion, in cycles.
#[derive(Debug, Clone, Copy, Default)]
pub struct Motion {
    phase: f64,
}

impl Motion {
    /// Moves the phase on by `seconds`. A synced rate with the transport playing at a known
    /// position locks the phase to `position_beats` (the song position, in quarter notes, at the
    /// end of the step); otherwise the phase runs freely at the rate.
    pub fn advance(
        &mut self,
        seconds: f64,
        rate: MotionRate,
        transport: &Transport,
        position_beats: Option<f64>,
    ) {
        match rate {
            MotionRate::Hertz(hz) => self.phase += seconds * f64::from(hz),
            MotionRate::Synced(note) => {
                let cycle_beats = note.beats(transport.beats_per_bar);
                match position_beats.filter(|_| transport.playing) {
                    Some(beats) => self.phase = beats / cycle_beats,
                    None => self.phase += seconds / note.seconds(transport),
                }
            }
        }
    }

    /// The phase in cycles.
    pub fn phase(&self) -> f64 {
        self.phase
    }

    /// Restarts at phase 0.
    pub fn reset(&mut self) {
        self.phase = 0.0;
    }

    /// The offset of `mode` at the current phase and `depth` (0..=1).
    pub fn offset(&self, mode: MotionMode, depth: f32) -> Offset {
        // The same value as `rem_euclid(1.0)` (one rounding of the same exact number), without
        // the slow library remainder.
        let turn = self.phase - self.phase.floor();
        let angle = TAU * turn;
        let depth = ranges::MOTION_DEPTH.clamp(depth);
        let (azimuth_deg, elevation_deg, octaves) = match mode {
            MotionMode::Off => (0.0, 0.0, 0.0),
            MotionMode::Orbit => (
                (360.0 * turn) as f32,
                depth * ORBIT_TILT_DEG * angle.cos() as f32,
                0.0,
            ),
            MotionMode::EarToEar => (depth * SWING_DEG * angle.sin() as f32, 0.0, 0.0),
            MotionMode::FigureEight => (
                depth * SWING_DEG * angle.sin() as f32,
                depth * EIGHT_RISE_DEG * (2.0 * angle).sin() as f32,
                0.0,
            ),
            MotionMode::Drift => {
                let d = drift(self.phase);
                (
                    depth * DRIFT_RANGE[0] * d[0],
                    depth * DRIFT_RANGE[1] * d[1],
                    depth * DRIFT_RANGE[2] * d[2],
                )
            }
        };
        Offset {
            azimuth_deg,
            elevation_deg,
            distance_factor: 2f32.powf(octaves),
        }
    }
}

/// Smooth random wander in -1..1 on three axes: a Catmull-Rom spline through a random point per
/// whole cycle.
fn drift(phase: f64) -> [f32; 3] {
    let cycle = phase.floor() as i64;
    let t = (phase - phase.floor()) as f32;
    std::array::from_fn(|axis| {
        let p = |k: i64| random_unit(cycle + k, axis as u64);
        let (p0, p1, p2, p3) = (p(-1), p(0), p(1), p(2));
        let v = 0.5
            * (2.0 * p1
                + (p2 - p0) * t
                + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3) * t * t
                + (3.0 * (p1 - p2) + p3 - p0) * t * t * t);
        v.clamp(-1.0, 1.0)
    })
}

/// A repeatable pseudo-random value in -1..1 for a cycle and axis (SplitMix64 finaliser).
fn random_unit(cycle: i64, axis: u64) -> f32 {
    let mut z = (cycle as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ axis.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The phase's fraction is the Euclidean remainder by 1, exactly (signed zeros aside).
    #[test]
    fn the_turn_is_the_remainder_of_the_phase() {
        let mut motion = Motion::default();
        for i in -100_000..100_000 {
            motion.phase = i as f64 * 0.000_731 + 1.0e-9;
            let turn = motion.offset(MotionMode::Orbit, 1.0);
            motion.phase = motion.phase.rem_euclid(1.0);
            assert_eq!(turn, motion.offset(MotionMode::Orbit, 1.0), "{}", i);
        }
    }

    #[test]
    fn orbit_goes_round_once_per_cycle() {
        let mut m = Motion::default();
        let t = Transport::default();
        m.advance(0.25, MotionRate::Hertz(1.0), &t, None);
        assert!((m.offset(MotionMode::Orbit, 0.0).azimuth_deg - 90.0).abs() < 1e-3);
        m.advance(0.5, MotionRate::Hertz(1.0), &t, None);
        assert!((m.offset(MotionMode::Orbit, 0.0).azimuth_deg - 270.0).abs() < 1e-3);
    }

    #[test]
    fn synced_motion_locks_to_the_song_position() {
        let mut m = Motion::default();
        let t = Transport {
            playing: true,
            ..Transport::default()
        };
        m.advance(0.01, MotionRate::Synced(NoteValue::OneBar), &t, Some(6.0));
        assert!((m.phase() - 1.5).abs() < 1e-12);
        let ear = m.offset(MotionMode::EarToEar, 1.0);
        assert!(
            ear.azimuth_deg.abs() < 1e-3,
            "half way through a sweep is the front"
        );
    }

    #[test]
    fn drift_is_smooth_bounded_and_repeatable() {
        let mut last = drift(0.0);
        let mut span = [0.0f32; 3];
        for k in 1..20_000 {
            let v = drift(k as f64 * 0.001);
            for a in 0..3 {
                assert!((v[a] - last[a]).abs() < 0.01, "drift jumps at {k}");
                span[a] = span[a].max(v[a].abs());
            }
            last = v;
        }
        assert!(
            span.iter().all(|&s| s > 0.3),
            "drift barely moves: {span:?}"
        );
        assert_eq!(drift(3.7), drift(3.7));
    }
}
