//! Every host-visible parameter. The `#[id]` strings are stable forever: saved sessions,
//! presets and automation refer to them.

use crate::binaural::Position;
use crate::binaural::distance::{MAX_DISTANCE_M, MIN_DISTANCE_M};
use crate::binaural::motion::{MotionMode, MotionRate, MotionSettings};
use crate::engine::EngineParams;
use crate::engine::tempo::NoteValue;
use nice_plug::prelude::*;
use std::sync::Arc;

/// Digits shown after the decimal point for angles and gains.
const DISPLAY_DIGITS: usize = 1;

/// Tingle's parameters.
#[derive(Params)]
pub struct TingleParams {
    /// Direction of the placed input in degrees, -180..=180: 0 = front, positive to the right
    /// (90 = right ear, -90 = left ear, +/-180 = behind).
    #[id = "az"]
    pub azimuth: FloatParam,
    /// Elevation in degrees, -40 (below) ..= 90 (above), the measured HRTF's range.
    #[id = "el"]
    pub elevation: FloatParam,
    /// Distance from the centre of the head, 0.1 m ..= 10 m, log mapped: the stored value is
    /// log10(metres), -1 ..= 1; see [`TingleParams::distance_m`].
    #[id = "dist"]
    pub distance: FloatParam,
    /// Motion shape: off, orbit, ear to ear, figure eight, drift.
    #[id = "motion"]
    pub motion: EnumParam<MotionMode>,
    /// Whether the motion rate follows the host tempo (note value) instead of Hz.
    #[id = "msync"]
    pub motion_sync: BoolParam,
    /// Free motion rate in cycles per second, 0.01 ..= 10 Hz.
    #[id = "mrate"]
    pub motion_rate: FloatParam,
    /// Synced motion rate: one cycle per note value (4 bars ..= 1/64).
    #[id = "mnote"]
    pub motion_note: EnumParam<NoteValue>,
    /// Motion depth, 0 ..= 1 (shown in percent).
    #[id = "mdepth"]
    pub motion_depth: FloatParam,
    /// Input gain in dB, -48 ..= +24.
    #[id = "ingain"]
    pub input_gain: FloatParam,
    /// Binaural/original mix, 0 (original) ..= 1 (binaural), shown in percent.
    #[id = "mix"]
    pub mix: FloatParam,
    /// Output gain in dB, -48 ..= +12.
    #[id = "outgain"]
    pub output_gain: FloatParam,
    /// The hearing-safety limiter (ceiling -1 dBFS). On by default and not automatable, so no
    /// stray automation lane can switch it off.
    #[id = "limiter"]
    pub limiter: BoolParam,
}

impl Default for TingleParams {
    fn default() -> Self {
        let degrees = |name: &str, min: f32, max: f32| {
            FloatParam::new(name, 0.0, FloatRange::Linear { min, max })
                .with_unit(" °")
                .with_step_size(0.1)
                .with_value_to_string(formatters::v2s_f32_rounded(DISPLAY_DIGITS))
        };
        let decibels = |name: &str, min: f32, max: f32| {
            FloatParam::new(name, 0.0, FloatRange::Linear { min, max })
                .with_unit(" dB")
                .with_step_size(0.1)
                .with_value_to_string(formatters::v2s_f32_rounded(DISPLAY_DIGITS))
        };
        let percent = |name: &str, default: f32| {
            FloatParam::new(name, default, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_unit("%")
                .with_value_to_string(formatters::v2s_f32_percentage(0))
                .with_string_to_value(formatters::s2v_f32_percentage())
        };
        Self {
            azimuth: degrees("Azimuth", -180.0, 180.0),
            elevation: degrees("Elevation", -40.0, 90.0),
            distance: FloatParam::new(
                "Distance",
                Position::default().distance_m.log10(),
                FloatRange::Linear {
                    min: MIN_DISTANCE_M.log10(),
                    max: MAX_DISTANCE_M.log10(),
                },
            )
            .with_value_to_string(Arc::new(|v| format!("{:.2} m", 10f32.powf(v))))
            .with_string_to_value(Arc::new(|s| {
                let metres: f32 = s.trim().trim_end_matches('m').trim().parse().ok()?;
                (metres > 0.0).then(|| metres.log10())
            })),
            motion: EnumParam::new("Motion", MotionMode::Off),
            motion_sync: BoolParam::new("Motion Sync", false),
            motion_rate: FloatParam::new(
                "Motion Rate",
                0.25,
                FloatRange::Skewed {
                    min: 0.01,
                    max: 10.0,
                    factor: FloatRange::skew_factor(-2.0),
                },
            )
            .with_unit(" Hz")
            .with_value_to_string(formatters::v2s_f32_rounded(2)),
            motion_note: EnumParam::new("Motion Note", NoteValue::OneBar),
            motion_depth: percent("Motion Depth", 1.0),
            input_gain: decibels("Input Gain", -48.0, 24.0),
            mix: percent("Mix", 1.0),
            output_gain: decibels("Output Gain", -48.0, 12.0),
            limiter: BoolParam::new("Safety Limiter", true).non_automatable(),
        }
    }
}

impl TingleParams {
    /// The distance in metres.
    pub fn distance_m(&self) -> f32 {
        10f32.powf(self.distance.value())
    }

