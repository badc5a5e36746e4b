//! The two plugins the crate exports, one plugin type over a flavour: what a host lists and
//! where a new instance starts. Everything else (parameters, layouts, engine, editor) is the
//! same, so a session saved with either reopens in either with the same sound.
//!
//! - [`Instrument`] ("Tingle"): its parameters' defaults are the *Gentle Start* scene, so a
//!   new instance plays at once (on an instrument track, in the standalone app), and the
//!   host's copy of the values is the plugin's from the start: nothing is changed behind the
//!   host's back. A connected input is placed as well.
//! - [`Placer`] ("Tingle Placer"): the built-in defaults, every layer off and the input 1 m in
//!   front: on a vocal track it places the vocal and adds nothing.

use crate::params::TingleParams;
use crate::scene::{Source, factory};
use nice_plug::prelude::*;
use std::marker::PhantomData;

/// What tells the two plugins apart.
pub trait Flavour: Send + Sync + 'static {
    /// The plugin's name as hosts list it.
    const NAME: &'static str;
    /// The CLAP id (stable forever: sessions refer to it).
    const CLAP_ID: &'static str;
    /// One line for hosts' plugin browsers.
    const DESCRIPTION: &'static str;
    /// The CLAP features.
    const CLAP_FEATURES: &'static [ClapFeature];
    /// The VST3 class id (stable forever: sessions refer to it).
    const VST3_CLASS_ID: [u8; 16];
    /// The VST3 subcategories.
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory];
    /// The factory scene (file name in `scenes/`) whose values are the parameters' defaults, or
    /// `None` for the built-in defaults.
    const DEFAULT_SCENE: Option<&'static str>;
    /// The MIDI the plugin takes: notes, and the controllers for all notes off and all sound
    /// off (a host's panic). [`NotesOnly`] takes notes alone.
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;

    /// A new instance's parameters: the default scene's values as the defaults, and the scene
    /// remembered as loaded (so the editor names it).
    fn params() -> TingleParams {
        let Some(scene) = Self::DEFAULT_SCENE.and_then(factory::find) else {
            return TingleParams::default();
        };
        // Every factory scene reads (tested); a scene that did not would leave the built-in
        // defaults rather than no plugin.
        let Ok(loaded) = scene.read() else {
            return TingleParams::default();
        };
        let params = TingleParams::with_defaults(&loaded.params);
        if let Ok(mut key) = params.scene.write() {
            *key = Source::Factory(scene).key();
        }
        params
    }
}

/// "Tingle", the instrument: starts with the *Gentle Start* scene.
pub struct Instrument;

impl Flavour for Instrument {
    const NAME: &'static str = "Tingle";
    const CLAP_ID: &'static str = "audio.tingle.tingle";
    const DESCRIPTION: &'static str =
        "Procedural ASMR triggers, and any input, placed binaurally around the head";
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::Instrument, ClapFeature::Stereo];
    const VST3_CLASS_ID: [u8; 16] = *b"TingleBinauralAS";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Instrument,
        Vst3SubCategory::Spatial,
        Vst3SubCategory::Stereo,
    ];
    const DEFAULT_SCENE: Option<&'static str> = Some(factory::FIRST_SOUND);
}

/// "Tingle Placer", the effect: places the track's input, with every layer off.
pub struct Placer;

impl Flavour for Placer {
    const NAME: &'static str = "Tingle Placer";
    const CLAP_ID: &'static str = "audio.tingle.placer";
    const DESCRIPTION: &'static str =
        "Places the track's audio binaurally around the head; ASMR trigger layers on demand";
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::AudioEffect, ClapFeature::Stereo];
    const VST3_CLASS_ID: [u8; 16] = *b"TinglePlacerBnrl";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Spatial,
        Vst3SubCategory::Stereo,
    ];
    const DEFAULT_SCENE: Option<&'static str> = None;
}

/// Flavour `F` taking MIDI notes alone, without controllers: the VST3 build. VST3 has no MIDI
/// controller events; nice-plug receives them as 2080 hidden parameters (16 channels × 130
/// controllers), which hosts list and probe one by one (a JUCE host took 35 s to load the plugin).
/// Without them a VST3 host's panic reaches the plugin as note-offs and as a reset when it stops
/// processing.
pub struct NotesOnly<F>(PhantomData<F>);

impl<F: Flavour> Flavour for NotesOnly<F> {
    const NAME: &'static str = F::NAME;
    const CLAP_ID: &'static str = F::CLAP_ID;
    const DESCRIPTION: &'static str = F::DESCRIPTION;
    const CLAP_FEATURES: &'static [ClapFeature] = F::CLAP_FEATURES;
    const VST3_CLASS_ID: [u8; 16] = F::VST3_CLASS_ID;
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = F::VST3_SUBCATEGORIES;
    const DEFAULT_SCENE: Option<&'static str> = F::DEFAULT_SCENE;
    const MIDI_INPUT: MidiConfig = MidiConfig::Basic;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every parameter's value and default, in the parameter map's order.
    fn values_and_defaults(params: &TingleParams) -> Vec<(String, f32, f32)> {
        params
            .param_map()
            .into_iter()
            // SAFETY: the pointers point into `params`, borrowed for this call.
            .map(|(id, ptr, _)| unsafe {
                (
                    id,
                    ptr.unmodulated_normalized_value(),
                    ptr.default_normalized_value(),
                )
            })
            .collect()
    }

    /// The instrument's defaults are Gentle Start's values, exactly, and a new instance holds
    /// them: what the host reads as the defaults is what plays.
    #[test]
    fn the_instruments_defaults_are_the_gentle_start_scene() {
        let scene = factory::find(factory::FIRST_SOUND)
            .expect("the first scene")
            .read()
            .expect("it reads");
        let instrument = Instrument::params();
        let expected = values_and_defaults(&scene.params);
        let got = values_and_defaults(&instrument);
        assert_eq!(got.len(), expected.len());
        for ((id, value, default), (_, scene_value, _)) in got.iter().zip(&expected) {
            assert_eq!(default, scene_value, "{id}: default");
            assert_eq!(value, default, "{id}: a new instance holds its default");
        }
        assert!(
            instrument
                .layers
                .iter()
                .filter(|l| l.enabled.value())
                .count()
                >= 2
        );
        assert_eq!(*instrument.scene.read().unwrap(), "factory/gentle-start");
        // The variant and character names follow the default family from the start.
        let rain = &instrument.layers[2];
        assert_eq!(rain.sound.to_string(), "Water: Rain bed");
        assert!(rain.character_1.to_string().starts_with("Drop size"));
    }

    /// The Placer's defaults are the built-in ones: every layer off, the input in front, no
    /// scene.
    #[test]
    fn the_placers_defaults_are_the_builtin_ones() {
        let placer = Placer::params();
        assert_eq!(
            values_and_defaults(&placer),
            values_and_defaults(&TingleParams::default())
        );
        assert!(placer.layers.iter().all(|l| !l.enabled.value()));
        assert!(placer.scene.read().unwrap().is_empty());
    }
}
