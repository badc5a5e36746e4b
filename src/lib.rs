//! Tingle: procedural ASMR triggers placed binaurally around the listener's head.
//!
//! This file is the plugin glue (CLAP and VST3): it maps host parameters and transport onto the
//! host-independent [`engine`], which the standalone app, the offline renderer, the tests and
//! the benchmarks drive as well.

#![warn(missing_docs)]

pub mod binaural;
pub mod dsp;
pub mod editor;
pub mod engine;
pub mod params;
pub mod samples;
pub mod scene;
pub mod triggers;

use engine::hrtf_loader::HrtfLoader;
use engine::telemetry::{TelemetryReceiver, TelemetrySender, telemetry};
use engine::tempo::{DEFAULT_TEMPO_BPM, Transport};
use engine::{Engine, InputChannels};
use nice_plug::midi::Key;
use nice_plug::prelude::*;
use params::TingleParams;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Name of the saved-state field recording the first-sound choice (see
/// [`TingleParams::first_sound_done`]).
const FIRST_SOUND_FIELD: &str = "first_sound";
/// MIDI controller "all sound off" (a channel mode message).
const ALL_SOUND_OFF_CC: u8 = 120;
/// MIDI controller "all notes off".
const ALL_NOTES_OFF_CC: u8 = 123;
/// Quarter notes per bar when the host reports no time signature (4/4).
const DEFAULT_BEATS_PER_BAR: f64 = 4.0;

/// The Tingle plugin.
pub struct Tingle {
    params: Arc<TingleParams>,
    /// Built in `activate()` for the session's sample rate and block size.
    engine: Option<Engine>,
    /// What the active layout's main input carries.
    input: InputChannels,
    /// The audio side of the editor's telemetry, until an engine holds it.
    telemetry: Option<TelemetrySender>,
    /// The editor's side, until the editor takes it.
    telemetry_receiver: Option<TelemetryReceiver>,
    /// Loads the HRTF set the session chose (shared with the editor).
    hrtf: HrtfLoader,
}

impl Default for Tingle {
    fn default() -> Self {
        let (sender, receiver) = telemetry();
        let params = Arc::new(TingleParams::default());
        Self {
            hrtf: HrtfLoader::new(params.hrtf.clone()),
            params,
            engine: None,
            input: InputChannels::Stereo,
            telemetry: Some(sender),
            telemetry_receiver: Some(receiver),
        }
    }
}

impl Tingle {
    /// The plugin's parameters (shared with the host wrapper and the editor).
    pub fn tingle_params(&self) -> Arc<TingleParams> {
        self.params.clone()
    }

    /// A new instance's first sound, decided once at its first activation: without an audio
    /// input (an instrument track) it loads the gentle default scene, so it is never silent;
    /// with one it keeps the defaults, which place the input in front. A restored session has
    /// made its choice already and keeps its own state.
    fn first_sound(&mut self) {
        if self.params.first_sound_done.0.swap(true, Ordering::SeqCst) {
            return;
        }
        if self.input != InputChannels::None {
            return;
        }
        if let Some(first) = scene::factory::find(scene::factory::FIRST_SOUND)
            && let Ok(loaded) = first.read()
        {
            scene::copy_values(&loaded.params, &self.params);
            if let Ok(mut key) = self.params.scene.write() {
                *key = scene::Source::Factory(first).key();
            }
        }
    }
}

/// The host's transport in the engine's terms.
fn engine_transport(t: &nice_plug::prelude::Transport) -> Transport {
    let beats_per_bar = match (t.time_sig_numerator, t.time_sig_denominator) {
        (Some(num), Some(den)) if num > 0 && den > 0 => f64::from(num) * 4.0 / f64::from(den),
        _ => DEFAULT_BEATS_PER_BAR,
    };
    Transport {
        tempo_bpm: t
            .tempo
            .filter(|bpm| *bpm > 0.0)
            .unwrap_or(DEFAULT_TEMPO_BPM),
        beats_per_bar,
        playing: t.playing,
        position_beats: t.pos_beats,
        // Given, or derived from the samples or the beats and tempo, as the host reports.
        position_seconds: t.pos_seconds(),
    }
}

impl Plugin for Tingle {
    const NAME: &'static str = "Tingle";
    const VENDOR: &'static str = "Tingle";
    const URL: &'static str = "https://example.invalid/tingle";
    const EMAIL: &'static str = "hello@example.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    /// Stereo in (downmixed to the placed source), mono in, or no input (instrument tracks);
    /// always stereo out.
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: None,
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
    ];

    /// Notes, so that instrument tracks can drive the trigger layers, and CCs, for all notes
    /// off and all sound off.
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = true;

    type Editor = nice_plug_egui::EguiEditor<editor::TingleApp>;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    /// The editor; it takes the telemetry's receiving end (the first editor made gets it).
    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(
            self.params.clone(),
            self.telemetry_receiver.take(),
            Some(self.hrtf.clone()),
        )
    }

    /// A loaded state is a session or preset someone made, whatever version wrote it (older
    /// ones have no `first_sound` field): it never gets the default scene.
    fn filter_state(state: &mut PluginState) {
        state
            .fields
            .insert(FIRST_SOUND_FIELD.to_owned(), "true".to_owned());
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.input = match audio_io_layout.main_input_channels.map(NonZeroU32::get) {
            None => InputChannels::None,
            Some(1) => InputChannels::Mono,
            Some(_) => InputChannels::Stereo,
        };
        self.first_sound();
        // The saved HRTF set (or KEMAR, if it cannot be used), loaded here, off the audio thread.
        let mut engine = self.hrtf.activate(
            buffer_config.sample_rate,
            buffer_config.max_buffer_size as usize,
        );
        engine.set_params(&self.params.engine_params());
        engine.reset();
        engine.connect_samples(self.params.samples.connect(buffer_config.sample_rate));
        // The editor's line moves from the old engine (or the plugin) to the new one.
        let line = self
            .engine
            .as_mut()
            .and_then(Engine::take_telemetry)
            .or_else(|| self.telemetry.take());
        if let Some(line) = line {
            engine.set_telemetry(line);
        }
        self.engine = Some(engine);
        true
    }

    fn reset(&mut self) {
        if let Some(engine) = &mut self.engine {
            engine.set_params(&self.params.engine_params());
            engine.reset();
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let Some(engine) = &mut self.engine else {
            return ProcessStatus::Normal;
        };
        engine.set_transport(&engine_transport(context.transport()));
        engine.set_params(&self.params.engine_params());
        while let Some(event) = context.next_event() {
            match event {
                NoteEvent::NoteOn {
                    timing,
                    key: Key::Number(note),
                    velocity,
                    ..
                } => engine.note_on(timing as usize, note, velocity),
                NoteEvent::NoteOff {
                    timing,
                    key: Key::Number(note),
                    ..
                }
                | NoteEvent::Choke {
                    timing,
                    key: Key::Number(note),
                    ..
                } => engine.note_off(timing as usize, note),
                NoteEvent::MidiCC { timing, cc, .. }
                    if cc == ALL_SOUND_OFF_CC || cc == ALL_NOTES_OFF_CC =>
                {
                    engine.all_sound_off(timing as usize)
                }
                _ => {}
            }
        }
        if let [left, right, ..] = buffer.as_slice() {
            engine.process(left, right, self.input);
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for Tingle {
    const CLAP_ID: &'static str = "audio.tingle.tingle";
    const CLAP_DESCRIPTION: Option<&'static str> = Some(
        "Procedural ASMR triggers and the track's own audio, placed binaurally around the head",
    );
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    /// Listed both as an instrument and as an audio effect, so hosts offer it on instrument
    /// tracks (driven by MIDI) and in effect slots of audio tracks.
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::Instrument,
        ClapFeature::AudioEffect,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for Tingle {
    const VST3_CLASS_ID: [u8; 16] = *b"TingleBinauralAS";
    /// "Fx|Instrument|Spatial|Stereo": effect slots and instrument tracks.
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Instrument,
        Vst3SubCategory::Spatial,
        Vst3SubCategory::Stereo,
    ];
}

nice_export_clap!(Tingle);
nice_export_vst3!(Tingle);

#[cfg(test)]
mod tests {
    use super::*;

    /// Without an audio input a new instance plays the default scene; with one it keeps the
    /// defaults; either way the choice is made once.
    #[test]
    fn a_new_instrument_instance_starts_with_the_default_scene() {
        let mut instrument = Tingle {
            input: InputChannels::None,
            ..Tingle::default()
        };
        instrument.first_sound();
        let p = instrument.tingle_params();
        assert!(p.layers.iter().filter(|l| l.enabled.value()).count() >= 2);
        assert_eq!(*p.scene.read().unwrap(), "factory/gentle-start");

        let mut effect = Tingle::default();
        effect.first_sound();
        let q = effect.tingle_params();
        assert!(q.layers.iter().all(|l| !l.enabled.value()));
        assert!(q.scene.read().unwrap().is_empty());
        effect.input = InputChannels::None;
        effect.first_sound();
        assert!(
            q.layers.iter().all(|l| !l.enabled.value()),
            "the choice is made once"
        );
    }

    /// A loaded state, old (without the field) or new, counts as having made the choice.
    #[test]
    fn loaded_states_never_get_the_default_scene() {
        let mut state = PluginState {
            version: "0.1.0".into(),
            params: Default::default(),
            fields: Default::default(),
        };
        Tingle::filter_state(&mut state);
        assert_eq!(state.fields[FIRST_SOUND_FIELD], "true");
        state
            .fields
            .insert(FIRST_SOUND_FIELD.into(), "false".into());
        Tingle::filter_state(&mut state);
        assert_eq!(state.fields[FIRST_SOUND_FIELD], "true");
    }
}
