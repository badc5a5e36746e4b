//! The late reverberation: a feedback delay network (Jot & Chaigne 1991) of [`LINES`] delay
//! lines mixed by a Hadamard matrix, fed through a chain of all-pass diffusers.
//!
//! - **Decay per band.** Each line's loop filter (a gain with a low and a high one-pole shelf)
//!   takes off the dB per pass that the room's reverberation time asks in each octave band
//!   from 250 Hz to 4 kHz (`-60 dB x line length / T60`, fitted by least squares), so every
//!   band decays at its own rate and the tail never rings at one frequency.
//! - **Density.** The diffusers smear each input into a burst of echoes within a few
//!   milliseconds, and the 16 lines (lengths spread over an octave, each a prime number of
//!   samples) multiply them at every pass: the echoes merge into noise well before 100 ms.
//! - **Two ears.** Four orthogonal rows of the matrix read four uncorrelated signals off the
//!   lines. Both ears share the first below a corner and each has its own above it, through
//!   a power-complementary low-pass and high-pass pair, and the fourth reaches them with
//!   opposite signs around the head's dip ([`DiffuseMix`]): the ears' coherence is that of a
//!   diffuse field, near 1 in the bass, a little below 0 around 1 kHz and near 0 above, the
//!   shape fitted to the HRTF set in use.
//! - **Half rate.** The network runs at half the room's rate between half-band filters
//!   ([`crate::dsp::halfband`]): the tail reaches 11 kHz in a 48 kHz session (reverberation
//!   above that is mostly absorbed by air and walls anyway) and costs half as much.
//! - **Level.** The output is scaled so that the tail's energy is the reverberant energy
//!   Sabine's theory gives for the room after the tail's onset (see
//!   [`super::design::RoomDesign::critical_distance_m`]).

use super::design::{MID_BAND, RoomDesign};
use crate::dsp::allpass::Allpass;
use crate::dsp::biquad::Biquad;
use crate::dsp::coherence::{DiffuseMix, DiffuseShape};
use crate::dsp::halfband::{self, Doubler, Halver};
use crate::dsp::octave;
use crate::dsp::simd::SimdPath;
use std::f32::consts::TAU;

/// Delay lines in the network.
pub const LINES: usize = 16;
/// How far the lines' lengths spread above the shortest (octaves).
const LINE_SPREAD_OCT: f32 = 1.1;
/// Delays of the input diffusers (s).
const DIFFUSER_DELAYS_S: [f32; 4] = [0.0011, 0.0017, 0.0026, 0.0039];
/// Feedback of the input diffusers.
const DIFFUSER_GAIN: f32 = 0.6;
/// Corner of the high-pass on the tail's input (Hz): nothing below it reverberates.
const SUB_BASS_HZ: f32 = 30.0;
/// The octave bands the loop filters are fitted in (250 Hz to 4 kHz: indices into the octave
/// bands; the 1 kHz band is the middle one).
const FITTED: [usize; 5] = [1, 2, MID_BAND, 4, 5];
/// Corners of the loop filters' low and high shelves (Hz).
const SHELF_CORNERS_HZ: [f32; 2] = [500.0, 2000.0];
/// Gauss-Newton passes of the loop-filter fit.
const FIT_PASSES: usize = 4;
/// Step of the fit's finite differences (in log gain).
const FIT_STEP: f32 = 1e-3;
/// Rows of the mixing matrix the input enters by and the three outputs leave by.
const INPUT_ROW: usize = 9;
/// See [`INPUT_ROW`]: shared, left's own, right's own, opposed (the coherence's dip: see
/// [`DiffuseMix`]). Any two of them differ in the sign of neighbouring lines only (their
/// element-wise products are the rows of index 1, 2 and 3), so the lines' unequal energies
/// (longer lines lose more per pass) cancel pair by pair in the outputs' correlation instead of
/// adding up.
const OUTPUT_ROWS: [usize; OUTPUTS] = [4, 5, 6, 7];
/// Signals read off the lines.
const OUTPUTS: usize = 4;
/// Delays (s) of the left and right ears' own signals and of the opposed one against the
/// shared one: what little the rows still share at the same instant (the lines' echoes are
/// not independent) then no longer lines up, so the ears' coherence is the mix's alone.
const OWN_DELAYS_S: [f32; OUTPUTS - 1] = [0.0071, 0.0133, 0.0101];
/// Bounds of the loop filter's log gains (broadband, low shelf, high shelf) the fit keeps to:
/// no gain above 1 anywhere, no shelf steeper than a filter of this kind can follow.
const LOG_GAIN_BOUNDS: [(f32, f32); 3] = [(-12.0, -1e-5), (-1.0, 2.5), (-5.0, 0.5)];
/// Largest loop gain the filter may have at any frequency (a margin under 1: the tail always
/// dies away).
const MAX_LOOP_GAIN: f32 = 0.9995;
/// Energy decay exponent: energy falls by `exp(-DECAY_60 t / T60)` (60 dB = 10^6).
const DECAY_60: f32 = 13.815_51;

