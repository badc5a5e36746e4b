//! The per-source binaural placer: renders a mono signal at a (moving) position to two ears.
//!
//! The rendering itself (HRTF convolution, distance cues, ITD, cue smoothing) is the [`core`]'s.
//! It runs at the HRTF set's rate, the placement rate (see [`placement_rate`]): the session's
//! rate up to 50 kHz, and half or a quarter of it at 88.2 to 192 kHz. Above 50 kHz the placer
//! halves its input's rate once or twice with polyphase IIR half-band filters, places at the
//! lower rate and doubles the two ear signals back (see [`crate::dsp::halfband`]). The HRTF
//! data end below 20 kHz, so the ears lose nothing they could hear (the pass band reaches
//! 20 kHz and is flat within 0.01 dB), while a placer at 192 kHz costs the memory and filter
//! work of one at 48 kHz. The filters delay the placed sound by a few samples at the session
//! rate, the same in both ears.

mod core;

use self::core::Core;
use super::Position;
use super::hrtf::HrtfSet;
use crate::dsp::halfband::{self, Doubler, Halver};
use std::sync::Arc;

/// Highest rate (Hz) placers run at: a faster session places at half or a quarter of its rate.
pub const MAX_PLACEMENT_RATE_HZ: f32 = 50_000.0;
/// Session samples per pass through the halvers, the core and the doublers (bounds the
/// placer's work buffers, of which an engine has one set per placer; any block length works).
const PASS: usize = 64;

/// By how much a session at `sample_rate` (Hz) divides its rate for placement: the smallest
/// power of two that brings it to [`MAX_PLACEMENT_RATE_HZ`] or below.
pub fn placement_factor(sample_rate: f32) -> usize {
    let mut factor = 1;
    while sample_rate / factor as f32 > MAX_PLACEMENT_RATE_HZ {
        factor *= 2;
    }
    factor
}

/// The control period (session samples) of every placer in a session at `sample_rate` (Hz):
/// what [`Placer::control_period`] gives.
pub fn control_period(sample_rate: f32) -> usize {
    core::period_at(placement_rate(sample_rate)) * placement_factor(sample_rate)
}

/// The rate (Hz) placers run at in a session at `sample_rate` (Hz), and so the rate of its
/// HRTF set: `sample_rate` divided by [`placement_factor`].
pub fn placement_rate(sample_rate: f32) -> f32 {
    sample_rate / placement_factor(sample_rate) as f32
}

/// One halving stage on the way in and its doubling stage on the way out, with the signals of
/// a pass at the stage's low rate.
#[derive(Debug, Clone)]
struct Stage {
    halver: Halver,
    doublers: [Doubler; 2],
    /// The mono input at this stage's low rate.
    input: Vec<f32>,
    /// The two ear signals at this stage's low rate.
    ears: [Vec<f32>; 2],
}

/// Renders one mono source binaurally at the session's rate. Allocates only in
/// [`Placer::new`].
#[derive(Debug, Clone)]
pub struct Placer {
    core: Core,
    /// The halving stages, first the one from the session's rate (none at 50 kHz and below).
    stages: Vec<Stage>,
}

impl Placer {
    /// A placer for a session at `sample_rate` (Hz) rendering with `hrtf`, which must be at
    /// [`placement_rate`] of it (as the sets of [`crate::binaural::cache`] are). Allocates.
    ///
    /// # Panics
    /// If `hrtf` is not at a power-of-two fraction of `sample_rate`.
    pub fn new(hrtf: Arc<HrtfSet>, sample_rate: f32) -> Self {
        let factor = (sample_rate / hrtf.sample_rate()).round() as usize;
        assert!(
            factor.is_power_of_two()
                && (hrtf.sample_rate() * factor as f32 - sample_rate).abs() < 1e-3 * sample_rate,
            "HRTF set at {} Hz for a session at {sample_rate} Hz",
            hrtf.sample_rate()
        );
        let coefficients = halfband::design(halfband::TRANSITION);
        let stages = (1..=factor.trailing_zeros())
            .map(|level| {
                let len = PASS.div_ceil(1 << level) + 1;
                Stage {
                    halver: Halver::new(coefficients),
                    doublers: [Doubler::new(coefficients), Doubler::new(coefficients)],
                    input: vec![0.0; len],
                    ears: [vec![0.0; len], vec![0.0; len]],
                }
            })
            .collect();
        Self {
            core: Core::new(hrtf),
            stages,
        }
    }

