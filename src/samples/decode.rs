//! Decoding one audio file (WAV, FLAC, OGG Vorbis, MP3, through `symphonia`) into mono `f32`
//! samples at the file's own rate, with every way a file can be unusable named in a clear
//! message.

use crate::ranges::{self, Range};
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Sample rates accepted (Hz), those Tingle runs at: anything outside is a broken header.
pub const SAMPLE_RATE_RANGE_HZ: Range<u32> = ranges::SAMPLE_RATE_HZ;
/// Longest file accepted (s): ten minutes.
pub const MAX_LENGTH_S: f64 = 600.0;

/// Why a file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// No file at that path.
    Missing,
    /// The file exists but could not be read (permissions, a folder, ...): the system's words.
    Unreadable(String),
    /// The file has no bytes.
    Empty,
    /// No supported audio format recognised.
    NotAudio,
    /// The file holds no audio track, or its codec is not supported: the decoder's words.
    Unsupported(String),
    /// The audio has no channels.
    NoChannels,
    /// The sample rate (Hz) is outside [`SAMPLE_RATE_RANGE_HZ`], or missing (0).
    SampleRate(u32),
    /// The sound is longer than [`MAX_LENGTH_S`] (its length in s).
    TooLong(f64),
    /// The file ends before the audio its header announces.
    Truncated,
    /// The audio data is damaged: the decoder's words.
    Damaged(String),
    /// The file decodes to no samples, or only to silence.
    Silent,
    /// Resampling to the session rate failed: the resampler's words.
    Resample(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => write!(f, "file not found"),
            Problem::Unreadable(why) => write!(f, "cannot be read ({why})"),
            Problem::Empty => write!(f, "the file is empty"),
            Problem::NotAudio => write!(
                f,
                "not an audio file Tingle can read (WAV, FLAC, OGG Vorbis or MP3)"
            ),
            Problem::Unsupported(why) => write!(f, "unsupported audio ({why})"),
            Problem::NoChannels => write!(f, "the audio has no channels"),
            Problem::SampleRate(rate) => write!(
                f,
                "sample rate {rate} Hz is outside {} .. {} Hz",
                SAMPLE_RATE_RANGE_HZ.min, SAMPLE_RATE_RANGE_HZ.max
            ),
            Problem::TooLong(seconds) => write!(
                f,
                "{:.0} s long; sounds may last at most {:.0} minutes",
                seconds,
                MAX_LENGTH_S / 60.0
            ),
            Problem::Truncated => write!(f, "the file is truncated (it ends early)"),
            Problem::Damaged(why) => write!(f, "the audio data is damaged ({why})"),
            Problem::Silent => write!(f, "the file holds no sound (only silence)"),
            Problem::Resample(why) => write!(f, "cannot be resampled ({why})"),
        }
    }
}

/// A file that cannot be used, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: Problem,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for FileError {}

/// A decoded file.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The sound, mono: the mean of the file's channels (a stereo file is one source; the mean
    /// keeps the level of sound common to both channels, and never clips).
    pub samples: Vec<f32>,
    /// The file's sample rate (Hz).
    pub sample_rate: u32,
    /// The file's channel count (>= 1).
    pub channels: usize,
}

impl Decoded {
    /// Length (s).
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate)
    }
}

/// Decodes the file at `path`, checking it on the way: a readable, non-empty audio file with
/// channels, a sample rate within [`SAMPLE_RATE_RANGE_HZ`], at most [`MAX_LENGTH_S`] long, as
/// long as its header says, and not silent. Allocates; never call on the audio thread.
pub fn decode(path: &Path) -> Result<Decoded, FileError> {
    decode_file(path).map_err(|problem| FileError {
        path: path.to_owned(),
        problem,
    })
}

