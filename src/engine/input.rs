//! The track's own input as a source: input gain -> mono downmix -> binaural placement (its
//! set position, glides and motion) -> binaural/original mix, added to the output like a
//! layer. Between sounds the placer rests and only the position moves on.

use super::motion::MotionSettings;
use super::placement::PlacementControl;
use super::tempo::{Clock, Transport};
use crate::binaural::Position;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::{Placer, placement_factor};
use crate::dsp::math::db_to_gain;
use crate::dsp::ramp::Ramp;
use crate::head::{Anchor, HeadTrack};
use crate::ranges;
use crate::room::{Emitter, RoomFeed};
use std::sync::Arc;

/// Which main input channels carry audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputChannels {
    /// No input (an instrument track): the engine reads nothing.
    None,
    /// Mono input in the left buffer.
    Mono,
    /// Stereo input, downmixed to the placed source.
    Stereo,
}

/// How the input is placed and mixed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputSettings {
    /// Where the input is placed.
    pub position: Position,
    /// How it moves.
    pub motion: MotionSettings,
    /// Gain applied to the input (dB).
    pub gain_db: f32,
    /// Share of the binaural signal in the output, 0 (original) ..= 1 (binaural).
    pub mix: f32,
    /// Room Send: the share of the placed input sent into the room, 0 ..= 1 (off by
    /// default).
    pub room_send: f32,
    /// Whether the input stays in the room as the head turns (World) or turns with the head
    /// (Head).
    pub anchor: Anchor,
}

impl Default for InputSettings {
    /// In front at 1 m, still, unity gain, fully binaural.
    fn default() -> Self {
        Self {
            position: Position::default(),
            motion: MotionSettings::default(),
            gain_db: 0.0,
            mix: 1.0,
            room_send: ranges::INPUT_ROOM_SEND.default,
            anchor: Anchor::World,
        }
    }
}

/// The input source. Allocates only in [`InputSource::new`].
pub struct InputSource {
    sample_rate: f32,
    settings: InputSettings,
    placement: PlacementControl,
    placer: Placer,
    /// Sends the placed input into the room.
    emitter: Emitter,
    gain: Ramp,
    mix: Ramp,
    /// The block's input, left and right (after the input gain).
    dry: [Vec<f32>; 2],
    /// Mono source, one block.
    mono: Vec<f32>,
    /// Binaural output, one block each.
    wet: [Vec<f32>; 2],
    /// Samples the placer keeps sounding after the input fell silent (0: it rests).
    tail_left: usize,
    /// Whether the block [`InputSource::take`] took is all zeros.
    silent: bool,
}

impl InputSource {
    /// A resting source in a session at `sample_rate` (Hz) for blocks of up to `max_block`
    /// samples, placing with `hrtf` (see [`Placer::new`]), its gains gliding over `glide`
    /// samples. Allocates.
    pub fn new(hrtf: &Arc<HrtfSet>, sample_rate: f32, max_block: usize, glide: u32) -> Self {
        let settings = InputSettings::default();
        Self {
            sample_rate,
            settings,
            placement: PlacementControl::default(),
            placer: Placer::new(hrtf.clone(), sample_rate),
            emitter: Emitter::new(placement_factor(sample_rate)),
            gain: Ramp::new(db_to_gain(settings.gain_db), glide),
            mix: Ramp::new(settings.mix, glide),
            dry: [vec![0.0; max_block], vec![0.0; max_block]],
            mono: vec![0.0; max_block],
            wet: [vec![0.0; max_block], vec![0.0; max_block]],
            tail_left: 0,
            silent: true,
        }
    }

    /// Takes new settings; the gains glide, the position glides.
    pub fn set(&mut self, settings: &InputSettings) {
        self.settings = *settings;
        self.gain.set_target(db_to_gain(settings.gain_db));
        self.mix.set_target(ranges::MIX.clamp(settings.mix));
    }

