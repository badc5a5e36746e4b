//! A layer's voice: one slot that plays one trigger of any family (through a [`SoundBank`]) as
//! mono audio, scaled by the layer's level, and fades it when it is stolen, released or
//! stopped. Where the trigger sounds is the layer's business (see [`super::seat`]).

use crate::triggers::sample::Sample;
use crate::triggers::{Excitation, Family, SoundBank};
use std::f32::consts::PI;

/// Time constant of the glide of a voice's carried power towards what it took over (s): a
/// newer trigger's sound comes in over about this long, never as a step.
const CARRY_GLIDE_S: f32 = 0.05;
/// Most a trigger that hands its sound over can add to the voice that takes it over, as a
/// multiple of that voice's own power (a voice near its end would otherwise jump in level).
const MOST_PER_TAKE_OVER: f32 = 2.0;
/// Release time constant of a voice's held level, which masking compares (s): longer than a
/// whisper's pause between words, so a pause is not taken for silence.
const HOLD_RELEASE_S: f32 = 0.3;

/// What a voice's trigger is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceState {
    /// No trigger: it has ended, or none was started.
    Free,
    /// Playing its trigger.
    Playing,
    /// Stolen, released or stopped: fading out.
    Releasing,
}

/// A trigger to start on a voice.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// Its family.
    pub family: Family,
    /// How it is played.
    pub excitation: Excitation,
    /// Start order of the layer's triggers (older voices are stolen first).
    pub order: u64,
    /// Offset into the block where it starts (samples).
    pub at: usize,
    /// Whether a MIDI note started it.
    pub from_note: bool,
    /// What the layer's older triggers handed over to it (see
    /// [`crate::triggers::TriggerSound::carry_on`]).
    pub handed_over: f32,
}

/// The layer's level over one block: every voice of the layer is scaled by it.
#[derive(Debug, Clone, Copy)]
pub struct LevelRamp {
    /// Samples in the block.
    pub len: usize,
    /// The level at the block's first sample (linear).
    pub from: f32,
    /// The level's step per sample (linear).
    pub step: f32,
}

/// One voice of a layer.
#[derive(Debug, Clone)]
pub struct Voice {
    /// The sound of every family, playing one.
    bank: SoundBank,
    /// What it is doing.
    state: VoiceState,
    /// Start order (older voices are stolen first).
    order: u64,
    /// Where this block's rendering starts.
    start: usize,
    /// Fading voices: samples of fade done (of `fade_len`).
    faded: usize,
    /// Fading voices: length of the fade (samples).
    fade_len: usize,
    /// Fading voices: offset in this block where the fade begins.
    fade_from: usize,
    /// Whether a MIDI note started it.
    from_note: bool,
    /// Power it carries for the newer triggers it took over, as a multiple of its own (>= 1),
    /// now and where it glides to (see [`Voice::take_over`]).
    carry: f32,
    carry_target: f32,
    /// Per-sample factor of the carry's glide.
    carry_glide: f32,
    /// Its output's held peak (linear, after the layer's level): see [`Voice::held`].
    held: f32,
    /// Per-sample factor of the held peak's release.
    hold_release: f32,
    /// The highest its held peak has been since its trigger started.
    peak: f32,
    /// Samples played since its trigger started.
    age: usize,
    /// Length of its trigger as planned when it started (samples; 0 for short triggers).
    length: usize,
}

impl Voice {
    /// A free voice in a session at `sample_rate` (Hz). Allocates.
    pub fn new(sample_rate: f32) -> Self {
        Self {
            bank: SoundBank::new(sample_rate),
            state: VoiceState::Free,
            order: 0,
            start: 0,
            faded: 0,
            fade_len: 1,
            fade_from: 0,
            from_note: false,
            carry: 1.0,
            carry_target: 1.0,
            carry_glide: (-1.0 / (CARRY_GLIDE_S * sample_rate)).exp(),
            held: 0.0,
            hold_release: (-1.0 / (HOLD_RELEASE_S * sample_rate)).exp(),
            peak: 0.0,
            age: 0,
            length: 0,
        }
    }

