//! The host-independent real-time engine. The plugin, the standalone app, the offline renderer,
//! the tests and the benchmarks all drive this same type; it knows nothing of plugin formats.
//!
//! Per block, the signal flow of [`Engine::process_chunk`]: the track's input placed
//! ([`input::InputSource`]) plus the trigger layers ([`layer::Layer`]) plus the ambient bed
//! ([`bed::Bed`]), faded out while the editor asks for quiet ([`cue::Quiet`]), plus the
//! editor's cue ([`cue::CuePlayer`]), through the master chain ([`master::MasterChain`]: output
//! gain -> gentle mode -> session timer fade -> hearing-safety limiter).

pub mod bed;
pub mod budget;
pub mod cpu;
pub mod cue;
pub mod hrtf_loader;
pub mod hrtf_swap;
pub mod input;
pub mod layer;
pub mod master;
pub mod motion;
pub mod placement;
pub mod rhythm;
mod samples;
pub mod telemetry;
pub mod tempo;
pub mod timer;

use crate::binaural::cache;
use crate::binaural::hrtf::HrtfSet;
use crate::dsp::denormal::FlushDenormals;
use crate::dsp::loudness::Loudness;
use crate::dsp::math::db_to_gain;
use crate::head::{HeadTrack, Rotation, YawPitchRoll};
use crate::ranges;
use crate::room::{Room, RoomSettings};
use bed::{Bed, BedSettings};
use budget::Allowance;
use cue::{CuePlayer, Quiet};
use hrtf_swap::{HrtfReceiver, HrtfSender, hrtf_line};
pub use input::InputChannels;
use input::{InputSettings, InputSource};
use layer::{Layer, LayerSettings, Placers};
use master::{MasterChain, MasterSettings};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use telemetry::{TelemetrySender, TriggerFlash};
use tempo::{Clock, Transport};

/// Glide time of gain and mix changes (s).
const GAIN_GLIDE_S: f32 = 0.02;
/// Release time constant of the output's held peak, masking's reference (s).
const OUTPUT_HOLD_RELEASE_S: f32 = 0.3;
/// Number of trigger layers.
pub const LAYERS: usize = 8;
/// Placers an instance's layers share for the triggers that sound on their own, with the
/// voice budget on: as many as the budget lets play at once, plus every layer's slots for the
/// voices fading out meanwhile.
const SHARED_PLACERS: usize =
    budget::MOST_VOICES + LAYERS * (layer::VOICE_SLOTS - layer::VOICES_PER_LAYER);
/// Largest MIDI note number.
const MAX_NOTE: u8 = ranges::MIDI_NOTE.max;

/// Everything the engine's sound depends on, in plain units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineSettings {
    /// How the track's input is placed and mixed.
    pub input: InputSettings,
    /// The trigger layers.
    pub layers: [LayerSettings; LAYERS],
    /// The ambient bed (off by default).
    pub bed: BedSettings,
    /// The room every layer and the input can send into (off by default).
    pub room: RoomSettings,
    /// Output gain, gentle mode, the session timer and the limiter.
    pub master: MasterSettings,
    /// The head's orientation as the Head Yaw, Pitch and Roll parameters set it (a head
    /// tracker's turns add to it: [`Engine::set_tracker`]).
    pub head: YawPitchRoll,
    /// Seed of all random variation: the same seed and parameters render the same sound.
    pub seed: u64,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            input: InputSettings::default(),
            layers: std::array::from_fn(|i| LayerSettings {
                midi_note: layer::DEFAULT_FIRST_NOTE + i as u8,
                ..LayerSettings::default()
            }),
            bed: BedSettings::default(),
            room: RoomSettings::default(),
            master: MasterSettings::default(),
            head: YawPitchRoll::default(),
            seed: 1,
        }
    }
}

