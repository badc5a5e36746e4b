//! Every host-visible parameter. The `#[id]` strings are stable forever: saved sessions,
//! presets and automation refer to them. Layer parameters carry the layer number as a suffix
//! (`az_1` .. `az_8`).

mod enums;
mod layer;
mod placement;
mod sample;
mod saved;
mod sound;
mod units;

pub use layer::{LayerParams, RhythmMode, parse_variant};
pub use placement::PlacementParams;
pub use saved::{complete_state, state_of};
pub use sound::SoundChoice;
pub use units::suffix as unit_suffix;

use crate::engine::bed::{BedKind, BedSettings};
use crate::engine::input::InputSettings;
use crate::engine::master::MasterSettings;
use crate::engine::timer::{SECONDS_PER_MINUTE, TimerSettings};
use crate::engine::{EngineSettings, LAYERS};
use crate::head::{Anchor, YawPitchRoll};
use crate::ranges;
use crate::room::{RoomKind, RoomSettings};
use nice_plug::prelude::*;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

/// Tingle's parameters.
#[derive(Params)]
pub struct TingleParams {
    /// Placement of the track's input (ids without prefix: `az`, `el`, `dist`, `motion`, ...).
    #[nested(group = "Input")]
    pub input: PlacementParams,
    /// Input gain in dB, -48 ..= +24.
    #[id = "ingain"]
    pub input_gain: FloatParam,
    /// Binaural/original mix of the input, 0 (original) ..= 1 (binaural), shown in percent.
    #[id = "mix"]
    pub mix: FloatParam,
    /// The input's Room Send, 0 ..= 1 (default 0: the track's sound stays dry), shown in
    /// percent.
    #[id = "inroomsend"]
    pub input_room_send: FloatParam,
    /// What the input stays with as the head turns: World (default) or Head (ids `world`,
    /// `head`).
    #[id = "inanchor"]
    pub input_anchor: EnumParam<Anchor>,
    /// Head Yaw in degrees, -180 ..= 180 (default 0): the listener's head turned to the right
    /// (positive) or left; a head tracker's turns add to it.
    #[id = "headyaw"]
    pub head_yaw: FloatParam,
    /// Head Pitch in degrees, -90 ..= 90 (default 0): the face tilted up (positive) or down.
    #[id = "headpitch"]
    pub head_pitch: FloatParam,
    /// Head Roll in degrees, -90 ..= 90 (default 0): the head tilted towards the right
    /// (positive) or left shoulder.
    #[id = "headroll"]
    pub head_roll: FloatParam,
    /// Recenter: switching it on makes the head tracker's present direction the front (the
    /// editor's button switches it on and off again). Off by default.
    #[id = "recenter"]
    pub recenter: BoolParam,
    /// Output gain in dB, -48 ..= +12.
    #[id = "outgain"]
    pub output_gain: FloatParam,
    /// The hearing-safety limiter (ceiling -1 dBFS). On by default and not automatable, so no
    /// stray automation lane can switch it off.
    #[id = "limiter"]
    pub limiter: BoolParam,
    /// Seed of all random variation, 0 ..= 999999: the same seed and settings give the same
    /// sound.
    #[id = "seed"]
    pub seed: IntParam,
    /// The ambient bed: Off (default), Pink, Brown, Air, Distant Rain (ids `off`, `pink`,
    /// `brown`, `air`, `rain`).
    #[id = "bed"]
    pub bed: EnumParam<BedKind>,
    /// The bed's level in dB, -60 ..= -12 (default -45), calibrated as loudness: L dB measures
    /// about L LUFS.
    #[id = "bedlevel"]
    pub bed_level: FloatParam,
    /// The room: Off (default), Close booth, Bedroom, Living room, Wooden cabin, Stone hall,
    /// Outdoors (ids `off`, `booth`, `bedroom`, `living`, `cabin`, `hall`, `outdoors`).
    #[id = "room"]
    pub room: EnumParam<RoomKind>,
    /// Room Size: the factor on the preset's dimensions, 0.5 ..= 1.5 (default 1), shown in
    /// percent.
    #[id = "roomsize"]
    pub room_size: FloatParam,
    /// Room Damping: absorption above 1 kHz, 0 ..= 1 (default 0.5, the preset as designed),
    /// shown in percent.
    #[id = "roomdamp"]
    pub room_damping: FloatParam,
    /// Room Level in dB, -24 ..= +6 (default 0: the room's physical level).
    #[id = "roomlevel"]
    pub room_level: FloatParam,
    /// Gentle mode: no sound jumps more than 12 dB above the running short-term level of the
    /// output (off by default).
    #[id = "gentle"]
    pub gentle: BoolParam,
    /// The session timer (off by default).
    #[id = "timer"]
    pub timer: BoolParam,
    /// Session length in minutes, 1 ..= 480 (default 30): the fade-out ends here.
    #[id = "tlen"]
    pub timer_length: IntParam,
    /// Fade-out time in seconds, 5 ..= 600 (default 60), clamped to the session length.
    #[id = "tfade"]
    pub timer_fade: IntParam,
    /// The eight trigger layers.
    #[nested(array, group = "Layer")]
    pub layers: [LayerParams; LAYERS],
    /// The editor's solo, a monitoring switch: bit n solos layer n + 1. While any bit is set
    /// only the soloed layers sound. Neither a parameter nor saved, so a session saved while
    /// soloing keeps its layers.
    pub solo: Arc<AtomicU8>,
    /// The scene last loaded ([`crate::scene::Source::key`], empty if none), so the editor can
    /// show its name and whether it was changed. Not a parameter: saved with the session.
    #[persist = "scene"]
    pub scene: Arc<RwLock<String>>,
    /// The files each layer plays (the Sample family); saved with the session and loaded in
    /// the background when the plugin activates.
    #[persist = "samples"]
    pub samples: crate::samples::SampleLibrary,
    /// The HRTF set in use: empty for the built-in KEMAR set, else a SOFA file's path (see
    /// [`crate::binaural::cache::HrtfChoice`]). Not a parameter: saved with the session.
    #[persist = "hrtf"]
    pub hrtf: Arc<RwLock<String>>,
    /// The OSC head tracker's settings (off by default). Not a parameter: saved with the
    /// session.
    #[persist = "osc"]
    pub osc: Arc<RwLock<crate::head::osc::OscSettings>>,
    /// The MIDI note that marks a tingle (0 ..= 127, or [`NO_TINGLE_NOTE`], the default: none).
    /// Playing it logs the moment in the editor's tingle log and fires no layer. Not a
    /// parameter: saved with the session.
    #[persist = "tingle_note"]
    pub tingle_note: Arc<AtomicU8>,
}