/// The lines' loop filters, one lane per line: `gain x low shelf x high shelf`, each shelf a
/// one-pole low-pass mixed with its input.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LoopGains {
    /// Broadband gain.
    gain: [f32; LINES],
    /// Low shelf's gain at DC, relative (1 at high frequencies).
    low: [f32; LINES],
    /// High shelf's gain at Nyquist, relative (1 at DC).
    high: [f32; LINES],
}

impl Default for LoopGains {
    fn default() -> Self {
        Self {
            gain: [0.0; LINES],
            low: [1.0; LINES],
            high: [1.0; LINES],
        }
    }
}

impl LoopGains {
    /// The step per sample that brings `self` to `to` in `n` samples.
    fn step_to(&self, to: &Self, n: usize) -> Self {
        let over = 1.0 / n.max(1) as f32;
        let step =
            |a: &[f32; LINES], b: &[f32; LINES]| std::array::from_fn(|i| (b[i] - a[i]) * over);
        Self {
            gain: step(&self.gain, &to.gain),
            low: step(&self.low, &to.low),
            high: step(&self.high, &to.high),
        }
    }

    /// Moves on by one `step`.
    #[inline]
    fn advance(&mut self, step: &Self) {
        for i in 0..LINES {
            self.gain[i] += step.gain[i];
            self.low[i] += step.low[i];
            self.high[i] += step.high[i];
        }
    }
}

/// The late tail. Allocates only in [`Late::new`].
#[derive(Debug, Clone)]
pub struct Late {
    /// The tail's own rate (Hz): half the room's.
    sample_rate: f32,
    /// Halves the room's rate on the way in.
    halver: Halver,
    /// Double the two ears back.
    doublers: [Doubler; 2],
    /// The input at the tail's rate, one block.
    low_in: Vec<f32>,
    /// The two ears at the tail's rate, one block.
    low_out: [Vec<f32>; 2],
    /// The input through the sub-bass filter and the diffusers, one block.
    fed: Vec<f32>,
    /// What the lines hold for the samples of a stretch, one frame (a sample of every line)
    /// per sample: read from the lines, run through the loop, written back.
    frames: Vec<[f32; LINES]>,
    /// The output rows' signals of a stretch (see [`OUTPUT_ROWS`]).
    taps: Vec<[f32; OUTPUTS]>,
    /// Which build of the network's loop runs.
    path: SimdPath,
    lines: Vec<Vec<f32>>,
    /// Current length of each line (samples).
    lengths: [usize; LINES],
    /// Write position of each line.
    at: [usize; LINES],
    /// The loop filters the room's design asks for.
    loops: LoopGains,
    /// The loop filters the last block ended with: the next glides from them to `loops`, so
    /// a change of size or damping never steps a filter holding the tail.
    applied: LoopGains,
    /// One-pole states of the loop filters' low and high shelves.
    shelf_states: [[f32; LINES]; 2],
    /// One-pole coefficients of the low and high shelves.
    shelf_k: [f32; 2],
    diffusers: Vec<Allpass>,
    sub_bass: Biquad,
    /// The ears' own signals' delays ([`OWN_DELAYS_S`]), rings.
    own_delays: [Vec<f32>; OUTPUTS - 1],
    /// Where they are.
    own_at: [usize; OUTPUTS - 1],
    mix: DiffuseMix,
    /// Output gain that sets the tail's level.
    gain: f32,
    /// The gain the last block ended with (the next glides from it to `gain`).
    last_gain: f32,
    /// Whether a room with a tail is set.
    on: bool,
}

