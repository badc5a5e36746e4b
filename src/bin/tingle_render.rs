//! `tingle-render`: places a WAV file binaurally offline, with the same parameters as the
//! plugin, and writes the result as a stereo 32-bit float WAV at the input's sample rate.
//!
//! Examples:
//! - `tingle-render voice.wav voice-orbit.wav --motion orbit --sync 1bar --tempo 90`
//! - `tingle-render scene.json rain.wav --duration 60` renders a scene (the plugin's saved
//!   state as JSON: all layers and placement) for a minute.
//! - `tingle-render gallery sounds/` renders every variant of every trigger family, one layer
//!   at a time, to a folder of WAV files to listen to and measure.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tingle::binaural::Position;
use tingle::binaural::motion::{MotionMode, MotionRate, MotionSettings};
use tingle::engine::tempo::{DEFAULT_TEMPO_BPM, NoteValue, Transport};
use tingle::engine::{Engine, EngineParams, InputChannels};
use tingle::params::TingleParams;
use tingle::triggers::Family;

/// Azimuth range (degrees).
const AZIMUTH_DEG: RangeInclusive<f32> = -180.0..=180.0;
/// Elevation range (degrees), the measured HRTF's range.
const ELEVATION_DEG: RangeInclusive<f32> = -40.0..=90.0;
/// Distance range (metres).
const DISTANCE_M: RangeInclusive<f32> = 0.1..=10.0;
/// Free motion rate range (Hz).
const RATE_HZ: RangeInclusive<f32> = 0.01..=10.0;
/// Tempo range for synced motion (beats per minute).
const TEMPO_BPM: RangeInclusive<f32> = 10.0..=999.0;
/// Range of the percentage flags (depth, mix).
const PERCENT: RangeInclusive<f32> = 0.0..=100.0;
/// Input gain range (dB).
const INPUT_GAIN_DB: RangeInclusive<f32> = -48.0..=24.0;
/// Output gain range (dB).
const OUTPUT_GAIN_DB: RangeInclusive<f32> = -48.0..=12.0;
/// Range of the silence appended after the input (seconds).
const TAIL_S: RangeInclusive<f32> = 0.0..=60.0;
/// Range of a scene render's length (seconds).
const DURATION_S: RangeInclusive<f32> = 0.1..=3600.0;
/// Range of a gallery render's seeds.
const SEED: RangeInclusive<u64> = 0..=999_999;
/// Range of the processing block size (samples).
const BLOCK_SIZE: RangeInclusive<i64> = 1..=65_536;
/// Input sample rates the engine is rendered at (Hz).
const SAMPLE_RATE_HZ: RangeInclusive<u32> = 8_000..=384_000;
/// Processing block size (samples) of gallery renders.
const GALLERY_BLOCK: usize = 512;
/// Inputs at least this long (seconds of audio) show a progress bar.
const PROGRESS_MIN_S: f32 = 3.0;
/// Look of the progress bar.
const PROGRESS_TEMPLATE: &str = "rendering [{bar:40}] {percent:>3}%  eta {eta}";
/// Quarter notes per bar of an offline render (4/4).
const BEATS_PER_BAR: f64 = 4.0;
/// Integer input sample sizes (bits).
const INT_BITS: RangeInclusive<u16> = 8..=32;
/// Float input and output sample size (bits).
const FLOAT_BITS: u16 = 32;

/// Command-line names of the motion shapes.
const MOTIONS: [(&str, MotionMode); 5] = [
    ("off", MotionMode::Off),
    ("orbit", MotionMode::Orbit),
    ("ear-to-ear", MotionMode::EarToEar),
    ("figure-eight", MotionMode::FigureEight),
    ("drift", MotionMode::Drift),
];

/// Command-line names of the synced note values, longest first.
const NOTES: [(&str, NoteValue); 17] = [
    ("4bars", NoteValue::FourBars),
    ("2bars", NoteValue::TwoBars),
    ("1bar", NoteValue::OneBar),
    ("1/2", NoteValue::Half),
    ("1/2.", NoteValue::HalfDotted),
    ("1/2T", NoteValue::HalfTriplet),
    ("1/4", NoteValue::Quarter),
    ("1/4.", NoteValue::QuarterDotted),
    ("1/4T", NoteValue::QuarterTriplet),
    ("1/8", NoteValue::Eighth),
    ("1/8.", NoteValue::EighthDotted),
    ("1/8T", NoteValue::EighthTriplet),
    ("1/16", NoteValue::Sixteenth),
    ("1/16.", NoteValue::SixteenthDotted),
    ("1/16T", NoteValue::SixteenthTriplet),
    ("1/32", NoteValue::ThirtySecond),
    ("1/64", NoteValue::SixtyFourth),
];

