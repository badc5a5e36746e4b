//! `tingle-render`: places a WAV file binaurally offline, with the same parameters as the
//! plugin, or renders a scene for any length, and writes the result as a stereo 32-bit float
//! WAV or 24-bit FLAC, with optional fades and a target loudness (EBU R128).
//!
//! Examples:
//! - `tingle-render voice.wav voice-orbit.wav --motion orbit --sync 1bar --tempo 90`
//! - `tingle-render scene.json rain.wav --duration 60` renders a scene (the plugin's saved
//!   state as JSON: all layers and placement) for a minute.
//! - `tingle-render scene.json sleep.flac --duration 3600 --fade-in 30 --fade-out 300
//!   --loudness -30` renders an hour-long session at -30 LUFS.
//! - `tingle-render scene.json taps.wav --samples 1=my-taps/` renders a scene with layer 1
//!   playing the sound files of the folder `my-taps` (the Sample family).
//! - `tingle-render gallery sounds/` renders every variant of every trigger family, one layer
//!   at a time, to a folder of WAV files to listen to and measure.

#[path = "tingle_render/fade.rs"]
mod fade;
#[path = "tingle_render/head_track.rs"]
mod head_track;
#[path = "tingle_render/loudness.rs"]
mod loudness;
#[path = "tingle_render/output.rs"]
mod output;
#[path = "tingle_render/samples.rs"]
mod samples;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use fade::Fades;
use head_track::HeadRecording;
use hound::{SampleFormat, WavReader, WavSpec};
use indicatif::{ProgressBar, ProgressStyle};
use loudness::{Measurement, Meter};
use nice_plug::prelude::Param;
use output::{Format, Writer};
use serde_json::Value;
use std::fs::{self, File};
use std::io::BufReader;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tingle::binaural::cache::{self, HrtfChoice};
use tingle::binaural::hrtf::HrtfSet;
use tingle::engine::tempo::{DEFAULT_TEMPO_BPM, Transport};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::params::TingleParams;
use tingle::ranges::{self, Range};
use tingle::triggers::Family;

/// Percent per share: the depth and mix flags are in percent, their parameters shares.
const PERCENT_PER_SHARE: f32 = 100.0;
/// A loudness render's passes when the first correction meets the target: measure, write.
const LOUDNESS_PASSES: u64 = 2;
/// The most passes of a loudness render: measure, write, correct what the limiter held down.
const MAX_LOUDNESS_PASSES: u64 = 3;
/// How far a written loudness may miss its target before another pass corrects it (LU).
const LOUDNESS_TOLERANCE_LU: f64 = 0.1;
/// Seconds per hour.
const SECONDS_PER_HOUR: f64 = 3600.0;
/// Processing block size (samples) of gallery renders.
const GALLERY_BLOCK: usize = ranges::BLOCK_SIZE.default as usize;
/// Renders at least this long (seconds of audio) show a progress bar.
const PROGRESS_MIN_S: f64 = 3.0;
/// Look of the progress bar: the pass, the share done and the time left.
const PROGRESS_TEMPLATE: &str = "{prefix} [{bar:40}] {percent:>3}%  eta {eta}";
/// Quarter notes per bar of an offline render (4/4).
const BEATS_PER_BAR: f64 = 4.0;
/// Integer input sample sizes (bits).
const INT_BITS: RangeInclusive<u16> = 8..=32;
/// Float input sample size (bits).
const FLOAT_BITS: u16 = 32;

