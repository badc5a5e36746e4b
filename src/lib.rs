//! Tingle: procedural ASMR triggers placed binaurally around the listener's head.
//!
//! This file is the plugin glue (CLAP and VST3): it maps host parameters and transport onto the
//! host-independent [`engine`], which the standalone app, the offline renderer, the tests and
//! the benchmarks drive as well. One plugin type, [`TinglePlugin`], is exported twice over a
//! [`Flavour`]: "Tingle", the instrument that starts playing its default scene, and "Tingle
//! Placer", the effect that places the track's audio and adds nothing.

#![warn(missing_docs)]

pub mod binaural;
pub mod dsp;
pub mod editor;
pub mod engine;
pub mod flavour;
pub mod handover;
pub mod head;
pub mod params;
pub mod personal;
pub mod ranges;
pub mod room;
pub mod samples;
pub mod scene;
pub mod triggers;

pub use flavour::{Flavour, Instrument, NotesOnly, Placer};

use engine::hrtf_loader::HrtfLoader;
use engine::telemetry::{Meters, TelemetryReceiver, TelemetrySender, telemetry};
use engine::tempo::{DEFAULT_TEMPO_BPM, Transport};
use engine::{Engine, InputChannels};
use head::osc::TrackerFeed;
use head::{HeadTracking, Rotation};
use nice_plug::midi::Key;
use nice_plug::prelude::*;
use params::TingleParams;
use std::marker::PhantomData;
use std::sync::Arc;

/// MIDI controller "all sound off" (a channel mode message).
const ALL_SOUND_OFF_CC: u8 = 120;
/// MIDI controller "all notes off".
const ALL_NOTES_OFF_CC: u8 = 123;
/// Quarter notes per bar when the host reports no time signature (4/4).
const DEFAULT_BEATS_PER_BAR: f64 = 4.0;

/// The Tingle plugin in one of its flavours ([`Tingle`], [`TinglePlacer`]).
pub struct TinglePlugin<F: Flavour> {
    params: Arc<TingleParams>,
    /// Built in `activate()` for the session's sample rate and block size.
    engine: Option<Engine>,
    /// What the active layout's main input carries.
    input: InputChannels,
    /// The audio side of the editor's telemetry, until an engine holds it.
    telemetry: Option<TelemetrySender>,
    /// The editor's side, until the editor takes it.
    telemetry_receiver: Option<TelemetryReceiver>,
    /// The meters the audio thread writes (the editor reads them through its side).
    meters: Arc<Meters>,
    /// Loads the HRTF set the session chose (shared with the editor).
    hrtf: HrtfLoader,
    /// The OSC head tracker (shared with the editor).
    tracking: Arc<HeadTracking>,
    /// The tracker's orientations as they reach the audio thread.
    tracker_feed: TrackerFeed,
    /// The tracker's latest turn, recentred (kept for an engine made later).
    tracker_turn: Rotation,
    /// Whether the Recenter parameter was on at the last block (it acts as it goes on).
    recentering: bool,
    flavour: PhantomData<F>,
}

/// "Tingle", the instrument: plays the *Gentle Start* scene from a new instance's first moment
/// (its parameters' defaults), and places an input if it has one.
pub type Tingle = TinglePlugin<Instrument>;

/// "Tingle Placer", the effect: places the track's input, every trigger layer off.
pub type TinglePlacer = TinglePlugin<Placer>;

/// The instrument as the VST3 build exports it: MIDI notes only (see [`NotesOnly`]).
pub type TingleVst3 = TinglePlugin<NotesOnly<Instrument>>;

/// The Placer as the VST3 build exports it: MIDI notes only (see [`NotesOnly`]).
pub type TinglePlacerVst3 = TinglePlugin<NotesOnly<Placer>>;

impl<F: Flavour> Default for TinglePlugin<F> {
    fn default() -> Self {
        let (sender, receiver) = telemetry();
        let params = Arc::new(F::params());
        let (tracking, tracker_feed) = HeadTracking::new(params.osc.clone());
        Self {
            hrtf: HrtfLoader::new(params.hrtf.clone()),
            tracking,
            tracker_feed,
            tracker_turn: Rotation::IDENTITY,
            recentering: false,
            params,
            engine: None,
            input: InputChannels::Stereo,
            telemetry: Some(sender),
            meters: receiver.meters.clone(),
            telemetry_receiver: Some(receiver),
            flavour: PhantomData,
        }
    }
}

impl<F: Flavour> TinglePlugin<F> {
    /// The plugin's parameters (shared with the host wrapper and the editor).
    pub fn tingle_params(&self) -> Arc<TingleParams> {
        self.params.clone()
    }

