//! A trigger layer: a rhythm (and MIDI notes) firing one family's triggers, with scatter,
//! motion and click-free voice stealing. The layer schedules (hits, note-offs, stealing,
//! scatter) and decides where each trigger sounds; each [`Voice`] renders its trigger's mono
//! audio; its [`Seat`] places it, or hands it to the [`Bus`], which places the triggers that
//! sound exactly where the layer is together.
//!
//! Triggers on the bus follow the layer's position glides; every other short trigger keeps the
//! position it was born at, and sustained ones follow the layer's motion on their own.
//!
//! The instance's voice budget ([`crate::engine::budget`]) gives the layer an allowance each
//! block; how the layer keeps within it is in `allowance.rs`.

mod allowance;
mod bus;
mod path;
mod placers;
mod samples;
mod seat;
pub mod settings;
mod voice;

use super::budget::Allowance;
use super::motion::MotionMode;
use super::rhythm::{Hit, PENDING_CAPACITY, Rhythm, RhythmRate};
use super::tempo::{Clock, Transport};
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::{Offset, Position};
use crate::dsp::math::db_to_gain;
use crate::dsp::random::{RngExt, SeededRng, seeded};
use crate::head::HeadTrack;
use crate::ranges;
use crate::room::RoomFeed;
use crate::samples::{Pick, SampleSlot};
use crate::triggers::{Excitation, Family};
use bus::Bus;
use path::Path;
use placers::OwnSpot;
pub use placers::Placers;
use seat::{Seat, Spot};
pub use settings::{DEFAULT_FIRST_NOTE, DEFAULT_SPREAD_DEG, LayerSettings, Scatter, ScatterMode};
use std::sync::Arc;
use voice::{LevelRamp, Trigger, Voice, VoiceState};

/// Voices that can sound at once in a layer.
pub const VOICES_PER_LAYER: usize = 16;
/// Extra voices that let stolen voices fade out while their replacements start.
const RELEASE_SLOTS: usize = 4;
/// Voice slots of a layer: what it may play at once and what it lets fade out meanwhile.
pub const VOICE_SLOTS: usize = VOICES_PER_LAYER + RELEASE_SLOTS;
/// Fade-out of a stolen voice (s).
const STEAL_FADE_S: f32 = 0.005;
/// Release of a trigger whose note ended, on a layer that follows note length (s).
const NOTE_RELEASE_S: f32 = 0.12;
/// Fade-out of every voice on all-notes-off or all-sound-off (s): quick, never a click.
const STOP_FADE_S: f32 = 0.03;
/// Note-offs a layer queues per block.
const MAX_RELEASES: usize = 32;
/// MIDI notes (or other external hits) a layer accepts per block; further ones are dropped.
const MAX_EXTERNAL_HITS: usize = 128;
/// Hits a layer holds per block: the external ones and every hit its rhythm emits (so the
/// external cap never takes a rhythm hit's place, nor the other way round).
const MAX_HITS: usize = MAX_EXTERNAL_HITS + PENDING_CAPACITY;
/// Distinguishes the layer's own random stream from its rhythm's.
const SCATTER_SEED_SALT: u64 = 0x5851_F42D_4C95_7F2D;
/// Share of the angular spread used in elevation.
const SCATTER_ELEVATION_SHARE: f32 = 0.5;

