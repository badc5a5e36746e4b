//! The placer's core: renders a mono signal at a (moving) position to two ears, at the HRTF
//! set's sample rate.
//!
//! Signal path per source:
//! mono input -> distance gain, proximity bass, air absorption -> HRTF convolution (both ears,
//! minimum-phase filters) -> per-ear near-field shelf -> per-ear fractional delay (the ITD).
//!
//! Positions arrive once per control period (about 1.33 ms). Each position's cues (the filters
//! interpolated for its direction, its ITD split into the two ears' delays, its distance cues)
//! are a target that the cues follow through a low-pass at the control rate: a cascade of
//! `CUE_SMOOTHING_STAGES` (4) one-poles at `CUE_SMOOTHING_HZ` (30 Hz), applied to the filter
//! coefficients and to every scalar cue alike. Within a period every cue glides linearly from
//! one smoothed value to the next, and while the filters move the old and new ones run side by
//! side and are crossfaded over the period. The filter therefore moves smoothly and
//! piecewise-linearly in time: no steps, no zipper noise, and no added latency (direct-form
//! convolution, the near ear is never delayed).
//!
//! Why the smoothing: a tone on a moving source comes out modulated by the path its cues take,
//! so whatever fast detail that path has becomes sidebands around the tone. Measured on a 1 kHz
//! tone orbiting at 10 Hz, the unsmoothed path put everything outside +/- 100 Hz only 26 dB
//! down from the ITD alone (the far ear takes the whole ITD, so each ear's delay turns sharply
//! where the source crosses the median plane) and 43 dB down from the filters alone (the
//! measured KEMAR responses change in fine steps between neighbouring directions, so even an
//! ideal interpolation through them has that detail); at 3 Hz the Catmull-Rom interpolation's
//! changes of curvature at every measured direction (216 a second) added sidebands 65 dB down.
//! Gliding per sample instead of per period changed none of these by more than 0.3 dB. The
//! cascade holds all of it, whatever the motion, at least 42 dB down above 100 Hz, and
//! settles on the target (then snaps to it) within about 0.11 s, after which a still source
//! costs nothing extra. The cues lag the position by about 20 ms; measured directions are
//! reproduced exactly once the source is still.
//!
//! Rendering runs stage by stage over a period (input stage, convolution, output stage, delay
//! read) so that every stage vectorises (the one-poles in their block form); on x86-64 CPUs with
//! AVX-512, or else AVX2 and FMA (checked once, at construction), the stages are compiled for
//! them. The convolution writes straight into the ITD delay lines, and a near-field shelf whose
//! two bands have the same gain (as at the set's measurement distance) runs as a plain gain.

use crate::binaural::Position;
use crate::binaural::distance::{self, NEAR_FIELD_SHELF_HZ, PROXIMITY_SHELF_HZ};
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::sofa::MAX_ITD_S;
use crate::dsp::convolve::{self, OUTPUT_CHUNK};
use crate::dsp::fractional_delay::FractionalDelay;
use crate::dsp::one_pole::{BlockOnePole, OnePole};
use crate::dsp::simd::{SimdPath, mul_add};
use std::f32::consts::TAU;
use std::sync::Arc;

