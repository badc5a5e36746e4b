//! The sound of one trial: three short bursts of pink noise, placed at the trial's direction
//! through a candidate set the way the placer places a source (the set's interpolated filter
//! pair, then the interaural delay through the same fractional delay line).
//!
//! Broadband noise carries every cue a set has (the interaural delay below 1.5 kHz, the level
//! difference and the outer ear's notches above); three bursts give the listener three looks
//! without time to turn the head. Each burst fades in and out over [`FADE_S`], so it never
//! clicks.

use super::filters::pair_at;
use super::sphere::Heading;
use crate::binaural::hrtf::HrtfSet;
use crate::dsp::convolve::{convolve, padded};
use crate::dsp::fractional_delay::FractionalDelay;
use crate::dsp::math::db_to_gain;
use crate::dsp::noise::PinkFilter;
use crate::dsp::random::{seeded, white};
use crate::dsp::simd::SimdPath;
use std::f32::consts::PI;

/// Bursts in a tap.
pub const BURSTS: usize = 3;
/// Length of one burst, fades included (s).
pub const BURST_S: f32 = 0.030;
/// Time from one burst's start to the next one's (s).
pub const BURST_SPACING_S: f32 = 0.250;
/// Length of the raised-cosine fade at each end of a burst (s).
pub const FADE_S: f32 = 0.002;
/// RMS level of the bursts before placement, over their sounding time (dBFS).
pub const RMS_DBFS: f32 = -20.0;
/// Highest peak of the placed tap (dBFS): a louder one is turned down, both ears alike.
pub const PEAK_CEILING_DBFS: f32 = -6.0;

/// A rendered tap.
#[derive(Debug, Clone, PartialEq)]
pub struct Tap {
    /// Left ear samples (-1 ..= 1, full scale), at `sample_rate`.
    pub left: Vec<f32>,
    /// Right ear samples (-1 ..= 1, full scale), as long as `left`.
    pub right: Vec<f32>,
    /// Sample rate (Hz): the set's.
    pub sample_rate: f32,
}

/// The tap for a source at `target` heard through `set`, at the set's sample rate (carry the
/// set to the output's rate first with [`HrtfSet::resampled`]), its noise drawn from
/// `noise_seed` (any value; the same seed gives the same noise). About 0.53 s long at 44.1
/// kHz. Allocates: call it off the audio thread.
pub fn render(set: &HrtfSet, target: Heading, noise_seed: u64) -> Tap {
    let sample_rate = set.sample_rate();
    let dry = bursts(sample_rate, noise_seed);
    let pair = pair_at(set, target);
    let taps = set.taps();
    // The later ear is delayed by the ITD, the earlier one not at all.
    let delays = [pair.itd_s.max(0.0), (-pair.itd_s).max(0.0)].map(|s| s * sample_rate);
    let max_delay = delays[0].max(delays[1]).ceil() as usize + 1;
    let len = dry.len() + taps - 1 + max_delay;
    // `taps - 1` samples of silent history, the bursts, then silence for the filters' tails.
    let history = taps - 1;
    let mut input = vec![0.0; history + padded(len)];
    input[history..history + dry.len()].copy_from_slice(&dry);
    let reversed = [&pair.left, &pair.right].map(|f| f.iter().rev().copied().collect::<Vec<_>>());
    let (mut left, mut right) = (vec![0.0; padded(len)], vec![0.0; padded(len)]);
    convolve::<2>(
        SimdPath::detect(),
        &input,
        [&reversed[0], &reversed[1]],
        [&mut left, &mut right],
        len,
    );
    let [mut left, mut right] = [(left, delays[0]), (right, delays[1])].map(|(ear, delay)| {
        let mut line = FractionalDelay::new(max_delay, len);
        line.block_mut(0, len).copy_from_slice(&ear[..len]);
        let mut out = vec![0.0; len];
        line.read_add(0, &mut out, delay, 0.0);
        out
    });
    let peak = left
        .iter()
        .chain(&right)
        .fold(0.0f32, |m, v| m.max(v.abs()));
    let ceiling = db_to_gain(PEAK_CEILING_DBFS);
    if peak > ceiling {
        let gain = ceiling / peak;
        left.iter_mut().chain(&mut right).for_each(|v| *v *= gain);
    }
    Tap {
        left,
        right,
        sample_rate,
    }
}

/// The unplaced bursts at `sample_rate` (Hz): pink noise from `noise_seed`, gated into
/// [`BURSTS`] bursts with raised-cosine fades and brought to [`RMS_DBFS`].
fn bursts(sample_rate: f32, noise_seed: u64) -> Vec<f32> {
    let samples = |s: f32| (s * sample_rate).round() as usize;
    let (burst, spacing, fade) = (
        samples(BURST_S),
        samples(BURST_SPACING_S),
        samples(FADE_S).max(1),
    );
    let envelope = |i: usize| {
        let into = i % spacing;
        if into >= burst {
            return 0.0;
        }
        let edge = into.min(burst - 1 - into);
        if edge >= fade {
            1.0
        } else {
            0.5 * (1.0 - (PI * (edge as f32 + 0.5) / fade as f32).cos())
        }
    };
    let mut rng = seeded(noise_seed);
    let mut pink = PinkFilter::new(sample_rate);
    let mut dry: Vec<f32> = (0..(BURSTS - 1) * spacing + burst)
        .map(|i| pink.process(white(&mut rng)) * envelope(i))
        .collect();
    let power = dry.iter().map(|v| v * v).sum::<f32>() / (BURSTS * burst) as f32;
    let gain = db_to_gain(RMS_DBFS) / power.sqrt();
    dry.iter_mut().for_each(|v| *v *= gain);
    dry
}