/// The highest MIDI note number.
const MAX_MIDI_NOTE: u8 = ranges::MIDI_NOTE.max;
/// [`TingleParams::tingle_note`]'s value when no note marks tingles.
pub const NO_TINGLE_NOTE: u8 = u8::MAX;

impl Default for TingleParams {
    /// The built-in defaults: every layer off, the input 1 m in front (the Placer's).
    fn default() -> Self {
        Self::new(None)
    }
}

/// A parameter's default: `builtin`, or the value `get` reads from `template`, the set whose
/// values are to be the defaults.
fn default_from<T, V>(template: Option<&T>, builtin: V, get: impl FnOnce(&T) -> V) -> V {
    template.map_or(builtin, get)
}

impl TingleParams {
    /// A set whose defaults are `template`'s current values (a scene's, say), so that a host
    /// sees them as the defaults and a new instance starts with them; the sound files are
    /// `template`'s too.
    pub fn with_defaults(template: &TingleParams) -> Self {
        let params = Self::new(Some(template));
        params.samples.copy_from(&template.samples);
        params
    }

    /// A set with `template`'s values as defaults, or the built-in ones.
    fn new(template: Option<&TingleParams>) -> Self {
        let t = template;
        Self {
            input: PlacementParams::new("", t.map(|t| &t.input)),
            input_gain: units::decibels(
                "Input Gain",
                default_from(t, ranges::INPUT_GAIN_DB.default, |t| t.input_gain.value()),
                ranges::INPUT_GAIN_DB,
            ),
            mix: units::percent(
                "Mix",
                default_from(t, ranges::MIX.default, |t| t.mix.value()),
                ranges::MIX,
            ),
            input_room_send: units::percent(
                "Input Room Send",
                default_from(t, ranges::INPUT_ROOM_SEND.default, |t| {
                    t.input_room_send.value()
                }),
                ranges::INPUT_ROOM_SEND,
            ),
            input_anchor: EnumParam::new(
                "Input Stays With",
                default_from(t, Anchor::World, |t| t.input_anchor.value()),
            ),
            head_yaw: units::degrees(
                "Head Yaw".into(),
                default_from(t, ranges::HEAD_YAW_DEG.default, |t| t.head_yaw.value()),
                ranges::HEAD_YAW_DEG,
            ),
            head_pitch: units::degrees(
                "Head Pitch".into(),
                default_from(t, ranges::HEAD_PITCH_DEG.default, |t| t.head_pitch.value()),
                ranges::HEAD_PITCH_DEG,
            ),
            head_roll: units::degrees(
                "Head Roll".into(),
                default_from(t, ranges::HEAD_ROLL_DEG.default, |t| t.head_roll.value()),
                ranges::HEAD_ROLL_DEG,
            ),
            recenter: BoolParam::new("Recenter", false),
            output_gain: units::decibels(
                "Output Gain",
                default_from(t, ranges::OUTPUT_GAIN_DB.default, |t| t.output_gain.value()),
                ranges::OUTPUT_GAIN_DB,
            ),
            limiter: BoolParam::new(
                "Safety Limiter",
                default_from(t, true, |t| t.limiter.value()),
            )
            .non_automatable(),
            seed: IntParam::new(
                "Seed",
                default_from(t, ranges::SEED.default as i32, |t| t.seed.value()),
                IntRange::Linear {
                    min: ranges::SEED.min as i32,
                    max: ranges::SEED.max as i32,
                },
            ),
            bed: EnumParam::new(
                "Ambient Bed",
                default_from(t, BedKind::Off, |t| t.bed.value()),
            ),
            bed_level: units::decibels(
                "Bed Level",
                default_from(t, ranges::BED_LEVEL_DB.default, |t| t.bed_level.value()),
                ranges::BED_LEVEL_DB,
            ),
            room: EnumParam::new("Room", default_from(t, RoomKind::Off, |t| t.room.value())),
            room_size: units::percent(
                "Room Size",
                default_from(t, ranges::ROOM_SIZE.default, |t| t.room_size.value()),
                ranges::ROOM_SIZE,
            ),
            room_damping: units::percent(
                "Room Damping",
                default_from(t, ranges::ROOM_DAMPING.default, |t| t.room_damping.value()),
                ranges::ROOM_DAMPING,
            ),
            room_level: units::decibels(
                "Room Level",
                default_from(t, ranges::ROOM_LEVEL_DB.default, |t| t.room_level.value()),
                ranges::ROOM_LEVEL_DB,
            ),
            gentle: BoolParam::new("Gentle", default_from(t, false, |t| t.gentle.value())),
            timer: BoolParam::new("Session Timer", default_from(t, false, |t| t.timer.value())),
            timer_length: units::integer(
                "Session Length",
                default_from(t, ranges::SESSION_MINUTES.default, |t| {
                    t.timer_length.value()
                }),
                ranges::SESSION_MINUTES,
                units::MINUTES,
            ),
            timer_fade: units::integer(
                "Fade Out",
                default_from(t, ranges::SESSION_FADE_S.default, |t| t.timer_fade.value()),
                ranges::SESSION_FADE_S,
                units::SECONDS,
            ),
            layers: std::array::from_fn(|i| LayerParams::new(i, t.map(|t| &t.layers[i]))),
            solo: Arc::new(AtomicU8::new(0)),
            scene: Arc::new(RwLock::new(String::new())),
            samples: crate::samples::SampleLibrary::new(LAYERS),
            hrtf: Arc::new(RwLock::new(String::new())),
            osc: Arc::new(RwLock::new(crate::head::osc::OscSettings::default())),
            tingle_note: Arc::new(AtomicU8::new(NO_TINGLE_NOTE)),
        }
    }