/// Places INPUT binaurally around the listener's head and writes OUTPUT (stereo, 32-bit float
/// WAV, same sample rate). INPUT is a mono or stereo WAV (8/16/24/32-bit integer or 32-bit float),
/// or a scene (a .json file with the plugin's parameters, as the plugin saves them), rendered
/// for --duration seconds at --sample-rate; a scene sets every parameter, so the placement and
/// gain flags do not apply to it.
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
    /// Where to write the binaural stereo WAV.
    #[arg(required = true)]
    output: Option<PathBuf>,
    /// Direction in degrees, -180..180: 0 = front, positive to the right (90 = right ear).
    #[arg(
        long,
        value_name = "DEG",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    #[arg(value_parser = ranged(AZIMUTH_DEG, "degrees"))]
    azimuth: f32,
    /// Elevation in degrees, -40 (below) .. 90 (above).
    #[arg(
        long,
        value_name = "DEG",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    #[arg(value_parser = ranged(ELEVATION_DEG, "degrees"))]
    elevation: f32,
    /// Distance from the centre of the head in metres, 0.1..10.
    #[arg(long, value_name = "M", default_value_t = 1.0)]
    #[arg(value_parser = ranged(DISTANCE_M, "m"))]
    distance: f32,
    /// Motion shape: orbit circles the head once per cycle, ear-to-ear sweeps through the front,
    /// figure-eight traces a sideways eight in front of the face, drift wanders at random.
    #[arg(long, value_name = "SHAPE", default_value = "off", ignore_case = true)]
    #[arg(value_parser = named(&MOTIONS))]
    motion: MotionMode,
    /// Free motion rate in cycles per second (Hz), 0.01..10.
    #[arg(
        long,
        value_name = "HZ",
        default_value_t = 0.25,
        conflicts_with = "sync"
    )]
    #[arg(value_parser = ranged(RATE_HZ, "Hz"))]
    rate: f32,
    /// Lock the motion to the tempo instead: one cycle per note value, with the transport
    /// playing from the start of the file.
    #[arg(long, value_name = "NOTE", ignore_case = true)]
    #[arg(value_parser = named(&NOTES))]
    sync: Option<NoteValue>,
    /// Tempo in beats (quarter notes) per minute, 10..999, for --sync and for a scene's synced
    /// rhythms and motions; the metre is 4/4.
    #[arg(long, value_name = "BPM", default_value_t = DEFAULT_TEMPO_BPM as f32)]
    #[arg(value_parser = ranged(TEMPO_BPM, "BPM"))]
    tempo: f32,
    /// Motion depth in percent, 0..100.
    #[arg(long, value_name = "PERCENT", default_value_t = 100.0)]
    #[arg(value_parser = ranged(PERCENT, "%"))]
    depth: f32,
    /// Input gain in dB, -48..24.
    #[arg(
        long,
        value_name = "DB",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    #[arg(value_parser = ranged(INPUT_GAIN_DB, "dB"))]
    input_gain: f32,
    /// Binaural share of the output in percent, 0 (original) .. 100 (binaural).
    #[arg(long, value_name = "PERCENT", default_value_t = 100.0)]
    #[arg(value_parser = ranged(PERCENT, "%"))]
    mix: f32,
    /// Output gain in dB, -48..12.
    #[arg(
        long,
        value_name = "DB",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    #[arg(value_parser = ranged(OUTPUT_GAIN_DB, "dB"))]
    output_gain: f32,
    /// Switch off the hearing-safety limiter (ceiling -1 dBFS, on by default).
    #[arg(long)]
    no_limiter: bool,
    /// Processing block size in samples, 1..65536 (does not change the sound).
    #[arg(long, value_name = "SAMPLES", default_value_t = 512)]
    #[arg(value_parser = clap::value_parser!(u32).range(BLOCK_SIZE))]
    block_size: u32,
    /// Seconds of silence rendered after the input, 0..60, so the filter tails ring out.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.05)]
    #[arg(value_parser = ranged(TAIL_S, "s"))]
    tail: f32,
    /// Length of a scene render in seconds, 0.1..3600.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    #[arg(value_parser = ranged(DURATION_S, "s"))]
    duration: f32,
    /// Sample rate of a scene render in Hz, 8000..384000.
    #[arg(long, value_name = "HZ", default_value_t = 48_000)]
    #[arg(value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
    sample_rate: u32,
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
    /// Seeds to render each variant with, comma-separated, each 0..999999.
    #[arg(
        long,
        value_name = "SEEDS",
        value_delimiter = ',',
        default_value = "1,2,3"
    )]
    #[arg(value_parser = clap::value_parser!(u64).range(SEED))]
    seeds: Vec<u64>,
    /// Length of each render in seconds, 0.1..3600.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    #[arg(value_parser = ranged(DURATION_S, "s"))]
    seconds: f32,
    /// Sample rate in Hz, 8000..384000.
    #[arg(long, value_name = "HZ", default_value_t = 48_000)]
    #[arg(value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
    sample_rate: u32,
}