/// Length of the control period in seconds (64 samples at 48 kHz). Everything a placer computes
/// per period (interpolation, smoothing, distance cues) is shared by this many samples; the
/// cues' paths, smoothed to below 100 Hz, are drawn piecewise-linearly between the periods. Half
/// this period measured 12-13 dB cleaner on the orbit tests (a 1 kHz tone orbiting at 1, 3 and
/// 10 Hz: -110, -94 and -74 dB outside +/- 100 Hz against -97, -82 and -69 dB with this one,
/// whose limits are -70, -70 and -60 dB) and cost 1.45x the CPU per moving source (8.5 against
/// 5.8 ns per sample).
const CONTROL_PERIOD_S: f32 = 1.0 / 750.0;
/// Identical one-pole low-passes in the cascade that smooths the cues' paths (filters, delays,
/// gains) at the control rate. A cascade of one-poles has a positive impulse response, so the
/// smoothed filters stay weighted means of the interpolated ones and the ear delays stay
/// non-negative.
const CUE_SMOOTHING_STAGES: usize = 4;
/// The last stage of the cue smoothing: its filters are those reached at a period's end.
const LAST_STAGE: usize = CUE_SMOOTHING_STAGES - 1;
/// Corner (Hz) of each one-pole in the cue smoothing: the cascade passes a 10 Hz orbit's path
/// (-1.8 dB) and holds the path's detail above 100 Hz, which would become sidebands more than
/// 100 Hz from every tone, at least 42 dB down. Its delay, about 20 ms, lags the cues behind the
/// position; the audio itself is not delayed.
const CUE_SMOOTHING_HZ: f32 = 30.0;
/// The smoothing is complete (and snaps to its target) once what is left of a step in the
/// target falls below this fraction of the step.
const SETTLED_RESIDUAL: f32 = 1e-6;
/// Extra ITD headroom in the delay lines, in samples (beyond the larger of the set's largest
/// ITD and [`MAX_ITD_S`], the most any set converted from SOFA holds, so that any set can
/// replace it).
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

/// How many control periods it takes a cascade of [`CUE_SMOOTHING_STAGES`] one-poles with
/// coefficient `k` to follow a unit step to within [`SETTLED_RESIDUAL`].
fn settle_periods(k: f32) -> usize {
    let mut stages = [0.0f32; CUE_SMOOTHING_STAGES];
    let mut periods = 0;
    while 1.0 - stages[CUE_SMOOTHING_STAGES - 1] > SETTLED_RESIDUAL {
        let mut input = 1.0;
        for s in &mut stages {
            *s += k * (input - *s);
            input = *s;
        }
        periods += 1;
    }
    periods
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
    /// Per ear: delay in samples (the ITD split by [`ear_delays`]).
    ear_delay: [f32; 2],
    /// Per ear: near-field gain below the shelf.
    ear_low: [f32; 2],
    /// Per ear: near-field gain above the shelf.
    ear_high: [f32; 2],
}

impl Cues {
    /// One step of a one-pole low-pass with coefficient `k` from `self` towards `target`.
    fn approach(&mut self, target: &Cues, k: f32) {
        let step = |s: &mut f32, t: f32| *s += k * (t - *s);
        step(&mut self.source_gain, target.source_gain);
        step(&mut self.proximity_boost, target.proximity_boost);
        step(&mut self.air_k, target.air_k);
        step(&mut self.itd_samples, target.itd_samples);
        for ear in 0..2 {
            step(&mut self.ear_delay[ear], target.ear_delay[ear]);
            step(&mut self.ear_low[ear], target.ear_low[ear]);
            step(&mut self.ear_high[ear], target.ear_high[ear]);
        }
    }
}

/// A cue gliding linearly from `from` at a period's start to `to` at its end.
#[derive(Debug, Clone, Copy)]
struct Glide {
    /// Value at the period's start.
    from: f32,
    /// Change per sample.
    step: f32,
}

impl Glide {
    fn new(from: f32, to: f32, period: f32) -> Self {
        Self {
            from,
            step: (to - from) / period,
        }
    }

    /// The value after `i + 1` samples of the period (a period is far shorter than `i32::MAX`;
    /// converting from `i32` vectorises, from `usize` it does not).
    #[inline(always)]
    fn at(self, i: usize) -> f32 {
        self.from + (i + 1) as i32 as f32 * self.step
    }

    /// Whether the cue stays at `value` all period.
    fn stays(self, value: f32) -> bool {
        self.from == value && self.step == 0.0
    }
}

