//! A layer's voice: one slot that plays one trigger of any family (through a [`SoundBank`]),
//! fades it when it is stolen or released, and places it binaurally with its own placer, or
//! hands it to the layer's shared [`Bus`] when it sounds exactly where the layer is.

use super::bus::Bus;
use super::layer::LayerParams;
use super::placement::PlacementControl;
use super::tempo::{Clock, Transport};
use crate::binaural::Position;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::Placer;
use crate::triggers::{Excitation, Family, SoundBank};
use std::f32::consts::PI;
use std::sync::Arc;

/// What a voice is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceState {
    /// Idle, ready for a trigger.
    Free,
    /// Playing its trigger.
    Playing,
    /// Stolen or released: fading out.
    Releasing,
    /// The trigger has ended; the placer's filters and delays are ringing out.
    Tail,
}

/// Offset of a trigger from its layer's position, drawn at birth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offset {
    /// Azimuth offset (degrees).
    pub azimuth_deg: f32,
    /// Elevation offset (degrees).
    pub elevation_deg: f32,
    /// Distance factor (> 0).
    pub distance_factor: f32,
}

impl Offset {
    /// No offset: the trigger sounds where the layer is.
    pub const NONE: Self = Self {
        azimuth_deg: 0.0,
        elevation_deg: 0.0,
        distance_factor: 1.0,
    };

    /// `p` moved by the offset.
    pub fn apply(&self, p: Position) -> Position {
        Position {
            azimuth_deg: p.azimuth_deg + self.azimuth_deg,
            elevation_deg: p.elevation_deg + self.elevation_deg,
            distance_m: p.distance_m * self.distance_factor,
        }
    }
}

/// Where and how a trigger starts.
#[derive(Debug, Clone)]
pub struct Birth {
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
    /// Whether it follows the layer's motion while it sounds (else it keeps `position`).
    pub sustained: bool,
    /// Whether it sounds where the layer is, through the layer's shared bus.
    pub on_bus: bool,
    /// Its offset from the layer's position.
    pub offset: Offset,
    /// Where it sounds at its start.
    pub position: Position,
    /// The layer's placement at its start (sustained voices follow it from there).
    pub control: PlacementControl,
}

/// What every voice (and the bus) of a layer needs to render one block.
pub struct Block<'a> {
    /// The layer's settings.
    pub params: &'a LayerParams,
    /// The host's transport.
    pub transport: &'a Transport,
    /// The block's song position.
    pub clock: &'a Clock,
    /// Samples in the block.
    pub len: usize,
    /// The layer's level at the block's first sample (linear).
    pub level_from: f32,
    /// The layer's level step per sample (linear).
    pub level_step: f32,
    /// The placers' control period (samples).
    pub period: usize,
    /// The placers' control period (s).
    pub period_s: f64,
}

impl Block<'_> {
    /// The layer's placement `control` stepped on by one control period, to the position it
    /// reaches a period after `at` samples into the block.
    pub fn next_position(&self, control: &mut PlacementControl, at: usize) -> Position {
        control.step(
            self.period_s,
            &self.params.position,
            &self.params.motion,
            self.transport,
            self.clock.beats_at(at + self.period),
        )
    }
}

/// One voice of a layer.
#[derive(Debug, Clone)]
pub struct Voice {
    /// The sound of every family, playing one.
    bank: SoundBank,
    /// Its own placer (unused while it sounds through the bus).
    placer: Placer,
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
    /// Samples of placer tail left to flush.
    tail_left: usize,
    /// Whether it follows the layer's motion (sustained) or stays at its birth position.
    sustained: bool,
    /// Whether it sounds where the layer is, through the layer's shared bus.
    on_bus: bool,
    /// Where it was born.
    birth: Position,
    /// Its offset from the layer's position.
    offset: Offset,
    /// The layer's placement as of the voice's last control period (sustained voices).
    control: PlacementControl,
}

impl Voice {
    /// A free voice in a session at `sample_rate` (Hz) placing with `hrtf` (at the placement
    /// rate: see [`Placer::new`]). Allocates.
    pub fn new(hrtf: &Arc<HrtfSet>, sample_rate: f32) -> Self {
        Self {
            bank: SoundBank::new(sample_rate),
            placer: Placer::new(hrtf.clone(), sample_rate),
            state: VoiceState::Free,
            order: 0,
            start: 0,
            faded: 0,
            fade_len: 1,
            fade_from: 0,
            from_note: false,
            tail_left: 0,
            sustained: false,
            on_bus: false,
            birth: Position::default(),
            offset: Offset::NONE,
            control: PlacementControl::default(),
        }
    }