/// The real-time engine. [`Engine::new`] allocates everything; nothing else does.
pub struct Engine {
    sample_rate: f32,
    max_block: usize,
    settings: EngineSettings,
    transport: Transport,
    /// Song position at the start of the current chunk.
    clock: Clock,
    /// The track's input, placed.
    input: InputSource,
    layers: Vec<Layer>,
    /// The placers the layers' triggers that sound on their own share.
    placers: Placers,
    /// Seed the layers were last seeded with.
    seed: u64,
    bed: Bed,
    /// The room the sources send into.
    room: Room,
    /// The head's orientation through the block, smoothed.
    head: HeadTrack,
    /// The head tracker's orientation (recentred), identity without one.
    tracker: Rotation,
    master: MasterChain,
    /// Whether the session has ended and the engine rests (its voices already cleared).
    resting: bool,
    /// Output loudness, measured while an editor listens.
    loudness: Loudness,
    /// Whether the last block was measured for a listening editor.
    reported: bool,
    /// What the blocks cost, measured while an editor listens.
    cpu: cpu::CpuMeter,
    /// The editor's line to the audio thread, when connected.
    telemetry: Option<TelemetrySender>,
    /// The cue the editor sent, as it plays.
    cue: CuePlayer,
    /// The scene's fade while the editor asks for quiet.
    quiet: Quiet,
    /// Whether blocks in which nothing sounds skip the output stages (on; off only to check
    /// that skipping changes nothing).
    skip_silence: bool,
    /// Whether the last chunk skipped its work.
    skipped: bool,
    /// Whether the voice budget holds the layers to [`budget::INSTANCE_UNITS`] (on; off only
    /// for a test's or a listening comparison's reference).
    budget: bool,
    /// Peak of the output before the master chain, held with a release: masking's reference.
    output_held: f32,
    /// Per-sample factor of `output_held`'s release.
    output_release: f32,
    /// Where the layers' sound sets arrive (and go back), once connected.
    samples: Option<crate::samples::SampleInbox>,
    /// The HRTF set every placer renders with (the engine holds the last reference to the
    /// old set during a swap and hands it back through `hrtf_line`).
    hrtf: Arc<HrtfSet>,
    /// Where new HRTF sets arrive and old ones leave.
    hrtf_line: HrtfReceiver,
    /// The other end of `hrtf_line`, until the plugin takes it.
    hrtf_sender: Option<HrtfSender>,
}

impl Engine {
    /// An engine for `sample_rate` (Hz) and blocks of up to `max_block` samples (longer blocks
    /// are split), starting from [`EngineSettings::default`]. To start at other settings without
    /// gliding from the defaults, call [`Engine::set_settings`] and then [`Engine::reset`] before
    /// the first block. Allocates: call from `activate()`.
    pub fn new(sample_rate: f32, max_block: usize) -> Self {
        Self::with_hrtf(sample_rate, max_block, cache::kemar_at(sample_rate))
    }

    /// [`Engine::new`] rendering with `hrtf` (at the placement rate of `sample_rate`, KEMAR's
    /// filter length at that rate: see [`cache::set_at`]) instead of the built-in KEMAR set.
    /// Allocates.
    pub fn with_hrtf(sample_rate: f32, max_block: usize, hrtf: Arc<HrtfSet>) -> Self {
        let (hrtf_sender, hrtf_line) = hrtf_line();
        let max_block = max_block.max(1);
        let glide = (GAIN_GLIDE_S * sample_rate) as u32;
        let params = EngineSettings::default();
        Self {
            sample_rate,
            max_block,
            settings: params,
            transport: Transport::default(),
            clock: Clock::default(),
            input: InputSource::new(&hrtf, sample_rate, max_block, glide),
            layers: (0..LAYERS)
                .map(|i| Layer::new(&hrtf, sample_rate, max_block, i, layer_seed(params.seed, i)))
                .collect(),
            placers: Placers::new(SHARED_PLACERS, &hrtf, sample_rate, max_block),
            seed: params.seed,
            bed: Bed::new(sample_rate, bed_seed(params.seed)),
            room: Room::new(sample_rate, max_block, &hrtf),
            head: HeadTrack::new(
                sample_rate,
                max_block,
                crate::binaural::placer::control_period(sample_rate),
            ),
            tracker: Rotation::IDENTITY,
            master: MasterChain::new(sample_rate, glide),
            resting: false,
            loudness: Loudness::new(sample_rate),
            reported: false,
            cpu: cpu::CpuMeter::new(sample_rate),
            telemetry: None,
            cue: CuePlayer::new(),
            quiet: Quiet::new(sample_rate),
            skip_silence: true,
            skipped: false,
            budget: true,
            output_held: 0.0,
            output_release: (-1.0 / (OUTPUT_HOLD_RELEASE_S * sample_rate)).exp(),
            samples: None,
            hrtf,
            hrtf_line,
            hrtf_sender: Some(hrtf_sender),
        }
    }