impl Late {
    /// A silent tail for a room at `room_rate` (Hz) taking blocks of up to `max_block`
    /// samples, with lines long enough for a shortest line of `longest_line_s` (s).
    /// Allocates.
    pub fn new(room_rate: f32, longest_line_s: f32, max_block: usize) -> Self {
        let sample_rate = room_rate / 2.0;
        let longest = (longest_line_s * 2f32.powf(LINE_SPREAD_OCT) * sample_rate).ceil() as usize;
        let coefficients = halfband::design(halfband::TRANSITION);
        let low_block = max_block / 2 + 1;
        Self {
            sample_rate,
            halver: Halver::new(coefficients),
            doublers: [Doubler::new(coefficients), Doubler::new(coefficients)],
            low_in: vec![0.0; low_block],
            low_out: [vec![0.0; low_block], vec![0.0; low_block]],
            fed: vec![0.0; low_block],
            frames: vec![[0.0; LINES]; low_block],
            taps: vec![[0.0; OUTPUTS]; low_block],
            path: SimdPath::detect(),
            lines: (0..LINES).map(|_| vec![0.0; longest + 2]).collect(),
            lengths: [1; LINES],
            at: [0; LINES],
            loops: LoopGains::default(),
            applied: LoopGains::default(),
            shelf_states: [[0.0; LINES]; 2],
            shelf_k: SHELF_CORNERS_HZ
                .map(|f| crate::dsp::one_pole::OnePole::coefficient(f, sample_rate)),
            diffusers: DIFFUSER_DELAYS_S
                .iter()
                .map(|d| Allpass::new((d * sample_rate) as usize, DIFFUSER_GAIN))
                .collect(),
            sub_bass: Biquad::highpass(SUB_BASS_HZ, std::f32::consts::FRAC_1_SQRT_2, sample_rate),
            own_delays: OWN_DELAYS_S.map(|d| vec![0.0; ((d * sample_rate) as usize).max(1)]),
            own_at: [0; OUTPUTS - 1],
            mix: DiffuseMix::new(
                DiffuseShape::butterworth(crate::dsp::coherence::DEFAULT_CORNER_HZ),
                sample_rate,
            ),
            gain: 0.0,
            last_gain: 0.0,
            on: false,
        }
    }

    /// Takes a room's design (`None`, or a room without a tail, silences it): line lengths
    /// (when they change the tail starts empty), loop filters and level. Does not allocate.
    pub fn set_design(&mut self, design: Option<&RoomDesign>) {
        let Some(design) = design.filter(|d| !d.ground_only) else {
            self.on = false;
            self.clear();
            return;
        };
        let shortest = design.late_line_s * self.sample_rate;
        let capacity = self.lines[0].len() - 1;
        // Each line a prime longer than the one before: two lines of one length would put
        // their echoes (and modes) on top of each other, which short lines' rounding would.
        let mut lengths = [0usize; LINES];
        let mut previous = 0;
        for (i, length) in lengths.iter_mut().enumerate() {
            let spread = 2f32.powf(LINE_SPREAD_OCT * i as f32 / (LINES - 1) as f32);
            *length = prime_near(((shortest * spread) as usize).max(previous + 1)).min(capacity);
            previous = *length;
        }
        let fresh = lengths != self.lengths || !self.on;
        if fresh {
            self.lengths = lengths;
            self.clear();
        }
        self.on = true;
        for i in 0..LINES {
            let target =
                FITTED.map(|b| pass_gain(self.lengths[i], design.t60_s[b], self.sample_rate).ln());
            (self.loops.gain[i], self.loops.low[i], self.loops.high[i]) = self.fit(&target);
        }
        if fresh {
            // An empty tail: nothing to glide.
            self.applied = self.loops;
        }
        self.gain = self.output_gain(design);
    }

    /// Gives the ears' coherence `shape` (see [`DiffuseMix`]).
    pub fn set_coherence(&mut self, shape: DiffuseShape) {
        self.mix = DiffuseMix::retuned(&self.mix, shape, self.sample_rate);
    }

