//! The per-source binaural placer: renders a mono signal at a (moving) position to two ears.
//!
//! Signal path per source:
//! mono input -> distance gain, proximity bass, air absorption -> HRTF convolution (both ears,
//! minimum-phase filters) -> per-ear near-field shelf -> per-ear fractional delay (the ITD).
//!
//! Positions arrive once per control period (about 0.67 ms). Within a period every cue glides
//! linearly from the old position's value to the new one, and when the direction changed the
//! old and new interpolated filters run side by side and are crossfaded over the period. The
//! filter therefore moves piecewise-linearly in time: no steps, no zipper noise, and no added
//! latency (direct-form convolution, the near ear is never delayed).

use super::Position;
use super::distance::{self, NEAR_FIELD_SHELF_HZ, PROXIMITY_SHELF_HZ};
use super::hrtf::HrtfSet;
use crate::dsp::convolve::{self, OUTPUT_CHUNK};
use crate::dsp::fractional_delay::FractionalDelay;
use crate::dsp::one_pole::OnePole;
use std::sync::Arc;

/// Length of the control period in seconds (32 samples at 48 kHz).
const CONTROL_PERIOD_S: f32 = 1.0 / 1500.0;
/// Extra ITD headroom in the delay lines, in samples.
const DELAY_HEADROOM: usize = 4;
/// Width (s) of the smooth hand-over of the ITD between the ears around the median plane.
const ITD_KNEE_S: f32 = 1e-4;

/// Splits an ITD (samples, left delay minus right delay) into the two ears' delays: the far
/// ear takes the ITD, the near ear none, with a smooth (hyperbolic) hand-over of width `knee`
/// samples around the median plane. A hard hand-over would put a kink in each ear's delay
/// every time a source crosses the median plane, which sprays phase-modulation sidebands;
/// the smooth one costs `knee / 2` samples of delay straight ahead and none at the sides.
#[inline]
fn ear_delays(itd: f32, knee: f32) -> [f32; 2] {
    let common = (itd * itd + knee * knee).sqrt();
    [0.5 * (common + itd), 0.5 * (common - itd)]
}

/// Every cue that glides across a control period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Cues {
    /// Overall source gain (linear).
    source_gain: f32,
    /// Proximity-bass boost: gain minus one below the proximity shelf.
    proximity_boost: f32,
    /// Air-absorption one-pole coefficient (1 = none).
    air_k: f32,
    /// Left ear delay minus right ear delay, in samples.
    itd_samples: f32,
    /// Per ear: near-field gain below the shelf.
    ear_low: [f32; 2],
    /// Per ear: near-field gain above the shelf.
    ear_high: [f32; 2],
}

impl Cues {
    #[inline]
    fn lerp(&self, to: &Self, t: f32) -> Self {
        let mix = |a: f32, b: f32| a + t * (b - a);
        Self {
            source_gain: mix(self.source_gain, to.source_gain),
            proximity_boost: mix(self.proximity_boost, to.proximity_boost),
            air_k: mix(self.air_k, to.air_k),
            itd_samples: mix(self.itd_samples, to.itd_samples),
            ear_low: [
                mix(self.ear_low[0], to.ear_low[0]),
                mix(self.ear_low[1], to.ear_low[1]),
            ],
            ear_high: [
                mix(self.ear_high[0], to.ear_high[0]),
                mix(self.ear_high[1], to.ear_high[1]),
            ],
        }
    }
}

/// Renders one mono source binaurally. Allocates only in [`Placer::new`].
#[derive(Debug, Clone)]
pub struct Placer {
    hrtf: Arc<HrtfSet>,
    sample_rate: f32,
    /// Control period in samples.
    period: usize,
    /// Width of the ITD hand-over between the ears, in samples.
    itd_knee: f32,
    /// Time-reversed filters in use at the start of the period: left, right.
    old: [Vec<f32>; 2],
    /// Time-reversed filters reached at the end of the period: left, right.
    new: [Vec<f32>; 2],
    /// Direction the `old` filters were interpolated for.
    filter_direction: (f32, f32),
    /// Whether `new` differs from `old` in this period.
    crossfading: bool,
    /// `taps - 1` samples of history, then this period's input, then kernel padding.
    history: Vec<f32>,
    /// Convolution outputs: old left, old right, new left, new right.
    wet: [Vec<f32>; 4],
    /// Samples of the current period already rendered (`period` = a new one is due).
    fill: usize,
    /// Whether a first position has been set since construction or reset.
    started: bool,
    from: Cues,
    to: Cues,
    proximity: OnePole,
    air: OnePole,
    ear_shelf: [OnePole; 2],
    delay: [FractionalDelay; 2],
}

