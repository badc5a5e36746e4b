//! Noise sources: for the ambient bed a pink filter (-3 dB per octave), a brown filter (-6 dB
//! per octave) and a slowly wandering random value for gentle modulations; for the triggers a
//! decaying noise burst.
//!
//! The filters take white noise whose power density does not depend on the sample rate (see
//! [`white_scale`]), so a bed sounds and measures the same at 44.1 kHz and at 192 kHz.

use super::one_pole::OnePole;
use super::random::{RngExt, SeededRng, white};
use std::f32::consts::TAU;

/// Sample rate at which white noise of full amplitude has the reference power density (Hz).
const REFERENCE_RATE: f32 = 48_000.0;

/// Scale of uniform white noise at `sample_rate` (Hz) so that its power per hertz equals that
/// of full-scale white noise at 48 kHz (the power spreads over a wider band at higher rates).
pub fn white_scale(sample_rate: f32) -> f32 {
    (sample_rate / REFERENCE_RATE).sqrt()
}

/// Pole-zero sections of the pink filter.
const PINK_SECTIONS: usize = 7;
/// Lowest pole of the pink filter (Hz): below it the spectrum is flat.
const PINK_LOWEST_POLE_HZ: f32 = 10.0;
/// Ratio between neighbouring poles (two octaves): each zero sits halfway between two poles
/// (in octaves), so the response alternates -6 and 0 dB per octave every octave and averages
/// -3 dB per octave within about ±0.3 dB.
const PINK_POLE_RATIO: f32 = 4.0;
/// Highest pole of the pink filter, as a share of the sample rate: sections above it are left
/// out (their pole and zero would crowd the Nyquist frequency).
const PINK_TOP_POLE_SHARE: f64 = 0.25;
/// Frequency at which the pink filter has unity gain (Hz).
const PINK_UNITY_HZ: f32 = 1000.0;
/// Corner of the brown filter (Hz): -6 dB per octave above it, flat below (no rumble build-up).
const BROWN_CORNER_HZ: f32 = 30.0;

/// A pink (1/f) filter for white noise: first-order pole-zero sections with poles two octaves
/// apart from 10 Hz up and a zero between each pair, normalised to unity gain at 1 kHz (so its
/// level there is the same at every sample rate). The cascade is run in its parallel form (its
/// partial-fraction expansion: a direct path plus one one-pole per section), whose sections do
/// not wait for each other, so the filter costs a few vector operations per sample.
#[derive(Debug, Clone, Copy)]
pub struct PinkFilter {
    /// Per section: pole (0 for a section left out).
    poles: [f32; PINK_SECTIONS],
    /// Per section: residue, the gain of its one-pole (0 for a section left out).
    residues: [f32; PINK_SECTIONS],
    /// Gain of the direct path.
    direct: f32,
    /// Per section: its one-pole's state.
    state: [f32; PINK_SECTIONS],
}