    /// The loop filter's three gains whose log magnitudes come closest (least squares, by
    /// Gauss-Newton) to `target` (the log gain per pass in each of the [`FITTED`] bands).
    fn fit(&self, target: &[f32; FITTED.len()]) -> (f32, f32, f32) {
        // Parameters: the logs of the three gains, starting from the bands nearest the shelves.
        let mut p = [target[2], target[0] - target[2], target[4] - target[2]];
        let residuals = |p: &[f32; 3]| -> [f32; FITTED.len()] {
            let (gain, low, high) = (p[0].exp(), p[1].exp(), p[2].exp());
            std::array::from_fn(|i| {
                self.loop_magnitude(gain, low, high, octave::CENTRES_HZ[FITTED[i]])
                    .ln()
                    - target[i]
            })
        };
        for _ in 0..FIT_PASSES {
            let r = residuals(&p);
            // The Jacobian by finite differences, then the normal equations J'J d = -J'r.
            let mut jacobian = [[0.0f32; 3]; FITTED.len()];
            for k in 0..3 {
                let mut q = p;
                q[k] += FIT_STEP;
                let moved = residuals(&q);
                for (row, (m, r0)) in jacobian.iter_mut().zip(moved.iter().zip(&r)) {
                    row[k] = (m - r0) / FIT_STEP;
                }
            }
            let mut normal = [[0.0f32; 3]; 3];
            let mut rhs = [0.0f32; 3];
            for (row, &res) in jacobian.iter().zip(&r) {
                for a in 0..3 {
                    rhs[a] -= row[a] * res;
                    for b in 0..3 {
                        normal[a][b] += row[a] * row[b];
                    }
                }
            }
            let Some(step) = solve3(normal, rhs).filter(|s| s.iter().all(|v| v.is_finite())) else {
                break;
            };
            for ((v, d), (lo, hi)) in p.iter_mut().zip(step).zip(LOG_GAIN_BOUNDS) {
                *v = (*v + d).clamp(lo, hi);
            }
        }
        let (gain, low, high) = (p[0].exp(), p[1].exp(), p[2].exp());
        // The loop never gains: at DC (gain × low), at Nyquist (gain × high) and between.
        let peak = self
            .loop_magnitude(gain, low, high, 0.0)
            .max(self.loop_magnitude(gain, low, high, 0.5 * self.sample_rate))
            .max(gain);
        (gain * (MAX_LOOP_GAIN / peak).min(1.0), low, high)
    }

    /// The magnitude of a loop filter with these gains at `hz`.
    fn loop_magnitude(&self, gain: f32, low: f32, high: f32, hz: f32) -> f32 {
        let w = TAU * hz / self.sample_rate;
        // One-pole low-pass k / (1 - (1 - k) e^-jw).
        let lowpass = |k: f32| {
            let (re, im) = (1.0 - (1.0 - k) * w.cos(), (1.0 - k) * w.sin());
            let d = re * re + im * im;
            (k * re / d, -k * im / d)
        };
        let (lr, li) = lowpass(self.shelf_k[0]);
        let (hr, hi) = lowpass(self.shelf_k[1]);
        // Low shelf 1 + (low - 1) LP; high shelf high + (1 - high) LP.
        let (ar, ai) = (1.0 + (low - 1.0) * lr, (low - 1.0) * li);
        let (br, bi) = (high + (1.0 - high) * hr, (1.0 - high) * hi);
        gain * (ar * ar + ai * ai).sqrt() * (br * br + bi * bi).sqrt()
    }

    /// The output gain that gives the tail Sabine's reverberant energy after its onset, for a
    /// source of unit power (1 at 1 m through the direct path).
    fn output_gain(&self, design: &RoomDesign) -> f32 {
        let Some(critical) = design.critical_distance_m() else {
            return 0.0;
        };
        let t60 = design.t60_s[MID_BAND];
        let onset_s = self.lengths[0] as f32 / self.sample_rate;
        let wanted = (-DECAY_60 * onset_s / t60).exp() / (critical * critical);
        // The network's energy per unit input at one output: each pass keeps the mean squared
        // loop gain, and an output row reads a 1 / LINES share of the lines' energy.
        let l = &self.loops;
        let kept: f32 = (0..LINES)
            .map(|i| {
                let g = self.loop_magnitude(
                    l.gain[i],
                    l.low[i],
                    l.high[i],
                    octave::CENTRES_HZ[MID_BAND],
                );
                g * g
            })
            .sum::<f32>()
            / LINES as f32;
        let network = 1.0 / (LINES as f32 * (1.0 - kept).max(1e-6));
        (wanted / network).sqrt()
    }

