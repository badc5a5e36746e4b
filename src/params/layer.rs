//! The parameters of one trigger layer.

use super::placement::PlacementParams;
use super::sample::SampleParams;
use super::units;
use crate::engine::layer::{self as engine_layer, Scatter, ScatterMode};
use crate::engine::rhythm::{RhythmRate, RhythmSettings};
use crate::engine::tempo::NoteValue;
use crate::triggers::Family;
use nice_plug::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Most variants any family has (the variant parameter's range).
const MAX_VARIANTS: i32 = 6;

/// What drives a layer's rhythm.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RhythmMode {
    /// A free rate in events per second.
    #[id = "free"]
    Free,
    /// A note value at the host tempo, on the song's grid.
    #[id = "sync"]
    Synced,
    /// Only MIDI notes fire the layer.
    #[id = "midi"]
    #[name = "MIDI only"]
    MidiOnly,
}

/// One layer's parameters. Ids are suffixed with the layer number by the array nesting.
#[derive(Params)]
pub struct LayerParams {
    /// Whether the layer fires.
    #[id = "on"]
    pub enabled: BoolParam,
    /// Trigger family.
    #[id = "family"]
    pub family: EnumParam<Family>,
    /// The family's variant, 0 ..= 5 (shown by name; clamped to the family's count).
    #[id = "variant"]
    pub variant: IntParam,
    /// Layer level in dB, -48 ..= +12.
    #[id = "level"]
    pub level: FloatParam,
    /// The family's four character controls, each 0 ..= 1 (shown with the family's names).
    #[id = "c1"]
    pub character_1: FloatParam,
    /// Second character control, 0 ..= 1.
    #[id = "c2"]
    pub character_2: FloatParam,
    /// Third character control, 0 ..= 1.
    #[id = "c3"]
    pub character_3: FloatParam,
    /// Fourth character control, 0 ..= 1.
    #[id = "c4"]
    pub character_4: FloatParam,
    /// Rhythm source: free rate, synced note value or MIDI only.
    #[id = "rmode"]
    pub rhythm_mode: EnumParam<RhythmMode>,
    /// Free rate in events per second, 0.05 ..= 30.
    #[id = "rate"]
    pub rate: FloatParam,
    /// Synced rate: one event per note value (4 bars ..= 1/64, dotted and triplet).
    #[id = "note"]
    pub note: EnumParam<NoteValue>,
    /// Timing jitter, 0 ..= 1 (up to ±25 % of the interval, at most ±50 ms).
    #[id = "human"]
    pub humanize: FloatParam,
    /// Chance that an event fires, 0 ..= 1.
    #[id = "prob"]
    pub probability: FloatParam,
    /// Hits per event, 1 ..= 8.
    #[id = "burst"]
    pub burst: IntParam,
    /// Time between burst hits in ms, 10 ..= 500.
    #[id = "spacing"]
    pub burst_spacing: FloatParam,
    /// Accent depth, 0 ..= 1 (unaccented hits up to 50 % softer).
    #[id = "accent"]
    pub accent: FloatParam,
    /// Intensity of the hits, 0 ..= 1.
    #[id = "intens"]
    pub intensity: FloatParam,
    /// Random intensity variation, 0 ..= 1.
    #[id = "ivar"]
    pub intensity_variation: FloatParam,
    /// MIDI note that fires the layer, 0 ..= 127 (defaults C4, C#4, ... for layers 1..8).
    #[id = "midi"]
    pub midi_note: IntParam,
    /// Whether a note-off ends the triggers its note started (with a short release); off, they
    /// play to their natural end.
    #[id = "follow"]
    pub follow_note: BoolParam,
    /// Where the layer sounds and how it moves.
    #[nested]
    pub placement: PlacementParams,
    /// Scatter mode: off, spread, ear to ear.
    #[id = "scatter"]
    pub scatter: EnumParam<ScatterMode>,
    /// Angular spread in degrees, 0 ..= 180.
    #[id = "spread"]
    pub spread: FloatParam,
    /// Distance spread in octaves, 0 ..= 2 (distance × 2^±spread).
    #[id = "dspread"]
    pub distance_spread: FloatParam,
    /// The Sample family's attack, release and length limit.
    #[nested]
    pub sample: SampleParams,
}

