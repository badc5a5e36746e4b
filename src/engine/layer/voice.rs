//! A layer's voice: one slot that plays one trigger of any family (through a [`SoundBank`]) as
//! mono audio, scaled by the layer's level, and fades it when it is stolen, released or
//! stopped. Where the trigger sounds is the layer's business (see [`super::seat`]).

use crate::triggers::sample::Sample;
use crate::triggers::{Excitation, Family, SoundBank};
use std::f32::consts::PI;

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
        self.start = 0;
        start
    }

    /// Scales `mono` (the voice's part of the block) by the layer's level ramp and, while it
    /// fades, by a raised-cosine fade from where the fade begins.
    fn apply_gain(&mut self, level: &LevelRamp, mono: &mut [f32]) {
        let start = self.start;
        for (i, m) in mono.iter_mut().enumerate() {
            let mut g = level.from + level.step * (start + i) as f32;
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