    /// Runs `input` (mono, the room's send, at the room's rate) through the tail and adds the
    /// two ears to `left` and `right` (all the same length). Returns the block's largest
    /// output magnitude.
    pub fn add_to(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) -> f32 {
        if !self.on {
            return 0.0;
        }
        // The buffers are moved out and back (no allocation) while the network runs.
        let mut low_in = std::mem::take(&mut self.low_in);
        let [mut out_l, mut out_r] = std::mem::take(&mut self.low_out);
        let m = self.halver.process(input, &mut low_in);
        out_l[..m].fill(0.0);
        out_r[..m].fill(0.0);
        let peak = self.run(&low_in[..m], &mut out_l[..m], &mut out_r[..m]);
        self.doublers[0].add_to(&out_l[..m], left);
        self.doublers[1].add_to(&out_r[..m], right);
        self.low_in = low_in;
        self.low_out = [out_l, out_r];
        peak
    }

    /// Runs the network over `input` at the tail's rate, adding the ears to `left` and
    /// `right`; returns the largest output magnitude.
    ///
    /// The lines are read and written a stretch at a time (at most the shortest line's length,
    /// so nothing written in a stretch is read in it): every line's samples of the stretch are
    /// gathered into frames, [`Network::run`] runs the loop over them, and the frames go back
    /// to the lines.
    fn run(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) -> f32 {
        let n = input.len();
        for (fed, &x) in self.fed.iter_mut().zip(input) {
            let mut v = self.sub_bass.process(x);
            for diffuser in &mut self.diffusers {
                v = diffuser.process(v);
            }
            *fed = v;
        }
        // The loop filters and the level glide over the block from where the last one ended.
        let mut network = Network {
            loops: self.applied,
            step: self.applied.step_to(&self.loops, n),
            states: self.shelf_states,
            shelf_k: self.shelf_k,
        };
        self.applied = self.loops;
        let mut gain = self.last_gain;
        let gain_step = (self.gain - gain) / n.max(1) as f32;
        self.last_gain = self.gain;
        let mut peak = 0.0f32;
        let mut done = 0;
        while done < n {
            let stretch = (n - done).min(self.lengths[0]);
            let frames = &mut self.frames[..stretch];
            let taps = &mut self.taps[..stretch];
            gather(&self.lines, &self.at, &self.lengths, frames);
            network.run(self.path, frames, &self.fed[done..done + stretch], taps);
            scatter(frames, &mut self.lines, &mut self.at, &self.lengths);
            for (k, tap) in taps.iter_mut().enumerate() {
                // Each ear's own signal, delayed.
                for ((tap, ring), at) in tap[1..]
                    .iter_mut()
                    .zip(&mut self.own_delays)
                    .zip(&mut self.own_at)
                {
                    std::mem::swap(tap, &mut ring[*at]);
                    *at = if *at + 1 == ring.len() { 0 } else { *at + 1 };
                }
                let (el, er) = self.mix.process(tap[0], tap[1], tap[2], tap[3]);
                gain += gain_step;
                let (el, er) = (gain * el, gain * er);
                peak = peak.max(el.abs()).max(er.abs());
                left[done + k] += el;
                right[done + k] += er;
            }
            done += stretch;
        }
        self.shelf_states = network.states;
        peak
    }

    /// Empties the lines and filters.
    pub fn clear(&mut self) {
        for line in &mut self.lines {
            line.fill(0.0);
        }
        self.at = [0; LINES];
        self.shelf_states = [[0.0; LINES]; 2];
        self.diffusers.iter_mut().for_each(Allpass::reset);
        self.sub_bass.reset();
        for ring in &mut self.own_delays {
            ring.fill(0.0);
        }
        self.own_at = [0; OUTPUTS - 1];
        self.mix.reset();
        self.halver.reset();
        self.doublers.iter_mut().for_each(Doubler::reset);
    }
}

/// The loop's state over a block: the loop filters (gliding by `step` per sample) and their
/// shelves.
struct Network {
    loops: LoopGains,
    step: LoopGains,
    /// One-pole states of the low and high shelves.
    states: [[f32; LINES]; 2],
    /// One-pole coefficients of the low and high shelves.
    shelf_k: [f32; 2],
}

