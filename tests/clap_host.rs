//! Loads the real, built plugin library (the lib's cdylib, `libtingle.so`) into a real CLAP host
//! (`clack-host`) and drives it the way a DAW does: parameters are found through the params
//! extension, changed with CLAP param value events, audio is rendered block by block, and the
//! state is saved and restored through the state extension.
//!
//! Cargo builds the lib's `cdylib` alongside its `rlib` whenever it builds the integration tests,
//! so the library sits next to the test executable in `deps/`; see [`plugin_library_path`].
//!
//! Parameter values in CLAP are whatever the plugin's params extension says they are: nice-plug
//! reports every continuous parameter as 0..=1 (its normalized value) and every stepped one as
//! 0..=steps, so plain values (degrees, dB) are converted with the plugin's own `text_to_value`.

mod common;

use clack_extensions::audio_ports::{AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::params::{ParamInfoBuffer, ParamInfoFlags, PluginParams};
use clack_extensions::preset_discovery::prelude::*;
use clack_extensions::state::PluginState;
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;
use common::{integrated_lufs, rms_db, white_noise};
use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;
use std::path::PathBuf;

/// The instrument's CLAP id ("Tingle": its defaults are the Gentle Start scene).
const INSTRUMENT_ID: &CStr = c"audio.tingle.tingle";
/// The effect's CLAP id ("Tingle Placer": the built-in defaults, every layer off).
const PLACER_ID: &CStr = c"audio.tingle.placer";
/// The session sample rate (Hz).
const SAMPLE_RATE: u32 = 48_000;
/// The host's maximum block size.
const MAX_BLOCK: usize = 512;
/// Length of each render (s).
const RENDER_S: f64 = 0.5;
/// What is skipped at the start of a render before measuring: the position glide (s).
const SETTLE_S: f64 = 0.2;
/// Largest interaural lag searched (samples): 1 ms, above any human ITD.
const MAX_LAG: usize = SAMPLE_RATE as usize / 1000;
/// Seed of the test noise.
const NOISE_SEED: u32 = 0x9E37_79B9;

/// The plugin library cargo built together with this test: the test executable lives in
/// `<profile>/deps/`, and building the lib for the integration tests runs rustc once with both
/// crate types, which leaves the cdylib beside it in `deps/`. The copy in `<profile>/` is only
/// refreshed by `cargo build` (cargo does not uplift a lib built as a test's dependency), so it
/// may be stale and is never used.
fn plugin_library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("test executable has a parent folder");
    let file = format!(
        "{}tingle{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = deps.join(file);
    assert!(
        path.is_file(),
        "{} not found: the lib's cdylib should be built with the tests",
        path.display()
    );
    path
}

/// Loads the plugin library's CLAP entry. It is never unloaded: the tests run in parallel
/// threads, and unloading a Rust library while another thread still holds it (or runs its
/// thread-local destructors) can crash the test process.
fn load_entry() -> ManuallyDrop<PluginEntry> {
    let path = plugin_library_path();
    // SAFETY: the library is this crate's own cdylib, a CLAP entry exported by nice-plug.
    let entry = unsafe { PluginEntry::load(&path) }
        .unwrap_or_else(|e| panic!("loading the CLAP entry of {}: {e}", path.display()));
    ManuallyDrop::new(entry)
}

/// The host's name etc. as shown to the plugin.
fn host_info() -> HostInfo {
    HostInfo::new(
        "tingle clap_host test",
        "Tingle",
        "https://example.invalid",
        "0.1",
    )
    .expect("host info")
}

/// One parameter as the params extension describes it.
#[derive(Debug, Clone)]
struct ParamDesc {
    id: ClapId,
    name: String,
    module: String,
    min: f64,
    max: f64,
    default: f64,
    flags: ParamInfoFlags,
}

/// A plugin instance in this host (the unit `()` host handlers: no host extensions), with the
/// plugin extensions the tests use.
struct Hosted {
    instance: PluginInstance<()>,
    params: PluginParams,
    state: PluginState,
    audio_ports: PluginAudioPorts,
}

impl Hosted {
    /// Creates and initializes an instance of the plugin with CLAP id `plugin_id` from `entry`.
    fn new(entry: &PluginEntry, plugin_id: &CStr) -> Self {
        let factory = entry.get_plugin_factory().expect("plugin factory");
        let ids: Vec<String> = factory
            .plugin_descriptors()
            .filter_map(|d| d.id().map(|id| id.to_string_lossy().into_owned()))
            .collect();
        assert!(
            ids.iter().any(|id| id.as_bytes() == plugin_id.to_bytes()),
            "the factory lists {ids:?}"
        );
        let instance = PluginInstance::<()>::new(|_| (), |_| (), entry, plugin_id, &host_info())
            .expect("creating the plugin instance");
        let shared = instance.plugin_shared_handle();
        let params = shared.get_extension().expect("params extension");
        let state = shared.get_extension().expect("state extension");
        let audio_ports = shared.get_extension().expect("audio-ports extension");
        Self {
            instance,
            params,
            state,
            audio_ports,
        }
    }

    /// Every parameter, in the plugin's order.
    fn param_descs(&mut self) -> Vec<ParamDesc> {
        let params = self.params;
        let handle = self.instance.plugin_handle();
        let mut buffer = ParamInfoBuffer::new();
        (0..params.count(&handle))
            .map(|index| {
                let info = params
                    .get_info(&handle, index, &mut buffer)
                    .unwrap_or_else(|| panic!("param info #{index}"));
                ParamDesc {
                    id: info.id,
                    name: String::from_utf8_lossy(info.name).into_owned(),
                    module: String::from_utf8_lossy(info.module).into_owned(),
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                    flags: info.flags,
                }
            })
            .collect()
    }

    /// The CLAP id of the parameter named `name`.
    fn param_id(&mut self, name: &str) -> ClapId {
        self.param_descs()
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no parameter named {name:?}"))
            .id
    }

    /// The parameter's current CLAP value.
    fn value(&mut self, id: ClapId) -> f64 {
        let params = self.params;
        params
            .get_value(&self.instance.plugin_handle(), id)
            .unwrap_or_else(|| panic!("value of parameter {id:?}"))
    }

    /// Every parameter's current CLAP value, keyed by name.
    fn all_values(&mut self) -> Vec<(String, f64)> {
        self.param_descs()
            .into_iter()
            .map(|p| (p.name, self.value(p.id)))
            .collect()
    }

    /// The CLAP value the plugin parses from `text` (a plain value as typed by a user).
    fn text_to_value(&mut self, id: ClapId, text: &str) -> f64 {
        let params = self.params;
        let text = CString::new(text).expect("no NUL in text");
        params
            .text_to_value(&self.instance.plugin_handle(), id, &text)
            .unwrap_or_else(|| panic!("parameter {id:?} cannot parse {text:?}"))
    }

    /// The text the plugin shows for CLAP value `value` of parameter `id`.
    fn value_to_text(&mut self, id: ClapId, value: f64) -> String {
        let params = self.params;
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(&self.instance.plugin_handle(), id, value, &mut buffer)
            .unwrap_or_else(|_| panic!("parameter {id:?} cannot show {value}"));
        let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
        String::from_utf8_lossy(&text[..end]).into_owned()
    }

    /// The CLAP value the plugin parses from `text`, if it can.
    fn try_text_to_value(&mut self, id: ClapId, text: &str) -> Option<f64> {
        let params = self.params;
        let text = CString::new(text).ok()?;
        params.text_to_value(&self.instance.plugin_handle(), id, &text)
    }

    /// A CLAP param value event at `time` setting parameter `name` to the plain value `text`.
    fn param_event(&mut self, time: u32, name: &str, text: &str) -> ParamValueEvent {
        let id = self.param_id(name);
        let value = self.text_to_value(id, text);
        ParamValueEvent::new(time, id, Pckn::match_all(), value)
    }

    /// Sends `events` through `params.flush()` (the host's way to change parameters of an
    /// instance that is not processing).
    fn flush(&mut self, events: &[ParamValueEvent]) {
        let params = self.params;
        let mut input = EventBuffer::new();
        for event in events {
            input.push(event);
        }
        let mut output = EventBuffer::new();
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .expect("flush() here needs an inactive instance");
        params.flush(&mut handle, &input.as_input(), &mut output.as_output());
    }

    /// The plugin's state as the state extension writes it.
    fn save_state(&mut self) -> Vec<u8> {
        let state = self.state;
        let mut bytes = Vec::new();
        state
            .save(&self.instance.plugin_handle(), &mut bytes)
            .expect("saving the state");
        bytes
    }

    /// Loads a state written by [`Hosted::save_state`].
    fn load_state(&mut self, bytes: &[u8]) {
        assert!(self.try_load_state(bytes), "loading the state");
    }

    /// Offers `bytes` as a state; whether the plugin took it.
    fn try_load_state(&mut self, bytes: &[u8]) -> bool {
        let state = self.state;
        state
            .load(&self.instance.plugin_handle(), &mut &bytes[..])
            .is_ok()
    }

    /// Channel counts of the main (first) input and output ports.
    fn main_port_channels(&mut self) -> (u32, u32) {
        let ports = self.audio_ports;
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortInfoBuffer::new();
        let mut channels = |is_input| {
            ports
                .get(&handle, 0, is_input, &mut buffer)
                .map_or(0, |port| port.channel_count)
        };
        (channels(true), channels(false))
    }

    /// Activates at [`SAMPLE_RATE`] with blocks of up to [`MAX_BLOCK`] and starts processing.
    fn start(&mut self) -> StartedPluginAudioProcessor<()> {
        let config = PluginAudioConfiguration {
            sample_rate: f64::from(SAMPLE_RATE),
            min_frames_count: 1,
            max_frames_count: MAX_BLOCK as u32,
        };
        self.instance
            .activate(|_, _| (), config)
            .expect("activating")
            .start_processing()
            .expect("starting processing")
    }

    /// Stops processing and deactivates.
    fn stop(&mut self, processor: StartedPluginAudioProcessor<()>) {
        self.instance.deactivate(processor.stop_processing());
    }
}

/// Renders the mono `input`, duplicated to both input channels, in blocks of [`MAX_BLOCK`];
/// `events` are delivered in the first block. `steady_time` counts samples across calls.
/// Returns the output's [left, right].
fn render(
    processor: &mut StartedPluginAudioProcessor<()>,
    steady_time: &mut u64,
    input: &[f32],
    events: &[ParamValueEvent],
) -> [Vec<f32>; 2] {
    let mut out = [
        Vec::with_capacity(input.len()),
        Vec::with_capacity(input.len()),
    ];
    let mut input_ports = AudioPorts::with_capacity(2, 1);
    let mut output_ports = AudioPorts::with_capacity(2, 1);
    let mut out_events = EventBuffer::new();
    for (index, block) in input.chunks(MAX_BLOCK).enumerate() {
        let mut in_bufs = [block.to_vec(), block.to_vec()];
        let mut out_bufs = [vec![0.0f32; block.len()], vec![0.0f32; block.len()]];
        let mut in_events = EventBuffer::new();
        if index == 0 {
            for event in events {
                in_events.push(event);
            }
        }
        let audio_in = input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                in_bufs.iter_mut().map(InputChannel::variable),
            ),
        }]);
        let mut audio_out = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                out_bufs.iter_mut().map(|b| b.as_mut_slice()),
            ),
        }]);
        out_events.clear();
        processor
            .process(
                &audio_in,
                &mut audio_out,
                &in_events.as_input(),
                &mut out_events.as_output(),
                Some(*steady_time),
                None,
            )
            .expect("process()");
        *steady_time += block.len() as u64;
        for (all, block_out) in out.iter_mut().zip(&out_bufs) {
            all.extend_from_slice(block_out);
        }
    }
    out
}