    /// Whether layer `index` (0-based) is soloed.
    pub fn is_soloed(&self, index: usize) -> bool {
        self.solo.load(Ordering::Relaxed) & (1 << index) != 0
    }

    /// Solos layer `index` (0-based), or releases its solo.
    pub fn toggle_solo(&self, index: usize) {
        self.solo.fetch_xor(1 << index, Ordering::Relaxed);
    }

    /// The MIDI note that marks a tingle, if one does (0 ..= 127).
    pub fn tingle_note(&self) -> Option<u8> {
        let note = self.tingle_note.load(Ordering::Relaxed);
        (note <= MAX_MIDI_NOTE).then_some(note)
    }

    /// Chooses the MIDI note that marks a tingle (0 ..= 127; `None` or a value above 127: none).
    pub fn set_tingle_note(&self, note: Option<u8>) {
        let stored = note
            .filter(|&n| n <= MAX_MIDI_NOTE)
            .unwrap_or(NO_TINGLE_NOTE);
        self.tingle_note.store(stored, Ordering::Relaxed);
    }

    /// Releases every solo.
    pub fn clear_solo(&self) {
        self.solo.store(0, Ordering::Relaxed);
    }

    /// The engine's view of the current values.
    pub fn engine_settings(&self) -> EngineSettings {
        let solo = self.solo.load(Ordering::Relaxed);
        EngineSettings {
            input: InputSettings {
                position: self.input.position(),
                motion: self.input.motion(),
                gain_db: self.input_gain.value(),
                mix: self.mix.value(),
                room_send: self.input_room_send.value(),
                anchor: self.input_anchor.value(),
            },
            layers: std::array::from_fn(|i| {
                let mut layer = self.layers[i].engine_settings();
                if solo != 0 {
                    layer.enabled = solo & (1 << i) != 0;
                }
                layer
            }),
            bed: BedSettings {
                kind: self.bed.value(),
                level_db: self.bed_level.value(),
            },
            room: RoomSettings {
                kind: self.room.value(),
                size: self.room_size.value(),
                damping: self.room_damping.value(),
                level_db: self.room_level.value(),
            },
            master: MasterSettings {
                output_gain_db: self.output_gain.value(),
                limiter: self.limiter.value(),
                gentle: self.gentle.value(),
                timer: self.timer_settings(),
            },
            head: YawPitchRoll {
                yaw_deg: self.head_yaw.value(),
                pitch_deg: self.head_pitch.value(),
                roll_deg: self.head_roll.value(),
            },
            seed: self.seed.value() as u64,
        }
    }

