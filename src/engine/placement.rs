//! Turns the placement parameters (set position plus motion) into the smoothed path a source
//! follows: parameter jumps glide, the azimuth always takes the shorter way round.

use super::motion::{Motion, MotionSettings};
use super::tempo::Transport;
use crate::binaural::Position;
use crate::binaural::distance::{MAX_DISTANCE_M, MIN_DISTANCE_M};

/// Time constant of the position glide (s): a jump settles (to 1 %) in about 0.14 s.
const GLIDE_S: f64 = 0.03;
/// Below this many degrees (and its equivalent in distance) a glide snaps onto its target, so
/// a resting source is exactly still and needs no filter crossfades.
const SNAP_DEG: f32 = 1e-3;

/// The smoothed, moving position of one source.
#[derive(Debug, Clone)]
pub struct PlacementControl {
    motion: Motion,
    /// Current azimuth (degrees, -180..180), elevation (degrees), ln(distance / m).
    current: [f32; 3],
    started: bool,
    /// The last step's length (s) and the share of the way it kept ([`GLIDE_S`]): steps are
    /// nearly always one control period, so the exponential is rarely taken again.
    keep: (f64, f32),
}

impl Default for PlacementControl {
    fn default() -> Self {
        Self {
            motion: Motion::default(),
            current: [0.0; 3],
            started: false,
            keep: (0.0, 1.0),
        }
    }
}

impl PlacementControl {
    /// Advances by `seconds` and returns the position then. `base` is the set position,
    /// `settings` the motion, `position_beats` the song position at the end of the step.
    pub fn step(
        &mut self,
        seconds: f64,
        base: &Position,
        settings: &MotionSettings,
        transport: &Transport,
        position_beats: Option<f64>,
    ) -> Position {
        self.motion
            .advance(seconds, settings.rate, transport, position_beats);
        let offset = self.motion.offset(settings.mode, settings.depth);
        let distance =
            (base.distance_m * offset.distance_factor).clamp(MIN_DISTANCE_M, MAX_DISTANCE_M);
        let target = [
            base.azimuth_deg + offset.azimuth_deg,
            base.elevation_deg + offset.elevation_deg,
            distance.ln(),
        ];
        if !self.started {
            self.current = target;
            self.started = true;
        }
        if self.keep.0 != seconds {
            self.keep = (seconds, (-seconds / GLIDE_S).exp() as f32);
        }
        let keep = self.keep.1;
        for (axis, (now, goal)) in self.current.iter_mut().zip(target).enumerate() {
            let mut diff = goal - *now;
            if axis == 0 {
                diff = wrap_degrees(diff);
            }
            let snap = if axis == 2 {
                SNAP_DEG.to_radians()
            } else {
                SNAP_DEG
            };
            *now = if diff.abs() < snap {
                *now + diff
            } else {
                *now + (1.0 - keep) * diff
            };
        }
        self.current[0] = wrap_degrees(self.current[0]);
        self.current()
    }

    /// The position reached by the last step.
    pub fn current(&self) -> Position {
        Position {
            azimuth_deg: self.current[0],
            elevation_deg: self.current[1],
            distance_m: self.current[2].exp(),
        }
    }

    /// Starts over: the next step jumps straight to its target, the motion to phase 0.
    pub fn reset(&mut self) {
        self.motion.reset();
        self.started = false;
    }
}

/// An angle wrapped into -180..180 degrees.
fn wrap_degrees(deg: f32) -> f32 {
    let shifted = deg + 180.0;
    // Nearly always in range already: the remainder (a slow library call) is then the value.
    if (0.0..360.0).contains(&shifted) {
        shifted - 180.0
    } else {
        shifted.rem_euclid(360.0) - 180.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for angles already in range gives exactly what the remainder gives, in
    /// range and out of it.
    #[test]
    fn wrapping_matches_the_remainder() {
        for i in -200_000..200_000 {
            let deg = i as f32 * 0.0137;
            let expected = (deg + 180.0).rem_euclid(360.0) - 180.0;
            assert_eq!(wrap_degrees(deg).to_bits(), expected.to_bits(), "{deg}");
        }
    }

    #[test]
    fn azimuth_glides_the_short_way_round_and_settles_exactly() {
        let mut c = PlacementControl::default();
        let t = Transport::default();
        let m = MotionSettings::default();
        let start = Position {
            azimuth_deg: 170.0,
            ..Position::default()
        };
        c.step(0.001, &start, &m, &t, None);
        let target = Position {
            azimuth_deg: -170.0,
            ..Position::default()
        };
        let first = c.step(0.001, &target, &m, &t, None);
        assert!(
            first.azimuth_deg > 170.0,
            "went the long way: {}",
            first.azimuth_deg
        );
        let mut p = first;
        for _ in 0..2000 {
            p = c.step(0.001, &target, &m, &t, None);
        }
        assert_eq!(p.azimuth_deg, -170.0);
        assert!((p.distance_m - start.distance_m).abs() < 1e-5);
    }
}
