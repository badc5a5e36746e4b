//! The head's orientation through a block, smoothed, and what it does to a source: a
//! world-locked source is heard turned against the head, a head-locked one where it is set.
//!
//! The orientation the parameters and the tracker ask for is followed by two one-pole glides in
//! series, stepped once per placer control period: tracker jitter (a step of a degree every
//! 10 ms) becomes a smooth turn rather than a train of steps, and a steady turn lags the target
//! by about twice [`GLIDE_S`] (measured in the tests: under 10 ms). A head that is still sits
//! exactly on its target, so an untracked session rotates nothing and costs nothing.

use super::orientation::Rotation;
use crate::binaural::Position;
use crate::dsp::period_track::PeriodTrack;

/// Time constant of each of the two glides (s).
pub const GLIDE_S: f32 = 0.0025;
/// Below this turn (degrees) from the target, the glides snap onto it.
const SNAP_DEG: f32 = 1e-3;

/// Whether a source stays in the room as the head turns, or turns with the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anchor {
    /// It stays where it is in the room (the default): turning the head to the right moves it
    /// to the left ear.
    #[default]
    World,
    /// It stays where it is relative to the ears: a whisper in the right ear stays there.
    Head,
}

impl Anchor {
    /// Where a source set at `p` (in its anchor's frame) is heard, relative to a head turned
    /// by `head`.
    pub fn heard(self, p: Position, head: Rotation) -> Position {
        match self {
            Self::World if !head.is_identity() => head.inverse().rotate_position(p),
            _ => p,
        }
    }

    /// Where a source set at `p` (in its anchor's frame) is in the room, with the head turned
    /// by `head`.
    pub fn in_world(self, p: Position, head: Rotation) -> Position {
        match self {
            Self::Head if !head.is_identity() => head.rotate_position(p),
            _ => p,
        }
    }
}

/// The head's smoothed orientation, a control period at a time. Allocates only in
/// [`HeadTrack::new`].
#[derive(Debug, Clone)]
pub struct HeadTrack {
    /// The two glides' coefficients.
    glide: Glide,
    /// The orientation asked for.
    target: Rotation,
    /// The two glides' states, as of the end of the last block.
    glides: [Rotation; 2],
    /// The orientation at the end of each control period of the block (none laid while the
    /// head is still).
    track: PeriodTrack<Rotation>,
}

/// Two one-pole glides in series towards a target orientation.
#[derive(Debug, Clone, Copy)]
struct Glide {
    /// Samples per second of the session.
    sample_rate: f32,
    /// The control period (samples).
    period: usize,
    /// Share of the way to its input each glide keeps over a whole control period.
    keep: f32,
}

impl Glide {
    /// Both glides moved on by `samples` towards `target`; returns the second's orientation.
    fn step(&self, glides: &mut [Rotation; 2], target: Rotation, samples: usize) -> Rotation {
        let keep = if samples == self.period {
            self.keep
        } else {
            (-(samples as f32) / (GLIDE_S * self.sample_rate)).exp()
        };
        let follow = |from: Rotation, to: Rotation| {
            if from.angle_to_deg(to) < SNAP_DEG {
                to
            } else {
                from.towards(to, 1.0 - keep)
            }
        };
        glides[0] = follow(glides[0], target);
        glides[1] = follow(glides[1], glides[0]);
        glides[1]
    }
}

impl HeadTrack {
    /// A still head looking ahead, in a session at `sample_rate` (Hz) with blocks of up to
    /// `max_block` samples and placers whose control period is `period` samples. Allocates.
    pub fn new(sample_rate: f32, max_block: usize, period: usize) -> Self {
        let track = PeriodTrack::new(max_block, period, Rotation::IDENTITY);
        let period = track.period();
        Self {
            glide: Glide {
                sample_rate,
                period,
                keep: (-(period as f32) / (GLIDE_S * sample_rate)).exp(),
            },
            target: Rotation::IDENTITY,
            glides: [Rotation::IDENTITY; 2],
            track,
        }
    }

    /// The orientation the head turns to (it glides there).
    pub fn set_target(&mut self, target: Rotation) {
        self.target = target.normalised();
    }