    /// By how much the placer divides the session's rate (1, 2, 4, ...).
    fn factor(&self) -> usize {
        1 << self.stages.len()
    }

    /// Renders with `hrtf` from the next control period on: the filters and the ITD glide from
    /// the old set's to the new set's through the cue smoothing (about 0.1 s), so the change
    /// never clicks. `hrtf` must be at the same sample rate and filter length as the set in use
    /// (see [`HrtfSet::with_taps`]); its ITDs are limited to the delay lines' length. Drops
    /// this placer's reference to the old set (never the last one: the engine holds that).
    /// Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.core.set_hrtf(hrtf);
    }

    /// The control period in session samples: how often [`Placer::add_to`] asks for a position.
    pub fn control_period(&self) -> usize {
        self.core.control_period() * self.factor()
    }

    /// How many session samples the placer keeps sounding after its input falls silent
    /// (filter length, largest interaural delay, one control period and the half-band
    /// filters' ringing, [`halfband::RING`] per stage, counted at the lowest rate).
    pub fn tail_len(&self) -> usize {
        (self.core.tail_len() + halfband::RING * self.stages.len()) * self.factor()
    }

    /// Renders `input` and adds the two ear signals to `left` and `right` (all the same length,
    /// at the session's rate). `next_position` is called at the start of every control period,
    /// with that start's sample offset into `input`, for the position the source reaches a
    /// control period later.
    pub fn add_to(
        &mut self,
        input: &[f32],
        left: &mut [f32],
        right: &mut [f32],
        mut next_position: impl FnMut(usize) -> Position,
    ) {
        if self.stages.is_empty() {
            self.core.add_to(input, left, right, next_position);
            return;
        }
        let factor = self.factor();
        let mut done = 0;
        while done < input.len() {
            let n = (input.len() - done).min(PASS);
            let range = done..done + n;
            // Halve, stage by stage: `lens[s]` samples go into stage `s`, `lens[s + 1]` come out.
            let mut lens = [n; usize::BITS as usize];
            for s in 0..self.stages.len() {
                let (before, after) = self.stages.split_at_mut(s);
                let source = match before.last() {
                    Some(higher) => &higher.input[..lens[s]],
                    None => &input[range.clone()],
                };
                lens[s + 1] = after[0].halver.process(source, &mut after[0].input);
            }
            // Place at the lowest rate; a low-rate sample's position is that of the session
            // sample it was made from.
            let low_len = lens[self.stages.len()];
            let lowest = self.stages.last_mut().expect("at least one stage");
            let [low_left, low_right] = &mut lowest.ears;
            low_left[..low_len].fill(0.0);
            low_right[..low_len].fill(0.0);
            self.core.add_to(
                &lowest.input[..low_len],
                &mut low_left[..low_len],
                &mut low_right[..low_len],
                |offset| next_position(done + (offset * factor).min(n - 1)),
            );
            // Double back, stage by stage: into the higher stage's ears, the first into the
            // output.
            for s in (0..self.stages.len()).rev() {
                let (before, after) = self.stages.split_at_mut(s);
                let stage = &mut after[0];
                let outputs: [&mut [f32]; 2] = match before.last_mut() {
                    Some(higher) => {
                        let [l, r] = &mut higher.ears;
                        l[..lens[s]].fill(0.0);
                        r[..lens[s]].fill(0.0);
                        [&mut l[..lens[s]], &mut r[..lens[s]]]
                    }
                    None => [&mut left[range.clone()], &mut right[range.clone()]],
                };
                for ((doubler, ear), out) in stage.doublers.iter_mut().zip(&stage.ears).zip(outputs)
                {
                    doubler.add_to(&ear[..lens[s + 1]], out);
                }
            }
            done += n;
        }
    }

    /// Forgets all signal history; the next position is taken without a glide.
    pub fn reset(&mut self) {
        self.core.reset();
        for stage in &mut self.stages {
            stage.halver.reset();
            stage.doublers.iter_mut().for_each(Doubler::reset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    #[test]
    fn sessions_above_50_khz_place_at_half_or_a_quarter_of_their_rate() {
        let rates = [44_100.0, 48_000.0, 88_200.0, 96_000.0, 176_400.0, 192_000.0];
        let factors: Vec<usize> = rates.iter().map(|&r| placement_factor(r)).collect();
        assert_eq!(factors, [1, 1, 2, 2, 4, 4]);
        assert_eq!(placement_rate(192_000.0), 48_000.0);
        assert_eq!(placement_rate(176_400.0), 44_100.0);
    }

    /// Level (dB) and phase (radians) of the component at `hz` in the second half of `x`
    /// (sampled at `rate` Hz).
    fn tone(x: &[f32], hz: f64, rate: f64) -> (f64, f64) {
        let tail = &x[x.len() / 2..];
        let (mut re, mut im) = (0.0, 0.0);
        for (n, &v) in tail.iter().enumerate() {
            let w = TAU * hz * (n + x.len() / 2) as f64 / rate;
            re += f64::from(v) * w.cos();
            im -= f64::from(v) * w.sin();
        }
        let amplitude = 2.0 * (re * re + im * im).sqrt() / tail.len() as f64;
        (20.0 * amplitude.log10(), im.atan2(re))
    }

    /// Interaural level difference (dB, right over left) and time difference (us, from the
    /// phase at `hz`) of a tone at `hz` placed at `position` by a placer for a session at
    /// `rate` (Hz) with `set`, fed in blocks cycling through `blocks`.
    fn cues(set: HrtfSet, rate: f32, hz: f64, position: Position, blocks: &[usize]) -> (f64, f64) {
        let len = rate as usize / 4;
        let input: Vec<f32> = (0..len)
            .map(|n| (0.3 * (TAU * hz * n as f64 / f64::from(rate)).sin()) as f32)
            .collect();
        let mut placer = Placer::new(Arc::new(set), rate);
        let (mut left, mut right) = (vec![0.0; len], vec![0.0; len]);
        let mut start = 0;
        for block in blocks.iter().cycle() {
            let end = (start + block).min(len);
            let range = start..end;
            placer.add_to(
                &input[range.clone()],
                &mut left[range.clone()],
                &mut right[range],
                |_| position,
            );
            start = end;
            if start == len {
                break;
            }
        }
        let ((l_db, l_phase), (r_db, r_phase)) = (
            tone(&left, hz, f64::from(rate)),
            tone(&right, hz, f64::from(rate)),
        );
        let lag = (l_phase - r_phase).rem_euclid(TAU);
        (r_db - l_db, lag / (TAU * hz) * 1e6)
    }

    /// A placer at 96 and 192 kHz, placing at 48 kHz, gives a 2 kHz tone at 60 degrees the
    /// interaural level and time differences of a placer in a 48 kHz session (within 0.01 dB
    /// and 0.5 us, the half-band filters being the same for both ears), in any block sizes,
    /// and within 0.05 dB and 10 us those of a placer at the full rate (whose set, made for
    /// that rate, differs that little).
    #[test]
    fn placing_at_a_lower_rate_keeps_the_cues() {
        let hz = 2000.0;
        let position = Position {
            azimuth_deg: 60.0,
            elevation_deg: 10.0,
            distance_m: 0.5,
        };
        let kemar = HrtfSet::kemar();
        let native = cues(kemar.resampled(48_000.0), 48_000.0, hz, position, &[64]);
        assert!(
            native.0 > 5.0 && native.1 > 50.0,
            "no interaural difference: {native:?}"
        );
        for rate in [96_000.0f32, 192_000.0] {
            let blocks = [1, 100, 37, 512];
            let low = cues(
                kemar.resampled(placement_rate(rate)),
                rate,
                hz,
                position,
                &blocks,
            );
            let full = cues(kemar.resampled(rate), rate, hz, position, &[64]);
            assert!(
                (native.0 - low.0).abs() < 0.01,
                "{native:?} vs {low:?} at {rate}"
            );
            assert!(
                (native.1 - low.1).abs() < 0.5,
                "{native:?} vs {low:?} at {rate}"
            );
            assert!(
                (full.0 - low.0).abs() < 0.05,
                "{full:?} vs {low:?} at {rate}"
            );
            assert!(
                (full.1 - low.1).abs() < 10.0,
                "{full:?} vs {low:?} at {rate}"
            );
        }
    }
}
