//! A layer's settings in plain units: what the host's layer parameters (or a scene, or the
//! renderer's flags) become for the engine.

use crate::binaural::Position;
use crate::engine::motion::MotionSettings;
use crate::engine::rhythm::RhythmSettings;
use crate::ranges;
use crate::triggers::Family;
use crate::triggers::sample::SampleShape;

/// MIDI note of the first layer (C4); the others follow chromatically.
pub const DEFAULT_FIRST_NOTE: u8 = ranges::MIDI_NOTE.default;

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
pub const DEFAULT_SPREAD_DEG: f32 = ranges::SPREAD_DEG.default;

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
pub struct LayerSettings {
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
    /// How its triggers play their sounds (the Sample family).
    pub sample: SampleShape,
    /// Room Send: the share of its sound sent into the room, 0 ..= 1 (amplitude; 1 is the
    /// physical level).
    pub room_send: f32,
    /// Whether its triggers stay in the room as the head turns (World) or turn with the head
    /// (Head); its scatter, motion and room follow the same rule.
    pub anchor: crate::head::Anchor,
}

impl Default for LayerSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            follow_note: false,
            family: Family::default(),
            variant: 0,
            level_db: 0.0,
            character: [0.5; 4],
            rhythm: RhythmSettings::default(),
            midi_note: DEFAULT_FIRST_NOTE,
            position: Position::default(),
            motion: MotionSettings::default(),
            scatter: Scatter::default(),
            sample: SampleShape::default(),
            room_send: crate::ranges::ROOM_SEND.default,
            anchor: crate::head::Anchor::World,
        }
    }
}