/// Places INPUT binaurally around the listener's head and writes OUTPUT (stereo, same sample
/// rate; a .wav is 32-bit float, a .flac 24-bit). INPUT is a mono or stereo WAV (8/16/24/32-bit
/// integer or 32-bit float), or a scene (a .json file with the plugin's parameters, as the
/// plugin saves them), rendered for --duration seconds at --sample-rate; a scene sets every
/// parameter, so the placement and gain flags do not apply to it. With --loudness it prints the
/// written file's integrated loudness and sample peak at the end.
#[derive(Parser, Debug)]
#[command(
    name = "tingle-render",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    /// Another job than placing a file or rendering a scene.
    #[command(subcommand)]
    command: Option<Command>,
    /// The WAV file to place, or a scene (.json) to render.
    #[arg(required = true)]
    input: Option<PathBuf>,
    /// Where to write the binaural stereo file: .wav (32-bit float) or .flac (24-bit).
    #[arg(required = true)]
    output: Option<PathBuf>,
    /// Direction in degrees (help: [`Cli::help`]); unset, the plugin's default.
    #[arg(long, value_name = "DEG", allow_negative_numbers = true)]
    #[arg(help = param_help("Direction in degrees", ranges::AZIMUTH_DEG,
        ": 0 = front, positive to the right (90 = right ear)"))]
    azimuth: Option<f32>,
    /// Elevation in degrees; unset, the plugin's default.
    #[arg(long, value_name = "DEG", allow_negative_numbers = true)]
    #[arg(help = param_help("Elevation in degrees", ranges::ELEVATION_DEG,
        ", below .. above"))]
    elevation: Option<f32>,
    /// Distance in metres; unset, the plugin's default.
    #[arg(long, value_name = "M")]
    #[arg(help = param_help("Distance from the centre of the head in metres",
        ranges::DISTANCE_M, ""))]
    distance: Option<f32>,
    /// Motion shape: off, orbit (circles the head once per cycle), ear-to-ear (sweeps through
    /// the front), figure-eight (a sideways eight in front of the face) or drift (wanders at
    /// random); any letter case, with or without hyphens. Unset, the plugin's default (off).
    #[arg(long, value_name = "SHAPE")]
    motion: Option<String>,
    /// Free motion rate in Hz; unset, the plugin's default.
    #[arg(long, value_name = "HZ", conflicts_with = "sync")]
    #[arg(help = param_help("Free motion rate in cycles per second (Hz)",
        ranges::MOTION_RATE_HZ, ""))]
    rate: Option<f32>,
    /// Lock the motion to the tempo instead: one cycle per note value (4bars, 2bars, 1bar,
    /// 1/2, 1/2., 1/2T, 1/4, ... 1/16T, 1/32, 1/64), with the transport playing from the start
    /// of the file.
    #[arg(long, value_name = "NOTE")]
    sync: Option<String>,
    /// Place a WAV INPUT with a scene's settings (a .json file: its placement, gains and
    /// layers) instead of the placement and gain flags.
    #[arg(long, value_name = "SCENE", conflicts_with_all = ["azimuth", "elevation", "distance", "motion", "rate", "sync", "depth", "input_gain", "mix", "output_gain", "no_limiter"])]
    scene: Option<PathBuf>,
    /// Tempo in beats per minute.
    #[arg(long, value_name = "BPM", default_value_t = ranges::TEMPO_BPM.default)]
    #[arg(value_parser = ranged(ranges::TEMPO_BPM, "BPM"))]
    #[arg(help = range_help("Tempo in beats (quarter notes) per minute", ranges::TEMPO_BPM,
        ", for --sync and for a scene's synced rhythms and motions; the metre is 4/4"))]
    tempo: f32,
    /// Motion depth in percent; unset, the plugin's default.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::MOTION_DEPTH), "%"))]
    #[arg(help = param_help("Motion depth in percent", in_percent(ranges::MOTION_DEPTH),
        ""))]
    depth: Option<f32>,
    /// Input gain in dB; unset, the plugin's default.
    #[arg(long, value_name = "DB", allow_negative_numbers = true)]
    #[arg(help = param_help("Input gain in dB", ranges::INPUT_GAIN_DB, ""))]
    input_gain: Option<f32>,
    /// Binaural share of the output in percent; unset, the plugin's default.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::MIX), "%"))]
    #[arg(help = param_help("Binaural share of the output in percent", in_percent(ranges::MIX), ", 0 = the original, 100 = binaural"))]
    mix: Option<f32>,
    /// Output gain in dB; unset, the plugin's default.
    #[arg(long, value_name = "DB", allow_negative_numbers = true)]
    #[arg(help = param_help("Output gain in dB", ranges::OUTPUT_GAIN_DB, ""))]
    output_gain: Option<f32>,
    /// Switch off the hearing-safety limiter (ceiling -1 dBFS, on by default).
    #[arg(long)]
    no_limiter: bool,
    /// Render without the voice budget (every layer plays up to 16 voices, whatever they
    /// cost): a reference, to hear and measure what the budget changes.
    #[arg(long)]
    no_budget: bool,
    /// The room (also over a scene's): off, booth, bedroom, living, cabin, hall, outdoors (or
    /// their names in any letter case); unset, the plugin's default (off) or the scene's.
    #[arg(long, value_name = "ROOM")]
    room: Option<String>,
    /// Room Size in percent (also over a scene's); unset, the default or the scene's.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::ROOM_SIZE), "%"))]
    #[arg(help = param_help("Room Size in percent of the preset's dimensions",
        in_percent(ranges::ROOM_SIZE), " (also over a scene's)"))]
    room_size: Option<f32>,
    /// Room Damping in percent (also over a scene's); unset, the default or the scene's.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::ROOM_DAMPING), "%"))]
    #[arg(help = param_help("Room Damping (absorption above 1 kHz) in percent",
        in_percent(ranges::ROOM_DAMPING), ", 50 = as designed (also over a scene's)"))]
    room_damping: Option<f32>,
    /// Room Level in dB (also over a scene's); unset, the default or the scene's.
    #[arg(long, value_name = "DB", allow_negative_numbers = true)]
    #[arg(help = param_help("Room Level in dB", ranges::ROOM_LEVEL_DB,
        ", 0 = the room's physical level (also over a scene's)"))]
    room_level: Option<f32>,
    /// The input's Room Send in percent; unset, the default (0) or the scene's.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::INPUT_ROOM_SEND), "%"))]
    #[arg(help = param_help("The input's Room Send in percent",
        in_percent(ranges::INPUT_ROOM_SEND), " (also over a scene's)"))]
    room_send: Option<f32>,
    /// Every layer's Room Send in percent; unset, the default or the scene's.
    #[arg(long, value_name = "PERCENT")]
    #[arg(value_parser = ranged(in_percent(ranges::ROOM_SEND), "%"))]
    #[arg(help = param_help("Every layer's Room Send in percent",
        in_percent(ranges::ROOM_SEND), " (also over a scene's)"))]
    layer_room_send: Option<f32>,
    /// Head Yaw in degrees (also over a scene's); unset, the default (0) or the scene's.
    #[arg(long, value_name = "DEG", allow_negative_numbers = true)]
    #[arg(help = param_help("Head Yaw in degrees: the listener's head turned to the right \
        (positive) or left; world-locked sources stay where they are", ranges::HEAD_YAW_DEG,
        " (also over a scene's)"))]
    head_yaw: Option<f32>,
    /// Head Pitch in degrees (also over a scene's).
    #[arg(long, value_name = "DEG", allow_negative_numbers = true)]
    #[arg(help = param_help("Head Pitch in degrees: the face tilted up (positive) or down",
        ranges::HEAD_PITCH_DEG, " (also over a scene's)"))]
    head_pitch: Option<f32>,
    /// Head Roll in degrees (also over a scene's).
    #[arg(long, value_name = "DEG", allow_negative_numbers = true)]
    #[arg(help = param_help("Head Roll in degrees: the head tilted towards the right \
        (positive) or left shoulder", ranges::HEAD_ROLL_DEG, " (also over a scene's)"))]
    head_roll: Option<f32>,
    /// A recorded head track to render under, as a head tracker would have turned the head:
    /// a CSV file of rows `time_s, yaw_deg, pitch_deg, roll_deg` (an optional header line,
    /// `#` comments), each row holding until the next; added to the Head Yaw, Pitch and Roll.
    #[arg(long, value_name = "FILE.csv")]
    head_track: Option<PathBuf>,
    /// Processing block size in samples.
    #[arg(long, value_name = "SAMPLES", default_value_t = ranges::BLOCK_SIZE.default)]
    #[arg(value_parser = clap::value_parser!(u32).range(i64_range(ranges::BLOCK_SIZE)))]
    #[arg(help = range_help("Processing block size in samples", ranges::BLOCK_SIZE,
        " (does not change the sound)"))]
    block_size: u32,
    /// Seconds of silence after the input.
    #[arg(long, value_name = "SECONDS", default_value_t = ranges::TAIL_S.default)]
    #[arg(value_parser = ranged(ranges::TAIL_S, "s"))]
    #[arg(help = range_help("Seconds of silence rendered after the input", ranges::TAIL_S,
        ", so the filter tails ring out"))]
    tail: f32,
    /// Length of a scene render in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ranges::DURATION_S.default)]
    #[arg(value_parser = ranged(ranges::DURATION_S, "s"))]
    #[arg(help = range_help("Length of a scene render in seconds", ranges::DURATION_S,
        " (a day at most)"))]
    duration: f32,
    /// Sample rate of a scene render in Hz.
    #[arg(long, value_name = "HZ", default_value_t = ranges::SAMPLE_RATE_HZ.default)]
    #[arg(value_parser = clap::value_parser!(u32).range(i64_range(ranges::SAMPLE_RATE_HZ)))]
    #[arg(help = range_help("Sample rate of a scene render in Hz",
        ranges::SAMPLE_RATE_HZ, ""))]
    sample_rate: u32,
    /// Seed of all random variation.
    #[arg(long, value_name = "N")]
    #[arg(value_parser = clap::value_parser!(u64).range(u64_range(ranges::SEED)))]
    #[arg(help = range_help("Seed of all random variation", ranges::SEED,
        ", instead of the scene's (placing a WAV uses the plugin's default unless set). The \
        same input, seed and flags write the same file, bit for bit"))]
    seed: Option<u64>,
    /// Fade-in in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ranges::RENDER_FADE_S.default)]
    #[arg(value_parser = ranged(ranges::RENDER_FADE_S, "s"))]
    #[arg(help = range_help("Fade-in in seconds (0: none)", ranges::RENDER_FADE_S,
        ": the output rises from silence along a raised cosine. With --fade-out, at most the \
        render's length"))]
    fade_in: f32,
    /// Fade-out in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ranges::RENDER_FADE_S.default)]
    #[arg(value_parser = ranged(ranges::RENDER_FADE_S, "s"))]
    #[arg(help = range_help("Fade-out in seconds (0: none)", ranges::RENDER_FADE_S,
        ": the output falls to silence at its last sample along a raised cosine"))]
    fade_out: f32,
    /// Target integrated loudness in LUFS.
    #[arg(long, value_name = "LUFS", allow_negative_numbers = true)]
    #[arg(value_parser = ranged(ranges::LOUDNESS_LUFS, "LUFS"))]
    #[arg(help = loudness_help())]
    loudness: Option<f32>,
    /// Sound files of a scene's Sample layer: LAYER=PATH, LAYER 1..8, PATH a file (WAV, FLAC,
    /// OGG Vorbis, MP3) or a folder of them; repeat for more files. A layer's flags replace the
    /// files the scene names for it. A file that cannot be used stops the render, named.
    #[arg(long, value_name = "LAYER=PATH")]
    samples: Vec<String>,
    /// Render with your own HRTF set, a SOFA file (SimpleFreeFieldHRIR), instead of the
    /// built-in MIT KEMAR set; processed as KEMAR is (minimum-phase filters plus ITD,
    /// diffuse-field equalised, resampled to --sample-rate).
    #[arg(long, value_name = "FILE.sofa")]
    hrtf: Option<PathBuf>,
}