impl Placer {
    /// A placer rendering with `hrtf`, which must already be at the session's sample rate
    /// (see [`HrtfSet::resampled`]). Allocates.
    pub fn new(hrtf: Arc<HrtfSet>) -> Self {
        let sample_rate = hrtf.sample_rate();
        let taps = hrtf.taps();
        let period = ((CONTROL_PERIOD_S * sample_rate).round() as usize).max(1);
        let max_delay = (hrtf.max_itd() * sample_rate).ceil() as usize + DELAY_HEADROOM;
        let mut ear_shelf = [OnePole::default(); 2];
        for shelf in &mut ear_shelf {
            shelf.set_coefficient(OnePole::coefficient(NEAR_FIELD_SHELF_HZ, sample_rate));
        }
        let mut proximity = OnePole::default();
        proximity.set_coefficient(OnePole::coefficient(PROXIMITY_SHELF_HZ, sample_rate));
        let wet_len = convolve::padded(period);
        Self {
            sample_rate,
            period,
            itd_knee: ITD_KNEE_S * sample_rate,
            old: [vec![0.0; taps], vec![0.0; taps]],
            new: [vec![0.0; taps], vec![0.0; taps]],
            filter_direction: (0.0, 0.0),
            crossfading: false,
            history: vec![0.0; taps - 1 + period + OUTPUT_CHUNK],
            wet: std::array::from_fn(|_| vec![0.0; wet_len]),
            fill: period,
            started: false,
            from: Cues::default(),
            to: Cues::default(),
            proximity,
            air: OnePole::default(),
            ear_shelf,
            delay: [
                FractionalDelay::new(max_delay),
                FractionalDelay::new(max_delay),
            ],
            hrtf,
        }
    }

    /// The control period in samples: how often [`Placer::process_add`] asks for a position.
    pub fn control_period(&self) -> usize {
        self.period
    }

    /// How many samples the placer keeps sounding after its input falls silent (filter length,
    /// largest interaural delay and one control period), in samples.
    pub fn tail_len(&self) -> usize {
        self.old[0].len() + self.delay[0].max_delay() as usize + self.period
    }

    /// Renders `input` and adds the two ear signals to `left` and `right` (all the same length).
    /// `next_position` is called at the start of every control period, with that start's sample
    /// offset into `input`, for the position the source reaches a control period later.
    pub fn process_add(
        &mut self,
        input: &[f32],
        left: &mut [f32],
        right: &mut [f32],
        mut next_position: impl FnMut(usize) -> Position,
    ) {
        let mut done = 0;
        while done < input.len() {
            if self.fill == self.period {
                self.begin_period(next_position(done));
            }
            let n = (self.period - self.fill).min(input.len() - done);
            let range = done..done + n;
            self.render(
                &input[range.clone()],
                &mut left[range.clone()],
                &mut right[range],
            );
            done += n;
        }
    }

    /// Forgets all signal history; the next position is taken without a glide.
    pub fn reset(&mut self) {
        self.history.fill(0.0);
        self.delay.iter_mut().for_each(FractionalDelay::reset);
        self.ear_shelf.iter_mut().for_each(OnePole::reset);
        self.proximity.reset();
        self.air.reset();
        self.fill = self.period;
        self.started = false;
        self.crossfading = false;
    }

    fn begin_period(&mut self, position: Position) {
        let direction = (position.azimuth_deg, position.elevation_deg);
        let turned = !self.started || direction != self.filter_direction;
        let itd_samples = if turned {
            let weights = self.hrtf.weights(direction.0, direction.1);
            let [left, right] = &mut self.new;
            self.hrtf.interpolate_reversed(&weights, left, right) * self.sample_rate
        } else {
            self.to.itd_samples
        };
        let cues = distance::cues(&position);
        let to = Cues {
            source_gain: cues.source_gain,
            proximity_boost: cues.proximity_gain - 1.0,
            air_k: OnePole::coefficient(cues.air_corner_hz, self.sample_rate),
            itd_samples,
            ear_low: cues.ear_low,
            ear_high: cues.ear_high,
        };
        if self.started {
            self.from = self.to;
            self.crossfading = turned;
        } else {
            std::mem::swap(&mut self.old, &mut self.new);
            self.from = to;
            self.crossfading = false;
            self.started = true;
        }
        self.filter_direction = direction;
        self.to = to;
        self.fill = 0;
    }

    fn render(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        let n = input.len();
        let taps = self.old[0].len();
        let period = self.period as f32;
        let start = self.fill;
        let at = |i: usize| (start + i + 1) as f32 / period;

        for (i, &x) in input.iter().enumerate() {
            let c = self.from.lerp(&self.to, at(i));
            let x = x * c.source_gain;
            let x = x + c.proximity_boost * self.proximity.process(x);
            self.air.set_coefficient(c.air_k);
            self.history[taps - 1 + start + i] = self.air.process(x);
        }

        let x = &self.history[start..];
        let [w0, w1, w2, w3] = &mut self.wet;
        if self.crossfading {
            let coeffs = [&self.old[0][..], &self.old[1], &self.new[0], &self.new[1]];
            convolve::convolve(x, coeffs, [w0, w1, w2, w3], n);
        } else {
            convolve::convolve(x, [&self.old[0][..], &self.old[1]], [w0, w1], n);
        }

        for i in 0..n {
            let t = at(i);
            let c = self.from.lerp(&self.to, t);
            let mut ears = [self.wet[0][i], self.wet[1][i]];
            if self.crossfading {
                ears[0] += t * (self.wet[2][i] - ears[0]);
                ears[1] += t * (self.wet[3][i] - ears[1]);
            }
            let delays = ear_delays(c.itd_samples, self.itd_knee);
            for ear in 0..2 {
                let y = ears[ear];
                let shelved = c.ear_high[ear] * y
                    + (c.ear_low[ear] - c.ear_high[ear]) * self.ear_shelf[ear].process(y);
                ears[ear] = self.delay[ear].process(shelved, delays[ear]);
            }
            left[i] += ears[0];
            right[i] += ears[1];
        }

        self.fill += n;
        if self.fill == self.period {
            self.history
                .copy_within(self.period..self.period + taps - 1, 0);
            if self.crossfading {
                std::mem::swap(&mut self.old, &mut self.new);
            }
        }
    }
}