/// One trigger layer. Allocates only in [`Layer::new`].
pub struct Layer {
    /// Which of the instance's layers it is (tells its placers from other layers').
    index: usize,
    sample_rate: f32,
    /// The voices that play the triggers (mono).
    voices: Vec<Voice>,
    /// Where each voice's trigger sounds (`seats[i]` places `voices[i]`).
    seats: Vec<Seat>,
    rhythm: Rhythm,
    /// Where the layer is, through the block.
    path: Path,
    rng: SeededRng,
    /// Hits of this block (rhythm and external), sorted by offset before use.
    hits: [Hit; MAX_HITS],
    hit_count: usize,
    /// Offsets of queued note-offs (this block or later ones).
    releases: [usize; MAX_RELEASES],
    release_count: usize,
    /// Offset of a queued all-notes-off.
    stop_at: Option<usize>,
    started: u64,
    /// Triggers played on an older voice struck again (see [`Layer::struck_again`]).
    struck_again: u64,
    next_ear_right: bool,
    /// Level at the end of the last block (linear); NaN until the first block, which starts
    /// at its target instead of gliding in.
    level: f32,
    /// The level setting `level_target` was computed for (dB; NaN: none yet).
    level_db: f32,
    /// The linear gain of `level_db`.
    level_target: f32,
    /// Length of a stolen voice's fade (samples).
    fade_len: usize,
    /// Scratch for one voice's block.
    mono: Vec<f32>,
    /// The shared bus of the triggers that sound where the layer is.
    bus: Bus,
    /// The user's sounds (the Sample family).
    samples: SampleSlot,
    /// What the instance's voice budget allows the layer this block (`None`: no budget).
    allowance: Option<Allowance>,
}

impl Layer {
    /// A silent layer in a session at `sample_rate` (Hz) for blocks of up to `max_block`
    /// samples, placing with `hrtf` (at the placement rate: see
    /// [`Placer::new`](crate::binaural::placer::Placer::new)), drawing its randomness from
    /// `seed`; `index` tells its triggers' placers from other layers' (see [`Placers`]).
    /// Allocates.
    pub fn new(
        hrtf: &Arc<HrtfSet>,
        sample_rate: f32,
        max_block: usize,
        index: usize,
        seed: u64,
    ) -> Self {
        let period = crate::binaural::placer::control_period(sample_rate);
        Self {
            index,
            sample_rate,
            voices: vec![Voice::new(sample_rate); VOICE_SLOTS],
            seats: vec![Seat::default(); VOICE_SLOTS],
            rhythm: Rhythm::new(sample_rate, seed),
            path: Path::new(sample_rate, max_block, period),
            rng: seeded(seed ^ SCATTER_SEED_SALT),
            hits: [Hit {
                offset: 0,
                intensity: 0.0,
                from_note: false,
            }; MAX_HITS],
            hit_count: 0,
            releases: [0; MAX_RELEASES],
            release_count: 0,
            stop_at: None,
            started: 0,
            struck_again: 0,
            next_ear_right: false,
            level: f32::NAN,
            level_db: f32::NAN,
            level_target: 1.0,
            fade_len: ((STEAL_FADE_S * sample_rate) as usize).max(1),
            mono: vec![0.0; max_block],
            bus: Bus::new(hrtf, sample_rate, max_block),
            samples: SampleSlot::default(),
            allowance: None,
        }
    }