/// Jobs other than placing a file or rendering a scene.
#[derive(Subcommand, Debug)]
enum Command {
    /// Renders every variant of every trigger family (or of one) to a folder of WAV files,
    /// FAMILY-VARIANT-seedN.wav: one layer at its default settings (the plugin's defaults, in
    /// front at 1 m), for each seed, to listen to and measure.
    Gallery(GalleryArgs),
}

/// What `tingle-render gallery` renders.
#[derive(Args, Debug)]
struct GalleryArgs {
    /// The folder to write the WAV files into (made if missing).
    dir: PathBuf,
    /// Only this family.
    #[arg(long, value_name = "FAMILY", ignore_case = true)]
    #[arg(value_parser = PossibleValuesParser::new(Family::IDS))]
    family: Option<String>,
    /// Seeds to render each variant with, comma-separated.
    #[arg(
        long,
        value_name = "SEEDS",
        value_delimiter = ',',
        default_value = "1,2,3"
    )]
    #[arg(value_parser = clap::value_parser!(u64).range(u64_range(ranges::SEED)))]
    #[arg(help = range_help("Seeds to render each variant with, comma-separated, each",
        ranges::SEED, ""))]
    seeds: Vec<u64>,
    /// Length of each render in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ranges::GALLERY_S.default)]
    #[arg(value_parser = ranged(ranges::GALLERY_S, "s"))]
    #[arg(help = range_help("Length of each render in seconds", ranges::GALLERY_S, ""))]
    seconds: f32,
    /// Sample rate in Hz.
    #[arg(long, value_name = "HZ", default_value_t = ranges::SAMPLE_RATE_HZ.default)]
    #[arg(value_parser = clap::value_parser!(u32).range(i64_range(ranges::SAMPLE_RATE_HZ)))]
    #[arg(help = range_help("Sample rate in Hz", ranges::SAMPLE_RATE_HZ, ""))]
    sample_rate: u32,
}

