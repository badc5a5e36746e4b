//! A trigger layer: a rhythm (and MIDI notes) firing one family's triggers, each placed
//! binaurally by its own voice, with scatter, motion and click-free voice stealing.
//!
//! Triggers that sound exactly where the layer is (no scatter, and either sustained or on a
//! layer without motion) share one placer: their sum is placed once, which makes a busy layer
//! cost little more than a single source. Those triggers follow the layer's position glides;
//! every other short trigger keeps the position it was born at.

use super::placement::PlacementControl;
use super::rhythm::{Hit, Rhythm, RhythmSettings};
use super::tempo::{Clock, Transport};
use crate::binaural::Position;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::motion::{MotionMode, MotionSettings};
use crate::binaural::placer::Placer;
use crate::triggers::{Excitation, Family, RngExt, TriggerRng, VoiceBank, seeded};
use std::f32::consts::PI;
use std::sync::Arc;

/// Voices that can sound at once in a layer.
pub const VOICES_PER_LAYER: usize = 16;
/// Extra voices that let stolen voices fade out while their replacements start.
const RELEASE_SLOTS: usize = 4;
/// Fade-out of a stolen voice (s).
const STEAL_FADE_S: f32 = 0.005;
/// Release of a trigger whose note ended, on a layer that follows note length (s).
const NOTE_RELEASE_S: f32 = 0.12;
/// Fade-out of every voice on all-notes-off or all-sound-off (s): quick, never a click.
const STOP_FADE_S: f32 = 0.03;
/// Note-offs a layer queues per block.
const MAX_RELEASES: usize = 32;
/// MIDI notes (or other external hits) a layer accepts per block.
const MAX_EXTERNAL_HITS: usize = 128;
/// MIDI note of the first layer (C4); the others follow chromatically.
pub const DEFAULT_FIRST_NOTE: u8 = 60;
/// Distinguishes the layer's own random stream from its rhythm's.
const SCATTER_SEED_SALT: u64 = 0x5851_F42D_4C95_7F2D;
/// Share of the angular spread used in elevation.
const SCATTER_ELEVATION_SHARE: f32 = 0.5;

/// How a layer spreads its triggers around its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScatterMode {
    /// Every trigger at the layer's position.
    #[default]
    Off,
    /// Each trigger at its own random position within the spread.
    Spread,
    /// Triggers alternate between the left and the right ear (jittered by the spread).
    EarToEar,
}

/// Default angular spread of a scatter (degrees).
pub const DEFAULT_SPREAD_DEG: f32 = 30.0;

/// Scatter settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scatter {
    /// The scatter mode.
    pub mode: ScatterMode,
    /// Angular spread (degrees, 0 ..= 180): azimuth within ± this, elevation within ± half.
    pub spread_deg: f32,
    /// Distance spread (octaves, 0 ..= 2): distance times 2^(± this).
    pub distance_octaves: f32,
}

impl Default for Scatter {
    /// Off, with the default spread ready for when it is switched on.
    fn default() -> Self {
        Self {
            mode: ScatterMode::Off,
            spread_deg: DEFAULT_SPREAD_DEG,
            distance_octaves: 0.0,
        }
    }
}

/// Everything a layer's sound depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerParams {
    /// Whether the layer fires (its sounding voices always finish).
    pub enabled: bool,
    /// Whether a note-off ends the triggers its note started (with a short release), instead
    /// of letting them finish.
    pub follow_note: bool,
    /// Trigger family.
    pub family: Family,
    /// Variant of the family (clamped to its variant count).
    pub variant: usize,
    /// Level (dB).
    pub level_db: f32,
    /// The family's four character controls, 0 ..= 1.
    pub character: [f32; 4],
    /// When it fires.
    pub rhythm: RhythmSettings,
    /// MIDI note (0 ..= 127) that fires it.
    pub midi_note: u8,
    /// Where it sounds.
    pub position: Position,
    /// How its position moves.
    pub motion: MotionSettings,
    /// How its triggers spread around the position.
    pub scatter: Scatter,
}