    /// What it is doing.
    pub fn state(&self) -> VoiceState {
        self.state
    }

    /// Whether it plays or fades a trigger.
    pub fn is_sounding(&self) -> bool {
        self.state != VoiceState::Free
    }

    /// Start order of its trigger (older voices are stolen first).
    pub fn order(&self) -> u64 {
        self.order
    }

    /// Samples its trigger has yet to play, as planned (0 if none plays).
    pub fn samples_left(&self) -> usize {
        self.bank.samples_left()
    }

    /// Samples it has played since its trigger started.
    pub fn age(&self) -> usize {
        self.age
    }

    /// Peak of its output (linear, after the layer's level, before placement), held with a
    /// release of [`HOLD_RELEASE_S`]: what masking compares.
    pub fn held(&self) -> f32 {
        self.held
    }

    /// The highest its held peak has been since its trigger started (linear).
    pub fn peak(&self) -> f32 {
        self.peak
    }

    /// Whether it could take over a newer trigger's sound: its sound adds up with the layer's
    /// newer ones (see [`crate::triggers::TriggerSound::stacks`]), and it has at least half its
    /// length ahead (else it would end soon after, and the sound with it).
    pub fn can_take_over(&self) -> bool {
        self.bank.stacks() && self.samples_left() * 2 >= self.length
    }

    /// Whether its trigger must not be cut short (see
    /// [`crate::triggers::TriggerSound::engaged`]).
    pub fn engaged(&self) -> bool {
        self.state == VoiceState::Playing && self.bank.engaged()
    }

    /// The power it carries for what it took over, as a multiple of its own (>= 1; where its
    /// glide is heading).
    pub fn carried(&self) -> f32 {
        self.carry_target
    }

    /// Carries on, from its start, the power `carried` (>= 1, as a multiple of its own) of a
    /// voice stolen for it that had taken over newer triggers: it glides in as the stolen
    /// voice fades, so the layer's sound keeps its density.
    pub fn inherit(&mut self, carried: f32) {
        self.carry_target = self.carry_target.max(carried);
    }

    /// Takes over the sound of a newer trigger of the layer that was not given a voice of its
    /// own: the voice plays on with that trigger's power added to its own (a denser sound, as
    /// overlapping stretches of fire or rain are), gliding in. Whatever the two triggers would
    /// have played over the newer one's length comes in over what this one has left (at most
    /// [`MOST_PER_TAKE_OVER`] times its own power), up to `most` times its own power in all.
    pub fn take_over(&mut self, most: f32) {
        let left = self.samples_left().max(1);
        let added = (self.length.max(left) as f32 / left as f32).min(MOST_PER_TAKE_OVER);
        self.carry_target = (self.carry_target + added).min(most.max(1.0));
    }

    /// Samples of its fade done so far (fading voices).
    pub fn faded(&self) -> usize {
        self.faded
    }

    /// Its Sample family sound, to hand it its clip before a Sample trigger starts.
    pub fn sample_sound(&mut self) -> &mut Sample {
        self.bank.sample_sound()
    }

    /// Lets its Sample sound go of the set it played (once the voice is silent).
    pub fn release_sample(&mut self) {
        self.bank.release_sample();
    }

    /// Starts `trigger`, whatever the voice was doing.
    pub fn start(&mut self, trigger: &Trigger) {
        self.bank.start(trigger.family, &trigger.excitation);
        self.bank.carry_on(trigger.handed_over);
        self.state = VoiceState::Playing;
        self.order = trigger.order;
        self.start = trigger.at;
        self.faded = 0;
        self.from_note = trigger.from_note;
        self.carry = 1.0;
        self.carry_target = 1.0;
        self.held = 0.0;
        self.peak = 0.0;
        self.age = 0;
        self.length = self.bank.samples_left();
    }