impl PinkFilter {
    /// A pink filter at `sample_rate` (Hz). Sections whose pole would lie above a quarter of
    /// the sample rate are left out, so the slope holds up to there.
    pub fn new(sample_rate: f32) -> Self {
        let fs = f64::from(sample_rate);
        let cos = (std::f64::consts::TAU * f64::from(PINK_UNITY_HZ) / fs).cos();
        // |1 - c e^(-jw)| at the unity frequency, of a pole or zero at `c`.
        let magnitude = |c: f64| (1.0 - 2.0 * c * cos + c * c).sqrt();
        let at = |hz: f64| (-std::f64::consts::TAU * hz / fs).exp();
        let mut pairs = [(0.0f64, 0.0f64); PINK_SECTIONS];
        let mut count = 0;
        let mut pole_hz = f64::from(PINK_LOWEST_POLE_HZ);
        while count < PINK_SECTIONS && pole_hz < PINK_TOP_POLE_SHARE * fs {
            let zero_hz = pole_hz * f64::from(PINK_POLE_RATIO).sqrt();
            pairs[count] = (at(pole_hz), at(zero_hz));
            count += 1;
            pole_hz *= f64::from(PINK_POLE_RATIO);
        }
        let pairs = &pairs[..count];
        let gain: f64 = pairs
            .iter()
            .map(|&(p, z)| magnitude(p) / magnitude(z))
            .product();
        // H(q) = gain * prod (1 - z q) / (1 - p q) = direct + sum r_k / (1 - p_k q), q = 1/z.
        let direct = gain * pairs.iter().map(|&(p, z)| z / p).product::<f64>();
        let mut poles = [0.0; PINK_SECTIONS];
        let mut residues = [0.0; PINK_SECTIONS];
        for (k, &(pk, _)) in pairs.iter().enumerate() {
            let zeros: f64 = pairs.iter().map(|&(_, z)| 1.0 - z / pk).product();
            let others: f64 = pairs
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .map(|(_, &(p, _))| 1.0 - p / pk)
                .product();
            poles[k] = pk as f32;
            residues[k] = (gain * zeros / others) as f32;
        }
        Self {
            poles,
            residues,
            direct: direct as f32,
            state: [0.0; PINK_SECTIONS],
        }
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let mut y = self.direct * x;
        for ((s, &p), &r) in self.state.iter_mut().zip(&self.poles).zip(&self.residues) {
            *s = p * *s + r * x;
            y += *s;
        }
        y
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.state = [0.0; PINK_SECTIONS];
    }
}

/// A brown (1/f²) filter for white noise: one pole at 30 Hz, unity gain at DC.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrownFilter(OnePole);

impl BrownFilter {
    /// A brown filter at `sample_rate` (Hz).
    pub fn new(sample_rate: f32) -> Self {
        let mut pole = OnePole::default();
        pole.set_coefficient(OnePole::coefficient(BROWN_CORNER_HZ, sample_rate));
        Self(pole)
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        self.0.process(x)
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.0.reset();
    }
}

/// A random value wandering slowly within a range: a new target, uniform in the range, after a
/// random hold; the value follows through two cascaded one-pole smoothers, so it moves in soft
/// S-curves with no corner and never faster than the smoothing allows. Advanced at a control
/// rate, not per sample.
#[derive(Debug, Clone, Copy)]
pub struct Wander {
    /// Range of the targets.
    range: (f32, f32),
    /// Range of the hold between targets, in control steps.
    hold: (u32, u32),
    /// Steps left before the next target.
    countdown: u32,
    target: f32,
    /// The two smoothing stages.
    smooth: [OnePole; 2],
}

impl Wander {
    /// A value in `range` that picks a new target every `hold_s` seconds (a range, random in
    /// it) and glides towards it with two smoothing stages of time constant `smooth_s` (s),
    /// advanced every `step_s` seconds. It starts in the middle of the range.
    pub fn new(range: (f32, f32), hold_s: (f32, f32), smooth_s: f32, step_s: f32) -> Self {
        let steps = |s: f32| (s / step_s).max(1.0) as u32;
        let k = OnePole::coefficient(1.0 / (TAU * smooth_s), 1.0 / step_s);
        let middle = 0.5 * (range.0 + range.1);
        let mut stage = OnePole::default();
        stage.set_coefficient(k);
        stage.set_state(middle);
        Self {
            range,
            hold: (steps(hold_s.0), steps(hold_s.1)),
            countdown: 0,
            target: middle,
            smooth: [stage; 2],
        }
    }

    /// Moves on by one control step and returns the value.
    pub fn next(&mut self, rng: &mut SeededRng) -> f32 {
        if self.countdown == 0 {
            self.target = rng.random_range(self.range.0..self.range.1);
            self.countdown = rng.random_range(self.hold.0..=self.hold.1);
        }
        self.countdown -= 1;
        let first = self.smooth[0].process(self.target);
        self.smooth[1].process(first)
    }

    /// Back to the middle of the range, a new target due at once.
    pub fn reset(&mut self) {
        let middle = 0.5 * (self.range.0 + self.range.1);
        self.countdown = 0;
        self.target = middle;
        for stage in &mut self.smooth {
            stage.set_state(middle);
        }
    }
}