    /// The sending end of the line through which a new HRTF set replaces the one in use while
    /// the engine runs (once; `None` after). Sets sent must be at the engine's sample rate and
    /// filter length (see [`cache::set_at`]); others are handed back unused.
    pub fn take_hrtf_sender(&mut self) -> Option<HrtfSender> {
        self.hrtf_sender.take()
    }

    /// The HRTF set in use.
    pub fn hrtf(&self) -> &Arc<HrtfSet> {
        &self.hrtf
    }

    /// The session sample rate (Hz).
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Sets new parameter values; every change glides.
    pub fn set_settings(&mut self, params: &EngineSettings) {
        if params.seed != self.seed {
            self.seed = params.seed;
            for (i, layer) in self.layers.iter_mut().enumerate() {
                layer.reseed(layer_seed(params.seed, i));
            }
            self.bed.reseed(bed_seed(params.seed));
        }
        if params.head != self.settings.head {
            self.settings.head = params.head;
            self.aim_head();
        }
        self.settings = *params;
        self.input.set(&params.input);
        self.bed.set(&params.bed);
        self.room.set(&params.room);
        self.master.set(&params.master);
    }

    /// The head tracker's orientation (recentred), applied after the Head Yaw, Pitch and Roll
    /// parameters' turn; the identity without a tracker. The head glides to it.
    pub fn set_tracker(&mut self, tracker: Rotation) {
        self.tracker = tracker.normalised();
        self.aim_head();
    }

    /// Points the head's glide at the parameters' turn followed by the tracker's.
    fn aim_head(&mut self) {
        self.head
            .set_target(Rotation::from_ypr(self.settings.head).then_local(self.tracker));
    }

    /// The transport at the start of the next block. Its song position replaces the one the
    /// engine keeps running between calls: hosts call this every block; an offline driver
    /// calls it once at the start and lets the engine advance the position.
    pub fn set_transport(&mut self, transport: &Transport) {
        self.transport = *transport;
        self.clock = Clock::new(transport, self.sample_rate);
        self.master.locate(transport);
    }

    /// Connects the editor: triggers, meters and positions are reported to `sender` from now
    /// on, and its cues play; the meters learn the engine's sample rate.
    pub fn set_telemetry(&mut self, sender: TelemetrySender) {
        sender.meters().sample_rate.store(self.sample_rate, Relaxed);
        self.telemetry = Some(sender);
    }

    /// Disconnects the editor's line (to hand it to the next engine after a re-activation),
    /// handing the cue playing back first.
    pub fn take_telemetry(&mut self) -> Option<TelemetrySender> {
        self.stop_cue();
        self.telemetry.take()
    }

    /// Counts a tingle (the tingle note played) for the editor, if one is connected: the
    /// meters' count goes up by one, wrapping.
    pub fn mark_tingle(&mut self) {
        if let Some(telemetry) = &self.telemetry {
            telemetry.meters().tingles.fetch_add(1, Relaxed);
        }
    }