    /// The layer's own placer (its bus's) glides to `hrtf` (see
    /// [`Placer::set_hrtf`](crate::binaural::placer::Placer::set_hrtf)); the shared
    /// [`Placers`] glide on their own. Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.bus.set_hrtf(hrtf);
    }

    /// Silences every voice (giving its placer back to `placers`) and restarts the rhythm with
    /// the randomness of `seed`.
    pub fn reset(&mut self, seed: u64, placers: &mut Placers) {
        self.silence(placers);
        self.rhythm.reset(seed);
        self.reseed(seed);
        self.path.reset();
        self.started = 0;
        self.next_ear_right = false;
        self.level = f32::NAN;
    }

    /// Draws the triggers' variation from `seed` from now on (the rhythm keeps its phase).
    pub fn reseed(&mut self, seed: u64) {
        self.rng = seeded(seed ^ SCATTER_SEED_SALT);
        self.rhythm.reseed(seed);
    }

    /// Cuts every voice, giving its placers back to `placers` (used after non-finite audio;
    /// never while audible otherwise).
    pub fn silence(&mut self, placers: &mut Placers) {
        self.voices.iter_mut().for_each(Voice::silence);
        self.seats.iter_mut().for_each(Seat::silence);
        placers.silence(self.index);
        self.bus.silence();
        self.hit_count = 0;
        self.release_count = 0;
        self.stop_at = None;
    }

    /// Fires the layer `offset` samples into the next block at `intensity` (0 ..= 1), e.g. for
    /// a MIDI note-on with its velocity. An offset past the next [`Layer::add_to`] call's
    /// length fires that much later, in the calls that follow.
    pub fn fire(&mut self, offset: usize, intensity: f32) {
        if self.hit_count < MAX_EXTERNAL_HITS {
            self.hits[self.hit_count] = Hit {
                offset,
                intensity,
                from_note: true,
            };
            self.hit_count += 1;
        }
    }

    /// Ends the triggers MIDI notes started, `offset` samples into the next block, with a
    /// short release (a note-off on a layer that follows note length).
    pub fn release_notes(&mut self, offset: usize) {
        if self.release_count < MAX_RELEASES {
            self.releases[self.release_count] = offset;
            self.release_count += 1;
        }
    }

    /// Fades every sounding trigger out quickly, `offset` samples into the next block, and
    /// forgets the notes queued before it (all-notes-off, all-sound-off).
    pub fn stop_all(&mut self, offset: usize) {
        self.stop_at = Some(self.stop_at.map_or(offset, |at| at.min(offset)));
    }

    /// Voices sounding (playing, fading or ringing out).
    pub fn active_voices(&self) -> usize {
        (0..self.voices.len())
            .filter(|&i| self.activity(i) != Activity::Free)
            .count()
    }

    /// Whether a voice of the layer sounds or its bus rings out (its triggers' own placers
    /// may ring out too: [`Placers::sounding`]).
    fn is_sounding(&self) -> bool {
        self.bus.is_sounding() || self.voices.iter().any(Voice::is_sounding)
    }

    /// What voice `index` is doing.
    fn activity(&self, index: usize) -> Activity {
        match self.voices[index].state() {
            VoiceState::Playing => Activity::Playing,
            VoiceState::Releasing => Activity::Releasing,
            VoiceState::Free => Activity::Free,
        }
    }

    /// Where the layer is now (after glides and motion).
    pub fn position(&self) -> Position {
        self.path.current()
    }

    /// Renders the next `left.len()` samples and adds them to `left` and `right`, sending them
    /// into the `room` as its Room Send asks (heard by the `head` as it turns), within what the
    /// instance's voice budget `allowance` allows (`None`: no budget, as a test's reference);
    /// places the triggers that sound on their own with `placers` (the instance's, shared by
    /// its layers); calls `on_trigger` with the position and intensity of every trigger it
    /// starts. Returns
    /// whether anything sounded (a voice or the shared placer's tail): if not, nothing was
    /// added. An idle layer only advances its rhythm and its position, which costs little.
    #[allow(clippy::too_many_arguments)]
    pub fn add_to(
        &mut self,
        settings: &LayerSettings,
        transport: &Transport,
        clock: &Clock,
        (left, right): (&mut [f32], &mut [f32]),
        (room, head): (&mut RoomFeed, &HeadTrack),
        allowance: Option<Allowance>,
        placers: &mut Placers,
        mut on_trigger: impl FnMut(Position, f32),
    ) -> bool {
        let n = left.len();
        self.allowance = allowance;
        self.keep_within_allowance();
        let mut rhythm = settings.rhythm;
        if !settings.enabled {
            rhythm.rate = None;
            self.hit_count = 0;
        }
        let (hits, count) = (&mut self.hits, &mut self.hit_count);
        self.rhythm.advance(n, &rhythm, transport, clock, |hit| {
            if *count < MAX_HITS {
                hits[*count] = hit;
                *count += 1;
            }
        });
        self.hits[..self.hit_count].sort_unstable_by_key(|h| h.offset);
        // The path is tracked through the block when a trigger sounds or starts in it.
        let starting = self.hits[..self.hit_count].iter().any(|h| h.offset < n);
        // Whether anything sounds this block (a started trigger will).
        let mut sounding = self.is_sounding() || placers.sounding(self.index);
        let tracked = starting || sounding;
        self.path.advance(settings, transport, clock, n, tracked);
        // Hits beyond this chunk (the engine splits blocks longer than it was built for) wait,
        // moved to the front, for the chunk they fall in.
        let mut waiting = 0;
        for i in 0..self.hit_count {
            let hit = self.hits[i];
            if hit.offset >= n {
                self.hits[waiting] = Hit {
                    offset: hit.offset - n,
                    ..hit
                };
                waiting += 1;
                continue;
            }
            if self.stop_at.is_some_and(|at| hit.offset < at) {
                continue;
            }
            let birth = self.start_voice(settings, transport, &hit, placers);
            if let Some(position) = birth {
                sounding = true;
                on_trigger(position, hit.intensity);
            }
        }
        self.hit_count = waiting;
        self.apply_releases(n);

        if settings.level_db.to_bits() != self.level_db.to_bits() {
            self.level_db = settings.level_db;
            self.level_target = db_to_gain(settings.level_db);
        }
        let target = self.level_target;
        if !sounding {
            // Nothing sounds: only the level and the position moved on.
            self.level = target;
            return false;
        }
        let from = if self.level.is_nan() {
            target
        } else {
            self.level
        };
        self.level = target;
        let level = LevelRamp {
            len: n,
            from,
            step: (target - from) / n.max(1) as f32,
        };
        self.bus.begin(n);
        for i in 0..self.voices.len() {
            if self.activity(i) == Activity::Free {
                continue;
            }
            let (voice, seat) = (&mut self.voices[i], &mut self.seats[i]);
            let was_sounding = voice.is_sounding();
            let start = voice.render(&level, &mut self.mono);
            seat.add_to(start, &self.mono[start..n], (&mut self.bus, &mut *placers));
            if was_sounding && !voice.is_sounding() {
                seat.end(placers);
            }
        }
        placers.place(
            self.index,
            &self.path,
            (head, settings.anchor),
            (&mut *left, &mut *right),
            (&mut *room, settings.room_send),
        );
        self.bus.add_to(
            &self.path,
            (head, settings.anchor),
            left,
            right,
            room,
            settings.room_send,
        );
        self.mask_quiet_voices();
        true
    }

    /// Starts a trigger `offset` samples into the block, stealing the oldest voice if needed,
    /// placed by one of `placers` if it sounds on its own; returns where it sounds (`None` if
    /// no voice could be had).
    fn start_voice(
        &mut self,
        settings: &LayerSettings,
        transport: &Transport,
        hit: &Hit,
        placers: &mut Placers,
    ) -> Option<Position> {
        let (offset, intensity) = (hit.offset, hit.intensity);
        let sustained = settings.family.info().sustained;
        // Power the newcomer carries on for a stolen voice (1: its own sound only).
        let mut inherited = 1.0;
        if self.playing_voices() >= self.voice_limit(sustained) {
            if sustained && self.hand_over() {
                // An older trigger plays on with this one's sound in it.
                return None;
            }
            if self.allowance.is_some() && self.strike_again(offset, intensity) {
                // An older trigger is struck again (a drip onto the same water).
                self.struck_again += 1;
                return None;
            }
            // The oldest's fade starts where the new trigger starts.
            match self.steal(offset, self.fade_len) {
                Some(carried) => inherited = carried,
                // Every voice is engaged (a whisperer mid-phrase): this trigger is left out.
                None => return None,
            }
        }
        // A free voice, else the one furthest through its fade.
        let index = (0..self.voices.len())
            .position(|i| self.activity(i) == Activity::Free)
            .or_else(|| {
                (0..self.voices.len())
                    .filter(|&i| self.activity(i) != Activity::Playing)
                    .max_by_key(|&i| self.voices[i].faded())
            });
        let index = index?;
        let handed_over = self.voices.iter_mut().map(|v| v.make_way(offset)).sum();

        let birth_layer = self.path.at(offset);
        let offset_pos = self.scatter_offset(&settings.scatter, &birth_layer);
        let info = settings.family.info();
        let excitation = Excitation {
            variant: settings.variant.min(info.variants.len() - 1),
            character: settings.character,
            intensity,
            seed: self.rng.random(),
            interval_s: match settings.rhythm.rate {
                Some(RhythmRate::PerSecond(rate)) => 1.0 / rate.max(f32::EPSILON),
                Some(RhythmRate::Synced(value)) => value.seconds(transport) as f32,
                None => 0.0,
            },
        };
        self.started += 1;
        let sound = (settings.family == Family::Sample).then(|| {
            let pick = Pick::of_variant(excitation.variant);
            self.samples.next(pick, excitation.seed.rotate_left(32))
        });
        if let Some(sound) = sound {
            self.voices[index]
                .sample_sound()
                .prepare(sound, settings.sample);
        }
        let position = offset_pos.apply(birth_layer);
        self.voices[index].start(&Trigger {
            family: settings.family,
            excitation,
            order: self.started,
            at: offset,
            from_note: hit.from_note,
            handed_over,
        });
        self.voices[index].inherit(inherited);
        let on_bus = settings.scatter.mode == ScatterMode::Off
            && (info.sustained || settings.motion.mode == MotionMode::Off);
        let spot = if on_bus {
            Spot::OnBus
        } else if info.sustained {
            Spot::Own(OwnSpot::Following(offset_pos))
        } else {
            Spot::Own(OwnSpot::Still(position))
        };
        self.seats[index].start(self.index, spot, placers);
        Some(position)
    }

    /// Starts the fades of queued note-offs and all-notes-offs that fall in this block of `n`
    /// samples; later ones wait, moved on by `n`.
    fn apply_releases(&mut self, n: usize) {
        let release = ((NOTE_RELEASE_S * self.sample_rate) as usize).max(1);
        let mut waiting = 0;
        for i in 0..self.release_count {
            let at = self.releases[i];
            if at >= n {
                self.releases[waiting] = at - n;
                waiting += 1;
                continue;
            }
            for v in self.voices.iter_mut().filter(|v| v.ends_with_note_off(at)) {
                v.fade_out(at, release);
            }
        }
        self.release_count = waiting;
        match self.stop_at {
            Some(at) if at < n => {
                let fade = ((STOP_FADE_S * self.sample_rate) as usize).max(1);
                for v in self.voices.iter_mut().filter(|v| v.stops_at(at, fade)) {
                    v.fade_out(at, fade);
                }
                self.stop_at = None;
                self.release_count = 0;
            }
            Some(at) => self.stop_at = Some(at - n),
            None => {}
        }
    }

    /// Draws a trigger's offset from the layer position `at`.
    fn scatter_offset(&mut self, scatter: &Scatter, at: &Position) -> Offset {
        let spread = ranges::SPREAD_DEG.clamp(scatter.spread_deg);
        let mut unit = || self.rng.random::<f32>() * 2.0 - 1.0;
        match scatter.mode {
            ScatterMode::Off => Offset::NONE,
            ScatterMode::Spread => Offset {
                azimuth_deg: unit() * spread,
                elevation_deg: unit() * spread * SCATTER_ELEVATION_SHARE,
                distance_factor: 2f32
                    .powf(unit() * ranges::DISTANCE_SPREAD_OCT.clamp(scatter.distance_octaves)),
            },
            ScatterMode::EarToEar => {
                let ear = if self.next_ear_right { 90.0 } else { -90.0 };
                self.next_ear_right = !self.next_ear_right;
                let jitter = unit() * spread * SCATTER_ELEVATION_SHARE;
                Offset {
                    azimuth_deg: ear - at.azimuth_deg + jitter,
                    elevation_deg: -at.elevation_deg,
                    distance_factor: 1.0,
                }
            }
        }
    }
}

/// What one of a layer's voices is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Activity {
    /// Nothing: ready for a trigger.
    Free,
    /// Playing its trigger.
    Playing,
    /// Fading its trigger out.
    Releasing,
}
