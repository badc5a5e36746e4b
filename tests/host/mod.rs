//! A tiny host-less test host for Tingle's plugins ([`tingle::Tingle`], the instrument, and
//! [`tingle::TinglePlacer`], the effect): just enough of a plugin host to activate
//! the plugin, set its parameters by their stable string ids and push blocks of audio through
//! [`Plugin::process`] the way the CLAP/VST3 wrappers do (in place, on the main output
//! buffers), without loading the plugin as a shared library.
//!
//! Use it from an integration test with `mod host;`. Not every test uses every helper.
#![allow(dead_code)]

use assert_no_alloc::assert_no_alloc;
use nice_plug::context::process::SendEventError;
use nice_plug::prelude::*;
use tingle::{Flavour, TinglePlacer, TinglePlugin};

/// Index into [`Plugin::AUDIO_IO_LAYOUTS`]: stereo in, stereo out.
pub const STEREO: usize = 0;
/// Index into [`Plugin::AUDIO_IO_LAYOUTS`]: mono in, stereo out.
pub const MONO: usize = 1;
/// Index into [`Plugin::AUDIO_IO_LAYOUTS`]: no input (instrument track), stereo out.
pub const NO_INPUT: usize = 2;

/// The context passed to [`Plugin::activate`]: no background tasks, latency and voice
/// capacity changes are ignored.
#[derive(Debug, Default)]
pub struct TestActivateContext;

impl<F: Flavour> ActivateContext<TinglePlugin<F>> for TestActivateContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    fn execute(&self, _task: ()) {}

    fn set_latency_samples(&self, _samples: u32) {}

    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// Note events a [`TestProcessContext`] holds for one block.
pub const EVENT_CAPACITY: usize = 16;

/// The context passed to [`Plugin::process`]: a settable transport, the note events queued
/// for the next block (none out), every other callback a no-op.
#[derive(Debug)]
pub struct TestProcessContext {
    transport: Transport,
    /// Note events the plugin takes at its next `process()`, in order (MIDI notes carry no
    /// SysEx, so one queue serves every flavour).
    events: std::collections::VecDeque<NoteEvent<()>>,
}

impl TestProcessContext {
    /// A stopped transport at `sample_rate` with no tempo and no position (what a host without
    /// a timeline reports).
    pub fn new(sample_rate: f32) -> Self {
        Self {
            transport: Transport::new(sample_rate),
            events: std::collections::VecDeque::with_capacity(EVENT_CAPACITY),
        }
    }

    /// Queues `event` for the next block (at most [`EVENT_CAPACITY`] wait at once, so queueing
    /// never allocates).
    pub fn send(&mut self, event: NoteEvent<()>) {
        assert!(
            self.events.len() < EVENT_CAPACITY,
            "too many events for one block"
        );
        self.events.push_back(event);
    }

    /// Sets the host tempo in beats per minute (`None`: the host reports none).
    pub fn set_tempo(&mut self, bpm: Option<f64>) {
        self.transport.tempo = bpm;
    }

    /// Starts or stops the transport.
    pub fn set_playing(&mut self, playing: bool) {
        self.transport.playing = playing;
    }

    /// Sets the song position in quarter notes (`None`: the host reports none).
    pub fn set_pos_beats(&mut self, beats: Option<f64>) {
        self.transport.pos_beats = beats;
    }

    /// Sets the time signature (`None`: the host reports none).
    pub fn set_time_signature(&mut self, signature: Option<(i32, i32)>) {
        self.transport.time_sig_numerator = signature.map(|s| s.0);
        self.transport.time_sig_denominator = signature.map(|s| s.1);
    }

    /// Moves the song position on by `samples` while the transport plays, at the set tempo (120
    /// BPM when none is set), as a host's timeline does between blocks.
    pub fn advance(&mut self, samples: usize) {
        if !self.transport.playing {
            return;
        }
        let tempo = self.transport.tempo.unwrap_or(120.0);
        let seconds = samples as f64 / f64::from(self.transport.sample_rate);
        if let Some(beats) = &mut self.transport.pos_beats {
            *beats += seconds * tempo / 60.0;
        }
    }

    /// The transport the plugin will see.
    pub fn transport_mut(&mut self) -> &mut Transport {
        &mut self.transport
    }
}

impl<F: Flavour> ProcessContext<TinglePlugin<F>> for TestProcessContext {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    fn execute_background(&self, _task: ()) {}

    fn execute_gui(&self, _task: ()) {}

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn next_event(&mut self) -> Option<PluginNoteEvent<TinglePlugin<F>>> {
        self.events.pop_front()
    }

    fn try_send_event(
        &mut self,
        event: PluginNoteEvent<TinglePlugin<F>>,
    ) -> Result<(), (PluginNoteEvent<TinglePlugin<F>>, SendEventError)> {
        Err((event, SendEventError::NoOutputBuffer))
    }

    fn set_latency_samples(&self, _samples: u32) {}

