//! What every trigger family provides: a voice that starts on an [`Excitation`] and renders
//! mono samples until it has died away, plus a description of its variants and controls; and
//! the small helpers the families share (random variation, control mappings, envelopes).

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// The random generator every trigger draws its variation from (seeded, small and fast).
pub type TriggerRng = SmallRng;

/// A generator seeded with `seed`: the same seed gives the same trigger, bit for bit.
pub fn seeded(seed: u64) -> TriggerRng {
    SmallRng::seed_from_u64(seed)
}

/// One sample of white noise, uniform in -1..1.
#[inline]
pub fn white(rng: &mut TriggerRng) -> f32 {
    rng.random::<f32>() * 2.0 - 1.0
}

/// Power (mean square) of [`white`] noise.
pub const WHITE_POWER: f32 = 1.0 / 3.0;

/// A uniform random value in `-spread..spread`.
pub fn jitter(rng: &mut TriggerRng, spread: f32) -> f32 {
    rng.random_range(-spread..spread)
}

/// A random wait, exponentially distributed with mean 1 (scale it by the mean wait): the gaps
/// between the events of a Poisson stream.
pub fn exponential(rng: &mut TriggerRng) -> f32 {
    -(1.0 - rng.random::<f32>()).ln()
}

/// Samples between control-rate updates (gesture envelopes, filter glides); values in between
/// are interpolated linearly or held.
pub const CONTROL_BLOCK: usize = 32;

/// Linear interpolation from `a` (at `x` = 0) to `b` (at `x` = 1).
pub fn lerp(a: f32, b: f32, x: f32) -> f32 {
    a + (b - a) * x
}

/// Smooth step from 0 (at `x` <= 0) to 1 (at `x` >= 1) with zero slope at both ends.
pub fn smoothstep(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Input level (linear) at which [`soft_clip`] reaches ±1.
const SOFT_CLIP_KNEE: f32 = 3.0;

/// Soft saturation of `x` (linear): a Padé approximation of `tanh` (within 2.5 %), nearly
/// transparent for small signals (-0.2 dB at 0.3) and never beyond ±1 (reached at ±3 and held
/// above).
#[inline]
pub fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-SOFT_CLIP_KNEE, SOFT_CLIP_KNEE);
    (x * (27.0 + x * x) / (27.0 + 9.0 * x * x)).clamp(-1.0, 1.0)
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
    pub fn add_to(&mut self, out: &mut [f32], rng: &mut TriggerRng) {
        let len = self.left.min(out.len());
        for o in &mut out[..len] {
            *o += self.level * white(rng);
            self.level *= self.fall;
        }
        self.left -= len;
    }
}

/// Linear amplitude gain of `db` decibels.
pub fn db_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Maps a control `x` (0 ..= 1, clamped) onto `range` logarithmically.
pub fn log_map(x: f32, range: (f32, f32)) -> f32 {
    range.0 * (range.1 / range.0).powf(x.clamp(0.0, 1.0))
}

/// The control value (0 ..= 1) that [`log_map`] maps onto `value` within `range`.
pub fn log_unmap(value: f32, range: (f32, f32)) -> f32 {
    ((value / range.0).ln() / (range.1 / range.0).ln()).clamp(0.0, 1.0)
}

/// How one trigger is played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Excitation {
    /// The family's variant (an index into its [`FamilyInfo::variants`]).
    pub variant: usize,
    /// The family's four character controls, each 0..=1 (see [`FamilyInfo::controls`]).
    pub character: [f32; 4],
    /// How hard the trigger is played, 0..=1 (MIDI velocity, accents, intensity).
    pub intensity: f32,
    /// Seed of this trigger's random variation.
    pub seed: u64,
}

/// A character control as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlInfo {
    /// Short name ("Hardness").
    pub name: &'static str,
    /// One sentence: what turning it up does.
    pub description: &'static str,
}

/// A trigger family as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyInfo {
    /// Family name ("Tap").
    pub name: &'static str,
    /// Variant names ("Wood", "Glass", ...).
    pub variants: &'static [&'static str],
    /// The four character controls, in order.
    pub controls: [ControlInfo; 4],
    /// Whether a trigger lasts (a stroke, a phrase) and so follows its layer's motion while it
    /// sounds; short ones (a tap, a drop) keep the position they were born at.
    pub sustained: bool,
}

/// A voice of one trigger family. Created (and allocated) in `activate()`; `start` and
/// `render` are real-time safe: no allocation, no locks, no I/O.
pub trait TriggerSound {
    /// An idle voice at `sample_rate` (Hz).
    fn new(sample_rate: f32) -> Self;
    /// Starts a trigger, replacing whatever the voice was playing.
    fn start(&mut self, excitation: &Excitation);
    /// Adds the next `out.len()` samples of the trigger to `out`. Returns `false` once the
    /// trigger has finished (and then adds nothing).
    fn render(&mut self, out: &mut [f32]) -> bool;
}