    /// Whether blocks in which nothing sounds (no input, no trigger, no tail, no bed) skip the
    /// output stages and cost next to nothing (on by default). Skipping changes no sample and
    /// no state: turning it off is only useful to check just that.
    pub fn set_silence_skipping(&mut self, on: bool) {
        self.skip_silence = on;
    }

    /// What the layers' playing voices cost now, in the budget's units (see
    /// [`budget::voice_cost`]): at most [`budget::INSTANCE_UNITS`] with the budget on (each
    /// sounding layer may always play one voice).
    pub fn voice_units(&self) -> f32 {
        self.layers
            .iter()
            .zip(&self.settings.layers)
            .map(|(layer, settings)| {
                budget::voice_cost(settings.family, settings.variant)
                    * layer.playing_voices() as f32
            })
            .sum()
    }

    /// Whether the voice budget holds the layers to [`budget::INSTANCE_UNITS`] (on by default).
    /// Off, every layer plays up to [`layer::VOICES_PER_LAYER`] voices, whatever they cost:
    /// only as a reference, to hear and measure what the budget changes.
    /// Turning it off gives every voice slot a placer of its own, which allocates: never on
    /// the audio thread; triggers born at nearly the same place then no longer share one.
    pub fn set_voice_budget(&mut self, on: bool) {
        self.budget = on;
        self.placers.set_sharing(on);
        if !on {
            self.placers
                .grow_to(LAYERS * layer::VOICE_SLOTS, &self.hrtf);
        }
    }

    /// Placers the layers' triggers hold now, and triggers that found none free (and sounded
    /// where their layer is instead) since the engine was made.
    pub fn placers_in_use(&self) -> (usize, u64) {
        (self.placers.in_use(), self.placers.shortfalls())
    }

    /// Triggers that joined the placer of a trigger of their layer born at nearly the same
    /// place (instead of taking one of their own) since the engine was made.
    pub fn placer_joins(&self) -> u64 {
        self.placers.joins()
    }

    /// Triggers played on an older voice of their layer struck again (a drip onto the water of
    /// a droplet still ringing) instead of stealing one, since the engine was made.
    pub fn struck_again(&self) -> u64 {
        self.layers.iter().map(|l| l.struck_again()).sum()
    }

    /// What the voice budget allows each layer this block (`None` for all with the budget
    /// off): shares of [`budget::INSTANCE_UNITS`] by what the layers ask for, and the output's
    /// mask floor.
    fn allowances(&self) -> [Option<Allowance>; LAYERS] {
        if !self.budget {
            return [None; LAYERS];
        }
        let wanted =
            std::array::from_fn(|i| self.layers[i].voices_wanted(&self.settings.layers[i]));
        let costs = std::array::from_fn(|i| {
            let settings = &self.settings.layers[i];
            budget::voice_cost(settings.family, settings.variant)
        });
        let voices = budget::voices(&wanted, &costs, budget::INSTANCE_UNITS);
        let mask_floor = self.output_held * db_to_gain(budget::OUTPUT_MASK_DB);
        voices.map(|voices| Some(Allowance { voices, mask_floor }))
    }

    /// Whether the last block was silent and skipped its work (see
    /// [`Engine::set_silence_skipping`]).
    pub fn was_silent(&self) -> bool {
        self.skipped
    }

    /// Current limiter gain reduction (dB, >= 0).
    pub fn limiter_reduction_db(&self) -> f32 {
        self.master.limiter_reduction_db()
    }

    /// Fires every enabled layer mapped to MIDI `note` (0 ..= 127) at `velocity` (0 ..= 1),
    /// `offset` samples into the next block. Once the session has ended, notes are dropped (so
    /// none is left waiting to burst out when it resumes).
    pub fn note_on(&mut self, offset: usize, note: u8, velocity: f32) {
        if self.master.session_ended() {
            return;
        }
        for (layer, params) in self.layers.iter_mut().zip(&self.settings.layers) {
            if params.enabled && params.midi_note == note.min(MAX_NOTE) {
                layer.fire(offset, ranges::VELOCITY.clamp(velocity));
            }
        }
    }