impl Cli {
    /// The engine parameters the flags describe: the flags become a scene by parameter id
    /// (the same ids, names, ranges and defaults as the plugin's), so a flag out of range or an
    /// unknown name is refused exactly as a scene's field would be, naming the flag.
    fn engine_settings(&self) -> Result<EngineSettings, String> {
        let percent = |flag: Option<f32>| flag.map(|p| p / PERCENT_PER_SHARE);
        let set: [(&str, &str, Option<Value>); 10] = [
            ("az", "--azimuth", self.azimuth.map(Value::from)),
            ("el", "--elevation", self.elevation.map(Value::from)),
            ("dist_m", "--distance", self.distance.map(Value::from)),
            ("motion", "--motion", self.motion.clone().map(Value::from)),
            ("mrate", "--rate", self.rate.map(Value::from)),
            ("mdepth", "--depth", percent(self.depth).map(Value::from)),
            ("ingain", "--input-gain", self.input_gain.map(Value::from)),
            ("mix", "--mix", percent(self.mix).map(Value::from)),
            (
                "outgain",
                "--output-gain",
                self.output_gain.map(Value::from),
            ),
            (
                "limiter",
                "--no-limiter",
                self.no_limiter.then_some(Value::from(false)),
            ),
        ];
        // Unset flags are left out: the scene takes the plugin's defaults for them.
        let mut flags: Vec<(&str, &str, Value)> = set
            .into_iter()
            .filter_map(|(id, flag, value)| value.map(|v| (id, flag, v)))
            .collect();
        if let Some(note) = &self.sync {
            flags.push(("msync", "--sync", Value::from(true)));
            flags.push(("mnote", "--sync", Value::from(note.clone())));
        }
        let params: serde_json::Map<String, Value> = flags
            .iter()
            .map(|(id, _, value)| ((*id).to_owned(), value.clone()))
            .collect();
        let scene = serde_json::json!({ "params": params }).to_string();
        tingle::scene::load(&scene)
            .map(|p| p.engine_settings())
            .map_err(|e| {
                let e = e.to_string();
                flags
                    .iter()
                    .find_map(|(id, flag, _)| {
                        e.strip_prefix(&format!("params.{id}: "))
                            .map(|why| format!("{flag}: {why}"))
                    })
                    .unwrap_or(e)
            })
    }

    /// Sets the room and head flags given over `settings` (a scene's or the other flags'):
    /// read as a scene by parameter id, so names, ranges and errors are the plugin's.
    fn apply_scene_flags(&self, settings: &mut EngineSettings) -> Result<(), String> {
        let percent = |flag: Option<f32>| flag.map(|p| p / PERCENT_PER_SHARE);
        let layer_send = percent(self.layer_room_send);
        let set: [(&str, &str, Option<Value>); 8] = [
            ("room", "--room", self.room.clone().map(Value::from)),
            (
                "roomsize",
                "--room-size",
                percent(self.room_size).map(Value::from),
            ),
            (
                "roomdamp",
                "--room-damping",
                percent(self.room_damping).map(Value::from),
            ),
            (
                "roomlevel",
                "--room-level",
                self.room_level.map(Value::from),
            ),
            (
                "inroomsend",
                "--room-send",
                percent(self.room_send).map(Value::from),
            ),
            ("headyaw", "--head-yaw", self.head_yaw.map(Value::from)),
            (
                "headpitch",
                "--head-pitch",
                self.head_pitch.map(Value::from),
            ),
            ("headroll", "--head-roll", self.head_roll.map(Value::from)),
        ];
        if set.iter().all(|(_, _, v)| v.is_none()) && layer_send.is_none() {
            return Ok(());
        }
        let mut params = serde_json::Map::new();
        for (id, _, value) in &set {
            if let Some(v) = value {
                params.insert((*id).to_owned(), v.clone());
            }
        }
        if let Some(send) = layer_send {
            for layer in 1..=tingle::engine::LAYERS {
                params.insert(format!("roomsend_{layer}"), Value::from(send));
            }
        }
        let scene = serde_json::json!({ "params": params }).to_string();
        let flagged = tingle::scene::load(&scene)
            .map_err(|e| {
                let e = e.to_string();
                set.iter()
                    .find_map(|(id, flag, _)| {
                        e.strip_prefix(&format!("params.{id}: "))
                            .map(|why| format!("{flag}: {why}"))
                    })
                    .unwrap_or(e)
            })?
            .engine_settings();
        let room = &mut settings.room;
        if self.room.is_some() {
            room.kind = flagged.room.kind;
        }
        if self.room_size.is_some() {
            room.size = flagged.room.size;
        }
        if self.room_damping.is_some() {
            room.damping = flagged.room.damping;
        }
        if self.room_level.is_some() {
            room.level_db = flagged.room.level_db;
        }
        if self.room_send.is_some() {
            settings.input.room_send = flagged.input.room_send;
        }
        if layer_send.is_some() {
            for (layer, from) in settings.layers.iter_mut().zip(&flagged.layers) {
                layer.room_send = from.room_send;
            }
        }
        let head = &mut settings.head;
        if self.head_yaw.is_some() {
            head.yaw_deg = flagged.head.yaw_deg;
        }
        if self.head_pitch.is_some() {
            head.pitch_deg = flagged.head.pitch_deg;
        }
        if self.head_roll.is_some() {
            head.roll_deg = flagged.head.roll_deg;
        }
        Ok(())
    }