impl Cli {
    /// The engine parameters the flags describe.
    fn engine_params(&self) -> EngineParams {
        EngineParams {
            position: Position {
                azimuth_deg: self.azimuth,
                elevation_deg: self.elevation,
                distance_m: self.distance,
            },
            motion: MotionSettings {
                mode: self.motion,
                rate: self
                    .sync
                    .map_or(MotionRate::Hertz(self.rate), MotionRate::Synced),
                depth: self.depth / 100.0,
            },
            input_gain_db: self.input_gain,
            mix: self.mix / 100.0,
            output_gain_db: self.output_gain,
            limiter: !self.no_limiter,
            ..EngineParams::default()
        }
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
    range: RangeInclusive<f32>,
    unit: &'static str,
) -> impl Fn(&str) -> Result<f32, String> + Clone + Send + Sync + 'static {
    move |text| {
        let value: f32 = text.trim().parse().map_err(|_| "not a number".to_owned())?;
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(format!(
                "must be between {} and {} {unit}",
                range.start(),
                range.end()
            ))
        }
    }
}

/// A flag parser for one of the names in `table` (any letter case), listed in `--help`.
fn named<T: Copy + Send + Sync + 'static>(
    table: &'static [(&'static str, T)],
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(table.iter().map(|(name, _)| *name)).try_map(move |text| {
        table
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&text))
            .map(|(_, value)| *value)
            .ok_or_else(|| format!("unknown value '{text}'"))
    })
}

/// Input samples as `f32` in -1..1, interleaved.
type Samples = Box<dyn Iterator<Item = hound::Result<f32>>>;