/// A character control's value (0..=1) from its text: what it displays ("Hardness 70%", the
/// control's name first), or just the percentage ("70%", "70").
fn parse_character(text: &str) -> Option<f32> {
    let number = text.trim_start_matches(|c: char| c.is_alphabetic() || c.is_whitespace());
    number
        .trim_end_matches([' ', '%'])
        .parse::<f32>()
        .ok()
        .map(|percent| percent / 100.0)
}

/// A variant's index from its text: one of `family`'s variant names (any letter case), or the
/// index itself.
pub fn parse_variant(family: Family, text: &str) -> Option<i32> {
    let text = text.trim();
    let variants = family.info().variants;
    variants
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
        .map(|index| index as i32)
        .or_else(|| {
            text.parse::<i32>()
                .ok()
                .filter(|&index| (0..variants.len() as i32).contains(&index))
        })
}

impl LayerParams {
    /// The parameters of layer `index` (0-based; names say "L1" .. "L8").
    pub fn new(index: usize) -> Self {
        let prefix = format!("L{} ", index + 1);
        let name = |n: &str| format!("{prefix}{n}");
        // The character controls and the variant show the current family's names.
        let family_index = Arc::new(AtomicUsize::new(0));
        let character = |slot: usize| {
            let family = family_index.clone();
            FloatParam::new(
                name(&format!("Character {}", slot + 1)),
                0.5,
                FloatRange::Linear { min: 0.0, max: 1.0 },
            )
            .with_value_to_string(Arc::new(move |v| {
                let info = Family::ALL[family.load(Ordering::Relaxed)].info();
                format!("{} {:.0}%", info.controls[slot].name, v * 100.0)
            }))
            .with_string_to_value(Arc::new(parse_character))
        };
        let variant_family = family_index.clone();
        let parse_family = family_index.clone();
        let on_family = family_index.clone();
        Self {
            enabled: BoolParam::new(name("On"), false),
            family: EnumParam::new(name("Family"), Family::default()).with_callback(Arc::new(
                move |f: Family| {
                    on_family.store(
                        Family::ALL.iter().position(|x| *x == f).unwrap_or(0),
                        Ordering::Relaxed,
                    );
                },
            )),
            variant: IntParam::new(
                name("Variant"),
                0,
                IntRange::Linear {
                    min: 0,
                    max: MAX_VARIANTS - 1,
                },
            )
            .with_value_to_string(Arc::new(move |v| {
                let variants = Family::ALL[variant_family.load(Ordering::Relaxed)]
                    .info()
                    .variants;
                variants[(v.max(0) as usize).min(variants.len() - 1)].to_owned()
            }))
            .with_string_to_value(Arc::new(move |text| {
                parse_variant(Family::ALL[parse_family.load(Ordering::Relaxed)], text)
            })),
            level: units::decibels(&name("Level"), 0.0, -48.0, 12.0),
            character_1: character(0),
            character_2: character(1),
            character_3: character(2),
            character_4: character(3),
            rhythm_mode: EnumParam::new(name("Rhythm"), RhythmMode::Free),
            rate: units::rate(&name("Rate"), 1.0, 0.05, 30.0, " /s"),
            note: EnumParam::new(name("Note"), NoteValue::Quarter),
            humanize: units::percent(&name("Humanize"), 0.2),
            probability: units::percent(&name("Probability"), 1.0),
            burst: IntParam::new(name("Burst"), 1, IntRange::Linear { min: 1, max: 8 }),
            burst_spacing: units::rate(&name("Burst Spacing"), 80.0, 10.0, 500.0, " ms"),
            accent: units::percent(&name("Accent"), 0.0),
            intensity: units::percent(&name("Intensity"), 0.7),
            intensity_variation: units::percent(&name("Intensity Variation"), 0.2),
            midi_note: IntParam::new(
                name("MIDI Note"),
                i32::from(engine_layer::DEFAULT_FIRST_NOTE) + index as i32,
                IntRange::Linear { min: 0, max: 127 },
            )
            .with_value_to_string(formatters::v2s_i32_key_formatter())
            .with_string_to_value(formatters::s2v_i32_key_formatter()),
            follow_note: BoolParam::new(name("Follow Note Length"), false),
            placement: PlacementParams::new(&prefix),
            scatter: EnumParam::new(name("Scatter"), ScatterMode::Off),
            spread: units::degrees(name("Spread"), engine_layer::DEFAULT_SPREAD_DEG, 0.0, 180.0),
            distance_spread: FloatParam::new(
                name("Distance Spread"),
                0.0,
                FloatRange::Linear { min: 0.0, max: 2.0 },
            )
            .with_unit(" oct")
            .with_value_to_string(formatters::v2s_f32_rounded(2)),
            sample: SampleParams::new(&prefix),
        }
    }