/// The lag `k` (samples, |k| <= `max_lag`) maximizing sum(left[n] * right[n + k]): positive when
/// the right channel is a delayed copy of the left (the source is on the left).
fn xcorr_lag(left: &[f32], right: &[f32], max_lag: usize) -> i64 {
    let len = left.len().min(right.len());
    let max_lag = max_lag as i64;
    let correlation = |k: i64| -> f64 {
        (max_lag..len as i64 - max_lag)
            .map(|n| f64::from(left[n as usize]) * f64::from(right[(n + k) as usize]))
            .sum()
    };
    (-max_lag..=max_lag)
        .max_by(|&a, &b| correlation(a).total_cmp(&correlation(b)))
        .expect("non-empty lag range")
}

/// Interaural level difference (left minus right, dB) and cross-correlation lag of a render,
/// measured after the glide.
fn measure([left, right]: &[Vec<f32>; 2]) -> (f64, i64) {
    let skip = (SETTLE_S * f64::from(SAMPLE_RATE)) as usize;
    let (left, right) = (&left[skip..], &right[skip..]);
    assert!(
        left.iter().chain(right).all(|v| v.is_finite()),
        "non-finite output"
    );
    (
        rms_db(left) - rms_db(right),
        xcorr_lag(left, right, MAX_LAG),
    )
}