    /// The plugin's head tracking (shared with the editor).
    pub fn head_tracking(&self) -> Arc<HeadTracking> {
        self.tracking.clone()
    }

    /// The meters the audio thread writes (shared with the editor).
    pub fn meters(&self) -> Arc<Meters> {
        self.meters.clone()
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

impl<F: Flavour> Plugin for TinglePlugin<F> {
    const NAME: &'static str = F::NAME;
    const VENDOR: &'static str = "Tingle";
    /// No web site or address yet: none rather than a placeholder.
    const URL: &'static str = "";
    /// As the URL.
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    /// Both flavours take every layout: the instrument places an input it is given (the
    /// standalone app's default layout has one), and the Placer's layers can be switched on.
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

    /// Notes, so that instrument tracks can drive the trigger layers, and (but in VST3) CCs,
    /// for all notes off and all sound off.
    const MIDI_INPUT: MidiConfig = F::MIDI_INPUT;
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
            Some(self.tracking.clone()),
        )
    }

    /// A loaded state means what it meant when it was saved: whatever it leaves out (a
    /// parameter added since, a field) takes the built-in default, not the instrument's scene.
    fn filter_state(state: &mut PluginState) {
        params::complete_state(state);
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
        // The saved HRTF set (or KEMAR, if it cannot be used), loaded here, off the audio thread.
        let mut engine = self.hrtf.new_engine(
            buffer_config.sample_rate,
            buffer_config.max_buffer_size as usize,
        );
        engine.set_settings(&self.params.engine_settings());
        engine.set_tracker(self.tracker_turn);
        engine.reset();
        // The head tracker listens as the session says (a loaded session may change that).
        self.tracking.apply();
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
            engine.set_settings(&self.params.engine_settings());
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
        engine.set_settings(&self.params.engine_settings());
        let recenter = self.params.recenter.value();
        if recenter && !self.recentering {
            self.tracking.recenter();
        }
        self.recentering = recenter;
        if let Some(turn) = self.tracker_feed.poll() {
            self.tracker_turn = turn;
            self.tracking.show_turn(turn);
            engine.set_tracker(turn);
        }
        // The tingle note marks a tingle for the editor's log and fires no layer.
        let tingle_note = self.params.tingle_note();
        while let Some(event) = context.next_event() {
            match event {
                NoteEvent::NoteOn {
                    key: Key::Number(note),
                    ..
                } if Some(note) == tingle_note => engine.mark_tingle(),
                NoteEvent::NoteOff {
                    key: Key::Number(note),
                    ..
                }
                | NoteEvent::Choke {
                    key: Key::Number(note),
                    ..
                } if Some(note) == tingle_note => {}
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
                // A host's panic: the MIDI controllers, or (CLAP) a choke of every key.
                NoteEvent::MidiCC { timing, cc, .. }
                    if cc == ALL_SOUND_OFF_CC || cc == ALL_NOTES_OFF_CC =>
                {
                    engine.all_sound_off(timing as usize)
                }
                NoteEvent::Choke {
                    timing,
                    key: Key::Wildcard,
                    ..
                } => engine.all_sound_off(timing as usize),
                _ => {}
            }
        }
        if let [left, right, ..] = buffer.as_slice() {
            engine.process(left, right, self.input);
        }
        ProcessStatus::Normal
    }
}

impl<F: Flavour> ClapPlugin for TinglePlugin<F> {
    const CLAP_ID: &'static str = F::CLAP_ID;
    const CLAP_DESCRIPTION: Option<&'static str> = Some(F::DESCRIPTION);
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = F::CLAP_FEATURES;

    /// The factory scenes and the user's presets, for hosts' preset browsers.
    fn clap_preset_provider() -> Option<ClapPresetProvider> {
        Some(scene::host_presets::provider())
    }

    fn clap_presets(place: &PresetPlace) -> Vec<ClapPreset> {
        scene::host_presets::list(place)
    }

    fn clap_preset_state(place: &PresetPlace, load_key: Option<&str>) -> Option<PluginState> {
        scene::host_presets::state(place, load_key)
    }
}

impl<F: Flavour> Vst3Plugin for TinglePlugin<F> {
    const VST3_CLASS_ID: [u8; 16] = F::VST3_CLASS_ID;
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = F::VST3_SUBCATEGORIES;
}

nice_export_clap!(Tingle, TinglePlacer);
nice_export_vst3!(TingleVst3, TinglePlacerVst3);