    /// Ends the triggers MIDI `note` started on every layer that follows note length, with a
    /// short release, `offset` samples into the next block.
    pub fn note_off(&mut self, offset: usize, note: u8) {
        for (layer, params) in self.layers.iter_mut().zip(&self.settings.layers) {
            if params.follow_note && params.midi_note == note.min(MAX_NOTE) {
                layer.release_notes(offset);
            }
        }
    }

    /// All notes off / all sound off: every sounding trigger of every layer fades out quickly
    /// (tens of milliseconds, no click), `offset` samples into the next block. The rhythms go
    /// on; the track's input is not affected.
    pub fn all_sound_off(&mut self, offset: usize) {
        for layer in &mut self.layers {
            layer.stop_all(offset);
        }
    }

    /// Voices sounding in each layer.
    pub fn active_voices(&self) -> [usize; LAYERS] {
        std::array::from_fn(|i| self.layers[i].active_voices())
    }

    /// Seconds left in the session (0 once it ended), `None` while the session timer is off.
    pub fn timer_remaining_s(&self) -> Option<f32> {
        self.master.timer_remaining_s()
    }

    /// Clears all signal state (filters, delays, glides, voices) and restarts every layer's
    /// and the bed's randomness from the seed (the bed fades in again), without allocating.
    /// The cue playing goes back to the editor and the quiet fade jumps to its end. The
    /// session time runs on.
    pub fn reset(&mut self) {
        for (i, layer) in self.layers.iter_mut().enumerate() {
            layer.reset(layer_seed(self.seed, i), &mut self.placers);
        }
        self.input.reset();
        self.room.silence();
        self.head.settle();
        self.bed.reset(bed_seed(self.seed));
        self.master.reset();
        self.quiet.settle();
        self.stop_cue();
        self.output_held = 0.0;
    }

    /// Stops the cue playing and hands it back to the editor.
    fn stop_cue(&mut self) {
        if let Some(telemetry) = &mut self.telemetry {
            self.cue.stop(&mut telemetry.cues);
        }
    }

