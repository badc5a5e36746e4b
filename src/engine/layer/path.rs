//! A layer's path: its one glide state (set position, glides and motion), and where it takes
//! the layer through the current block, which every placer of the layer reads.
//!
//! An idle layer moves its path on once per block. A layer with sounding or starting triggers
//! steps it once per placer control period and keeps the positions of the block as a track:
//! a trigger's placer asks where the layer is at the end of each of its control periods and
//! reads the track there (to the period), so the layer's triggers follow one path.

use super::settings::LayerSettings;
use crate::binaural::Position;
use crate::dsp::period_track::PeriodTrack;
use crate::engine::placement::PlacementControl;
use crate::engine::tempo::{Clock, Transport};

/// A layer's path. Allocates only in [`Path::new`].
#[derive(Debug, Clone)]
pub struct Path {
    sample_rate: f32,
    /// The glide state, as of the end of the last block.
    control: PlacementControl,
    /// The positions this block, per placer control period.
    track: PeriodTrack<Position>,
}

impl Path {
    /// A path at `sample_rate` (Hz) for blocks of up to `max_block` samples, read by placers
    /// whose control period is `period` samples. Allocates.
    pub fn new(sample_rate: f32, max_block: usize, period: usize) -> Self {
        Self {
            sample_rate,
            control: PlacementControl::default(),
            track: PeriodTrack::new(max_block, period, Position::default()),
        }
    }

    /// Where the layer is now (after glides and motion).
    pub fn current(&self) -> Position {
        self.control.current()
    }

    /// Starts over: the next step jumps to the set position, the motion to phase 0.
    pub fn reset(&mut self) {
        self.control.reset();
        self.track.clear();
    }

    /// Moves the path on by a block of `n` samples: in one step, or, if `tracked`, a control
    /// period at a time, keeping the block's positions (and one period beyond) for
    /// [`Path::at`].
    pub fn advance(
        &mut self,
        settings: &LayerSettings,
        transport: &Transport,
        clock: &Clock,
        n: usize,
        tracked: bool,
    ) {
        let sample_rate = f64::from(self.sample_rate);
        let step = |control: &mut PlacementControl, from: usize, to: usize| {
            control.step(
                (to - from) as f64 / sample_rate,
                &settings.position,
                &settings.motion,
                transport,
                clock.beats_at(to),
            )
        };
        if tracked {
            self.track.lay(n, &mut self.control, step);
        } else {
            self.track.clear();
            step(&mut self.control, 0, n);
        }
    }

    /// Where the layer is a control period after `offset` samples into the block: what a
    /// placer starting a period there asks for.
    pub fn period_after(&self, offset: usize) -> Position {
        self.at(offset + self.track.period())
    }

    /// Where the layer is `offset` samples into the block (at the end of the control period
    /// that holds it), after a tracked [`Path::advance`]; where it is now otherwise.
    pub fn at(&self, offset: usize) -> Position {
        self.track
            .at(offset)
            .unwrap_or_else(|| self.control.current())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::motion::{MotionMode, MotionRate, MotionSettings};

    const FS: f32 = 48_000.0;
    const PERIOD: usize = 32;
    /// Not a whole number of periods, so the block ends inside one.
    const BLOCK: usize = 500;

    fn orbiting() -> LayerSettings {
        LayerSettings {
            motion: MotionSettings {
                mode: MotionMode::Orbit,
                rate: MotionRate::Hertz(2.0),
                depth: 1.0,
            },
            ..LayerSettings::default()
        }
    }

    /// A tracked block holds, at the end of each of its control periods (and one beyond the
    /// block), exactly the positions one glide stepped a period at a time reaches; the path
    /// ends the block where that glide is at its last sample, so blocks join.
    #[test]
    fn the_track_is_the_glide_stepped_period_by_period() {
        let settings = orbiting();
        let (transport, clock) = (Transport::default(), Clock::default());
        let mut path = Path::new(FS, BLOCK, PERIOD);
        let mut glide = PlacementControl::default();
        let step = |glide: &mut PlacementControl, samples: usize| {
            glide.step(
                samples as f64 / f64::from(FS),
                &settings.position,
                &settings.motion,
                &transport,
                None,
            )
        };
        for _ in 0..3 {
            path.advance(&settings, &transport, &clock, BLOCK, true);
            let mut expected = glide.clone();
            for k in 1..=BLOCK / PERIOD {
                let reached = step(&mut expected, PERIOD);
                assert_eq!(path.at(k * PERIOD), reached, "period {k}");
                assert_eq!(
                    path.at(k * PERIOD - PERIOD / 2),
                    reached,
                    "inside period {k}"
                );
            }
            step(&mut expected, BLOCK % PERIOD);
            glide = expected;
            assert_eq!(
                path.current(),
                glide.current(),
                "the block ends where the glide does"
            );
            let mut beyond = glide.clone();
            let next_grid = BLOCK.div_ceil(PERIOD) * PERIOD;
            assert_eq!(path.at(next_grid), step(&mut beyond, next_grid - BLOCK));
            let moved = path.at(PERIOD).azimuth_deg - path.at(BLOCK).azimuth_deg;
            assert!(moved.abs() > 1.0, "the orbit moves ({moved} degrees)");
        }
    }

    /// An idle block moves the path in one step, and then every offset reads where it is.
    #[test]
    fn an_untracked_block_is_one_step() {
        let settings = orbiting();
        let (transport, clock) = (Transport::default(), Clock::default());
        let mut path = Path::new(FS, BLOCK, PERIOD);
        let mut glide = PlacementControl::default();
        path.advance(&settings, &transport, &clock, BLOCK, false);
        let reached = glide.step(
            BLOCK as f64 / f64::from(FS),
            &settings.position,
            &settings.motion,
            &transport,
            None,
        );
        assert_eq!(path.current(), reached);
        assert_eq!(path.at(0), reached);
        assert_eq!(path.at(BLOCK), reached);
    }
}