    /// The engine's view of this layer.
    pub fn engine_params(&self) -> engine_layer::LayerParams {
        let rate = match self.rhythm_mode.value() {
            RhythmMode::Free => Some(RhythmRate::PerSecond(self.rate.value())),
            RhythmMode::Synced => Some(RhythmRate::Synced(self.note.value())),
            RhythmMode::MidiOnly => None,
        };
        engine_layer::LayerParams {
            enabled: self.enabled.value(),
            follow_note: self.follow_note.value(),
            family: self.family.value(),
            variant: self.variant.value().max(0) as usize,
            level_db: self.level.value(),
            character: [
                self.character_1.value(),
                self.character_2.value(),
                self.character_3.value(),
                self.character_4.value(),
            ],
            rhythm: RhythmSettings {
                rate,
                humanize: self.humanize.value(),
                probability: self.probability.value(),
                burst: self.burst.value().max(1) as u32,
                burst_spacing_s: self.burst_spacing.value() / 1000.0,
                accent: self.accent.value(),
                intensity: self.intensity.value(),
                intensity_variation: self.intensity_variation.value(),
            },
            midi_note: self.midi_note.value().clamp(0, 127) as u8,
            position: self.placement.position(),
            motion: self.placement.motion(),
            scatter: Scatter {
                mode: self.scatter.value(),
                spread_deg: self.spread.value(),
                distance_octaves: self.distance_spread.value(),
            },
            sample: self.sample.shape(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character control and the variant parse the text they display, the plain number,
    /// and (the variant) its name in any letter case; nonsense parses to nothing.
    #[test]
    fn displayed_text_parses_back() {
        let layer = LayerParams::new(0);
        for param in [
            &layer.character_1,
            &layer.character_2,
            &layer.character_3,
            &layer.character_4,
        ] {
            for value in [0.0, 0.07, 0.5, 0.7, 1.0] {
                let shown = param.normalized_value_to_string(value, true);
                let parsed = param.string_to_normalized_value(&shown);
                assert_eq!(parsed, Some(value), "'{shown}'");
            }
            assert_eq!(param.string_to_normalized_value("35%"), Some(0.35));
            assert_eq!(param.string_to_normalized_value("35"), Some(0.35));
            assert_eq!(param.string_to_normalized_value("loud"), None);
        }
        let variants = Family::default().info().variants;
        for (index, name) in variants.iter().enumerate() {
            let value = layer.variant.preview_normalized(index as i32);
            assert_eq!(layer.variant.normalized_value_to_string(value, true), *name);
            for text in [name.to_string(), name.to_uppercase(), index.to_string()] {
                assert_eq!(
                    layer.variant.string_to_normalized_value(&text),
                    Some(value),
                    "'{text}'"
                );
            }
        }
        assert_eq!(layer.variant.string_to_normalized_value("Kazoo"), None);
        assert_eq!(
            layer
                .variant
                .string_to_normalized_value(&variants.len().to_string()),
            None,
            "past the family's last variant"
        );
    }

    /// The variant parser follows the family: another family's names are its own.
    #[test]
    fn variant_names_follow_the_family() {
        assert_eq!(parse_variant(Family::Water, "rain bed"), Some(2));
        assert_eq!(parse_variant(Family::Tap, "rain bed"), None);
        assert_eq!(parse_variant(Family::Tap, "Hollow box"), Some(5));
    }
}