    /// A transport playing from song position 0 at the requested tempo.
    fn transport(&self) -> Transport {
        playing_from_start(f64::from(self.tempo))
    }
}

/// A transport playing from song position 0 at `tempo_bpm` (beats per minute), in 4/4.
fn playing_from_start(tempo_bpm: f64) -> Transport {
    Transport {
        tempo_bpm,
        beats_per_bar: BEATS_PER_BAR,
        playing: true,
        position_beats: Some(0.0),
        position_seconds: None,
    }
}

/// A flag parser for a number within `range`, `unit` naming its unit in the error message.
fn ranged(
    range: Range<f32>,
    unit: &'static str,
) -> impl Fn(&str) -> Result<f32, String> + Clone + Send + Sync + 'static {
    move |text| {
        let value: f32 = text.trim().parse().map_err(|_| "not a number".to_owned())?;
        if range.contains(value) {
            Ok(value)
        } else {
            Err(format!(
                "must be between {} and {} {unit}",
                range.min, range.max
            ))
        }
    }
}

/// `share` (0 ..= 1) in percent.
fn in_percent(share: Range<f32>) -> Range<f32> {
    Range {
        min: share.min * PERCENT_PER_SHARE,
        max: share.max * PERCENT_PER_SHARE,
        default: share.default * PERCENT_PER_SHARE,
    }
}

/// `range` as clap's `u32` parser takes it.
fn i64_range(range: Range<u32>) -> RangeInclusive<i64> {
    i64::from(range.min)..=i64::from(range.max)
}

/// `range` as clap's `u64` parser takes it.
fn u64_range(range: Range<u32>) -> RangeInclusive<u64> {
    u64::from(range.min)..=u64::from(range.max)
}

/// A flag's help: `what`, its range, then `after` ("Input gain in dB, -48..24"). Clap adds the
/// default of flags that have one.
fn range_help<T: std::fmt::Display>(what: &str, range: Range<T>, after: &str) -> String {
    format!("{what}, {}..{}{after}", range.min, range.max)
}

/// A parameter flag's help: [`range_help`] and the plugin's default, which an unset flag
/// takes.
fn param_help<T: std::fmt::Display>(what: &str, range: Range<T>, after: &str) -> String {
    let default = format!("{}", range.default);
    format!("{} [default: {default}]", range_help(what, range, after))
}

/// The help of `--loudness`.
fn loudness_help() -> String {
    let gain = ranges::OUTPUT_GAIN_DB;
    format!(
        "{}. A first pass measures the render as it will be written, fades included; the \
         difference is added to the output gain (before the limiter, within its {}..{} dB) and \
         a second pass writes the file. If the limiter holds it more than \
         {LOUDNESS_TOLERANCE_LU} LU below the target, a third pass corrects the gain",
        range_help(
            "Target integrated loudness (EBU R128) in LUFS",
            ranges::LOUDNESS_LUFS,
            ""
        ),
        gain.min,
        gain.max
    )
}

/// Input samples as `f32` in -1..1, interleaved.
type Samples = Box<dyn Iterator<Item = hound::Result<f32>>>;

/// Opens `path` as a mono or stereo WAV: its spec, its length (frames) and its samples.
fn open_input(path: &Path) -> Result<(WavSpec, u64, Samples), String> {
    let fail = |cause: &dyn std::fmt::Display| format!("cannot read '{}': {cause}", path.display());
    let reader: WavReader<BufReader<File>> = WavReader::open(path).map_err(|e| fail(&e))?;
    let spec = reader.spec();
    if !(1..=2).contains(&spec.channels) {
        return Err(fail(&format_args!(
            "unsupported: {} channels (reads mono and stereo)",
            spec.channels
        )));
    }
    if !ranges::SAMPLE_RATE_HZ.contains(spec.sample_rate) {
        return Err(fail(&format_args!(
            "unsupported sample rate {} Hz (must be {}..{} Hz)",
            spec.sample_rate,
            ranges::SAMPLE_RATE_HZ.min,
            ranges::SAMPLE_RATE_HZ.max
        )));
    }
    let (kind, supported) = match spec.sample_format {
        SampleFormat::Int => ("integer", INT_BITS.contains(&spec.bits_per_sample)),
        SampleFormat::Float => ("float", spec.bits_per_sample == FLOAT_BITS),
    };
    if !supported {
        return Err(fail(&format_args!(
            "unsupported sample format: {}-bit {kind} (reads 8- to 32-bit integer, 32-bit float)",
            spec.bits_per_sample
        )));
    }
    let frames = u64::from(reader.duration());
    let samples: Samples = match spec.sample_format {
        SampleFormat::Float => Box::new(reader.into_samples::<f32>()),
        SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            Box::new(
                reader
                    .into_samples::<i32>()
                    .map(move |s| s.map(|v| v as f32 * scale)),
            )
        }
    };
    Ok((spec, frames, samples))
}

