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
    /// Samples per second of the session.
    sample_rate: f32,
    /// Share of the way to its input each glide keeps over a whole control period.
    keep: f32,
    /// The placers' control period (samples).
    period: usize,
    /// The orientation asked for.
    target: Rotation,
    /// The two glides' states, as of the end of the last block.
    glides: [Rotation; 2],
    /// `track[k]`: the orientation `k + 1` control periods after the block's start.
    track: Vec<Rotation>,
    /// Entries of `track` filled this block (0: the head was still, at `glides[1]`).
    filled: usize,
}

impl HeadTrack {
    /// A still head looking ahead, in a session at `sample_rate` (Hz) with blocks of up to
    /// `max_block` samples and placers whose control period is `period` samples. Allocates.
    pub fn new(sample_rate: f32, max_block: usize, period: usize) -> Self {
        let period = period.max(1);
        Self {
            sample_rate,
            keep: (-(period as f32) / (GLIDE_S * sample_rate)).exp(),
            period,
            target: Rotation::IDENTITY,
            glides: [Rotation::IDENTITY; 2],
            // Up to a period past the block's end.
            track: vec![Rotation::IDENTITY; max_block.div_ceil(period) + 1],
            filled: 0,
        }
    }

    /// The orientation the head turns to (it glides there).
    pub fn set_target(&mut self, target: Rotation) {
        self.target = target.normalised();
    }

    /// Jumps to the target at once (a new session or a reset: nothing to glide from).
    pub fn settle(&mut self) {
        self.glides = [self.target; 2];
        self.filled = 0;
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
            self.filled = 0;
            return;
        }
        let mut at = 0;
        let mut k = 0;
        while at < n {
            let to = (at + self.period).min(n);
            self.glides = self.step(self.glides, to - at);
            if to == at + self.period {
                self.track[k] = self.glides[1];
                k += 1;
            }
            at = to;
        }
        // The periods that reach past the block's end, on a copy: the next block moves on
        // from exactly `n`.
        let mut ahead = self.glides;
        let mut grid = k * self.period;
        while k < self.track.len() && grid < n + self.period {
            let to = grid + self.period;
            ahead = self.step(ahead, to - grid.max(n));
            self.track[k] = ahead[1];
            grid = to;
            k += 1;
        }
        self.filled = k;
    }

    /// Both glides moved on by `samples`.
    fn step(&self, [a, b]: [Rotation; 2], samples: usize) -> [Rotation; 2] {
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
        let a = follow(a, self.target);
        [a, follow(b, a)]
    }

    /// The orientation at the end of the control period after the one that holds `offset`
    /// samples into the block: what a placer starting a period at `offset` turns towards (as
    /// a layer's path gives its positions).
    pub fn period_after(&self, offset: usize) -> Rotation {
        if self.filled == 0 {
            return self.glides[1];
        }
        let period_end = (offset + self.period).div_ceil(self.period).max(1);
        self.track[(period_end - 1).min(self.filled - 1)]
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
        assert_eq!(head.filled, 0);
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
