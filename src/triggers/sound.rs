//! What every trigger family provides: a sound that starts on an [`Excitation`] and adds its
//! mono samples until it has died away, plus a description of its variants and controls. (The
//! helpers they share, randomness and scalar mappings, are in [`crate::dsp`].)

/// Samples between control-rate updates (gesture envelopes, filter glides); values in between
/// are interpolated linearly or held.
pub const CONTROL_BLOCK: usize = 32;

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
    /// The layer's nominal time between triggers (s, > 0), or 0 when it has no rhythm (MIDI
    /// notes only). A tapper's hand rests on the object the more the faster it taps; a fire
    /// keeps burning until the layer is due to light the next stretch.
    pub interval_s: f32,
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

/// The sound of one trigger family. `new`, `start` and `add_to` are real-time safe: no
/// allocation, no locks, no I/O (all state is inline, so a voice can build the sound of another
/// family in place when a trigger of that family starts). (In Tingle a *voice* is one of a
/// layer's slots that plays one trigger: see `engine::layer::voice`.)
pub trait TriggerSound {
    /// An idle sound at `sample_rate` (Hz); cheap, and never allocates.
    fn new(sample_rate: f32) -> Self;
    /// Starts a trigger, replacing whatever the sound was playing.
    fn start(&mut self, excitation: &Excitation);
    /// Adds the next `out.len()` samples of the trigger to `out`. Returns `false` once the
    /// trigger has finished (and then adds nothing).
    fn add_to(&mut self, out: &mut [f32]) -> bool;
    /// A newer trigger of the same layer starts `after` samples into the next block this
    /// sound renders: the sound hands over whatever the two would only double, and returns
    /// what the newcomer should carry on with it (see [`TriggerSound::carry_on`]). A droplet's
    /// faint drizzle fades out and hands over the share of its level it has yet to play. Most
    /// sounds play on unchanged and hand over nothing (the default: 0).
    fn make_way(&mut self, after: usize) -> f32 {
        let _ = after;
        0.0
    }
    /// The voice budget has no voice for a newer short trigger of the layer, `after` samples
    /// into the next block this sound renders, at `intensity` (0 ..= 1): the sound may play it
    /// itself, struck again on the same object, instead of the layer stealing its oldest voice
    /// (which would cut that voice's ring short). Returns whether it took it. A droplet takes
    /// it while its drizzle falls: a newer drip onto the same water. The default takes none.
    fn strike_again(&mut self, after: usize, intensity: f32) -> bool {
        let _ = (after, intensity);
        false
    }
    /// Called right after [`TriggerSound::start`] with the sum of what the layer's older
    /// triggers handed over in [`TriggerSound::make_way`] (>= 0, in the family's own unit: for
    /// a droplet, drizzle power as a multiple of one droplet's). The default ignores it.
    fn carry_on(&mut self, handed_over: f32) {
        let _ = handed_over;
    }
    /// Samples the trigger has yet to play, as planned (0 once it has ended). The voice budget
    /// uses it to hand a newer trigger's sound over to a sustained one that plays on (see
    /// `engine::budget`). Short triggers, which are never handed over, may keep the default: 0.
    fn samples_left(&self) -> usize {
        0
    }
    /// Whether overlapping triggers of one layer add up to one denser sound (stretches of fire
    /// or rain, brush strokes, paper handled), so that the voice budget may hand a newer
    /// trigger's sound over to this one instead of giving it a voice (see `engine::budget`).
    /// Not so for a whisperer, who says one phrase at a time, nor for a droplet, whose drip is
    /// its sound. The default: no.
    fn stacks(&self) -> bool {
        false
    }
    /// Whether the trigger is in the middle of something a newer one must not cut short: a
    /// phrase being spoken. Under the voice budget, a newer trigger of the layer that finds
    /// no voice free but such ones is left out, as a whisperer finishes a phrase before
    /// starting the next (see `engine::budget`). The default: no.
    fn engaged(&self) -> bool {
        false
    }
}
