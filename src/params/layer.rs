//! The parameters of one trigger layer.

use super::placement::PlacementParams;
use super::sample::SampleParams;
use super::sound::SoundChoice;
use super::{default_from, units};
use crate::engine::layer::{self as engine_layer, LayerSettings, Scatter, ScatterMode};
use crate::engine::rhythm::{RhythmRate, RhythmSettings};
use crate::engine::tempo::NoteValue;
use crate::head::Anchor;
use crate::ranges;
use crate::triggers::Family;
use nice_plug::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// What the layer plays: a family and its variant, from one list of every family's
    /// variants ("Water: Droplet").
    #[id = "sound"]
    pub sound: EnumParam<SoundChoice>,
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
    /// Room Send: the share of the layer's sound sent into the room, 0 ..= 1 (default 0.15),
    /// shown in percent.
    #[id = "roomsend"]
    pub room_send: FloatParam,
    /// Stays With: World (default: the layer stays in the room as the head turns) or Head (it
    /// turns with the head). Ids `world`, `head`.
    #[id = "anchor"]
    pub anchor: EnumParam<Anchor>,
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
pub fn parse_variant(family: Family, text: &str) -> Option<usize> {
    let text = text.trim();
    let variants = family.info().variants;
    variants
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
        .or_else(|| {
            text.parse::<usize>()
                .ok()
                .filter(|&index| index < variants.len())
        })
}

impl LayerParams {
    /// The parameters of layer `index` (0-based; names say "L1" .. "L8"), whose defaults are
    /// `template`'s values (or the built-in ones: off, a wooden tap once a second, in front).
    pub fn new(index: usize, template: Option<&LayerParams>) -> Self {
        let prefix = format!("L{} ", index + 1);
        let name = |n: &str| format!("{prefix}{n}");
        let t = template;
        let default_sound = default_from(t, SoundChoice::default(), |t| t.sound.value());
        // The character controls show the current family's names.
        let family_index = Arc::new(AtomicUsize::new(default_sound.family.to_index()));
        let character = |slot: usize, default: f32| {
            let family = family_index.clone();
            FloatParam::new(
                name(&format!("Character {}", slot + 1)),
                default,
                FloatRange::Linear {
                    min: ranges::CHARACTER.min,
                    max: ranges::CHARACTER.max,
                },
            )
            .with_value_to_string(Arc::new(move |v| {
                let info = Family::ALL[family.load(Ordering::Relaxed)].info();
                format!("{} {:.0}%", info.controls[slot].name, v * 100.0)
            }))
            .with_string_to_value(Arc::new(parse_character))
        };
        let on_sound = family_index.clone();
        Self {
            enabled: BoolParam::new(name("On"), default_from(t, false, |t| t.enabled.value())),
            sound: EnumParam::new(name("Sound"), default_sound).with_callback(Arc::new(
                move |s: SoundChoice| on_sound.store(s.family.to_index(), Ordering::Relaxed),
            )),
            level: units::decibels(
                &name("Level"),
                default_from(t, ranges::LEVEL_DB.default, |t| t.level.value()),
                ranges::LEVEL_DB,
            ),
            character_1: character(
                0,
                default_from(t, ranges::CHARACTER.default, |t| t.character_1.value()),
            ),
            character_2: character(
                1,
                default_from(t, ranges::CHARACTER.default, |t| t.character_2.value()),
            ),
            character_3: character(
                2,
                default_from(t, ranges::CHARACTER.default, |t| t.character_3.value()),
            ),
            character_4: character(
                3,
                default_from(t, ranges::CHARACTER.default, |t| t.character_4.value()),
            ),
            rhythm_mode: EnumParam::new(
                name("Rhythm"),
                default_from(t, RhythmMode::Free, |t| t.rhythm_mode.value()),
            ),
            rate: units::rate(
                &name("Rate"),
                default_from(t, ranges::RHYTHM_RATE_PER_S.default, |t| t.rate.value()),
                ranges::RHYTHM_RATE_PER_S,
                units::PER_SECOND,
            ),
            note: EnumParam::new(
                name("Note"),
                default_from(t, NoteValue::Quarter, |t| t.note.value()),
            ),
            humanize: units::percent(
                &name("Humanize"),
                default_from(t, ranges::HUMANIZE.default, |t| t.humanize.value()),
                ranges::HUMANIZE,
            ),
            probability: units::percent(
                &name("Probability"),
                default_from(t, ranges::PROBABILITY.default, |t| t.probability.value()),
                ranges::PROBABILITY,
            ),
            burst: IntParam::new(
                name("Burst"),
                default_from(t, ranges::BURST.default as i32, |t| t.burst.value()),
                IntRange::Linear {
                    min: ranges::BURST.min as i32,
                    max: ranges::BURST.max as i32,
                },
            ),
            burst_spacing: units::rate(
                &name("Burst Spacing"),
                default_from(t, ranges::BURST_SPACING_MS.default, |t| {
                    t.burst_spacing.value()
                }),
                ranges::BURST_SPACING_MS,
                units::MILLISECONDS,
            ),
            accent: units::percent(
                &name("Accent"),
                default_from(t, ranges::ACCENT.default, |t| t.accent.value()),
                ranges::ACCENT,
            ),
            intensity: units::percent(
                &name("Intensity"),
                default_from(t, ranges::INTENSITY.default, |t| t.intensity.value()),
                ranges::INTENSITY,
            ),
            intensity_variation: units::percent(
                &name("Intensity Variation"),
                default_from(t, ranges::INTENSITY_VARIATION.default, |t| {
                    t.intensity_variation.value()
                }),
                ranges::INTENSITY_VARIATION,
            ),
            midi_note: IntParam::new(
                name("MIDI Note"),
                default_from(
                    t,
                    i32::from(engine_layer::DEFAULT_FIRST_NOTE) + index as i32,
                    |t| t.midi_note.value(),
                ),
                IntRange::Linear {
                    min: i32::from(ranges::MIDI_NOTE.min),
                    max: i32::from(ranges::MIDI_NOTE.max),
                },
            )
            .with_value_to_string(formatters::v2s_i32_key_formatter())
            .with_string_to_value(formatters::s2v_i32_key_formatter()),
            follow_note: BoolParam::new(
                name("Follow Note Length"),
                default_from(t, false, |t| t.follow_note.value()),
            ),
            placement: PlacementParams::new(&prefix, t.map(|t| &t.placement)),
            scatter: EnumParam::new(
                name("Scatter"),
                default_from(t, ScatterMode::Off, |t| t.scatter.value()),
            ),
            spread: units::degrees(
                name("Spread"),
                default_from(t, ranges::SPREAD_DEG.default, |t| t.spread.value()),
                ranges::SPREAD_DEG,
            ),
            distance_spread: units::linear(
                name("Distance Spread"),
                default_from(t, ranges::DISTANCE_SPREAD_OCT.default, |t| {
                    t.distance_spread.value()
                }),
                ranges::DISTANCE_SPREAD_OCT,
                units::OCTAVES,
            ),
            room_send: units::percent(
                &name("Room Send"),
                default_from(t, ranges::ROOM_SEND.default, |t| t.room_send.value()),
                ranges::ROOM_SEND,
            ),
            anchor: EnumParam::new(
                name("Stays With"),
                default_from(t, Anchor::World, |t| t.anchor.value()),
            ),
            sample: SampleParams::new(&prefix, t.map(|t| &t.sample)),
        }
    }