    /// Processes one block in place: `left` and `right` hold the input as `input` says and
    /// receive the output. Any block length works. Non-finite input silences the block and
    /// clears the filters, so one bad sample never sticks. Subnormal numbers are flushed to zero
    /// meanwhile ([`FlushDenormals`]), so decaying states neither slow down nor reach the output.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32], input: InputChannels) {
        // The block is timed only while an editor shows the cost.
        let started = self.listening().then(std::time::Instant::now);
        let _flush = FlushDenormals::new();
        self.receive_samples();
        self.take_new_hrtf();
        self.take_cue();
        let len = left.len().min(right.len());
        let mut start = 0;
        while start < len {
            let end = (start + self.max_block).min(len);
            self.process_chunk(&mut left[start..end], &mut right[start..end], input);
            self.clock.advance(end - start);
            self.master.advance(end - start);
            start = end;
        }
        if let Some(telemetry) = &self.telemetry {
            let meters = telemetry.meters();
            if let Some(started) = started {
                let share = self.cpu.add_block(started.elapsed().as_secs_f64(), len);
                meters.cpu_share.store(share, Relaxed);
            }
            for (shared, layer) in meters.layer_voices.iter().zip(&self.layers) {
                shared.store(layer.active_voices() as u32, Relaxed);
            }
        }
    }

    /// Follows the editor's quiet request and takes the cue it sent, if one waits.
    fn take_cue(&mut self) {
        if let Some(telemetry) = &mut self.telemetry {
            self.quiet.set(telemetry.meters().quiet.load(Relaxed));
            self.cue.receive(&mut telemetry.cues);
        }
    }

    /// Whether an editor is connected and reads the meters.
    fn listening(&self) -> bool {
        self.telemetry
            .as_ref()
            .is_some_and(|t| t.meters().is_listening())
    }

    /// Starts the change to a newly arrived HRTF set, if one waits (every placer glides to it)
    /// and hands the old set back; a set that does not fit is handed back unused.
    fn take_new_hrtf(&mut self) {
        let Some(new) = self.hrtf_line.take() else {
            return;
        };
        if new.sample_rate() != self.hrtf.sample_rate() || new.taps() != self.hrtf.taps() {
            self.hrtf_line.hand_back(new);
            return;
        }
        self.input.set_hrtf(&new);
        self.room.set_hrtf(&new);
        for layer in &mut self.layers {
            layer.set_hrtf(&new);
        }
        self.placers.set_hrtf(&new);
        let old = std::mem::replace(&mut self.hrtf, new);
        self.hrtf_line.hand_back(old);
    }

    /// Processes one chunk of at most `max_block` samples: the signal flow.
    fn process_chunk(&mut self, left: &mut [f32], right: &mut [f32], channels: InputChannels) {
        self.skipped = false;
        let input_ok = match channels {
            InputChannels::None => true,
            InputChannels::Mono => all_finite(left),
            InputChannels::Stereo => all_finite(left) && all_finite(right),
        };
        if !input_ok {
            self.silence(left, right);
            return;
        }
        if self.master.session_ended() {
            // The session has ended: silence, and nothing to compute until it resumes.
            if self.resting {
                left.fill(0.0);
                right.fill(0.0);
                self.cue.skip(left.len());
            } else {
                self.silence(left, right);
                self.resting = true;
            }
            self.report(left, right);
            return;
        }
        self.resting = false;

        let allowances = self.allowances();
        let (transport, clock) = (&self.transport, &self.clock);
        self.input.take(left, right, channels);
        self.head.advance(left.len());
        let head = &self.head;
        let room = self.room.begin(left.len());
        let mut sounded = self
            .input
            .add_to(channels, transport, clock, left, right, (room, head));
        let telemetry = &mut self.telemetry;
        for (index, ((layer, settings), allowance)) in self
            .layers
            .iter_mut()
            .zip(&self.settings.layers)
            .zip(allowances)
            .enumerate()
        {
            sounded |= layer.add_to(
                settings,
                transport,
                clock,
                (&mut *left, &mut *right),
                (&mut *room, head),
                allowance,
                &mut self.placers,
                |position, intensity| {
                    if let Some(t) = telemetry.as_mut() {
                        t.flash(TriggerFlash {
                            layer: index,
                            position,
                            intensity,
                        });
                    }
                },
            );
        }
        sounded |= self.room.is_sounding();
        self.room.add_to(left, right);
        sounded |= self.bed.is_sounding();
        self.bed.add_to(left, right);
        self.hold_output_peak(left, right, sounded);
        self.quiet.apply(left, right);
        // Once quiet, the scene is all zeros.
        sounded &= !self.quiet.is_silent();
        sounded |= self.cue.add_to(left, right);

        // Where nothing sounded every sample is zero, and the master chain only moves on.
        let zeros = !sounded && self.skip_silence;
        self.master.process(left, right, zeros);
        let finite = zeros || (all_finite(left) && all_finite(right));
        if !finite {
            self.silence(left, right);
        }
        self.skipped = zeros;
        self.report(left, right);
    }

    /// Holds the peak of the mix before the master chain (masking's reference): it falls with
    /// its release through blocks in which nothing `sounded`.
    fn hold_output_peak(&mut self, left: &[f32], right: &[f32], sounded: bool) {
        let peak = if sounded {
            left.iter().chain(right).fold(0.0f32, |p, x| p.max(x.abs()))
        } else {
            0.0
        };
        let release = self.output_release.powi(left.len() as i32);
        self.output_held = peak.max(self.output_held * release);
    }

    /// Writes the meters and positions for the editor, if one is open and listens; costs
    /// nothing otherwise. The loudness measurement starts afresh each time an editor opens.
    fn report(&mut self, left: &[f32], right: &[f32]) {
        let Some(telemetry) = &self.telemetry else {
            return;
        };
        let meters = telemetry.meters();
        let listening = meters.is_listening();
        if listening && !self.reported {
            self.loudness.reset();
            self.cpu.reset();
        }
        self.reported = listening;
        if !listening {
            return;
        }
        for (channel, samples) in [left, right].into_iter().enumerate() {
            let peak = samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            meters.peak[channel].fetch_max(peak, Relaxed);
        }
        for (&l, &r) in left.iter().zip(right) {
            self.loudness.process(l, r);
        }
        meters.short_term_lufs.store(self.loudness.lufs(), Relaxed);
        meters
            .limiter_reduction_db
            .store(self.master.limiter_reduction_db(), Relaxed);
        meters
            .timer_remaining_s
            .store(self.master.timer_remaining_s().unwrap_or(f32::NAN), Relaxed);
        meters.input_position.store(&self.input.position());
        for (shared, layer) in meters.layer_positions.iter().zip(&self.layers) {
            shared.store(&layer.position());
        }
    }

    /// Outputs silence for this block and clears every filter and voice (the cue playing goes
    /// back to the editor).
    fn silence(&mut self, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
        self.stop_cue();
        self.input.silence();
        for layer in &mut self.layers {
            layer.silence(&mut self.placers);
        }
        self.room.silence();
        self.master.silence();
    }
}