/// Reads up to `buffers[0].len()` frames into the channel buffers; returns how many it read
/// (fewer at the end of the input).
fn read_block(samples: &mut Samples, buffers: &mut [&mut [f32]]) -> hound::Result<usize> {
    let len = buffers[0].len();
    for frame in 0..len {
        for buffer in buffers.iter_mut() {
            match samples.next() {
                Some(sample) => buffer[frame] = sample?,
                None => return Ok(frame),
            }
        }
    }
    Ok(len)
}

/// Where a render's input comes from. Each pass of a render opens it afresh.
#[derive(Debug, Clone, Copy)]
enum Input<'a> {
    /// A scene: no input, the layers play for this many frames.
    Silence(u64),
    /// A mono or stereo WAV file to place.
    Wav(&'a Path),
}

/// An open input.
enum Reader<'a> {
    /// Frames of silence left.
    Silence(u64),
    /// The WAV file's samples, as many channels as the file has.
    Wav(&'a Path, Samples),
}

impl<'a> Input<'a> {
    /// Opens the input from its start.
    fn open(self) -> Result<Reader<'a>, String> {
        Ok(match self {
            Self::Silence(frames) => Reader::Silence(frames),
            Self::Wav(path) => Reader::Wav(path, open_input(path)?.2),
        })
    }
}

impl Reader<'_> {
    /// Reads the next frames into `buffers` (one per input channel; a scene reads nothing and
    /// leaves them as they are); returns how many frames it read, fewer than the buffers hold
    /// only at the end of the input.
    fn read(&mut self, buffers: &mut [&mut [f32]]) -> Result<usize, String> {
        match self {
            Self::Silence(left) => {
                let n = buffers[0]
                    .len()
                    .min(usize::try_from(*left).unwrap_or(usize::MAX));
                *left -= n as u64;
                Ok(n)
            }
            Self::Wav(path, samples) => read_block(samples, buffers)
                .map_err(|e| format!("cannot read '{}': {e}", path.display())),
        }
    }
}

/// A render: what the engine plays, for how long, and how it fades. Deterministic: every run
/// with the same parameters gives the same samples, so a render can be measured in one pass
/// and written in the next.
struct Job<'a> {
    /// The engine's parameters, before any loudness gain.
    params: EngineSettings,
    /// The engine's input.
    input: Input<'a>,
    /// The input's channels.
    channels: InputChannels,
    /// The transport at the start.
    transport: Transport,
    /// Sample rate (Hz).
    sample_rate: u32,
    /// Processing block size (frames).
    block: usize,
    /// Length of the input (frames).
    input_frames: u64,
    /// Silence rendered after the input, so the filter tails ring out (frames).
    tail_frames: u64,
    /// The fades applied to the output.
    fades: Fades,
    /// The Sample layers' sounds.
    sounds: samples::LayerSounds,
    /// The HRTF set, at `sample_rate`.
    hrtf: Arc<HrtfSet>,
    /// A recorded head track the head follows, as from a tracker.
    head_track: Option<HeadRecording>,
    /// Whether the voice budget holds (see `--no-budget`).
    voice_budget: bool,
}

impl Job<'_> {
    /// Length of the output (frames).
    fn frames(&self) -> u64 {
        self.input_frames + self.tail_frames
    }

    /// Renders the whole output at `params`, block by block: engine, then fades, then `each`
    /// block; counts frames on `progress`.
    fn run(
        &self,
        params: &EngineSettings,
        progress: &ProgressBar,
        mut each: impl FnMut(&[f32], &[f32]) -> Result<(), String>,
    ) -> Result<(), String> {
        let block = self.block;
        let mut engine = Engine::with_hrtf(self.sample_rate as f32, block, self.hrtf.clone());
        engine.set_settings(params);
        engine.set_transport(&self.transport);
        engine.set_voice_budget(self.voice_budget);
        engine.reset();
        samples::connect(&mut engine, &self.sounds);
        let input_channels = match self.channels {
            InputChannels::Stereo => 2,
            _ => 1,
        };
        let mut reader = self.input.open()?;
        let (mut left, mut right) = (vec![0.0f32; block], vec![0.0f32; block]);
        let mut tail_frames = self.tail_frames;
        let mut position = 0;
        let mut input_ended = false;
        loop {
            let mut n = 0;
            if !input_ended {
                let mut buffers = [&mut left[..], &mut right[..]];
                n = reader.read(&mut buffers[..input_channels])?;
                input_ended = n < block;
            }
            if input_ended {
                let pad = (block - n).min(usize::try_from(tail_frames).unwrap_or(usize::MAX));
                left[n..n + pad].fill(0.0);
                right[n..n + pad].fill(0.0);
                tail_frames -= pad as u64;
                n += pad;
            }
            if n == 0 {
                return Ok(());
            }
            let (left, right) = (&mut left[..n], &mut right[..n]);
            if let Some(track) = &self.head_track {
                engine.set_tracker(track.at(position as f64 / f64::from(self.sample_rate)));
            }
            engine.process(left, right, self.channels);
            self.fades.apply(position, left, right);
            each(left, right)?;
            position += n as u64;
            progress.inc(n as u64);
        }
    }

    /// Renders at `params` without writing and measures the output.
    fn measure(
        &self,
        params: &EngineSettings,
        progress: &ProgressBar,
    ) -> Result<Measurement, String> {
        let mut meter = Meter::new(self.sample_rate)?;
        self.run(params, progress, |left, right| meter.add(left, right))?;
        meter.measurement()
    }

    /// Renders at `params` to `output` in `format`, showing each written block to `tap` too.
    /// On failure removes the unfinished output.
    fn write(
        &self,
        params: &EngineSettings,
        output: &Path,
        format: Format,
        progress: &ProgressBar,
        mut tap: impl FnMut(&[f32], &[f32]) -> Result<(), String>,
    ) -> Result<(), String> {
        let fail = |e: String| format!("cannot write '{}': {e}", output.display());
        let mut writer = Writer::create(output, format, self.sample_rate).map_err(fail)?;
        let result = self
            .run(params, progress, |left, right| {
                tap(left, right)?;
                writer.write(left, right).map_err(fail)
            })
            .and_then(|()| writer.finish().map_err(fail));
        if result.is_err() {
            // Best effort: a half-written file is no use to anyone.
            let _ = fs::remove_file(output);
        }
        result
    }
}