impl Network {
    /// Runs the loop over a stretch: each frame (what the lines give out) is read off by the
    /// output rows into `taps`, then filtered, mixed and replaced by what goes back into the
    /// lines, `fed` injected. With the build `path` picks.
    fn run(
        &mut self,
        path: SimdPath,
        frames: &mut [[f32; LINES]],
        fed: &[f32],
        taps: &mut [[f32; OUTPUTS]],
    ) {
        #[cfg(target_arch = "x86_64")]
        if path.avx512() {
            // SAFETY: the path is AVX-512 only on a CPU that supports it.
            unsafe { self.run_avx512(frames, fed, taps) };
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if path.avx2_fma() {
            // SAFETY: the path is AVX2/FMA only on a CPU that supports both.
            unsafe { self.run_avx2(frames, fed, taps) };
            return;
        }
        self.run_body(frames, fed, taps);
    }

    /// [`Network::run`] compiled for AVX-512.
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn run_avx512(
        &mut self,
        frames: &mut [[f32; LINES]],
        fed: &[f32],
        taps: &mut [[f32; OUTPUTS]],
    ) {
        self.run_body(frames, fed, taps);
    }

    /// [`Network::run`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_avx2(
        &mut self,
        frames: &mut [[f32; LINES]],
        fed: &[f32],
        taps: &mut [[f32; OUTPUTS]],
    ) {
        self.run_body(frames, fed, taps);
    }

    /// The body of [`Network::run`]: lane-wise arithmetic on all the lines at once, which the
    /// compiler vectorises for whichever build inlines it.
    #[inline(always)]
    fn run_body(&mut self, frames: &mut [[f32; LINES]], fed: &[f32], taps: &mut [[f32; OUTPUTS]]) {
        let inject = hadamard_row(INPUT_ROW);
        let rows = OUTPUT_ROWS.map(hadamard_row);
        let [k_low, k_high] = self.shelf_k;
        let [s_low, s_high] = &mut self.states;
        let loops = &mut self.loops;
        for ((frame, &fed), tap) in frames.iter_mut().zip(fed).zip(taps) {
            let o = *frame;
            for (t, row) in tap.iter_mut().zip(&rows) {
                *t = dot(&o, row);
            }
            let mut y = [0.0f32; LINES];
            for i in 0..LINES {
                s_low[i] += k_low * (o[i] - s_low[i]);
                let shelved = o[i] + (loops.low[i] - 1.0) * s_low[i];
                s_high[i] += k_high * (shelved - s_high[i]);
                y[i] =
                    loops.gain[i] * (loops.high[i] * shelved + (1.0 - loops.high[i]) * s_high[i]);
            }
            hadamard(&mut y);
            for i in 0..LINES {
                frame[i] = y[i] + inject[i] * fed;
            }
            loops.advance(&self.step);
        }
    }
}

/// Copies the next `frames.len()` samples of every line (from its position on, wrapping at its
/// length) into `frames`, line `i` into lane `i`.
fn gather(
    lines: &[Vec<f32>],
    at: &[usize; LINES],
    lengths: &[usize; LINES],
    frames: &mut [[f32; LINES]],
) {
    for (i, line) in lines.iter().enumerate() {
        let line = &line[..lengths[i]];
        let first = (lengths[i] - at[i]).min(frames.len());
        let (now, wrapped) = frames.split_at_mut(first);
        for (frame, &v) in now.iter_mut().zip(&line[at[i]..]) {
            frame[i] = v;
        }
        for (frame, &v) in wrapped.iter_mut().zip(line) {
            frame[i] = v;
        }
    }
}

/// Writes `frames` back where [`gather`] read them and moves every line's position on.
fn scatter(
    frames: &[[f32; LINES]],
    lines: &mut [Vec<f32>],
    at: &mut [usize; LINES],
    lengths: &[usize; LINES],
) {
    for (i, line) in lines.iter_mut().enumerate() {
        let line = &mut line[..lengths[i]];
        let first = (lengths[i] - at[i]).min(frames.len());
        let (now, wrapped) = frames.split_at(first);
        for (frame, v) in now.iter().zip(&mut line[at[i]..]) {
            *v = frame[i];
        }
        for (frame, v) in wrapped.iter().zip(line.iter_mut()) {
            *v = frame[i];
        }
        at[i] = (at[i] + frames.len()) % lengths[i];
    }
}

/// The dot product of two frames, summed pairwise (lane-wise halves, so it vectorises).
#[inline]
fn dot(a: &[f32; LINES], b: &[f32; LINES]) -> f32 {
    let mut p = [0.0f32; LINES];
    for i in 0..LINES {
        p[i] = a[i] * b[i];
    }
    let mut width = LINES / 2;
    while width > 0 {
        for i in 0..width {
            p[i] += p[i + width];
        }
        width /= 2;
    }
    p[0]
}