    /// The engine's view of this layer.
    pub fn engine_settings(&self) -> LayerSettings {
        let rate = match self.rhythm_mode.value() {
            RhythmMode::Free => Some(RhythmRate::PerSecond(self.rate.value())),
            RhythmMode::Synced => Some(RhythmRate::Synced(self.note.value())),
            RhythmMode::MidiOnly => None,
        };
        LayerSettings {
            enabled: self.enabled.value(),
            follow_note: self.follow_note.value(),
            family: self.sound.value().family,
            variant: self.sound.value().variant,
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
            midi_note: u8::try_from(self.midi_note.value())
                .map_or(ranges::MIDI_NOTE.default, |note| {
                    ranges::MIDI_NOTE.clamp(note)
                }),
            position: self.placement.position(),
            motion: self.placement.motion(),
            scatter: Scatter {
                mode: self.scatter.value(),
                spread_deg: self.spread.value(),
                distance_octaves: self.distance_spread.value(),
            },
            sample: self.sample.shape(),
            room_send: self.room_send.value(),
            anchor: self.anchor.value(),
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
        let layer = LayerParams::new(0, None);
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
        for &sound in SoundChoice::all() {
            let value = layer.sound.preview_normalized(sound);
            assert_eq!(
                layer.sound.normalized_value_to_string(value, true),
                sound.name()
            );
            assert_eq!(
                layer.sound.string_to_normalized_value(sound.name()),
                Some(value)
            );
        }
        assert_eq!(layer.sound.string_to_normalized_value("Kazoo"), None);
    }

    /// The character controls are named after the current sound's family.
    #[test]
    fn controls_follow_the_sound() {
        use nice_plug::params::InternalParamMut;
        let layer = LayerParams::new(0, None);
        let water = SoundChoice::new(Family::Water, 0);
        // SAFETY: `layer` is not shared with a plugin wrapper (the scene reader does the same).
        unsafe { layer.sound._internal_set_plain_value(water) };
        let shown = layer.character_1.normalized_value_to_string(0.5, true);
        let control = Family::Water.info().controls[0].name;
        assert_eq!(shown, format!("{control} 50%"));
    }

    /// The variant parser follows the family: another family's names are its own.
    #[test]
    fn variant_names_follow_the_family() {
        assert_eq!(parse_variant(Family::Water, "rain bed"), Some(2));
        assert_eq!(parse_variant(Family::Tap, "rain bed"), None);
        assert_eq!(parse_variant(Family::Tap, "Hollow box"), Some(5));
        assert_eq!(parse_variant(Family::Tap, "6"), None);
    }
}