/// What a `--loudness` render reports at the end: the written file's loudness and peak, the
/// target and the gain that reached it.
struct Report {
    /// The written file's measurement.
    measurement: Measurement,
    /// The `--loudness` target (LUFS).
    target: f32,
    /// The gain added to the output gain for it (dB).
    gain_db: f32,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "loudness: {:.1} LUFS integrated (target {:.1}), gain {:+.1} dB, peak {:.1} dBFS",
            self.measurement.integrated_lufs, self.target, self.gain_db, self.measurement.peak_db
        )
    }
}

/// Prints a warning on stderr.
fn warn(message: &str) {
    eprintln!("tingle-render: warning: {message}");
}

/// `params` with `gain_db` added to the output gain, clamped to its range; and whether it was
/// clamped.
fn with_gain(params: &EngineSettings, gain_db: f32) -> (EngineSettings, bool) {
    let wanted = params.master.output_gain_db + gain_db;
    // The output gain parameter's own range.
    let range = &TingleParams::default().output_gain;
    let output_gain_db = wanted.clamp(range.preview_plain(0.0), range.preview_plain(1.0));
    let mut params = *params;
    params.master.output_gain_db = output_gain_db;
    (params, output_gain_db != wanted)
}

/// Renders `job` to `output` at the integrated loudness `target` (LUFS): pass 1 measures the
/// render as it would be written (fades included), pass 2 writes it with the difference added
/// to the output gain, which comes before the limiter. If the limiter holds the result more
/// than [`LOUDNESS_TOLERANCE_LU`] off the target, pass 3 corrects the gain by what is missing
/// and writes again. The report is the measurement of the file as written.
fn write_at_loudness(
    job: &Job,
    target: f32,
    output: &Path,
    format: Format,
    progress: &ProgressBar,
) -> Result<Report, String> {
    let mut passes = LOUDNESS_PASSES;
    progress.set_prefix(format!("measuring (pass 1/{passes})"));
    let measured = job.measure(&job.params, progress)?.integrated_lufs;
    if !measured.is_finite() {
        warn(
            "the render is silent or nearly (below the -70 LUFS gate of EBU R128): written without a loudness gain",
        );
    }
    let mut gain_db = if measured.is_finite() {
        (f64::from(target) - measured) as f32
    } else {
        0.0
    };
    let mut pass = 2;
    loop {
        let (params, clamped) = with_gain(&job.params, gain_db);
        if clamped {
            warn(&format!(
                "the output gain needed for {target} LUFS ({:+.1} dB) is clamped to {:+.1} dB",
                job.params.master.output_gain_db + gain_db,
                params.master.output_gain_db
            ));
        }
        gain_db = params.master.output_gain_db - job.params.master.output_gain_db;
        progress.set_prefix(format!("writing (pass {pass}/{passes})"));
        let mut meter = Meter::new(job.sample_rate)?;
        job.write(&params, output, format, progress, |left, right| {
            meter.add(left, right)
        })?;
        let measurement = meter.measurement()?;
        let missing = f64::from(target) - measurement.integrated_lufs;
        let done = missing.abs() <= LOUDNESS_TOLERANCE_LU || !missing.is_finite() || clamped;
        if done || pass == MAX_LOUDNESS_PASSES {
            if !done {
                let side = if missing > 0.0 { "below" } else { "above" };
                warn(&format!(
                    "the loudness is {:.1} LU {side} the target: the limiter holds the peaks",
                    missing.abs()
                ));
            }
            return Ok(Report {
                measurement,
                target,
                gain_db,
            });
        }
        gain_db += missing as f32;
        pass += 1;
        passes += 1;
        progress.inc_length(job.frames());
    }
}

/// Renders `input` to `output` as the flags say (printing the report of a `--loudness` render);
/// on failure removes the unfinished output.
/// The parameters (and sound files) of the scene file at `path`.
fn load_scene(path: &Path) -> Result<TingleParams, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    tingle::scene::load(&text).map_err(|e| format!("bad scene '{}': {e}", path.display()))
}