/// nice-plug's CLAP/VST3 parameter id: a 31-bit rolling hash of the string id
/// (`nice_plug::wrapper::util::hash_param_id`, not public).
fn nice_plug_param_hash(id: &str) -> u32 {
    id.bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        & !(1 << 31)
}

#[test]
fn both_plugins_describe_stereo_ports_and_the_documented_parameters() {
    let entry = load_entry();
    for plugin_id in [INSTRUMENT_ID, PLACER_ID] {
        describes_stereo_ports_and_the_documented_parameters(&entry, plugin_id);
    }
}

/// The plugin `plugin_id`'s ports and parameters are the documented ones.
fn describes_stereo_ports_and_the_documented_parameters(entry: &PluginEntry, plugin_id: &CStr) {
    let mut plugin = Hosted::new(entry, plugin_id);
    assert_eq!(plugin.main_port_channels(), (2, 2), "default layout");

    // The string ids of `TingleParams`' top-level parameters and the names shown to hosts, in
    // declaration order; the eight layers' parameters follow.
    let expected = [
        ("az", "Azimuth"),
        ("el", "Elevation"),
        ("dist", "Distance"),
        ("motion", "Motion"),
        ("msync", "Motion Sync"),
        ("mrate", "Motion Rate"),
        ("mnote", "Motion Note"),
        ("mdepth", "Motion Depth"),
        ("ingain", "Input Gain"),
        ("mix", "Mix"),
        ("inroomsend", "Input Room Send"),
        ("inanchor", "Input Stays With"),
        ("headyaw", "Head Yaw"),
        ("headpitch", "Head Pitch"),
        ("headroll", "Head Roll"),
        ("recenter", "Recenter"),
        ("outgain", "Output Gain"),
        ("limiter", "Safety Limiter"),
        ("seed", "Seed"),
        ("bed", "Ambient Bed"),
        ("bedlevel", "Bed Level"),
        ("room", "Room"),
        ("roomsize", "Room Size"),
        ("roomdamp", "Room Damping"),
        ("roomlevel", "Room Level"),
        ("gentle", "Gentle"),
        ("timer", "Session Timer"),
        ("tlen", "Session Length"),
        ("tfade", "Fade Out"),
    ];
    let descs = plugin.param_descs();
    let seen: Vec<(u32, &str)> = descs
        .iter()
        .take(expected.len())
        .map(|p| (p.id.get(), p.name.as_str()))
        .collect();
    let wanted: Vec<(u32, &str)> = expected
        .iter()
        .map(|&(id, name)| (nice_plug_param_hash(id), name))
        .collect();
    assert_eq!(seen, wanted, "parameter ids (hashed string ids) and names");
    // Every layer has the same parameters, suffixed with its number, in its own group.
    let per_layer = (descs.len() - expected.len()) / 8;
    assert_eq!(descs.len(), expected.len() + 8 * per_layer);
    for layer in 1..=8 {
        let group = &descs[expected.len() + (layer - 1) * per_layer..][..per_layer];
        for (id, name) in [
            ("on", "On"),
            ("sound", "Sound"),
            ("az", "Azimuth"),
            ("scatter", "Scatter"),
        ] {
            let hashed = nice_plug_param_hash(&format!("{id}_{layer}"));
            let p = group
                .iter()
                .find(|p| p.id.get() == hashed)
                .unwrap_or_else(|| panic!("{id}_{layer}"));
            assert_eq!(p.name, format!("L{layer} {name}"));
            assert_eq!(p.module, format!("Layer {layer}"));
        }
    }
    for p in &descs {
        let input = ["Azimuth", "Elevation", "Distance"].contains(&p.name.as_str());
        assert!(
            !input || p.module == "Input",
            "{}: module {:?}",
            p.name,
            p.module
        );
        assert!(p.min <= p.default && p.default <= p.max, "{p:?}");
        let automatable = p.flags.contains(ParamInfoFlags::IS_AUTOMATABLE);
        assert_eq!(automatable, p.name != "Safety Limiter", "{p:?}");
    }
}