    /// Starts fading out over `len` samples, `at` samples into the block.
    pub fn fade_out(&mut self, at: usize, len: usize) {
        self.state = VoiceState::Releasing;
        self.faded = 0;
        self.fade_len = len;
        self.fade_from = at;
    }

    /// A newer trigger of the layer starts `at` samples into the block: the sound hands over
    /// what the two would only double and returns what the newcomer carries on (see
    /// [`crate::triggers::TriggerSound::make_way`]).
    pub fn make_way(&mut self, at: usize) -> f32 {
        if self.is_sounding() {
            // This block's rendering starts at `self.start` (not after `at`: hits are sorted).
            self.bank.make_way(at.saturating_sub(self.start))
        } else {
            0.0
        }
    }

    /// Plays a newer trigger of the layer, `at` samples into the block and at `intensity`
    /// (0 ..= 1), on its own playing trigger, struck again; returns whether it did (see
    /// [`crate::triggers::TriggerSound::strike_again`]).
    pub fn strike_again(&mut self, at: usize, intensity: f32) -> bool {
        self.state == VoiceState::Playing
            && self
                .bank
                .strike_again(at.saturating_sub(self.start), intensity)
    }

    /// Whether a note-off `at` samples into the block ends it: a note started it, it is
    /// playing, and it started by then.
    pub fn ends_with_note_off(&self, at: usize) -> bool {
        self.state == VoiceState::Playing && self.from_note && self.start <= at
    }

    /// Whether an all-notes-off `at` samples into the block should start a fade of `len`
    /// samples: it is playing, or fading more slowly, and it started by then.
    pub fn stops_at(&self, at: usize, len: usize) -> bool {
        let shorter = self.state != VoiceState::Releasing
            || self.fade_len - self.faded.min(self.fade_len) > len;
        self.is_sounding() && self.start <= at && shorter
    }

    /// Cuts the voice at once (after non-finite audio).
    pub fn silence(&mut self) {
        self.state = VoiceState::Free;
    }

    /// Renders its part of the block (from where it starts, or the block's start, to
    /// `level.len`) into `mono[start..level.len]` and returns `start`: the trigger times the
    /// layer's level ramp and any fade, silence once it has ended. It becomes free when its
    /// trigger ends or its fade is done.
    pub fn render(&mut self, level: &LevelRamp, mono: &mut [f32]) -> usize {
        let start = self.start;
        let mono = &mut mono[start..level.len];
        mono.fill(0.0);
        if self.is_sounding() && !self.bank.add_to(mono) {
            self.state = VoiceState::Free;
        }
        self.apply_gain(level, mono);
        let peak = mono.iter().fold(0.0f32, |p, m| p.max(m.abs()));
        self.held = peak.max(self.held * self.hold_release.powi(mono.len() as i32));
        self.peak = self.peak.max(self.held);
        self.age += mono.len();
        self.start = 0;
        start
    }

    /// Scales `mono` (the voice's part of the block) by the layer's level ramp, the power it
    /// carries (gliding, linear in amplitude over the block) and, while it fades, by a
    /// raised-cosine fade from where the fade begins.
    fn apply_gain(&mut self, level: &LevelRamp, mono: &mut [f32]) {
        let start = self.start;
        let carry_from = self.carry.sqrt();
        self.carry = self.carry_target
            + (self.carry - self.carry_target) * self.carry_glide.powi(mono.len() as i32);
        let carry_step = (self.carry.sqrt() - carry_from) / mono.len().max(1) as f32;
        for (i, m) in mono.iter_mut().enumerate() {
            let mut g = (level.from + level.step * (start + i) as f32)
                * (carry_from + carry_step * i as f32);
            if self.state == VoiceState::Releasing && start + i >= self.fade_from {
                let done = (self.faded as f32 / self.fade_len as f32).min(1.0);
                g *= 0.5 * (1.0 + (PI * done).cos());
                self.faded += 1;
            }
            *m *= g;
        }
        self.fade_from = 0;
        if self.state == VoiceState::Releasing && self.faded >= self.fade_len {
            self.state = VoiceState::Free;
        }
    }
}