/// Solves the 3 × 3 system `a x = b` by Cramer's rule (`None` if it is singular).
fn solve3(a: [[f32; 3]; 3], b: [f32; 3]) -> Option<[f32; 3]> {
    let det = |m: [[f32; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(a);
    if !d.is_finite() || d.abs() < f32::EPSILON * f32::EPSILON {
        return None;
    }
    Some(std::array::from_fn(|k| {
        let mut m = a;
        for (row, &v) in m.iter_mut().zip(&b) {
            row[k] = v;
        }
        det(m) / d
    }))
}

/// The gain per pass through a line of `length` samples at `sample_rate` (Hz) that makes a
/// band decay by 60 dB in `t60` seconds.
fn pass_gain(length: usize, t60: f32, sample_rate: f32) -> f32 {
    10f32.powf(-3.0 * length as f32 / (sample_rate * t60.max(1e-3)))
}

/// Row `row` of the normalised Hadamard matrix of order [`LINES`] (entries ±1/4).
fn hadamard_row(row: usize) -> [f32; LINES] {
    let scale = 1.0 / (LINES as f32).sqrt();
    std::array::from_fn(|col| {
        if (row & col).count_ones().is_multiple_of(2) {
            scale
        } else {
            -scale
        }
    })
}

/// Multiplies `x` by the normalised Hadamard matrix in place (fast Walsh-Hadamard transform:
/// lossless, every line feeds every other equally).
fn hadamard(x: &mut [f32; LINES]) {
    let mut half = 1;
    while half < LINES {
        for start in (0..LINES).step_by(2 * half) {
            for i in start..start + half {
                let (a, b) = (x[i], x[i + half]);
                x[i] = a + b;
                x[i + half] = a - b;
            }
        }
        half *= 2;
    }
    let scale = 1.0 / (LINES as f32).sqrt();
    x.iter_mut().for_each(|v| *v *= scale);
}

/// The smallest prime at or above `n` (line lengths without common factors, so their echoes
/// never coincide).
fn prime_near(n: usize) -> usize {
    let is_prime = |m: usize| {
        m >= 2
            && (2..)
                .take_while(|d| d * d <= m)
                .all(|d| !m.is_multiple_of(d))
    };
    (n.max(2)..)
        .find(|&m| is_prime(m))
        .expect("primes never end")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::design::{RoomKind, RoomSettings};

    fn design(kind: RoomKind) -> RoomDesign {
        RoomDesign::new(&RoomSettings {
            kind,
            ..RoomSettings::default()
        })
        .expect("a room")
    }

    /// Each line's loop filter takes off the dB per pass the room's reverberation time asks
    /// in every band from 250 Hz to 4 kHz, within 4 %.
    #[test]
    fn loop_filters_match_the_design_in_every_band() {
        for kind in [
            RoomKind::CloseBooth,
            RoomKind::Bedroom,
            RoomKind::LivingRoom,
            RoomKind::WoodenCabin,
            RoomKind::StoneHall,
        ] {
            let d = design(kind);
            let mut late = Late::new(48_000.0, 0.031, 64);
            late.set_design(Some(&d));
            let mut worst = (0.0f32, 0);
            let l = late.loops;
            for (i, &length) in late.lengths.iter().enumerate() {
                for band in 1..=5 {
                    let got = late.loop_magnitude(
                        l.gain[i],
                        l.low[i],
                        l.high[i],
                        octave::CENTRES_HZ[band],
                    );
                    let t60 = -3.0 * length as f32 / (late.sample_rate * got.log10());
                    let error = t60 / d.t60_s[band] - 1.0;
                    if error.abs() > worst.0.abs() {
                        worst = (error, band);
                    }
                }
            }
            assert!(worst.0.abs() < 0.04, "{kind:?}: {worst:?}");
        }
    }

    #[test]
    fn hadamard_is_lossless() {
        let mut x: [f32; LINES] = std::array::from_fn(|i| (i as f32 * 0.37).sin());
        let before: f32 = x.iter().map(|v| v * v).sum();
        hadamard(&mut x);
        let after: f32 = x.iter().map(|v| v * v).sum();
        assert!((before - after).abs() < 1e-5);
        let rows = OUTPUT_ROWS.map(hadamard_row);
        for a in 0..OUTPUTS {
            for b in 0..OUTPUTS {
                let dot: f32 = rows[a].iter().zip(&rows[b]).map(|(x, y)| x * y).sum();
                assert!((dot - if a == b { 1.0 } else { 0.0 }).abs() < 1e-6);
            }
        }
    }
}