#[test]
fn azimuth_automation_moves_the_source_from_ear_to_ear() {
    let entry = load_entry();
    let mut plugin = Hosted::new(&entry, PLACER_ID);
    let az = plugin.param_id("Azimuth");
    // nice-plug's CLAP values are normalized: -90 degrees of -180..=180 is 0.25.
    assert_eq!(plugin.text_to_value(az, "-90"), 0.25);
    assert_eq!(plugin.text_to_value(az, "90"), 0.75);

    let mut processor = plugin.start();
    let mut steady_time = 0;
    let input = white_noise(
        (RENDER_S * f64::from(SAMPLE_RATE)) as usize,
        0.25,
        NOISE_SEED,
    );

    let front = measure(&render(&mut processor, &mut steady_time, &input, &[]));
    let to_left = plugin.param_event(0, "Azimuth", "-90");
    let left = measure(&render(
        &mut processor,
        &mut steady_time,
        &input,
        &[to_left],
    ));
    assert_eq!(plugin.value(az), 0.25, "the event reached the parameter");
    let to_right = plugin.param_event(0, "Azimuth", "90");
    let right = measure(&render(
        &mut processor,
        &mut steady_time,
        &input,
        &[to_right],
    ));
    assert_eq!(plugin.value(az), 0.75, "the event reached the parameter");
    plugin.stop(processor);

    eprintln!("(ILD dB, lag samples): front {front:?}, -90 {left:?}, +90 {right:?}");
    assert!(front.0.abs() < 1.5, "front is centred: {front:?}");
    assert!(left.0 > 6.0, "-90: left louder by > 6 dB: {left:?}");
    assert!(right.0 < -6.0, "+90: right louder by > 6 dB: {right:?}");
    assert!(left.1 > 0, "-90: the right ear hears it later: {left:?}");
    assert!(right.1 < 0, "+90: the left ear hears it later: {right:?}");
}

/// The parameter values in a state written by the plugin (a length, then nice-plug's JSON).
fn state_params(bytes: &[u8]) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_slice(&bytes[size_of::<u64>()..]).expect("the state's JSON");
    json["params"].clone()
}

/// The parameters changed in [`state_restores_every_parameter_in_a_fresh_instance`], and in the
/// committed state of version 0.1.0, by name, with their text.
const CHANGES: [(&str, &str); 18] = [
    ("Azimuth", "37.5"),
    ("Elevation", "20"),
    ("Distance", "2.5 m"),
    ("Motion", "Figure Eight"),
    ("Motion Sync", "on"),
    ("Motion Rate", "1.5"),
    ("Motion Note", "1/8T"),
    ("Motion Depth", "40%"),
    ("Input Gain", "-6"),
    ("Mix", "75%"),
    ("Output Gain", "-3.5"),
    ("Safety Limiter", "off"),
    ("Seed", "4242"),
    ("L3 On", "on"),
    ("L3 Rate", "5"),
    ("L3 Azimuth", "-45"),
    ("L3 Scatter", "Ear to Ear"),
    ("L8 MIDI Note", "C5"),
];

#[test]
fn state_restores_every_parameter_in_a_fresh_instance() {
    let entry = load_entry();
    let mut original = Hosted::new(&entry, PLACER_ID);
    let defaults = original.all_values();
    let changes = CHANGES;
    let events: Vec<_> = changes
        .iter()
        .map(|&(name, text)| original.param_event(0, name, text))
        .collect();
    original.flush(&events);
    let values = original.all_values();
    for ((name, value), (_, default)) in values.iter().zip(&defaults) {
        if changes.iter().any(|(changed, _)| changed == name) {
            assert_ne!(value, default, "{name} was changed");
        }
    }
    let state = original.save_state();

    let mut restored = Hosted::new(&entry, PLACER_ID);
    assert_eq!(
        restored.all_values(),
        defaults,
        "a fresh instance starts at the defaults"
    );
    restored.load_state(&state);
    assert_eq!(
        restored.all_values(),
        values,
        "every parameter restored exactly"
    );
    assert!(
        state_params(&restored.save_state()) == state_params(&state),
        "the restored state saves the same parameter values"
    );

    // And it still runs with the restored settings.
    let mut processor = restored.start();
    let input = white_noise(MAX_BLOCK * 4, 0.25, NOISE_SEED);
    let out = render(&mut processor, &mut 0, &input, &[]);
    restored.stop(processor);
    assert!(out.iter().flatten().all(|v| v.is_finite()));
}

