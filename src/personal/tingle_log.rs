//! The tingle log: the moments a listener marked with the tingle button (a key, a MIDI note or
//! a click) during any session, each with the layers that were sounding then, what they played
//! and where. The finder counts a moment as evidence that the layer's settings then are liked.
//!
//! ```json
//! {
//!   "tingle_log": 1,
//!   "moments": [{
//!     "time_s": 12.5, "mark": "key",
//!     "layers": [{"layer": 1, "sound": "tap/wood", "voices": 2, "az_deg": 40, "el_deg": 0,
//!                 "dist_m": 0.7, "settings": {"sound_1": 3, "c1_1": 0.25}}]
//!   }]
//! }
//! ```
//!
//! `settings` holds the layer's settings as the finder reads them (see
//! [`crate::personal::finder::layer_space`]). A bad file is refused with the field named.

use crate::engine::LAYERS;
use crate::params::TingleParams;
use crate::personal::file::{Field, FileError};
use crate::personal::finder::layer_space::LayerSpace;
use crate::personal::finder::{Point, Space};
use crate::ranges::{self, Range};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The format version this build writes and the newest it reads.
pub const VERSION: u64 = 1;
/// The key holding the version.
const VERSION_KEY: &str = "tingle_log";
/// How a moment was marked, with its name in the file.
const MARKS: [(Mark, &str); 3] = [
    (Mark::Key, "key"),
    (Mark::Midi, "midi"),
    (Mark::Click, "click"),
];
/// Most voices a layer can report (far above any layer's slots).
const MOST_VOICES: u64 = 1024;

/// How the listener marked a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The tingle key on the computer keyboard.
    Key,
    /// The tingle MIDI note.
    Midi,
    /// The tingle button in the editor.
    Click,
}

/// A layer that was sounding at a marked moment.
#[derive(Debug, Clone, PartialEq)]
pub struct SoundingLayer {
    /// The layer (0-based; written 1-based).
    pub layer: usize,
    /// Its sound's stable id (`tap/wood`).
    pub sound: String,
    /// Voices it was playing.
    pub voices: u32,
    /// Its direction (degrees, -180 ..= 180, 0 = front, positive to the right).
    pub azimuth_deg: f32,
    /// Its elevation (degrees, -40 ..= 90).
    pub elevation_deg: f32,
    /// Its distance (m, 0.1 ..= 10).
    pub distance_m: f32,
    /// Its settings as the finder reads them: point value by dimension id.
    pub settings: BTreeMap<String, f32>,
}

/// One marked moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// When (s since the log started).
    pub time_s: f64,
    /// How it was marked.
    pub mark: Mark,
    /// The layers sounding then.
    pub layers: Vec<SoundingLayer>,
}

/// A tingle log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TingleLog {
    /// The marked moments, oldest first.
    pub moments: Vec<Moment>,
}

impl SoundingLayer {
    /// Layer `layer` (0-based) of `params`, playing `voices` voices.
    pub fn of(params: &TingleParams, layer: usize, voices: u32) -> Self {
        let p = &params.layers[layer];
        let space = LayerSpace::new(params, layer);
        let settings = space
            .space()
            .dimensions()
            .iter()
            .zip(space.point(params))
            .map(|(d, v)| (d.id.clone(), v))
            .collect();
        Self {
            layer,
            sound: p.sound.value().id().to_owned(),
            voices,
            azimuth_deg: p.placement.azimuth.value(),
            elevation_deg: p.placement.elevation.value(),
            distance_m: p.placement.distance_m(),
            settings,
        }
    }
}

impl TingleLog {
    /// The settings of every moment when layer `layer` (0-based) was sounding, as points of
    /// `space`: a dimension the moment did not record (or recorded out of range) keeps its
    /// value from `start`.
    pub fn evidence(&self, layer: usize, space: &Space, start: &Point) -> Vec<Point> {
        self.moments
            .iter()
            .flat_map(|m| m.layers.iter().filter(|l| l.layer == layer))
            .map(|l| {
                space
                    .dimensions()
                    .iter()
                    .zip(start)
                    .map(|(d, &from)| {
                        l.settings
                            .get(&d.id)
                            .copied()
                            .filter(|&v| d.kind.holds(v))
                            .unwrap_or(from)
                    })
                    .collect()
            })
            .collect()
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let moments: Vec<Value> = self
            .moments
            .iter()
            .map(|m| {
                let layers: Vec<Value> = m
                    .layers
                    .iter()
                    .map(|l| {
                        let settings: Map<String, Value> = l
                            .settings
                            .iter()
                            .map(|(id, v)| (id.clone(), json!(v)))
                            .collect();
                        json!({
                            "layer": l.layer + 1,
                            "sound": l.sound,
                            "voices": l.voices,
                            "az_deg": l.azimuth_deg,
                            "el_deg": l.elevation_deg,
                            "dist_m": l.distance_m,
                            "settings": settings,
                        })
                    })
                    .collect();
                json!({ "time_s": m.time_s, "mark": mark_name(m.mark), "layers": layers })
            })
            .collect();
        let root = json!({ VERSION_KEY: VERSION, "moments": moments });
        serde_json::to_string_pretty(&root).expect("a log is plain JSON")
    }

    /// Reads a log file; a bad one is refused with the field named.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let value = Field::parse(text)?;
        let root = Field::root(&value);
        root.check_version(VERSION_KEY, VERSION)?;
        let moments = root
            .key("moments")?
            .items()?
            .iter()
            .map(moment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { moments })
    }
}

/// A moment from its entry.
fn moment(field: &Field) -> Result<Moment, FileError> {
    let time = field.key("time_s")?;
    let time_s = time.number()?;
    if time_s < 0.0 {
        return Err(time.error(format!("{time_s} is before the log started")));
    }
    let mark_field = field.key("mark")?;
    let name = mark_field.text()?;
    let mark = MARKS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(m, _)| *m)
        .ok_or_else(|| {
            mark_field.error(format!(
                "expected \"key\", \"midi\" or \"click\", found \"{name}\""
            ))
        })?;
    let layers = field
        .key("layers")?
        .items()?
        .iter()
        .map(sounding_layer)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Moment {
        time_s,
        mark,
        layers,
    })
}

/// A sounding layer from its entry.
fn sounding_layer(field: &Field) -> Result<SoundingLayer, FileError> {
    let within = |key: &str, range: Range<f32>| -> Result<f32, FileError> {
        let f = field.key(key)?;
        let v = f.number()? as f32;
        if range.contains(v) {
            Ok(v)
        } else {
            Err(f.error(format!("{v} is outside {} ..= {}", range.min, range.max)))
        }
    };
    let settings = field
        .key("settings")?
        .members()?
        .into_iter()
        .map(|(id, f)| Ok((id, f.number()? as f32)))
        .collect::<Result<BTreeMap<_, _>, FileError>>()?;
    Ok(SoundingLayer {
        layer: field.key("layer")?.whole(1, LAYERS as u64)? as usize - 1,
        sound: field.key("sound")?.text()?.to_owned(),
        voices: field.key("voices")?.whole(0, MOST_VOICES)? as u32,
        azimuth_deg: within("az_deg", ranges::AZIMUTH_DEG)?,
        elevation_deg: within("el_deg", ranges::ELEVATION_DEG)?,
        distance_m: within("dist_m", ranges::DISTANCE_M)?,
        settings,
    })
}

/// A mark's name in the file.
fn mark_name(mark: Mark) -> &'static str {
    MARKS
        .iter()
        .find(|(m, _)| *m == mark)
        .map(|(_, n)| *n)
        .expect("every mark has a name")
}