/// Renders one mono source binaurally at the HRTF set's rate. Allocates only in [`Core::new`].
#[derive(Debug, Clone)]
pub struct Core {
    hrtf: Arc<HrtfSet>,
    sample_rate: f32,
    /// Control period in samples.
    period: usize,
    /// Width of the ITD hand-over between the ears, in samples.
    itd_knee: f32,
    /// Which build of the render stages runs (filter smoothing, interpolation, convolution).
    path: SimdPath,
    /// Time-reversed filters in use at the start of the period: left, right.
    old: [Vec<f32>; 2],
    /// Time-reversed filters interpolated for the latest direction: left, right.
    target: [Vec<f32>; 2],
    /// Per stage of the cue smoothing, its time-reversed filters: left, right. The last stage
    /// holds the filters reached at the end of the period.
    smoothed: [[Vec<f32>; 2]; CUE_SMOOTHING_STAGES],
    /// Direction the `target` filters were interpolated for.
    filter_direction: (f32, f32),
    /// Position `target_cues` were computed for.
    cue_position: Position,
    /// Whether the filters reached at the end of this period differ from `old`.
    crossfading: bool,
    /// The cues of the latest position, before smoothing.
    target_cues: Cues,
    /// Per stage of the cue smoothing, its cues.
    smoothed_cues: [Cues; CUE_SMOOTHING_STAGES],
    /// Coefficient of the smoothing's one-poles per control period (the share of the way to
    /// the input taken per step).
    smoothing_k: f32,
    /// Control periods after which a step in the target has settled (see [`SETTLED_RESIDUAL`]).
    settle_periods: usize,
    /// Control periods the filters' smoothing still runs for (0 = settled on `target`).
    filters_settling: usize,
    /// Control periods the other cues' smoothing still runs for (0 = settled).
    cues_settling: usize,
    /// `taps - 1` samples of history, then this period's input, then kernel padding.
    history: Vec<f32>,
    /// Convolution outputs of the new filters while crossfading: left, right (the old ones'
    /// go straight to the delay lines).
    wet: [Vec<f32>; 2],
    /// Samples of the current period already rendered (`period` = a new one is due).
    fill: usize,
    /// Whether a first position has been set since construction or reset.
    started: bool,
    from: Cues,
    to: Cues,
    /// Two period-long work buffers: the staged input and a low-passed copy of a signal.
    scratch: [Vec<f32>; 2],
    proximity: BlockOnePole,
    air: BlockOnePole,
    ear_shelf: [BlockOnePole; 2],
    /// Per ear: the ITD delay line, one control period per block.
    delay: [FractionalDelay; 2],
}

/// The control period (samples) of a core running at `sample_rate` (Hz).
pub fn period_at(sample_rate: f32) -> usize {
    ((CONTROL_PERIOD_S * sample_rate).round() as usize).max(1)
}

impl Core {
    /// A placer rendering with `hrtf`, which must already be at the session's sample rate
    /// (see [`HrtfSet::resampled`]). Allocates.
    pub fn new(hrtf: Arc<HrtfSet>) -> Self {
        let sample_rate = hrtf.sample_rate();
        let taps = hrtf.taps();
        let period = period_at(sample_rate);
        let max_itd = hrtf.max_itd().max(MAX_ITD_S as f32);
        let max_delay = (max_itd * sample_rate).ceil() as usize + DELAY_HEADROOM;
        let wet_len = convolve::padded(period);
        let smoothing_k = 1.0 - (-TAU * CUE_SMOOTHING_HZ * period as f32 / sample_rate).exp();
        let low_pass = |corner_hz| BlockOnePole::new(OnePole::coefficient(corner_hz, sample_rate));
        Self {
            sample_rate,
            period,
            itd_knee: ITD_KNEE_S * sample_rate,
            path: SimdPath::detect(),
            old: [vec![0.0; taps], vec![0.0; taps]],
            target: [vec![0.0; taps], vec![0.0; taps]],
            smoothed: std::array::from_fn(|_| [vec![0.0; taps], vec![0.0; taps]]),
            filter_direction: (0.0, 0.0),
            cue_position: Position::default(),
            crossfading: false,
            target_cues: Cues::default(),
            smoothed_cues: [Cues::default(); CUE_SMOOTHING_STAGES],
            smoothing_k,
            settle_periods: settle_periods(smoothing_k),
            filters_settling: 0,
            cues_settling: 0,
            history: vec![0.0; taps - 1 + period + OUTPUT_CHUNK],
            wet: std::array::from_fn(|_| vec![0.0; wet_len]),
            fill: period,
            started: false,
            from: Cues::default(),
            to: Cues::default(),
            scratch: [vec![0.0; period], vec![0.0; period]],
            proximity: low_pass(PROXIMITY_SHELF_HZ),
            air: BlockOnePole::default(),
            ear_shelf: [low_pass(NEAR_FIELD_SHELF_HZ); 2],
            delay: std::array::from_fn(|_| FractionalDelay::new(max_delay, period + OUTPUT_CHUNK)),
            hrtf,
        }
    }