/// A state saved by version 0.1.0 (committed, made by the test above before the version had
/// any saved fields) loads with its meaning in either plugin: the parameters it changed have
/// their values, every other parameter (including any added since, as Gentle) its built-in
/// default, not the instrument's scene.
#[test]
fn a_state_from_version_0_1_0_keeps_its_meaning() {
    let entry = load_entry();
    let json = include_str!("data/state-0.1.0.json");
    // As versions that chose the first sound at activation saved it (a field no longer read).
    let with_old_field = json.replace(r#""fields":{}"#, r#""fields":{"first_sound":"true"}"#);
    assert_ne!(with_old_field, json);
    for plugin_id in [INSTRUMENT_ID, PLACER_ID] {
        for state in [json, &with_old_field] {
            state_0_1_0_keeps_its_meaning(&entry, plugin_id, state.as_bytes());
        }
    }
}

/// The 0.1.0 state `json` loaded into the plugin `plugin_id` has its meaning.
fn state_0_1_0_keeps_its_meaning(entry: &PluginEntry, plugin_id: &CStr, json: &[u8]) {
    let mut stream = (json.len() as u64).to_le_bytes().to_vec();
    stream.extend_from_slice(json);
    let mut fresh = Hosted::new(entry, PLACER_ID);
    let defaults = fresh.all_values();
    let mut restored = Hosted::new(entry, plugin_id);
    restored.load_state(&stream);
    for ((name, value), (_, default)) in restored.all_values().iter().zip(&defaults) {
        match CHANGES.iter().find(|(changed, _)| changed == name) {
            Some((_, text)) => {
                let id = restored.param_id(name);
                let expected = restored.text_to_value(id, text);
                assert!(
                    (value - expected).abs() < 1e-4,
                    "{name}: {value} != {expected}"
                );
            }
            None => assert_eq!(value, default, "{name} keeps its built-in default"),
        }
    }
}

/// Saved states mutated at random (truncated, bytes flipped, dropped or inserted, wrong types,
/// random bytes) for a fixed time from a fixed seed: the plugin never crashes; a state it
/// refuses leaves every parameter as it was; one it takes is a state it can run.
#[test]
fn fuzzed_states_are_refused_or_taken_whole() {
    /// Time the fuzzer runs.
    const FUZZ_TIME: std::time::Duration = std::time::Duration::from_secs(3);
    let entry = load_entry();
    let mut original = Hosted::new(&entry, PLACER_ID);
    let events: Vec<_> = CHANGES
        .iter()
        .map(|&(name, text)| original.param_event(0, name, text))
        .collect();
    original.flush(&events);
    let good = original.save_state();
    let mut target = Hosted::new(&entry, PLACER_ID);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut random = move |below: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % below.max(1) as u64) as usize
    };
    let tokens: [&[u8]; 8] = [
        b"1e999", b"null", b"\"x\"", b"[]", b"{}", b"-1", b"\xff", b"true",
    ];
    let start = std::time::Instant::now();
    let (mut refused, mut taken) = (0usize, 0usize);
    while start.elapsed() < FUZZ_TIME {
        let mut bytes = good.clone();
        for _ in 0..1 + random(3) {
            let at = random(bytes.len());
            match random(5) {
                0 => bytes.truncate(at),
                1 if at < bytes.len() => bytes[at] = random(256) as u8,
                2 if at < bytes.len() => {
                    bytes.remove(at);
                }
                3 => {
                    let token = tokens[random(tokens.len())];
                    bytes.splice(at..at, token.iter().copied());
                }
                _ => bytes = (0..random(100)).map(|_| random(256) as u8).collect(),
            }
        }
        let before = target.all_values();
        if target.try_load_state(&bytes) {
            taken += 1;
            assert!(target.all_values().iter().all(|(_, v)| v.is_finite()));
        } else {
            refused += 1;
            assert!(
                target.all_values() == before,
                "a refused state changed parameters"
            );
        }
    }
    println!("{refused} refused, {taken} taken");
    assert!(refused > 100, "{refused} refused, {taken} taken");
    // Still a working plugin.
    target.load_state(&good);
    let mut processor = target.start();
    let out = render(
        &mut processor,
        &mut 0,
        &white_noise(MAX_BLOCK * 4, 0.25, NOISE_SEED),
        &[],
    );
    target.stop(processor);
    assert!(out.iter().flatten().all(|v| v.is_finite()));
}

/// Every parameter parses the text it shows, at its ends and at a quarter, half and three
/// quarters of its range, as clap-validator's `param-conversions` checks: the parsed value
/// shows the same text again.
#[test]
fn every_parameter_parses_the_text_it_shows() {
    let entry = load_entry();
    for plugin_id in [INSTRUMENT_ID, PLACER_ID] {
        parameters_parse_the_text_they_show(&entry, plugin_id);
    }
}