/// Opens `path` as a mono or stereo WAV: its spec and its samples.
fn open_input(path: &Path) -> Result<(WavSpec, u32, Samples), String> {
    let fail = |cause: &dyn std::fmt::Display| format!("cannot read '{}': {cause}", path.display());
    let reader: WavReader<BufReader<File>> = WavReader::open(path).map_err(|e| fail(&e))?;
    let spec = reader.spec();
    if !(1..=2).contains(&spec.channels) {
        return Err(fail(&format_args!(
            "unsupported: {} channels (reads mono and stereo)",
            spec.channels
        )));
    }
    if !SAMPLE_RATE_HZ.contains(&spec.sample_rate) {
        return Err(fail(&format_args!(
            "unsupported sample rate {} Hz (must be {}..{} Hz)",
            spec.sample_rate,
            SAMPLE_RATE_HZ.start(),
            SAMPLE_RATE_HZ.end()
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
    let frames = reader.duration();
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

/// Where a render failed.
enum Failure {
    /// Reading the input.
    Read(hound::Error),
    /// Writing the output.
    Write(hound::Error),
}

/// What a render plays and how: the engine's parameters, the input's channels, the transport
/// and the processing block size (samples).
struct Setup<'a> {
    params: &'a EngineParams,
    channels: InputChannels,
    transport: Transport,
    block: usize,
}

/// Renders `input` to `output` as the flags say; on failure removes the unfinished output.
fn render(cli: &Cli, input: &Path, output: &Path) -> Result<(), String> {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(output))
        && a == b
    {
        return Err(format!(
            "'{}' is both input and output; choose another output file",
            output.display()
        ));
    }
    let is_scene = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let (sample_rate, input_frames, mut samples, params, channels) = if is_scene {
        let text = fs::read_to_string(input)
            .map_err(|e| format!("cannot read '{}': {e}", input.display()))?;
        let scene = tingle::scene::load(&text)
            .map_err(|e| format!("bad scene '{}': {e}", input.display()))?;
        let frames = (cli.duration * cli.sample_rate as f32).round() as u32;
        (
            cli.sample_rate,
            frames,
            silence(frames),
            scene.engine_params(),
            InputChannels::None,
        )
    } else {
        let (spec, frames, samples) = open_input(input)?;
        let channels = match spec.channels {
            1 => InputChannels::Mono,
            _ => InputChannels::Stereo,
        };
        (
            spec.sample_rate,
            frames,
            samples,
            cli.engine_params(),
            channels,
        )
    };
    let setup = Setup {
        params: &params,
        channels,
        transport: cli.transport(),
        block: cli.block_size as usize,
    };
    let tail_frames = (cli.tail * sample_rate as f32).round() as u64;
    let progress = if input_frames as f32 >= PROGRESS_MIN_S * sample_rate as f32 {
        let bar = ProgressBar::new(u64::from(input_frames) + tail_frames);
        if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let result = write_render(
        &setup,
        sample_rate,
        &mut samples,
        tail_frames,
        output,
        &progress,
    );
    progress.finish_and_clear();
    result.map_err(|failure| match failure {
        Failure::Read(e) => format!("cannot read '{}': {e}", input.display()),
        Failure::Write(e) => format!("cannot write '{}': {e}", output.display()),
    })
}

/// `frames` samples of silence: the input of a scene render.
fn silence(frames: u32) -> Samples {
    Box::new((0..frames).map(|_| Ok(0.0)))
}

/// Renders every variant of the requested families at every seed into `args.dir`.
fn gallery(args: &GalleryArgs) -> Result<(), String> {
    fs::create_dir_all(&args.dir)
        .map_err(|e| format!("cannot make '{}': {e}", args.dir.display()))?;
    let frames = (args.seconds * args.sample_rate as f32).round() as u32;
    let chosen = |id: &str| {
        args.family
            .as_deref()
            .is_none_or(|wanted| wanted.eq_ignore_ascii_case(id))
    };
    for (&family, id) in Family::ALL
        .iter()
        .zip(Family::IDS)
        .filter(|(_, id)| chosen(id))
    {
        for (variant, name) in family.info().variants.iter().enumerate() {
            for &seed in &args.seeds {
                let mut params = TingleParams::default().engine_params();
                params.seed = seed;
                let layer = &mut params.layers[0];
                layer.enabled = true;
                layer.family = family;
                layer.variant = variant;
                let setup = Setup {
                    params: &params,
                    channels: InputChannels::None,
                    transport: playing_from_start(DEFAULT_TEMPO_BPM),
                    block: GALLERY_BLOCK,
                };
                let slug = name.to_lowercase().replace(' ', "-");
                let path = args.dir.join(format!("{id}-{slug}-seed{seed}.wav"));
                write_render(
                    &setup,
                    args.sample_rate,
                    &mut silence(frames),
                    0,
                    &path,
                    &ProgressBar::hidden(),
                )
                .map_err(|failure| match failure {
                    Failure::Read(e) | Failure::Write(e) => {
                        format!("cannot write '{}': {e}", path.display())
                    }
                })?;
                println!("{}", path.display());
            }
        }
    }
    Ok(())
}

/// Runs the engine over `samples` (interleaved, as many channels as `setup.channels` has) and
/// then `tail_frames` of silence, writing a stereo float WAV at `sample_rate` to `output` and
/// counting frames on `progress`. On failure removes the unfinished output.
fn write_render(
    setup: &Setup,
    sample_rate: u32,
    samples: &mut Samples,
    tail_frames: u64,
    output: &Path,
    progress: &ProgressBar,
) -> Result<(), Failure> {
    let spec = WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: FLOAT_BITS,
        sample_format: SampleFormat::Float,
    };
    let writer = WavWriter::create(output, spec).map_err(Failure::Write)?;
    let result = stream(setup, sample_rate, samples, tail_frames, writer, progress);
    if result.is_err() {
        // Best effort: a half-written file is no use to anyone.
        let _ = fs::remove_file(output);
    }
    result
}

/// Runs the engine over the input samples and then `tail_frames` of silence, block by block,
/// writing to `writer` and counting frames on `progress`.
fn stream(
    setup: &Setup,
    sample_rate: u32,
    samples: &mut Samples,
    mut tail_frames: u64,
    mut writer: WavWriter<BufWriter<File>>,
    progress: &ProgressBar,
) -> Result<(), Failure> {
    let block = setup.block;
    let mut engine = Engine::new(sample_rate as f32, block);
    engine.set_params(setup.params);
    engine.set_transport(&setup.transport);
    engine.reset();
    let input_channels = match setup.channels {
        InputChannels::Stereo => 2,
        _ => 1,
    };

    let (mut left, mut right) = (vec![0.0f32; block], vec![0.0f32; block]);
    let mut input_ended = false;
    loop {
        let mut n = 0;
        if !input_ended {
            let mut buffers = [&mut left[..], &mut right[..]];
            n = read_block(samples, &mut buffers[..input_channels]).map_err(Failure::Read)?;
            input_ended = n < block;
        }
        if input_ended {
            let pad = (block - n).min(tail_frames as usize);
            left[n..n + pad].fill(0.0);
            right[n..n + pad].fill(0.0);
            tail_frames -= pad as u64;
            n += pad;
        }
        if n == 0 {
            return writer.finalize().map_err(Failure::Write);
        }
        engine.process(&mut left[..n], &mut right[..n], setup.channels);
        for (&l, &r) in left[..n].iter().zip(&right[..n]) {
            writer.write_sample(l).map_err(Failure::Write)?;
            writer.write_sample(r).map_err(Failure::Write)?;
        }
        progress.inc(n as u64);
    }
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