    /// Renders with `hrtf` from the next control period on: the filters and the ITD glide from
    /// the old set's to the new set's through the cue smoothing (about 0.1 s), so the change
    /// never clicks. `hrtf` must be at the same sample rate and filter length as the set in use
    /// (see [`HrtfSet::with_taps`]); its ITDs are limited to the delay lines' length. Drops
    /// this placer's reference to the old set (never the last one: the engine holds that).
    /// Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        debug_assert!(hrtf.sample_rate() == self.sample_rate && hrtf.taps() == self.hrtf.taps());
        self.hrtf = hrtf.clone();
        // Interpolate again at the next period, even if the source stands still.
        self.filter_direction = (f32::NAN, f32::NAN);
    }

    /// The control period in samples: how often [`Core::add_to`] asks for a position.
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
    pub fn add_to(
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
            self.render_best(
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
        self.ear_shelf.iter_mut().for_each(BlockOnePole::reset);
        self.proximity.reset();
        self.air.reset();
        self.fill = self.period;
        self.started = false;
        self.crossfading = false;
    }

    /// Takes the position the source reaches at the end of the period starting now: its
    /// filters and cues become the smoothing's target, and the smoothed filters and cues one
    /// control period on become the period's end points.
    fn begin_period(&mut self, position: Position) {
        let direction = (position.azimuth_deg, position.elevation_deg);
        let turned = !self.started || direction != self.filter_direction;
        if turned {
            let weights = self.hrtf.weights(direction.0, direction.1);
            let [left, right] = &mut self.target;
            let itd = self
                .hrtf
                .interpolate_reversed(self.path, &weights, left, right);
            self.target_cues.itd_samples = itd * self.sample_rate;
            self.filter_direction = direction;
            self.filters_settling = self.settle_periods;
        }
        // A source standing still (most triggers keep their birth position) keeps its cues.
        if turned || position != self.cue_position {
            self.cue_position = position;
            let itd_samples = self.target_cues.itd_samples;
            let cues = distance::cues(&position, self.hrtf.measurement_distance_m());
            let max_delay = self.delay[0].max_delay();
            let target = Cues {
                source_gain: cues.source_gain,
                proximity_boost: cues.proximity_gain - 1.0,
                air_k: OnePole::coefficient(cues.air_corner_hz, self.sample_rate).clamp(0.0, 1.0),
                itd_samples,
                ear_delay: ear_delays(itd_samples, self.itd_knee).map(|d| d.clamp(0.0, max_delay)),
                ear_low: cues.ear_low,
                ear_high: cues.ear_high,
            };
            if target != self.target_cues {
                self.target_cues = target;
                self.cues_settling = self.settle_periods;
            }
        }
        self.fill = 0;
        if !self.started {
            // The first position is taken as it is, without smoothing or a glide.
            for stage in &mut self.smoothed {
                for (s, t) in stage.iter_mut().zip(&self.target) {
                    s.copy_from_slice(t);
                }
            }
            for (o, t) in self.old.iter_mut().zip(&self.target) {
                o.copy_from_slice(t);
            }
            let target = self.target_cues;
            self.smoothed_cues = [target; CUE_SMOOTHING_STAGES];
            (self.from, self.to) = (target, target);
            (self.filters_settling, self.cues_settling) = (0, 0);
            self.crossfading = false;
            self.started = true;
            return;
        }
        self.from = self.to;
        if self.cues_settling > 0 {
            self.cues_settling -= 1;
            let mut input = self.target_cues;
            for stage in &mut self.smoothed_cues {
                if self.cues_settling == 0 {
                    *stage = input;
                } else {
                    stage.approach(&input, self.smoothing_k);
                    input = *stage;
                }
            }
            self.to = self.smoothed_cues[CUE_SMOOTHING_STAGES - 1];
        }
        self.crossfading = self.filters_settling > 0;
        if self.crossfading {
            self.filters_settling -= 1;
            if self.filters_settling == 0 {
                for (ear, target) in self.target.iter().enumerate() {
                    for stage in &mut self.smoothed {
                        stage[ear].copy_from_slice(target);
                    }
                }
            } else {
                self.smooth_filters_best();
            }
        }
    }

    /// Runs the best build of [`Core::smooth_filters`] the CPU supports.
    fn smooth_filters_best(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if self.path.avx512() {
            // SAFETY: the path is AVX-512 only on a CPU that supports it (and AVX2 and FMA).
            unsafe { self.smooth_filters_avx512() };
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if self.path.avx2_fma() {
            // SAFETY: the path is AVX2/FMA only on a CPU that supports both.
            unsafe { self.smooth_filters_avx2() };
            return;
        }
        self.smooth_filters::<false>();
    }

    /// [`Core::smooth_filters`] compiled for AVX-512.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn smooth_filters_avx512(&mut self) {
        self.smooth_filters::<true>();
    }

    /// [`Core::smooth_filters`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn smooth_filters_avx2(&mut self) {
        self.smooth_filters::<true>();
    }

    /// One control period of the filters' smoothing: each stage steps towards the one before
    /// it (the first towards `target`), and the last becomes `new` (`FMA`: fuse the
    /// multiply-adds).
    #[inline(always)]
    fn smooth_filters<const FMA: bool>(&mut self) {
        let k = self.smoothing_k;
        for (ear, target) in self.target.iter().enumerate() {
            let mut input = &target[..];
            for stage in &mut self.smoothed {
                for (s, &x) in stage[ear].iter_mut().zip(input) {
                    *s = mul_add::<FMA>(k, x - *s, *s);
                }
                input = &stage[ear];
            }
        }
    }

    /// Runs the best build of [`Core::render`] the CPU supports.
    fn render_best(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if self.path.avx512() {
            // SAFETY: the path is AVX-512 only on a CPU that supports it (and AVX2 and FMA).
            unsafe { self.render_avx512(input, left, right) };
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if self.path.avx2_fma() {
            // SAFETY: the path is AVX2/FMA only on a CPU that supports both.
            unsafe { self.render_avx2(input, left, right) };
            return;
        }
        self.render::<false>(input, left, right);
    }

    /// [`Core::render`] compiled for AVX-512.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn render_avx512(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        self.render::<true>(input, left, right);
    }

    /// [`Core::render`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn render_avx2(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        self.render::<true>(input, left, right);
    }

    /// Renders the next `input.len()` samples of the current period (`FMA`: fuse the
    /// recurrences' multiply-adds).
    #[inline(always)]
    fn render<const FMA: bool>(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        let n = input.len();
        let taps = self.old[0].len();
        let start = self.fill;
        let period = self.period as f32;
        let glide = |from: f32, to: f32| Glide::new(from, to, period);
        let (from, to) = (self.from, self.to);

        // Input stage: gain, proximity bass and air absorption, into the convolution history.
        let gain = glide(from.source_gain, to.source_gain);
        let boost = glide(from.proximity_boost, to.proximity_boost);
        let air_k = glide(from.air_k, to.air_k);
        let [staged, low] = &mut self.scratch;
        let (staged, low) = (&mut staged[..n], &mut low[..n]);
        for (i, (y, &x)) in staged.iter_mut().zip(input).enumerate() {
            *y = x * gain.at(start + i);
        }
        if boost.stays(0.0) {
            // Bypassed: the low-pass is snapped to the signal, ready for a boost from zero.
            self.proximity.set_state(staged[n - 1]);
        } else {
            self.proximity.process_into(staged, low);
            for (i, (y, &l)) in staged.iter_mut().zip(low.iter()).enumerate() {
                *y = mul_add::<FMA>(boost.at(start + i), l, *y);
            }
        }
        let history = &mut self.history[taps - 1 + start..taps - 1 + start + n];
        if air_k.stays(1.0) {
            // No absorption: a one-pole with k = 1 passes its input and ends on its last sample.
            history.copy_from_slice(staged);
            self.air.set_state(staged[n - 1]);
        } else if air_k.step == 0.0 {
            self.air.set_coefficient(air_k.from);
            self.air.process_into(staged, history);
        } else {
            // A gliding coefficient: the plain recurrence.
            for (i, (y, &x)) in history.iter_mut().zip(staged.iter()).enumerate() {
                self.air.set_coefficient(air_k.at(start + i));
                *y = self.air.process(x);
            }
        }

        // Convolution with both ears' filters, straight into the delay lines; while crossfading,
        // with the old and new ones side by side, crossfaded into the delay lines.
        let x = &self.history[start..];
        let [delay_left, delay_right] = &mut self.delay;
        let padded = convolve::padded(n);
        let lines = [
            delay_left.block_mut(start, padded),
            delay_right.block_mut(start, padded),
        ];
        if self.crossfading {
            // The old filters' outputs go to the lines, the new ones' beside them, and the
            // crossfade runs in the lines.
            let [new_left_out, new_right_out] = &mut self.wet;
            let [new_left, new_right] = &self.smoothed[LAST_STAGE];
            let [line_left, line_right] = lines;
            let coeffs = [&self.old[0][..], &self.old[1], new_left, new_right];
            let outputs = [
                &mut *line_left,
                &mut *line_right,
                &mut *new_left_out,
                &mut *new_right_out,
            ];
            convolve::convolve(self.path, x, coeffs, outputs, n);
            let fade = glide(0.0, 1.0);
            for (y, new) in [(line_left, new_left_out), (line_right, new_right_out)] {
                for (i, (y, &w)) in y[..n].iter_mut().zip(&new[..n]).enumerate() {
                    *y += fade.at(start + i) * (w - *y);
                }
            }
        } else {
            convolve::convolve(self.path, x, [&self.old[0][..], &self.old[1]], lines, n);
        }

        // Output stage per ear: near-field shelf in the delay line, then the ITD.
        for (ear, out) in [left, right].into_iter().enumerate() {
            let y = self.delay[ear].block_mut(start, n);
            let high_gain = glide(from.ear_high[ear], to.ear_high[ear]);
            let low_gain = glide(from.ear_low[ear], to.ear_low[ear]);
            if low_gain.step == 0.0 && high_gain.stays(low_gain.from) {
                // A flat shelf is a plain gain; its low-pass is snapped to the signal, ready for
                // the bands to part (from equal gains, so without a step).
                if !high_gain.stays(1.0) {
                    y.iter_mut().for_each(|v| *v *= high_gain.from);
                }
                self.ear_shelf[ear].set_state(y[n - 1]);
            } else {
                let low = &mut self.scratch[0][..n];
                self.ear_shelf[ear].process_into(y, low);
                for (i, (y, &l)) in y.iter_mut().zip(low.iter()).enumerate() {
                    let h = high_gain.at(start + i);
                    *y = mul_add::<FMA>(low_gain.at(start + i) - h, l, h * *y);
                }
            }
            let delay = glide(from.ear_delay[ear], to.ear_delay[ear]);
            self.delay[ear].read_add(start, out, delay.at(start), delay.step);
        }

        self.fill += n;
        if self.fill == self.period {
            self.history
                .copy_within(self.period..self.period + taps - 1, 0);
            self.delay.iter_mut().for_each(|d| d.advance(self.period));
            if self.crossfading {
                for (old, new) in self.old.iter_mut().zip(&self.smoothed[LAST_STAGE]) {
                    old.copy_from_slice(new);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders noise along a path that turns, approaches and recedes (every cue glides), in
    /// uneven blocks.
    fn render_path(placer: &mut Core) -> Vec<f32> {
        let len = 6000;
        let mut state = 0x1234_5678u32;
        let input: Vec<f32> = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / 16_777_216.0 - 0.5
            })
            .collect();
        let (mut left, mut right) = (vec![0.0; len], vec![0.0; len]);
        let mut start = 0;
        for block in [1, 31, 64, 100, 7].iter().cycle() {
            let end = (start + block).min(len);
            placer.add_to(
                &input[start..end],
                &mut left[start..end],
                &mut right[start..end],
                |offset| {
                    let t = (start + offset) as f32 / len as f32;
                    Position {
                        azimuth_deg: 400.0 * t,
                        elevation_deg: -20.0 + 50.0 * t,
                        distance_m: 0.2 + 5.0 * (3.0 * t).sin().abs(),
                    }
                },
            );
            start = end;
            if start == len {
                break;
            }
        }
        left.extend(right);
        left
    }

    /// A source that stops settles, after the smoothing's settling time, exactly on the filters
    /// and cues of where it stopped, and then runs without crossfading (as a still source).
    #[test]
    fn a_source_that_stops_settles_exactly_where_it_stopped() {
        let mut placer = Core::new(Arc::new(HrtfSet::kemar().resampled(48_000.0)));
        let period = placer.control_period();
        let input = vec![0.1; period];
        let (mut left, mut right) = (vec![0.0; period], vec![0.0; period]);
        let mut period_at = |placer: &mut Core, position: Position| {
            placer.add_to(&input, &mut left, &mut right, |_| position);
        };
        for step in 0..20 {
            let moving = Position {
                azimuth_deg: 10.0 * step as f32,
                elevation_deg: 0.0,
                distance_m: 1.0,
            };
            period_at(&mut placer, moving);
        }
        let stop = Position {
            azimuth_deg: 52.5,
            elevation_deg: 12.0,
            distance_m: 0.3,
        };
        for _ in 1..placer.settle_periods {
            period_at(&mut placer, stop);
        }
        assert!(placer.crossfading && placer.old != placer.target);
        assert!(placer.to != placer.target_cues);
        period_at(&mut placer, stop);
        assert!(placer.old == placer.target && placer.to == placer.target_cues);
        period_at(&mut placer, stop);
        assert!(!placer.crossfading && placer.from == placer.to);
    }

    /// The portable and AVX2 builds of the render stages match the best one (AVX-512 or AVX2
    /// where the CPU has them).
    #[test]
    fn every_build_matches_the_best_one() {
        let hrtf = Arc::new(HrtfSet::kemar().resampled(48_000.0));
        let a = render_path(&mut Core::new(Arc::clone(&hrtf)));
        for path in [SimdPath::detect().at_most_avx2(), SimdPath::PORTABLE] {
            let mut other = Core::new(Arc::clone(&hrtf));
            other.path = path;
            assert_matches(&a, &render_path(&mut other));
        }
    }

    /// `a` and `b` agree sample by sample within rounding (1e-4 of the peak), and are not silent.
    fn assert_matches(a: &[f32], b: &[f32]) {
        let peak = b.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak > 0.01, "silent output");
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() < 1e-4 * peak, "sample {i}: {x} vs {y}");
        }
    }
}