    /// Its placer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.placer.set_hrtf(hrtf);
    }

    /// Where the input is now (after glides and motion).
    pub fn position(&self) -> Position {
        self.placement.current()
    }

    /// Takes the block's input from `left` and `right` (as `channels` say) and leaves them
    /// zeroed for the sources to add to. A silent input is only noted (nothing to copy).
    pub fn take(&mut self, left: &mut [f32], right: &mut [f32], channels: InputChannels) {
        let n = left.len();
        self.silent = match channels {
            InputChannels::None => true,
            InputChannels::Mono => all_zero(left),
            InputChannels::Stereo => all_zero(left) && all_zero(right),
        };
        let [dry_l, dry_r] = &mut self.dry;
        if !self.silent {
            dry_l[..n].copy_from_slice(left);
            // A mono input's right copy is written from the left in `add_to`.
            if channels == InputChannels::Stereo {
                dry_r[..n].copy_from_slice(right);
            }
        }
        left.fill(0.0);
        right.fill(0.0);
    }

    /// Places the input [`InputSource::take`] took (`channels` says which of it is audio),
    /// mixes it with the original, adds it to `left` and `right` and sends the placed input
    /// into the `room` (as much as its Room Send asks), heard by the `head` as it turns. Returns whether it
    /// sounded: a silent input whose placer has rung out adds nothing and costs little (the
    /// placer rests, reset, while the position moves on, so the next sound starts afresh
    /// where the input is then).
    pub fn add_to(
        &mut self,
        channels: InputChannels,
        transport: &Transport,
        clock: &Clock,
        left: &mut [f32],
        right: &mut [f32],
        (room, head): (&mut RoomFeed, &HeadTrack),
    ) -> bool {
        let n = left.len();
        let silent = self.silent;
        if silent && self.tail_left == 0 {
            self.gain.skip(n);
            self.mix.skip(n);
            self.placement.step(
                n as f64 / f64::from(self.sample_rate),
                &self.settings.position,
                &self.settings.motion,
                transport,
                clock.beats_at(n),
            );
            return false;
        }

        let [dry_l, dry_r] = &mut self.dry;
        let (dry_l, dry_r) = (&mut dry_l[..n], &mut dry_r[..n]);
        if silent {
            // Only the placer's tail sounds.
            dry_l.fill(0.0);
            dry_r.fill(0.0);
        }
        let mono = &mut self.mono[..n];
        for i in 0..n {
            let g = self.gain.advance();
            dry_l[i] *= g;
            if channels == InputChannels::Stereo {
                dry_r[i] *= g;
                mono[i] = 0.5 * (dry_l[i] + dry_r[i]);
            } else {
                dry_r[i] = dry_l[i];
                mono[i] = dry_l[i];
            }
        }

        let [wet_l, wet_r] = &mut self.wet;
        let (wet_l, wet_r) = (&mut wet_l[..n], &mut wet_r[..n]);
        wet_l.fill(0.0);
        wet_r.fill(0.0);
        let period = self.placer.control_period();
        let period_s = period as f64 / f64::from(self.sample_rate);
        let (settings, placement) = (&self.settings, &mut self.placement);
        self.placer.add_to(mono, wet_l, wet_r, |offset| {
            let beats = clock.beats_at(offset + period);
            let position = placement.step(
                period_s,
                &settings.position,
                &settings.motion,
                transport,
                beats,
            );
            settings.anchor.heard(position, head.period_after(offset))
        });
        if silent {
            self.tail_left = self.tail_left.saturating_sub(n);
            if self.tail_left == 0 {
                self.placer.reset();
                self.emitter.reset();
            }
        } else {
            let position = self.placement.current();
            let send = ranges::INPUT_ROOM_SEND.clamp(self.settings.room_send);
            let (anchor, turned) = (self.settings.anchor, head.current());
            self.emitter.feed(room, 0, mono, send, |_| {
                (anchor.in_world(position, turned), turned)
            });
            self.tail_left = self.placer.tail_len();
        }

        for i in 0..n {
            let m = self.mix.advance();
            left[i] += dry_l[i] + m * (wet_l[i] - dry_l[i]);
            right[i] += dry_r[i] + m * (wet_r[i] - dry_r[i]);
        }
        true
    }

    /// Cuts the placer at once (after non-finite audio).
    pub fn silence(&mut self) {
        self.placer.reset();
        self.emitter.reset();
        self.tail_left = 0;
    }

    /// [`InputSource::silence`], and the position and gains jump to their targets.
    pub fn reset(&mut self) {
        self.silence();
        self.placement.reset();
        self.gain.jump(self.gain.target());
        self.mix.jump(self.mix.target());
    }
}

/// Whether every sample of `samples` is zero.
fn all_zero(samples: &[f32]) -> bool {
    samples.iter().all(|&v| v == 0.0)
}