fn render(cli: &Cli, input: &Path, output: &Path) -> Result<(), String> {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(output))
        && a == b
    {
        return Err(format!(
            "'{}' is both input and output; choose another output file",
            output.display()
        ));
    }
    let format = Format::of(output)?;
    let is_scene = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut sounds = Vec::new();
    let (sample_rate, input_frames, source, mut params, channels) = if is_scene {
        let scene = load_scene(input)?;
        let folder = input.parent().unwrap_or(Path::new(""));
        sounds = samples::load(&scene, folder, &cli.samples, cli.sample_rate)?;
        let frames = seconds_to_frames(cli.duration, cli.sample_rate);
        (
            cli.sample_rate,
            frames,
            Input::Silence(frames),
            scene.engine_settings(),
            InputChannels::None,
        )
    } else {
        let (spec, frames, _) = open_input(input)?;
        let channels = match spec.channels {
            1 => InputChannels::Mono,
            _ => InputChannels::Stereo,
        };
        let params = match &cli.scene {
            Some(scene) => {
                let folder = scene.parent().unwrap_or(Path::new(""));
                let scene = load_scene(scene)?;
                sounds = samples::load(&scene, folder, &cli.samples, spec.sample_rate)?;
                scene.engine_settings()
            }
            None => cli.engine_settings()?,
        };
        (
            spec.sample_rate,
            frames,
            Input::Wav(input),
            params,
            channels,
        )
    };
    if let Some(seed) = cli.seed {
        params.seed = seed;
    }
    cli.apply_scene_flags(&mut params)?;
    let tail_frames = seconds_to_frames(cli.tail, sample_rate);
    let frames = input_frames + tail_frames;
    let hours = |frames: u64| frames as f64 / f64::from(sample_rate) / SECONDS_PER_HOUR;
    if frames > format.max_frames() {
        return Err(format!(
            "'{}': {:.1} h is longer than a {} file holds at {sample_rate} Hz \
             ({:.1} h); write FLAC (.flac) for longer renders",
            output.display(),
            hours(frames),
            format.name(),
            hours(format.max_frames())
        ));
    }
    let fades = Fades::new(
        seconds_to_frames(cli.fade_in, sample_rate),
        seconds_to_frames(cli.fade_out, sample_rate),
        frames,
    )
    .ok_or_else(|| {
        format!(
            "--fade-in {} s and --fade-out {} s together are longer than the render ({} s)",
            cli.fade_in,
            cli.fade_out,
            frames as f64 / f64::from(sample_rate)
        )
    })?;
    let hrtf = match &cli.hrtf {
        None => cache::kemar_at(sample_rate as f32),
        Some(path) => cache::set_at(&HrtfChoice::Sofa(path.clone()), sample_rate as f32)
            .map_err(|e| format!("--hrtf '{}': {e}", path.display()))?,
    };
    let job = Job {
        params,
        input: source,
        channels,
        transport: cli.transport(),
        sample_rate,
        block: cli.block_size as usize,
        input_frames,
        tail_frames,
        fades,
        sounds,
        hrtf,
        head_track: cli
            .head_track
            .as_deref()
            .map(HeadRecording::read)
            .transpose()?,
        voice_budget: !cli.no_budget,
    };
    let passes = if cli.loudness.is_some() {
        LOUDNESS_PASSES
    } else {
        1
    };
    let progress = if frames as f64 >= PROGRESS_MIN_S * f64::from(sample_rate) {
        let bar = ProgressBar::new(frames * passes);
        if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = match cli.loudness {
        Some(target) => write_at_loudness(&job, target, output, format, &progress).map(Some),
        None => {
            progress.set_prefix("rendering");
            job.write(&job.params, output, format, &progress, |_, _| Ok(()))
                .map(|()| None)
        }
    };
    progress.finish_and_clear();
    if let Some(report) = report? {
        println!("{report}");
    }
    Ok(())
}

/// `seconds` at `sample_rate` (Hz) as a whole number of frames.
fn seconds_to_frames(seconds: f32, sample_rate: u32) -> u64 {
    (f64::from(seconds) * f64::from(sample_rate)).round() as u64
}

/// Renders every variant of the requested families at every seed into `args.dir`.
fn gallery(args: &GalleryArgs) -> Result<(), String> {
    fs::create_dir_all(&args.dir)
        .map_err(|e| format!("cannot make '{}': {e}", args.dir.display()))?;
    let frames = seconds_to_frames(args.seconds, args.sample_rate);
    let chosen = |id: &str| {
        args.family
            .as_deref()
            .is_none_or(|wanted| wanted.eq_ignore_ascii_case(id))
    };
    for (&family, id) in Family::ALL
        .iter()
        .zip(Family::IDS)
        // The Sample family has no sound of its own.
        .filter(|(family, id)| **family != Family::Sample && chosen(id))
    {
        for (variant, name) in family.info().variants.iter().enumerate() {
            for &seed in &args.seeds {
                let mut params = TingleParams::default().engine_settings();
                params.seed = seed;
                let layer = &mut params.layers[0];
                layer.enabled = true;
                layer.family = family;
                layer.variant = variant;
                let job = Job {
                    params,
                    input: Input::Silence(frames),
                    channels: InputChannels::None,
                    transport: playing_from_start(DEFAULT_TEMPO_BPM),
                    sample_rate: args.sample_rate,
                    block: GALLERY_BLOCK,
                    input_frames: frames,
                    tail_frames: 0,
                    fades: Fades::none(frames),
                    sounds: Vec::new(),
                    hrtf: cache::kemar_at(args.sample_rate as f32),
                    head_track: None,
                    voice_budget: true,
                };
                let slug = name.to_lowercase().replace(' ', "-");
                let path = args.dir.join(format!("{id}-{slug}-seed{seed}.wav"));
                let hidden = ProgressBar::hidden();
                job.write(&job.params, &path, Format::Wav, &hidden, |_, _| Ok(()))?;
                println!("{}", path.display());
            }
        }
    }
    Ok(())
}

/// Parses the flags, renders, and reports any error as one line on stderr.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match (&cli.command, &cli.input, &cli.output) {
        (Some(Command::Gallery(args)), _, _) => gallery(args),
        (None, Some(input), Some(output)) => render(&cli, input, output),
        // clap requires both files when there is no subcommand.
        (None, _, _) => unreachable!("clap checks the positional arguments"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tingle-render: error: {message}");
            ExitCode::FAILURE
        }
    }
}