impl Default for LayerParams {
    fn default() -> Self {
        Self {
            enabled: false,
            follow_note: false,
            family: Family::default(),
            variant: 0,
            level_db: 0.0,
            character: [0.5; 4],
            rhythm: RhythmSettings::default(),
            midi_note: 60,
            position: Position::default(),
            motion: MotionSettings::default(),
            scatter: Scatter::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VoiceState {
    Free,
    Playing,
    /// Stolen: fading out.
    Releasing,
    /// The trigger has ended; the placer's filters and delays are ringing out.
    Tail,
}

/// Offset of a trigger from its layer's position, drawn at birth.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Offset {
    azimuth_deg: f32,
    elevation_deg: f32,
    distance_factor: f32,
}

impl Voice {
    /// Starts fading out over `len` samples, `at` samples into the block.
    fn fade_out(&mut self, at: usize, len: usize) {
        self.state = VoiceState::Releasing;
        self.faded = 0;
        self.fade_len = len;
        self.fade_from = at;
    }
}

impl Offset {
    fn apply(&self, p: Position) -> Position {
        Position {
            azimuth_deg: p.azimuth_deg + self.azimuth_deg,
            elevation_deg: p.elevation_deg + self.elevation_deg,
            distance_m: p.distance_m * self.distance_factor,
        }
    }
}

#[derive(Debug, Clone)]
struct Voice {
    bank: VoiceBank,
    placer: Placer,
    state: VoiceState,
    /// Start order (older voices are stolen first).
    order: u64,
    /// Where this block's rendering starts.
    start: usize,
    /// Fading voices: samples of fade done (of `fade_len`).
    faded: usize,
    /// Fading voices: length of the fade (samples).
    fade_len: usize,
    /// Whether a MIDI note started it.
    from_note: bool,
    /// Stolen voices: offset in this block where the fade begins.
    fade_from: usize,
    /// Samples of placer tail left to flush.
    tail_left: usize,
    /// Whether it follows the layer's motion (sustained) or stays at its birth position.
    sustained: bool,
    /// Whether it sounds where the layer is, through the layer's shared placer.
    on_bus: bool,
    birth: Position,
    offset: Offset,
    /// The layer's placement as of the voice's last control period (sustained voices).
    control: PlacementControl,
}

/// One trigger layer. Allocates only in [`Layer::new`].
pub struct Layer {
    sample_rate: f32,
    voices: Vec<Voice>,
    rhythm: Rhythm,
    control: PlacementControl,
    rng: TriggerRng,
    /// Hits of this block (rhythm and external), sorted by offset before use.
    hits: [Hit; MAX_EXTERNAL_HITS],
    hit_count: usize,
    /// Offsets of queued note-offs (this block or later ones).
    releases: [usize; MAX_RELEASES],
    release_count: usize,
    /// Offset of a queued all-notes-off.
    stop_at: Option<usize>,
    started: u64,
    next_ear_right: bool,
    /// Level at the end of the last block (linear); NaN until the first block, which starts
    /// at its target instead of gliding in.
    level: f32,
    /// The level setting `level_target` was computed for (dB; NaN: none yet).
    level_db: f32,
    /// The linear gain of `level_db`.
    level_target: f32,
    fade_len: usize,
    tail_len: usize,
    mono: Vec<f32>,
    /// Triggers that sound where the layer is (no scatter; sustained, or the layer does not
    /// move) share one placer: their sum, one block.
    bus: Vec<f32>,
    bus_placer: Placer,
    /// The shared placer's path (follows the layer like a sustained voice).
    bus_control: PlacementControl,
    /// Samples the shared placer keeps running after its last trigger (its tail).
    bus_tail_left: usize,
}

impl Layer {
    /// A silent layer for blocks of up to `max_block` samples, placing with `hrtf` (already at
    /// the session rate), drawing its randomness from `seed`. Allocates.
    pub fn new(hrtf: &Arc<HrtfSet>, max_block: usize, seed: u64) -> Self {
        let sample_rate = hrtf.sample_rate();
        let placer = Placer::new(hrtf.clone());
        let tail_len = placer.tail_len();
        let voice = Voice {
            bank: VoiceBank::new(sample_rate),
            placer,
            state: VoiceState::Free,
            order: 0,
            start: 0,
            faded: 0,
            fade_len: 1,
            from_note: false,
            fade_from: 0,
            tail_left: 0,
            sustained: false,
            on_bus: false,
            birth: Position::default(),
            offset: Offset {
                azimuth_deg: 0.0,
                elevation_deg: 0.0,
                distance_factor: 1.0,
            },
            control: PlacementControl::default(),
        };
        Self {
            sample_rate,
            voices: vec![voice; VOICES_PER_LAYER + RELEASE_SLOTS],
            rhythm: Rhythm::new(sample_rate, seed),
            control: PlacementControl::default(),
            rng: seeded(seed ^ SCATTER_SEED_SALT),
            hits: [Hit {
                offset: 0,
                intensity: 0.0,
                from_note: false,
            }; MAX_EXTERNAL_HITS],
            hit_count: 0,
            releases: [0; MAX_RELEASES],
            release_count: 0,
            stop_at: None,
            started: 0,
            next_ear_right: false,
            level: f32::NAN,
            level_db: f32::NAN,
            level_target: 1.0,
            fade_len: ((STEAL_FADE_S * sample_rate) as usize).max(1),
            tail_len,
            mono: vec![0.0; max_block],
            bus: vec![0.0; max_block],
            bus_placer: Placer::new(hrtf.clone()),
            bus_control: PlacementControl::default(),
            bus_tail_left: 0,
        }
    }

    /// Every placer of the layer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not
    /// allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        for voice in &mut self.voices {
            voice.placer.set_hrtf(hrtf);
        }
        self.bus_placer.set_hrtf(hrtf);
    }

