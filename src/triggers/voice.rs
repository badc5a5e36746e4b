//! What every trigger family provides: a voice that starts on an [`Excitation`] and renders
//! mono samples until it has died away, plus a description of its variants and controls.

use rand::SeedableRng;
use rand::rngs::SmallRng;

/// The random generator every trigger draws its variation from (seeded, small and fast).
pub type TriggerRng = SmallRng;

/// A generator seeded with `seed`: the same seed gives the same trigger, bit for bit.
pub fn seeded(seed: u64) -> TriggerRng {
    SmallRng::seed_from_u64(seed)
}

/// One sample of white noise, uniform in -1..1.
#[inline]
pub fn white(rng: &mut TriggerRng) -> f32 {
    use rand::RngExt;
    rng.random::<f32>() * 2.0 - 1.0
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