    /// The session timer's settings (also what the editor shows).
    pub fn timer_settings(&self) -> TimerSettings {
        TimerSettings {
            enabled: self.timer.value(),
            length_s: self.timer_length.value() as f32 * SECONDS_PER_MINUTE,
            fade_s: self.timer_fade.value() as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    /// The parameters' defaults are the engine's defaults: one set of defaults, two views.
    #[test]
    fn parameter_defaults_are_the_engine_defaults() {
        assert_eq!(
            TingleParams::default().engine_settings(),
            crate::engine::EngineSettings::default()
        );
    }

    use super::*;

    /// `param`'s displayed text parses back to the same value, over its range.
    fn parses_its_own_text<P: Param>(param: &P) {
        for step in 0..=8 {
            let value = param.preview_normalized(param.preview_plain(step as f32 / 8.0));
            let shown = param.normalized_value_to_string(value, true);
            let parsed = param.string_to_normalized_value(&shown);
            assert_eq!(parsed, Some(value), "{}: {shown:?}", param.name());
        }
    }

    /// The master section's session parameters (bed, gentle mode, timer) parse the text they
    /// display back to the same value, as hosts and the CLAP validator expect.
    #[test]
    fn session_parameters_parse_their_own_text() {
        let params = TingleParams::default();
        parses_its_own_text(&params.bed);
        parses_its_own_text(&params.bed_level);
        parses_its_own_text(&params.gentle);
        parses_its_own_text(&params.timer);
        parses_its_own_text(&params.timer_length);
        parses_its_own_text(&params.timer_fade);
        assert_eq!(
            params.bed.normalized_value_to_string(1.0, true),
            "Distant Rain"
        );
        assert_eq!(params.timer_length.to_string(), "30 min");
        assert_eq!(params.timer_fade.to_string(), "60 s");
        assert_eq!(params.bed_level.to_string(), "-45.0 dB");
    }
}