    fn request_restart(&self) {}

    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

/// Activates `plugin` for `sample_rate` (Hz), blocks of up to `max_block` samples and the audio
/// layout `layout` (an index into [`Plugin::AUDIO_IO_LAYOUTS`]: [`STEREO`], [`MONO`] or
/// [`NO_INPUT`]), then calls [`Plugin::reset`], as a host does before processing.
///
/// # Panics
/// If the layout index is out of range or the plugin refuses to activate.
pub fn activate<F: Flavour>(
    plugin: &mut TinglePlugin<F>,
    sample_rate: f32,
    max_block: u32,
    layout: usize,
) {
    let layout = &TinglePlugin::<F>::AUDIO_IO_LAYOUTS[layout];
    let config = BufferConfig {
        sample_rate,
        min_buffer_size: None,
        max_buffer_size: max_block,
        process_mode: ProcessMode::Realtime,
    };
    assert!(
        plugin.activate(layout, &config, &mut TestActivateContext),
        "Tingle refused to activate at {sample_rate} Hz, {max_block} samples, {layout:?}"
    );
    plugin.reset();
}

/// A new Placer: the built-in defaults (every layer off, the input 1 m in front), whatever
/// layout it is activated with.
pub fn placer() -> TinglePlacer {
    TinglePlacer::default()
}

/// A new Placer ([`placer`]), activated as [`activate`] says.
pub fn activated(sample_rate: f32, max_block: u32, layout: usize) -> TinglePlacer {
    let mut plugin = placer();
    activate(&mut plugin, sample_rate, max_block, layout);
    plugin
}

/// Processes one block in place through [`Plugin::process`]: `left` and `right` are the two
/// main output channels, holding the input on entry as the wrappers leave it (for the mono
/// layout the input is in `left`; for the no-input layout both hold whatever the host left
/// there) and the output on return. Afterwards the song position moves on by the block length
/// (see [`TestProcessContext::advance`]).
///
/// The `process()` call itself runs inside [`assert_no_alloc`]: the channel list is built
/// before the guarded region (and dropped after it), so any allocation the guard counts is the
/// plugin's. With `assert_no_alloc::AllocDisabler` as the test's global allocator, read the
/// count with `assert_no_alloc::violation_count()`.
///
/// # Panics
/// If `left` and `right` differ in length.
pub fn process_block<F: Flavour>(
    plugin: &mut TinglePlugin<F>,
    context: &mut TestProcessContext,
    left: &mut [f32],
    right: &mut [f32],
) -> ProcessStatus {
    assert_eq!(
        left.len(),
        right.len(),
        "channels of one block differ in length"
    );
    let samples = left.len();
    let mut buffer = Buffer::default();
    // SAFETY: both slices outlive `buffer`, which is dropped at the end of this function, and
    // have `samples` samples each.
    unsafe {
        buffer.set_slices(samples, |slices| {
            slices.clear();
            slices.reserve_exact(2);
            slices.push(left);
            slices.push(right);
        });
    }
    let mut aux = AuxiliaryBuffers {
        inputs: &mut [],
        outputs: &mut [],
    };
    let status = assert_no_alloc(|| plugin.process(&mut buffer, &mut aux, context));
    drop(buffer);
    context.advance(samples);
    status
}

/// Sets the parameter with the stable id `id` (see `src/params.rs`: `az`, `el`, `dist`,
/// `motion`, `msync`, `mrate`, `mnote`, `mdepth`, `ingain`, `mix`, `outgain`, `limiter`) to the
/// plain value `plain`, as a host's automation or a preset would, and returns the value the
/// parameter now holds.
///
/// Plain values are in the parameter's own units: degrees for `az`/`el`, log10(metres) for
/// `dist`, Hz for `mrate`, 0..=1 for `mdepth` and `mix`, dB for the gains, the variant index
/// for the enums (`motion`: 0 off, 1 orbit, 2 ear to ear, 3 figure eight, 4 drift; `mnote`: 0
/// = 4 bars ... 16 = 1/64, see `NOTE_VALUES`) and 0 or 1 for the switches. Out-of-range values
/// are clamped and values are snapped to the parameter's step size, as a host's are.
///
/// How: nice-plug keeps no setter for code outside its wrappers, so this does what the wrappers
/// do. [`Params::param_map`] lists every parameter as `(id, ParamPtr, group)`; the raw
/// [`ParamPtr`] converts the plain value to a normalized one (`preview_normalized`) and stores
/// it (`_internal_set_normalized_value`, which snaps, updates the atomics `value()` reads and
/// runs any change callback, but does not touch smoothers; Tingle reads `value()` at the start
/// of every block, so the change takes effect at the next [`process_block`]).
///
/// This allocates (the parameter map): call it between blocks, not inside a guarded region.
///
/// # Panics
/// If no parameter has the id `id`.
pub fn set_param<F: Flavour>(plugin: &TinglePlugin<F>, id: &str, plain: f32) -> f32 {
    let params = plugin.params();
    let map = params.param_map();
    let ptr = map
        .iter()
        .find(|(param_id, _, _)| param_id == id)
        .map(|(_, ptr, _)| *ptr)
        .unwrap_or_else(|| panic!("Tingle has no parameter with id {id:?}"));
    // SAFETY: the pointer points into the `Params` object that `params` keeps alive until the
    // end of this function. Parameter values are atomics, so setting one while no `process()`
    // runs (we hold no other reference into the plugin here) is sound.
    unsafe {
        let normalized = ptr.preview_normalized(plain);
        ptr._internal_set_normalized_value(normalized);
        ptr.unmodulated_plain_value()
    }
}

/// The plain value of the parameter with the stable id `id` (units as for [`set_param`]).
///
/// # Panics
/// If no parameter has the id `id`.
pub fn param_value<F: Flavour>(plugin: &TinglePlugin<F>, id: &str) -> f32 {
    let params = plugin.params();
    let map = params.param_map();
    let ptr = map
        .iter()
        .find(|(param_id, _, _)| param_id == id)
        .map(|(_, ptr, _)| *ptr)
        .unwrap_or_else(|| panic!("Tingle has no parameter with id {id:?}"));
    // SAFETY: as in `set_param`.
    unsafe { ptr.unmodulated_plain_value() }
}