/// The seed of layer `index` derived from the engine's seed.
fn layer_seed(seed: u64, index: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index as u64 + 1)
}

/// The seed of the ambient bed derived from the engine's seed (after the layers' seeds).
fn bed_seed(seed: u64) -> u64 {
    layer_seed(seed, LAYERS)
}

/// Whether every sample of `samples` is finite.
fn all_finite(samples: &[f32]) -> bool {
    samples.iter().all(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rhythm::RhythmRate;
    use crate::triggers::Family;

    const FS: f32 = 48_000.0;
    const BLOCK: usize = 64;
    /// Silence before each onset, long enough for every tail to end (s).
    const QUIET_S: f32 = 1.0;

    /// An engine at `params`, skipping silent blocks or not.
    fn engine(params: &EngineSettings, skip: bool) -> Engine {
        let mut engine = Engine::new(FS, BLOCK);
        engine.set_settings(params);
        engine.reset();
        engine.set_silence_skipping(skip);
        engine
    }

    /// Renders `blocks` blocks of `input(block)` (mono); calls `before(engine, block)` before
    /// each. Returns the output (left, right, interleaved by block) and how many blocks were
    /// skipped as silent.
    fn render(
        engine: &mut Engine,
        blocks: usize,
        input: impl Fn(usize) -> [f32; BLOCK],
        mut before: impl FnMut(&mut Engine, usize),
    ) -> (Vec<f32>, usize) {
        let (mut out, mut skipped) = (Vec::new(), 0);
        for b in 0..blocks {
            before(engine, b);
            let mut left = input(b);
            let mut right = [0.0; BLOCK];
            engine.process(&mut left, &mut right, InputChannels::Mono);
            skipped += usize::from(engine.was_silent());
            out.extend_from_slice(&left);
            out.extend_from_slice(&right);
        }
        (out, skipped)
    }

    /// Index of the first non-zero sample of either ear, in samples from the start.
    fn onset(out: &[f32]) -> Option<usize> {
        out.chunks_exact(2 * BLOCK)
            .enumerate()
            .find_map(|(b, block)| {
                let (left, right) = block.split_at(BLOCK);
                (0..BLOCK)
                    .find(|&i| left[i] != 0.0 || right[i] != 0.0)
                    .map(|i| b * BLOCK + i)
            })
    }

    /// Renders `params` with and without skipping: the two must agree bit for bit, and the one
    /// that skips must have skipped silent blocks. Returns the output.
    fn same_with_and_without_skipping(
        params: &EngineSettings,
        blocks: usize,
        input: impl Fn(usize) -> [f32; BLOCK] + Copy,
        before: impl FnMut(&mut Engine, usize) + Copy,
    ) -> Vec<f32> {
        let (skipping, skipped) = render(&mut engine(params, true), blocks, input, before);
        let (full, not_skipped) = render(&mut engine(params, false), blocks, input, before);
        assert_eq!(not_skipped, 0);
        assert!(
            skipped > blocks / 4,
            "only {skipped} of {blocks} blocks skipped"
        );
        let differing = skipping
            .iter()
            .zip(&full)
            .position(|(a, b)| a.to_bits() != b.to_bits());
        assert_eq!(differing, None, "skipping changed the output");
        skipping
    }

    fn silence(_: usize) -> [f32; BLOCK] {
        [0.0; BLOCK]
    }

    /// After a second of silence, an input impulse 17 samples into a block is heard from that
    /// very sample, exactly as a fresh engine hears it.
    #[test]
    fn a_silent_instance_wakes_on_the_exact_sample_of_an_input_onset() {
        const AT: usize = 17;
        let quiet_blocks = (QUIET_S * FS) as usize / BLOCK;
        let params = EngineSettings::default();
        let impulse = |b: usize| {
            let mut block = [0.0; BLOCK];
            if b == quiet_blocks {
                block[AT] = 0.5;
            }
            block
        };
        let out = same_with_and_without_skipping(&params, quiet_blocks + 20, impulse, |_, _| {});
        let fresh_impulse = |b: usize| impulse(b + quiet_blocks);
        let (fresh, _) = render(&mut engine(&params, true), 20, fresh_impulse, |_, _| {});
        let fresh_onset = onset(&fresh).expect("the fresh engine sounds");
        assert!(fresh_onset <= AT + 1, "onset at {fresh_onset}");
        assert_eq!(onset(&out), Some(quiet_blocks * BLOCK + fresh_onset));
        assert_eq!(&out[quiet_blocks * 2 * BLOCK..], &fresh[..]);
    }

    /// A layer whose rhythm fires once a second rests between its taps and wakes for each on
    /// the sample its rhythm gives, exactly as without skipping.
    #[test]
    fn a_silent_instance_wakes_on_the_exact_sample_of_a_rhythm_event() {
        let mut params = EngineSettings::default();
        params.layers[0].enabled = true;
        params.layers[0].family = Family::Tap;
        params.layers[0].rhythm.rate = Some(RhythmRate::PerSecond(1.0));
        let blocks = (3.5 * FS) as usize / BLOCK;
        let out = same_with_and_without_skipping(&params, blocks, silence, |_, _| {});
        assert!(onset(&out).is_some(), "the taps sound");
    }

    /// A note 23 samples into a block after a second of silence sounds from that sample, as
    /// it does in a fresh engine.
    #[test]
    fn a_silent_instance_wakes_on_the_exact_sample_of_a_midi_note() {
        const AT: usize = 23;
        let quiet_blocks = (QUIET_S * FS) as usize / BLOCK;
        let mut params = EngineSettings::default();
        params.layers[0].enabled = true;
        params.layers[0].family = Family::Tap;
        params.layers[0].rhythm.rate = None;
        let note = params.layers[0].midi_note;
        let play = move |engine: &mut Engine, b: usize| {
            if b == quiet_blocks {
                engine.note_on(AT, note, 1.0);
            }
        };
        let out = same_with_and_without_skipping(&params, quiet_blocks + 40, silence, play);
        let mut fresh = engine(&params, true);
        let (fresh, _) = render(&mut fresh, 40, silence, |e, b| play(e, b + quiet_blocks));
        let fresh_onset = onset(&fresh).expect("the note sounds");
        assert!(fresh_onset <= AT + 1, "onset at {fresh_onset}");
        assert_eq!(onset(&out), Some(quiet_blocks * BLOCK + fresh_onset));
    }
}
