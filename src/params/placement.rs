//! Where a source sits and how it moves: the parameter group shared by the input and every
//! layer.

use super::{default_from, units};
use crate::binaural::Position;
use crate::engine::motion::{MotionMode, MotionRate, MotionSettings};
use crate::engine::tempo::NoteValue;
use crate::ranges;
use nice_plug::prelude::*;

/// Placement parameters of one source.
#[derive(Params)]
pub struct PlacementParams {
    /// Direction in degrees, -180 ..= 180: 0 = front, positive to the right (90 = right ear,
    /// -90 = left ear, ±180 = behind).
    #[id = "az"]
    pub azimuth: FloatParam,
    /// Elevation in degrees, -40 (below) ..= 90 (above), the measured HRTF's range.
    #[id = "el"]
    pub elevation: FloatParam,
    /// Distance from the centre of the head, 0.1 m ..= 10 m, log mapped: the stored value is
    /// log10(metres), -1 ..= 1; see [`PlacementParams::distance_m`].
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
}

impl PlacementParams {
    /// The group with parameter names starting with `prefix` ("" for the input, "L1 " ...),
    /// whose defaults are `template`'s values (or the built-in ones: in front, 1 m, still).
    pub fn new(prefix: &str, template: Option<&PlacementParams>) -> Self {
        let name = |n: &str| format!("{prefix}{n}");
        let t = template;
        let default = Position::default();
        Self {
            azimuth: units::degrees(
                name("Azimuth"),
                default_from(t, default.azimuth_deg, |t| t.azimuth.value()),
                ranges::AZIMUTH_DEG,
            ),
            elevation: units::degrees(
                name("Elevation"),
                default_from(t, default.elevation_deg, |t| t.elevation.value()),
                ranges::ELEVATION_DEG,
            ),
            distance: units::log_metres(
                name("Distance"),
                default_from(t, default.distance_m.log10(), |t| t.distance.value()),
                ranges::DISTANCE_M,
            ),
            motion: EnumParam::new(
                name("Motion"),
                default_from(t, MotionMode::Off, |t| t.motion.value()),
            ),
            motion_sync: BoolParam::new(
                name("Motion Sync"),
                default_from(t, false, |t| t.motion_sync.value()),
            ),
            motion_rate: units::rate(
                &name("Motion Rate"),
                default_from(t, ranges::MOTION_RATE_HZ.default, |t| t.motion_rate.value()),
                ranges::MOTION_RATE_HZ,
                units::HERTZ,
            ),
            motion_note: EnumParam::new(
                name("Motion Note"),
                default_from(t, NoteValue::OneBar, |t| t.motion_note.value()),
            ),
            motion_depth: units::percent(
                &name("Motion Depth"),
                default_from(t, ranges::MOTION_DEPTH.default, |t| t.motion_depth.value()),
                ranges::MOTION_DEPTH,
            ),
        }
    }

    /// The distance in metres.
    pub fn distance_m(&self) -> f32 {
        10f32.powf(self.distance.value())
    }

    /// The set position.
    pub fn position(&self) -> Position {
        Position {
            azimuth_deg: self.azimuth.value(),
            elevation_deg: self.elevation.value(),
            distance_m: self.distance_m(),
        }
    }

    /// The motion settings.
    pub fn motion(&self) -> MotionSettings {
        MotionSettings {
            mode: self.motion.value(),
            rate: if self.motion_sync.value() {
                MotionRate::Synced(self.motion_note.value())
            } else {
                MotionRate::Hertz(self.motion_rate.value())
            },
            depth: self.motion_depth.value(),
        }
    }
}