/// [`decode`], with the problem alone.
fn decode_file(path: &Path) -> Result<Decoded, Problem> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Problem::Missing,
        _ => Problem::Unreadable(e.to_string()),
    })?;
    let metadata = file
        .metadata()
        .map_err(|e| Problem::Unreadable(e.to_string()))?;
    if metadata.is_dir() {
        return Err(Problem::Unreadable("it is a folder".into()));
    }
    if metadata.len() == 0 {
        return Err(Problem::Empty);
    }
    let mut hint = Hint::new();
    if let Some(extension) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(extension);
    }
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            // Too short for any header, or no format recognised.
            Error::Unsupported(_) | Error::IoError(_) => Problem::NotAudio,
            other => Problem::Damaged(other.to_string()),
        })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| Problem::Unsupported("no audio track".into()))?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| Problem::Unsupported("no audio codec".into()))?
        .clone();
    let announced_frames = track.num_frames;
    let track_id = track.id;
    let channels = params.channels.as_ref().map_or(0, |c| c.count());
    if channels == 0 {
        return Err(Problem::NoChannels);
    }
    let sample_rate = params.sample_rate.unwrap_or(0);
    if !SAMPLE_RATE_RANGE_HZ.contains(sample_rate) {
        return Err(Problem::SampleRate(sample_rate));
    }
    let max_frames = (MAX_LENGTH_S * f64::from(sample_rate)) as u64;
    let too_long = |frames: u64| Problem::TooLong(frames as f64 / f64::from(sample_rate));
    if let Some(frames) = announced_frames.filter(|&f| f > max_frames) {
        return Err(too_long(frames));
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| Problem::Unsupported(e.to_string()))?;

    let mut samples = Vec::new();
    let mut interleaved = Vec::new();
    let mut damage = None;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(Problem::Truncated);
            }
            Err(Error::ResetRequired) => break,
            Err(e) => return Err(Problem::Damaged(e.to_string())),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buffer = match decoder.decode(&packet) {
            Ok(buffer) => buffer,
            // A damaged packet is skipped, as players do; a file of nothing else fails below.
            Err(Error::DecodeError(why)) => {
                damage = Some(why);
                continue;
            }
            Err(e) => return Err(Problem::Damaged(e.to_string())),
        };
        let file_channels = buffer.spec().channels().count().max(1);
        interleaved.resize(buffer.samples_interleaved(), 0.0f32);
        buffer.copy_to_slice_interleaved(&mut interleaved[..]);
        let scale = 1.0 / file_channels as f32;
        samples.extend(
            interleaved
                .chunks_exact(file_channels)
                .map(|frame| frame.iter().sum::<f32>() * scale),
        );
        if samples.len() as u64 > max_frames {
            return Err(too_long(samples.len() as u64));
        }
    }
    if announced_frames.is_some_and(|frames| (samples.len() as u64) < frames) {
        return Err(Problem::Truncated);
    }
    if samples.is_empty() {
        return Err(damage.map_or(Problem::Silent, |why| Problem::Damaged(why.into())));
    }
    if samples.iter().all(|&s| s == 0.0) {
        return Err(Problem::Silent);
    }
    if samples.iter().any(|s| !s.is_finite()) {
        return Err(Problem::Damaged("samples that are not numbers".into()));
    }
    Ok(Decoded {
        samples,
        sample_rate,
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::testfiles::*;

    /// WAV and FLAC, mono and stereo, decode to the samples written (16-bit precision), stereo
    /// as the mean of its channels.
    #[test]
    fn wav_and_flac_decode_to_their_samples() {
        let dir = folder("decode");
        let mono = sine(440.0, 0.5, 0.5, 44_100);
        let stereo: Vec<f32> = mono.iter().flat_map(|&s| [s, 0.5 * s]).collect();
        let wav = dir.join("mono.wav");
        write_wav(&wav, 44_100, 1, &mono);
        let flac = dir.join("stereo.flac");
        write_flac(&flac, 44_100, 2, &stereo);
        let a = decode(&wav).unwrap();
        assert_eq!(
            (a.sample_rate, a.channels, a.samples.len()),
            (44_100, 1, mono.len())
        );
        let b = decode(&flac).unwrap();
        assert_eq!(
            (b.sample_rate, b.channels, b.samples.len()),
            (44_100, 2, mono.len())
        );
        let step = 1.0 / 32_767.0;
        for (i, m) in mono.iter().enumerate() {
            assert!((a.samples[i] - m).abs() <= step, "wav sample {i}");
            assert!((b.samples[i] - 0.75 * m).abs() <= step, "flac sample {i}");
        }
        assert!((b.seconds() - 0.5).abs() < 1e-6);
    }

    /// A broken file's name, how to write it, and its problem.
    type Case = (&'static str, fn(&Path), Problem);

    /// Each broken file gives its own message, naming the file.
    #[test]
    fn every_broken_file_gives_its_message() {
        let dir = folder("broken");
        let cases: [Case; 6] = [
            ("empty.wav", write_empty, Problem::Empty),
            ("garbage.wav", write_garbage, Problem::NotAudio),
            (
                "cut.wav",
                |p| write_truncated_wav(p, 0.5),
                Problem::Truncated,
            ),
            (
                "fast.wav",
                |p| write_wav_at_rate(p, 1_000_000),
                Problem::SampleRate(1_000_000),
            ),
            (
                "slow.wav",
                |p| write_wav_at_rate(p, 100),
                Problem::SampleRate(100),
            ),
            (
                "silent.wav",
                |p| write_wav(p, 48_000, 1, &[0.0; 4800]),
                Problem::Silent,
            ),
        ];
        for (name, write, problem) in cases {
            let path = dir.join(name);
            write(&path);
            let error = decode(&path).unwrap_err();
            assert_eq!(error.problem, problem, "{name}");
            let message = error.to_string();
            assert!(
                message.starts_with(&path.display().to_string()),
                "{message}"
            );
            assert!(
                message.len() > path.display().to_string().len() + 10,
                "{message}"
            );
        }
        let missing = decode(&dir.join("nowhere.wav")).unwrap_err();
        assert_eq!(missing.problem, Problem::Missing);
        let folder_error = decode(&dir).unwrap_err();
        assert!(matches!(folder_error.problem, Problem::Unreadable(_)));
    }

    /// A WAV header without channels is rejected (by the check, or by the reader refusing it;
    /// symphonia's WAV reader refuses it as damaged), and the message says it is the channels.
    #[test]
    fn a_file_without_channels_is_rejected() {
        let path = folder("channels").join("none.wav");
        write_wav_without_channels(&path);
        let error = decode(&path).unwrap_err();
        assert!(
            matches!(
                error.problem,
                Problem::NoChannels | Problem::NotAudio | Problem::Damaged(_)
            ),
            "{error}"
        );
        assert!(error.to_string().contains("channel"), "{error}");
    }

    /// A sound longer than ten minutes is refused (here 8 kHz mono, 10 min 1 s).
    #[test]
    fn a_sound_longer_than_ten_minutes_is_refused() {
        let path = folder("long").join("long.wav");
        let rate = SAMPLE_RATE_RANGE_HZ.min;
        let frames = ((MAX_LENGTH_S + 1.0) * f64::from(rate)) as usize;
        let mut samples = vec![0.0; frames];
        samples[0] = 0.5;
        write_wav(&path, rate, 1, &samples);
        let problem = decode(&path).unwrap_err().problem;
        // The file is 9.6 MB: not left behind.
        let _ = std::fs::remove_file(&path);
        match problem {
            Problem::TooLong(seconds) => assert!((seconds - 601.0).abs() < 0.01, "{seconds}"),
            other => panic!("{other:?}"),
        }
    }
}