    /// Jumps to the target at once (a new session or a reset: nothing to glide from).
    pub fn settle(&mut self) {
        self.glides = [self.target; 2];
        self.track.clear();
    }

    /// The orientation now (the end of the last block).
    pub fn current(&self) -> Rotation {
        self.glides[1]
    }

    /// Moves on by a block of `n` samples, a control period at a time from the block's start,
    /// keeping the orientation at the end of each period in it (and a period beyond) for
    /// [`HeadTrack::period_after`]. A still head only stays.
    pub fn advance(&mut self, n: usize) {
        if self.glides.iter().all(|g| *g == self.target) {
            self.track.clear();
            return;
        }
        let (glide, target) = (self.glide, self.target);
        self.track.lay(n, &mut self.glides, |glides, from, to| {
            glide.step(glides, target, to - from)
        });
    }

    /// The orientation at the end of the control period after the one that holds `offset`
    /// samples into the block: what a placer starting a period at `offset` turns towards (as
    /// a layer's path gives its positions).
    pub fn period_after(&self, offset: usize) -> Rotation {
        self.track
            .at(offset + self.glide.period)
            .unwrap_or(self.glides[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::YawPitchRoll;

    const FS: f32 = 48_000.0;
    const PERIOD: usize = 32;
    const BLOCK: usize = 500;

    fn yaw(deg: f32) -> Rotation {
        Rotation::from_ypr(YawPitchRoll {
            yaw_deg: deg,
            ..YawPitchRoll::default()
        })
    }

    /// A still head turns nothing; a world-locked source is heard turned against the head and
    /// a head-locked one is not; in the room the head-locked one turns with the head.
    #[test]
    fn anchors() {
        let p = Position::default();
        let right = yaw(90.0);
        assert_eq!(Anchor::World.heard(p, Rotation::IDENTITY), p);
        assert!((Anchor::World.heard(p, right).azimuth_deg + 90.0).abs() < 1e-3);
        assert_eq!(Anchor::Head.heard(p, right), p);
        assert!((Anchor::Head.in_world(p, right).azimuth_deg - 90.0).abs() < 1e-3);
        assert_eq!(Anchor::World.in_world(p, right), p);
    }

    /// A steady turn of 360 degrees per second (the target moved every period) is followed
    /// with a lag under 10 ms; a still target is reached exactly, and then the track is empty.
    #[test]
    fn a_steady_turn_lags_by_less_than_ten_ms() {
        let mut head = HeadTrack::new(FS, PERIOD, PERIOD);
        let deg_per_period = 360.0 * PERIOD as f32 / FS;
        let mut angle = 0.0;
        for _ in 0..2000 {
            angle += deg_per_period;
            head.set_target(yaw(angle));
            head.advance(PERIOD);
        }
        let behind = head.current().angle_to_deg(yaw(angle));
        let lag_ms = 1000.0 * behind / 360.0;
        println!("a turn of 360 degrees per second lags by {lag_ms:.2} ms");
        assert!(lag_ms < 10.0 && lag_ms > 1.0, "lag {lag_ms:.2} ms");
        for _ in 0..2000 {
            head.advance(PERIOD);
        }
        assert_eq!(head.current(), yaw(angle).normalised());
        head.advance(PERIOD);
        assert_eq!(head.track.at(0), None, "a still head lays no track");
    }

    /// The track holds, at the end of each period of a block, what the same glides stepped a
    /// period at a time reach, and blocks that end inside a period join.
    #[test]
    fn the_track_is_the_glide_stepped_period_by_period() {
        let mut head = HeadTrack::new(FS, BLOCK, PERIOD);
        let mut reference = HeadTrack::new(FS, PERIOD, PERIOD);
        head.set_target(yaw(40.0));
        reference.set_target(yaw(40.0));
        head.advance(BLOCK);
        for k in 1..=BLOCK / PERIOD {
            reference.advance(PERIOD);
            let got = head.period_after(k * PERIOD - PERIOD);
            assert!(got.angle_to_deg(reference.current()) < 1e-3, "period {k}");
        }
        reference.advance(BLOCK % PERIOD);
        assert!(head.current().angle_to_deg(reference.current()) < 1e-3);
    }
}