    /// What it is doing.
    pub fn state(&self) -> VoiceState {
        self.state
    }

    /// Start order of its trigger (older voices are stolen first).
    pub fn order(&self) -> u64 {
        self.order
    }

    /// Samples of its fade done so far (fading voices).
    pub fn faded(&self) -> usize {
        self.faded
    }

    /// The placers' control period (samples).
    pub fn control_period(&self) -> usize {
        self.placer.control_period()
    }

    /// Its Sample family sound, to hand it its clip before a Sample trigger starts.
    pub fn sample_sound(&mut self) -> &mut crate::triggers::sample::Sample {
        self.bank.sample_sound()
    }

    /// Lets its Sample sound go of the set it played (once the voice is silent).
    pub fn release_sample(&mut self) {
        self.bank.release_sample();
    }

    /// Starts `birth`'s trigger, whatever the voice was doing.
    pub fn start(&mut self, birth: Birth) {
        self.bank.start(birth.family, &birth.excitation);
        self.bank.carry_on(birth.handed_over);
        self.placer.reset();
        self.state = VoiceState::Playing;
        self.order = birth.order;
        self.start = birth.at;
        self.faded = 0;
        self.from_note = birth.from_note;
        self.sustained = birth.sustained;
        self.on_bus = birth.on_bus;
        self.offset = birth.offset;
        self.birth = birth.position;
        self.control = birth.control;
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
        if matches!(self.state, VoiceState::Playing | VoiceState::Releasing) {
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
        matches!(self.state, VoiceState::Playing | VoiceState::Releasing)
            && self.start <= at
            && shorter
    }

    /// Its placer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.placer.set_hrtf(hrtf);
    }

    /// Cuts the voice at once (after non-finite audio).
    pub fn silence(&mut self) {
        self.state = VoiceState::Free;
        self.placer.reset();
    }

    /// Renders its part of `block` (from where it starts, or the block's start) into the
    /// scratch `mono` (at least `block.len` long): the trigger times the layer's level ramp and
    /// any fade; then adds it to `bus` if it sounds where the layer is, or places it and adds
    /// the two ears to `left` and `right`. Moves on to the tail and to free as it ends.
    pub fn add_to(
        &mut self,
        block: &Block,
        mono: &mut [f32],
        bus: &mut Bus,
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let (start, n) = (self.start, block.len);
        let mono = &mut mono[start..n];
        mono.fill(0.0);
        if matches!(self.state, VoiceState::Playing | VoiceState::Releasing)
            && !self.bank.add_to(mono)
        {
            self.ring_out();
        }
        self.apply_gain(block, mono);
        self.start = 0;
        if self.on_bus {
            bus.add(start, mono);
            // The bus's placer rings out for it.
            if self.state == VoiceState::Tail {
                self.state = VoiceState::Free;
            }
            return;
        }
        let (sustained, birth, offset) = (self.sustained, self.birth, self.offset);
        let control = &mut self.control;
        self.placer
            .add_to(mono, &mut left[start..n], &mut right[start..n], |at| {
                if sustained {
                    offset.apply(block.next_position(control, start + at))
                } else {
                    birth
                }
            });
        if self.state == VoiceState::Tail {
            self.tail_left = self.tail_left.saturating_sub(n - start);
            if self.tail_left == 0 {
                self.state = VoiceState::Free;
            }
        }
    }

    /// Scales `mono` (the voice's part of the block) by the layer's level ramp and, while it
    /// fades, by a raised-cosine fade from where the fade begins.
    fn apply_gain(&mut self, block: &Block, mono: &mut [f32]) {
        let start = self.start;
        for (i, m) in mono.iter_mut().enumerate() {
            let mut g = block.level_from + block.level_step * (start + i) as f32;
            if self.state == VoiceState::Releasing && start + i >= self.fade_from {
                let done = (self.faded as f32 / self.fade_len as f32).min(1.0);
                g *= 0.5 * (1.0 + (PI * done).cos());
                self.faded += 1;
            }
            *m *= g;
        }
        self.fade_from = 0;
        if self.state == VoiceState::Releasing && self.faded >= self.fade_len {
            self.ring_out();
        }
    }

    /// The trigger has ended (or faded out): the placer rings out.
    fn ring_out(&mut self) {
        self.state = VoiceState::Tail;
        self.tail_left = self.placer.tail_len();
    }
}