    /// The engine's view of the current values.
    pub fn engine_params(&self) -> EngineParams {
        EngineParams {
            position: Position {
                azimuth_deg: self.azimuth.value(),
                elevation_deg: self.elevation.value(),
                distance_m: self.distance_m(),
            },
            motion: MotionSettings {
                mode: self.motion.value(),
                rate: if self.motion_sync.value() {
                    MotionRate::Synced(self.motion_note.value())
                } else {
                    MotionRate::Hertz(self.motion_rate.value())
                },
                depth: self.motion_depth.value(),
            },
            input_gain_db: self.input_gain.value(),
            mix: self.mix.value(),
            output_gain_db: self.output_gain.value(),
            limiter: self.limiter.value(),
        }
    }
}

/// Names and stable ids of the motion modes, in parameter order.
const MOTION_MODES: [(MotionMode, &str, &str); 5] = [
    (MotionMode::Off, "Off", "off"),
    (MotionMode::Orbit, "Orbit", "orbit"),
    (MotionMode::EarToEar, "Ear to Ear", "ear2ear"),
    (MotionMode::FigureEight, "Figure Eight", "eight"),
    (MotionMode::Drift, "Drift", "drift"),
];

/// Names and stable ids of the note values, in parameter order (longest first).
const NOTE_VALUES: [(NoteValue, &str, &str); 17] = [
    (NoteValue::FourBars, "4 bars", "4bar"),
    (NoteValue::TwoBars, "2 bars", "2bar"),
    (NoteValue::OneBar, "1 bar", "1bar"),
    (NoteValue::Half, "1/2", "2"),
    (NoteValue::HalfDotted, "1/2.", "2d"),
    (NoteValue::HalfTriplet, "1/2T", "2t"),
    (NoteValue::Quarter, "1/4", "4"),
    (NoteValue::QuarterDotted, "1/4.", "4d"),
    (NoteValue::QuarterTriplet, "1/4T", "4t"),
    (NoteValue::Eighth, "1/8", "8"),
    (NoteValue::EighthDotted, "1/8.", "8d"),
    (NoteValue::EighthTriplet, "1/8T", "8t"),
    (NoteValue::Sixteenth, "1/16", "16"),
    (NoteValue::SixteenthDotted, "1/16.", "16d"),
    (NoteValue::SixteenthTriplet, "1/16T", "16t"),
    (NoteValue::ThirtySecond, "1/32", "32"),
    (NoteValue::SixtyFourth, "1/64", "64"),
];

/// Implements nice-plug's `Enum` for an engine enum from a `(variant, name, id)` table, so the
/// engine's types stay free of plugin-framework derives.
macro_rules! table_enum {
    ($ty:ty, $table:expr) => {
        impl Enum for $ty {
            fn variants() -> &'static [&'static str] {
                const NAMES: [&str; $table.len()] = {
                    let mut names = [""; $table.len()];
                    let mut i = 0;
                    while i < names.len() {
                        names[i] = $table[i].1;
                        i += 1;
                    }
                    names
                };
                &NAMES
            }

            fn ids() -> Option<&'static [&'static str]> {
                const IDS: [&str; $table.len()] = {
                    let mut ids = [""; $table.len()];
                    let mut i = 0;
                    while i < ids.len() {
                        ids[i] = $table[i].2;
                        i += 1;
                    }
                    ids
                };
                Some(&IDS)
            }

            fn to_index(self) -> usize {
                $table.iter().position(|entry| entry.0 == self).unwrap_or(0)
            }

            fn from_index(index: usize) -> Self {
                $table.get(index).map_or($table[0].0, |entry| entry.0)
            }
        }
    };
}

table_enum!(MotionMode, MOTION_MODES);
table_enum!(NoteValue, NOTE_VALUES);