/// Length of a [`NoiseBurst`] in decay time constants (it ends 52 dB down).
const BURST_TIME_CONSTANTS: f32 = 6.0;

/// A burst of white noise decaying exponentially: a fingernail's click, a drop's impact.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoiseBurst {
    /// Current amplitude.
    level: f32,
    /// Per-sample decay factor (0..1).
    fall: f32,
    /// Samples left.
    left: usize,
}

impl NoiseBurst {
    /// Starts a burst of amplitude `level` decaying with time constant `decay_s` (s, > 0) at
    /// `sample_rate` (Hz), replacing any burst still sounding.
    pub fn start(&mut self, level: f32, decay_s: f32, sample_rate: f32) {
        self.level = level;
        self.fall = (-1.0 / (decay_s * sample_rate)).exp();
        self.left = (BURST_TIME_CONSTANTS * decay_s * sample_rate) as usize;
    }

    /// Whether the burst still sounds.
    pub fn is_sounding(&self) -> bool {
        self.left > 0
    }

    /// Adds the next `out.len()` samples of the burst to `out`, drawing noise from `rng`.
    pub fn add_to(&mut self, out: &mut [f32], rng: &mut SeededRng) {
        let len = self.left.min(out.len());
        for o in &mut out[..len] {
            *o += self.level * white(rng);
            self.level *= self.fall;
        }
        self.left -= len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::random::seeded;

    /// Gain (dB) of `filter` at `freq_hz`, from its steady-state response to a sine.
    fn response_db(mut filter: impl FnMut(f32) -> f32, freq_hz: f32, fs: f32) -> f32 {
        let n = (fs * 2.0) as usize;
        let (mut sum_in, mut sum_out) = (0.0f64, 0.0f64);
        for i in 0..n {
            let x = (TAU * freq_hz * i as f32 / fs).sin();
            let y = filter(x);
            if i > n / 2 {
                sum_in += f64::from(x * x);
                sum_out += f64::from(y * y);
            }
        }
        10.0 * (sum_out / sum_in).log10() as f32
    }

    /// The pink filter falls 3 dB per octave (within 0.5 dB) from 100 Hz to 6.4 kHz at every
    /// common rate; the brown filter 6 dB.
    #[test]
    fn pink_and_brown_slopes() {
        for fs in [44_100.0, 48_000.0, 96_000.0] {
            let mut octave = 100.0;
            let mut pink = PinkFilter::new(fs);
            let mut last = response_db(|x| pink.process(x), octave, fs);
            while octave < 6400.0 {
                octave *= 2.0;
                let mut pink = PinkFilter::new(fs);
                let db = response_db(|x| pink.process(x), octave, fs);
                assert!(
                    (db - last + 3.0).abs() < 0.5,
                    "pink at {fs} Hz: {last} -> {db} dB at {octave} Hz"
                );
                let mut brown = BrownFilter::new(fs);
                let lower = response_db(|x| brown.process(x), octave / 2.0, fs);
                let mut brown = BrownFilter::new(fs);
                let upper = response_db(|x| brown.process(x), octave, fs);
                assert!(
                    (upper - lower + 6.0).abs() < 0.5,
                    "brown at {fs} Hz: {lower} -> {upper} dB at {octave} Hz"
                );
                last = db;
            }
        }
    }

    /// A wandering value stays in its range and moves no faster than its smoothing allows.
    #[test]
    fn wander_stays_in_range_and_moves_slowly() {
        let step_s = 0.001;
        let mut w = Wander::new((-1.0, 1.0), (2.0, 4.0), 1.0, step_s);
        let mut rng = seeded(3);
        let mut last = w.next(&mut rng);
        let mut fastest = 0.0f32;
        for _ in 0..60_000 {
            let v = w.next(&mut rng);
            assert!((-1.0..=1.0).contains(&v), "{v}");
            fastest = fastest.max((v - last).abs() / step_s);
            last = v;
        }
        // Two stages of 1 s: a full-range jump of the target moves the value at most about
        // range / (e * 1 s) per second.
        assert!(fastest < 0.8, "fastest change {fastest} per second");
    }
}