/// Every parameter of the plugin `plugin_id` parses the text it shows.
fn parameters_parse_the_text_they_show(entry: &PluginEntry, plugin_id: &CStr) {
    /// Points of each range tried.
    const POINTS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
    let mut plugin = Hosted::new(entry, plugin_id);
    let mut failures = Vec::new();
    let descs = plugin.param_descs();
    for desc in &descs {
        for point in POINTS {
            let mut value = desc.min + point * (desc.max - desc.min);
            if desc.flags.contains(ParamInfoFlags::IS_STEPPED) {
                value = value.round();
            }
            let shown = plugin.value_to_text(desc.id, value);
            match plugin.try_text_to_value(desc.id, &shown) {
                Some(parsed) if plugin.value_to_text(desc.id, parsed) == shown => {}
                other => failures.push(format!(
                    "{}: {value} shows {shown:?}, parses {other:?}",
                    desc.name
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} conversions fail: {failures:#?}",
        failures.len(),
        descs.len() * POINTS.len()
    );
}

/// After noise, triggers and their tails, a silent input gives output without a single
/// subnormal sample (clap-validator's `process-sleep-*` tests found some once).
#[test]
fn silence_after_sound_has_no_subnormal_samples() {
    let entry = load_entry();
    let mut plugin = Hosted::new(&entry, PLACER_ID);
    let busy: Vec<_> = [
        ("L1 On", "on"),
        ("L1 Rate", "20"),
        ("L2 On", "on"),
        ("L2 Sound", "Whisper: Soft"),
        ("L2 Rate", "5"),
        ("L3 On", "on"),
        ("L3 Sound", "Water: Droplet"),
        ("L3 Rate", "10"),
    ]
    .iter()
    .map(|&(name, text)| plugin.param_event(0, name, text))
    .collect();
    plugin.flush(&busy);
    let quiet: Vec<_> = ["L1 On", "L2 On", "L3 On"]
        .iter()
        .map(|name| plugin.param_event(0, name, "off"))
        .collect();
    let mut processor = plugin.start();
    let mut time = 0;
    let loud = render(
        &mut processor,
        &mut time,
        &white_noise(48_000, 0.5, NOISE_SEED),
        &[],
    );
    assert!(loud.iter().flatten().any(|v| v.abs() > 0.01), "it sounded");
    let silent = render(&mut processor, &mut time, &vec![0.0; 5 * 48_000], &quiet);
    plugin.stop(processor);
    let subnormal = silent
        .iter()
        .flatten()
        .filter(|v| **v != 0.0 && !v.is_normal())
        .count();
    assert_eq!(subnormal, 0, "subnormal samples after the sound stopped");
    let last_second = &silent[0][4 * 48_000..];
    assert!(
        last_second.iter().all(|v| *v == 0.0),
        "the tails end in exact silence"
    );
}

/// Loudness a fresh instrument's first seconds must exceed (LUFS): well above silence and any
/// noise floor, well below the factory scenes' -26 LUFS target.
const NOT_SILENT_LUFS: f64 = -40.0;
/// Length of the first-sound renders (s).
const FIRST_SOUND_S: f64 = 10.0;
/// Largest level difference (dB) between the Placer's input and its output straight ahead:
/// the front HRTF pair's broadband gain on noise, a few dB at most.
const PLACED_GAIN_DB: f64 = 6.0;

/// `seconds` of silent input through a new processing run of `plugin`.
fn render_silence(plugin: &mut Hosted, seconds: f64) -> [Vec<f32>; 2] {
    let mut processor = plugin.start();
    let out = render(
        &mut processor,
        &mut 0,
        &vec![0.0; (seconds * f64::from(SAMPLE_RATE)) as usize],
        &[],
    );
    plugin.stop(processor);
    out
}

/// What the host reads as each parameter's value equals what it reads as its default.
fn assert_at_defaults(plugin: &mut Hosted, what: &str) {
    for desc in plugin.param_descs() {
        assert_eq!(plugin.value(desc.id), desc.default, "{what}: {}", desc.name);
    }
}

/// A fresh instrument, with no input signal, plays its default scene from the start: its first
/// 10 s are well above silence. The host's copy of every value is its default before and after
/// (the plugin changes nothing behind the host's back); a state saved from it and loaded into
/// a fresh instrument, or a fresh Placer, renders the same samples.
#[test]
fn a_fresh_instrument_plays_at_once_and_its_state_reopens_the_same() {
    let entry = load_entry();
    let mut instrument = Hosted::new(&entry, INSTRUMENT_ID);
    assert_at_defaults(&mut instrument, "a new instrument");
    let first = render_silence(&mut instrument, FIRST_SOUND_S);
    let lufs = integrated_lufs(&first[0], &first[1], SAMPLE_RATE);
    println!("fresh instrument, first {FIRST_SOUND_S} s: {lufs:.1} LUFS");
    assert!(
        lufs > NOT_SILENT_LUFS,
        "first seconds too quiet: {lufs:.1} LUFS"
    );
    assert_at_defaults(&mut instrument, "after playing");

    let state = instrument.save_state();
    for plugin_id in [INSTRUMENT_ID, PLACER_ID] {
        let mut reopened = Hosted::new(&entry, plugin_id);
        reopened.load_state(&state);
        let again = render_silence(&mut reopened, FIRST_SOUND_S);
        assert!(
            again == first,
            "{plugin_id:?}: the reopened session renders differently"
        );
    }
}

/// A fresh Placer on a track adds nothing: silence in gives exact silence out. With noise in,
/// it gives the input placed straight ahead (centred, at about the input's level); and the
/// same, sample for sample, after its state is saved and loaded into a fresh Placer.
#[test]
fn a_fresh_placer_places_the_input_and_adds_nothing() {
    let entry = load_entry();
    let mut placer = Hosted::new(&entry, PLACER_ID);
    assert_at_defaults(&mut placer, "a new Placer");
    let quiet = render_silence(&mut placer, FIRST_SOUND_S);
    assert!(
        quiet.iter().flatten().all(|v| *v == 0.0),
        "the Placer added sound of its own"
    );
    let input = white_noise(
        (RENDER_S * f64::from(SAMPLE_RATE)) as usize * 4,
        0.25,
        NOISE_SEED,
    );
    let place = |plugin: &mut Hosted| {
        let mut processor = plugin.start();
        let out = render(&mut processor, &mut 0, &input, &[]);
        plugin.stop(processor);
        out
    };
    let placed = place(&mut placer);
    let (ild, lag) = measure(&placed);
    let gain = rms_db(&placed[0]) - rms_db(&input);
    println!("Placer, noise in front: ILD {ild:.2} dB, lag {lag}, gain {gain:.2} dB");
    assert!(
        ild.abs() < 1.0 && lag.abs() <= 1,
        "not centred: {ild:.2} dB, {lag}"
    );
    assert!(
        gain.abs() < PLACED_GAIN_DB,
        "input level changed by {gain:.1} dB"
    );

    let state = placer.save_state();
    let mut reopened = Hosted::new(&entry, PLACER_ID);
    reopened.load_state(&state);
    assert_at_defaults(&mut reopened, "a reopened Placer");
    assert!(
        render_silence(&mut reopened, FIRST_SOUND_S)
            .iter()
            .flatten()
            .all(|v| *v == 0.0),
        "the reopened Placer added sound of its own"
    );
    assert!(
        place(&mut reopened) == placed,
        "the reopened Placer places differently"
    );
}

/// What a preset-discovery provider declared to the host's indexer.
#[derive(Default)]
struct Indexed {
    /// File extensions of the declared file types.
    extensions: Vec<String>,
    /// Declared locations: name, flags, and the path (`None`: inside the plugin).
    locations: Vec<(String, Flags, Option<PathBuf>)>,
}

impl IndexerImpl for Indexed {
    fn declare_filetype(&mut self, file_type: FileType) -> Result<(), HostError> {
        let extension = file_type.file_extension.map(|e| e.to_string_lossy());
        self.extensions
            .push(extension.unwrap_or_default().into_owned());
        Ok(())
    }

    fn declare_location(&mut self, location: LocationInfo) -> Result<(), HostError> {
        let path = match location.location {
            Location::Plugin => None,
            Location::File { path } => Some(PathBuf::from(path.to_string_lossy().into_owned())),
        };
        let name = location.name.to_string_lossy().into_owned();
        self.locations.push((name, location.flags, path));
        Ok(())
    }

    fn declare_soundpack(&mut self, _: Soundpack) -> Result<(), HostError> {
        Ok(())
    }
}

/// One preset a provider listed.
#[derive(Debug, Default)]
struct Listed {
    name: String,
    load_key: Option<CString>,
    plugin_ids: Vec<String>,
    flags: Option<Flags>,
}

/// The host's metadata receiver: every preset listed, in order.
#[derive(Default)]
struct Receiver(Vec<Listed>);

impl Receiver {
    fn current(&mut self) -> &mut Listed {
        self.0.last_mut().expect("metadata before begin_preset")
    }
}

impl MetadataReceiverImpl for Receiver {
    fn on_error(&mut self, code: i32, message: Option<&CStr>) {
        panic!("provider error {code}: {message:?}");
    }

    fn begin_preset(
        &mut self,
        name: Option<&CStr>,
        load_key: Option<&CStr>,
    ) -> Result<(), HostError> {
        self.0.push(Listed {
            name: name
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            load_key: load_key.map(CStr::to_owned),
            ..Listed::default()
        });
        Ok(())
    }

    fn add_plugin_id(&mut self, plugin_id: UniversalPluginId) {
        let id = plugin_id.id.to_string_lossy().into_owned();
        self.current().plugin_ids.push(id);
    }

    fn set_soundpack_id(&mut self, _: &CStr) {}

    fn set_flags(&mut self, flags: Flags) {
        self.current().flags = Some(flags);
    }

    fn add_creator(&mut self, _: &CStr) {}
    fn set_description(&mut self, _: &CStr) {}
    fn set_timestamps(&mut self, _: Option<Timestamp>, _: Option<Timestamp>) {}
    fn add_feature(&mut self, _: &CStr) {}
    fn add_extra_info(&mut self, _: &CStr, _: &CStr) {}
}

/// The factory presets `plugin_id`'s provider lists, each with the file it is in, after checking
/// what it declares: the scene file type and the factory scenes' folder, which the host crawls
/// file by file.
fn factory_presets(entry: &PluginEntry, plugin_id: &CStr) -> Vec<(PathBuf, Listed)> {
    let factory = entry
        .get_factory::<PresetDiscoveryFactory>()
        .expect("a preset-discovery factory");
    let provider_id = format!("{}.presets", plugin_id.to_string_lossy());
    let descriptor = factory
        .provider_descriptors()
        .find(|d| d.id().is_some_and(|id| id.to_string_lossy() == provider_id))
        .unwrap_or_else(|| panic!("no provider {provider_id}"));
    let id = descriptor.id().expect("provider id").to_owned();
    let mut provider = Provider::instantiate(Indexed::default(), entry, &id, &host_info())
        .expect("creating the provider");
    let indexed = provider.indexer();
    assert_eq!(indexed.extensions, ["json"]);
    let (name, flags, path) = indexed.locations[0].clone();
    assert_eq!(flags, Flags::IS_FACTORY_CONTENT);
    let dir = path.unwrap_or_else(|| panic!("{name}: the factory scenes are a folder"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the factory scenes' folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .flat_map(|file| {
            let mut receiver = Receiver::default();
            let path = CString::new(file.to_string_lossy().into_owned()).unwrap();
            provider.get_metadata(Location::File { path: &path }, &mut receiver);
            receiver.0.into_iter().map(move |p| (file.clone(), p))
        })
        .collect()
}

/// Both plugins list the 20 factory scenes for the host's preset browser, one per file, as
/// factory content for themselves; a preset chosen there loads the whole scene into the Placer
/// (whose layers are all off): the saved state then equals the instrument's after the same
/// preset, names the scene, and an unknown file is refused.
#[test]
fn the_factory_scenes_are_host_presets_that_load() {
    let entry = load_entry();
    let mut rain = None;
    for plugin_id in [INSTRUMENT_ID, PLACER_ID] {
        let presets = factory_presets(&entry, plugin_id);
        let names: Vec<&str> = presets.iter().map(|(_, p)| p.name.as_str()).collect();
        assert_eq!(presets.len(), 20, "{names:?}");
        assert!(names.contains(&"Gentle Start") && names.contains(&"Rain on a Window"));
        for (file, preset) in &presets {
            assert_eq!(preset.plugin_ids, [plugin_id.to_string_lossy()]);
            assert_eq!(preset.flags, Some(Flags::IS_FACTORY_CONTENT));
            assert!(
                preset.load_key.is_none(),
                "{}: one preset per file",
                file.display()
            );
            if preset.name == "Rain on a Window" {
                rain = Some(file.clone());
            }
        }
    }

    let rain = CString::new(rain.unwrap().to_string_lossy().into_owned()).unwrap();
    let mut states = Vec::new();
    for plugin_id in [PLACER_ID, INSTRUMENT_ID] {
        let mut plugin = Hosted::new(&entry, plugin_id);
        let preset_load: PluginPresetLoad = plugin
            .instance
            .plugin_shared_handle()
            .get_extension()
            .expect("preset-load extension");
        let handle = plugin.instance.plugin_handle();
        preset_load
            .load_from_location(&handle, Location::File { path: &rain }, None)
            .expect("loading the preset");
        let nowhere = c"/nonexistent/tingle-scene.json";
        assert!(
            preset_load
                .load_from_location(&handle, Location::File { path: nowhere }, None)
                .is_err(),
            "a missing file is refused"
        );
        states.push(plugin.save_state());
    }
    assert_eq!(state_params(&states[0]), state_params(&states[1]));
    let json: serde_json::Value = serde_json::from_slice(&states[0][size_of::<u64>()..]).unwrap();
    assert_eq!(json["fields"]["scene"], "\"factory/rain-on-a-window\"");
    assert_eq!(
        state_params(&states[0])["on_1"],
        serde_json::json!({"bool": true})
    );
}

/// A head tracker through the CLAP plugin as a host runs it: a session whose saved state turns
/// the OSC receiver on (port chosen free by the test) is loaded, the processor started, and a
/// tracker sends SPARTA's `/ypr -90 0 0` (the listener turned 90 degrees right) over loopback
/// while audio runs: noise placed ahead is then heard on the left (left louder by more than
/// 6 dB, the right ear later), where it was centred before the tracker spoke.
#[test]
fn an_osc_head_tracker_turns_the_placed_sound() {
    use rosc::{OscMessage, OscPacket, OscType, encoder};
    let entry = load_entry();
    let mut plugin = Hosted::new(&entry, PLACER_ID);
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port();
    let saved = plugin.save_state();
    let mut state: serde_json::Value =
        serde_json::from_slice(&saved[size_of::<u64>()..]).expect("the state's JSON");
    state["fields"]["osc"] = serde_json::Value::String(
        serde_json::json!({ "enabled": true, "port": port, "all_interfaces": false }).to_string(),
    );
    let json = serde_json::to_vec(&state).expect("JSON");
    let mut stream = (json.len() as u64).to_le_bytes().to_vec();
    stream.extend_from_slice(&json);
    plugin.load_state(&stream);

    let mut processor = plugin.start();
    let mut steady_time = 0;
    let input = white_noise(
        (RENDER_S * f64::from(SAMPLE_RATE)) as usize,
        0.25,
        NOISE_SEED,
    );
    let ahead = measure(&render(&mut processor, &mut steady_time, &input, &[]));
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("sender");
    let packet = OscPacket::Message(OscMessage {
        addr: "/ypr".into(),
        args: vec![
            OscType::Float(-90.0),
            OscType::Float(0.0),
            OscType::Float(0.0),
        ],
    });
    let bytes = encoder::encode(&packet).expect("encoded");
    // Sent until heard (the receiver thread takes a moment to pass it on), at most 2 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut turned = ahead;
    while turned.0 < 6.0 && std::time::Instant::now() < deadline {
        socket.send_to(&bytes, ("127.0.0.1", port)).expect("sent");
        std::thread::sleep(std::time::Duration::from_millis(20));
        turned = measure(&render(&mut processor, &mut steady_time, &input, &[]));
    }
    plugin.stop(processor);
    eprintln!("(ILD dB, lag samples): ahead {ahead:?}, tracker turned right {turned:?}");
    assert!(ahead.0.abs() < 1.5, "ahead is centred: {ahead:?}");
    assert!(
        turned.0 > 6.0,
        "turned right: left louder by > 6 dB: {turned:?}"
    );
    assert!(
        turned.1 > 0,
        "turned right: the right ear hears it later: {turned:?}"
    );
}