    /// Silences every voice and restarts the rhythm with the randomness of `seed`.
    pub fn reset(&mut self, seed: u64) {
        self.silence();
        self.rhythm.reset(seed);
        self.reseed(seed);
        self.control.reset();
        self.started = 0;
        self.next_ear_right = false;
        self.level = f32::NAN;
    }

    /// Draws the triggers' variation from `seed` from now on (the rhythm keeps its phase).
    pub fn reseed(&mut self, seed: u64) {
        self.rng = seeded(seed ^ SCATTER_SEED_SALT);
        self.rhythm.reseed(seed);
    }

    /// Cuts every voice (used after non-finite audio; never while audible otherwise).
    pub fn silence(&mut self) {
        for v in &mut self.voices {
            v.state = VoiceState::Free;
            v.placer.reset();
        }
        self.bus_placer.reset();
        self.bus_tail_left = 0;
        self.hit_count = 0;
        self.release_count = 0;
        self.stop_at = None;
    }

    /// Fires the layer `offset` samples into the next block at `intensity` (0 ..= 1), e.g. for
    /// a MIDI note-on with its velocity. An offset past the next [`Layer::process_add`] call's
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
        self.voices
            .iter()
            .filter(|v| v.state != VoiceState::Free)
            .count()
    }

    /// Where the layer is now (after glides and motion).
    pub fn position(&self) -> Position {
        self.control.current()
    }

    /// Renders the next `left.len()` samples and adds them to `left` and `right`; calls
    /// `on_trigger` with the position and intensity of every trigger it starts. Returns whether
    /// anything sounded (a voice or the shared placer's tail): if not, nothing was added. An
    /// idle layer only advances its rhythm and its position, which costs little.
    pub fn process_add(
        &mut self,
        params: &LayerParams,
        transport: &Transport,
        clock: &Clock,
        left: &mut [f32],
        right: &mut [f32],
        mut on_trigger: impl FnMut(Position, f32),
    ) -> bool {
        let n = left.len();
        let mut settings = params.rhythm;
        if !params.enabled {
            settings.rate = None;
            self.hit_count = 0;
        }
        let (hits, count) = (&mut self.hits, &mut self.hit_count);
        self.rhythm.advance(n, &settings, transport, clock, |hit| {
            if *count < MAX_EXTERNAL_HITS {
                hits[*count] = hit;
                *count += 1;
            }
        });
        self.hits[..self.hit_count].sort_unstable_by_key(|h| h.offset);
        for v in &mut self.voices {
            v.start = 0;
        }
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
            let birth = self.start_voice(params, transport, clock, &hit);
            if let Some(position) = birth {
                on_trigger(position, hit.intensity);
            }
        }
        self.hit_count = waiting;
        self.apply_releases(n);

        if params.level_db.to_bits() != self.level_db.to_bits() {
            self.level_db = params.level_db;
            self.level_target = 10f32.powf(params.level_db / 20.0);
        }
        let target = self.level_target;
        if self.bus_tail_left == 0 && self.voices.iter().all(|v| v.state == VoiceState::Free) {
            // Nothing sounds: only the level and the position move on.
            self.level = target;
            self.step_position(params, transport, clock, n);
            return false;
        }
        let from = if self.level.is_nan() {
            target
        } else {
            self.level
        };
        let step = (target - from) / n.max(1) as f32;
        self.level = target;
        let period = self.voices[0].placer.control_period();
        let period_s = period as f64 / f64::from(self.sample_rate);
        let bus = &mut self.bus[..n];
        bus.fill(0.0);
        let mut bus_used = false;
        for v in self
            .voices
            .iter_mut()
            .filter(|v| v.state != VoiceState::Free)
        {
            let mono = &mut self.mono[v.start..n];
            mono.fill(0.0);
            if matches!(v.state, VoiceState::Playing | VoiceState::Releasing)
                && !v.bank.render(mono)
            {
                v.state = VoiceState::Tail;
                v.tail_left = self.tail_len;
            }
            for (i, m) in mono.iter_mut().enumerate() {
                let mut g = from + step * (v.start + i) as f32;
                if v.state == VoiceState::Releasing && v.start + i >= v.fade_from {
                    g *= 0.5 * (1.0 + (PI * (v.faded as f32 / v.fade_len as f32).min(1.0)).cos());
                    v.faded += 1;
                }
                *m *= g;
            }
            v.fade_from = 0;
            if v.state == VoiceState::Releasing && v.faded >= v.fade_len {
                v.state = VoiceState::Tail;
                v.tail_left = self.tail_len;
            }
            if v.on_bus {
                for (b, m) in bus[v.start..].iter_mut().zip(mono.iter()) {
                    *b += *m;
                }
                bus_used = true;
                // The shared placer rings out for it.
                if v.state == VoiceState::Tail {
                    v.state = VoiceState::Free;
                }
                continue;
            }
            let (start, sustained, birth, offset) = (v.start, v.sustained, v.birth, v.offset);
            let control = &mut v.control;
            v.placer
                .process_add(mono, &mut left[start..n], &mut right[start..n], |at| {
                    if sustained {
                        let beats = clock.beats_at(start + at + period);
                        offset.apply(control.step(
                            period_s,
                            &params.position,
                            &params.motion,
                            transport,
                            beats,
                        ))
                    } else {
                        birth
                    }
                });
            if v.state == VoiceState::Tail {
                v.tail_left = v.tail_left.saturating_sub(n - start);
                if v.tail_left == 0 {
                    v.state = VoiceState::Free;
                }
            }
        }
        if bus_used {
            if self.bus_tail_left == 0 {
                // The bus was idle: start it where the layer is now.
                self.bus_placer.reset();
                self.bus_control = self.control.clone();
            }
            self.bus_tail_left = self.tail_len;
        }
        if self.bus_tail_left > 0 {
            let control = &mut self.bus_control;
            self.bus_placer.process_add(bus, left, right, |at| {
                let beats = clock.beats_at(at + period);
                control.step(period_s, &params.position, &params.motion, transport, beats)
            });
            if !bus_used {
                self.bus_tail_left = self.bus_tail_left.saturating_sub(n);
            }
        }
        self.step_position(params, transport, clock, n);
        true
    }

    /// Moves the layer's position on by a block of `n` samples.
    fn step_position(
        &mut self,
        params: &LayerParams,
        transport: &Transport,
        clock: &Clock,
        n: usize,
    ) {
        self.control.step(
            n as f64 / f64::from(self.sample_rate),
            &params.position,
            &params.motion,
            transport,
            clock.beats_at(n),
        );
    }

    /// Starts a trigger `offset` samples into the block, stealing the oldest voice if needed;
    /// returns where it sounds (`None` if no voice could be had).
    fn start_voice(
        &mut self,
        params: &LayerParams,
        transport: &Transport,
        clock: &Clock,
        hit: &Hit,
    ) -> Option<Position> {
        let (offset, intensity) = (hit.offset, hit.intensity);
        let playing = self
            .voices
            .iter()
            .filter(|v| v.state == VoiceState::Playing)
            .count();
        if playing >= VOICES_PER_LAYER
            && let Some(oldest) = self
                .voices
                .iter_mut()
                .filter(|v| v.state == VoiceState::Playing)
                .min_by_key(|v| v.order)
        {
            // Its fade starts where the new trigger starts.
            oldest.fade_out(offset, self.fade_len);
        }
        // A free voice, else the quietest fading or ringing-out one.
        let index = self
            .voices
            .iter()
            .position(|v| v.state == VoiceState::Free)
            .or_else(|| {
                (0..self.voices.len())
                    .filter(|&i| self.voices[i].state != VoiceState::Playing)
                    .max_by_key(|&i| {
                        (
                            self.voices[i].state == VoiceState::Tail,
                            self.voices[i].faded,
                        )
                    })
            });
        let index = index?;

        let mut control = self.control.clone();
        let birth_layer = control.step(
            offset as f64 / f64::from(self.sample_rate),
            &params.position,
            &params.motion,
            transport,
            clock.beats_at(offset),
        );
        let offset_pos = self.scatter_offset(&params.scatter, &birth_layer);
        let info = params.family.info();
        let excitation = Excitation {
            variant: params.variant.min(info.variants.len() - 1),
            character: params.character,
            intensity,
            seed: self.rng.random(),
        };
        self.started += 1;
        let v = &mut self.voices[index];
        v.bank.start(params.family, &excitation);
        v.placer.reset();
        v.state = VoiceState::Playing;
        v.order = self.started;
        v.start = offset;
        v.faded = 0;
        v.from_note = hit.from_note;
        v.sustained = info.sustained;
        v.on_bus = params.scatter.mode == ScatterMode::Off
            && (info.sustained || params.motion.mode == MotionMode::Off);
        v.offset = offset_pos;
        v.birth = offset_pos.apply(birth_layer);
        v.control = control;
        Some(v.birth)
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
            for v in self
                .voices
                .iter_mut()
                .filter(|v| v.state == VoiceState::Playing && v.from_note && v.start <= at)
            {
                v.fade_out(at, release);
            }
        }
        self.release_count = waiting;
        match self.stop_at {
            Some(at) if at < n => {
                let fade = ((STOP_FADE_S * self.sample_rate) as usize).max(1);
                for v in &mut self.voices {
                    let shorter = v.state != VoiceState::Releasing
                        || v.fade_len - v.faded.min(v.fade_len) > fade;
                    if matches!(v.state, VoiceState::Playing | VoiceState::Releasing)
                        && v.start <= at
                        && shorter
                    {
                        v.fade_out(at, fade);
                    }
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
        let spread = scatter.spread_deg.clamp(0.0, 180.0);
        let mut unit = || self.rng.random::<f32>() * 2.0 - 1.0;
        match scatter.mode {
            ScatterMode::Off => Offset {
                azimuth_deg: 0.0,
                elevation_deg: 0.0,
                distance_factor: 1.0,
            },
            ScatterMode::Spread => Offset {
                azimuth_deg: unit() * spread,
                elevation_deg: unit() * spread * SCATTER_ELEVATION_SHARE,
                distance_factor: 2f32.powf(unit() * scatter.distance_octaves.clamp(0.0, 2.0)),
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
