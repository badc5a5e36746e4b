//! Small audio files for tests and examples: WAV and FLAC files made from samples, and the
//! broken files a loader must reject (empty, truncated, garbage, absurd headers), written into
//! a fresh folder under the system's temporary directory.

use flacenc::bitsink::MemSink;
use flacenc::component::BitRepr;
use flacenc::config;
use flacenc::error::Verify;
use flacenc::source::MemSource;
use hound::{SampleFormat, WavSpec, WavWriter};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bits per sample of the files written (16-bit integer, the commonest).
const BITS: u16 = 16;
/// Full scale of a 16-bit sample.
const FULL_SCALE: f32 = 32_767.0;
/// Most frames per FLAC block (the reference encoder's default).
const FLAC_BLOCK: usize = 4096;
/// Fewest frames per FLAC block the format allows.
const FLAC_MIN_BLOCK: usize = 16;
/// Byte offset of a WAV's channel count (RIFF header 12 bytes, `fmt ` chunk header 8, format
/// tag 2).
const WAV_CHANNELS_OFFSET: usize = 22;

/// Folders made so far by this process (to keep their names apart).
static FOLDERS: AtomicUsize = AtomicUsize::new(0);

/// A new, empty folder for `name`'s files, unique to this process and call.
pub fn folder(name: &str) -> PathBuf {
    let n = FOLDERS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tingle-{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// `seconds` of a sine of `hz` (Hz) at `amplitude` (linear) and `rate` (Hz), mono.
pub fn sine(hz: f32, amplitude: f32, seconds: f32, rate: u32) -> Vec<f32> {
    let n = (seconds * rate as f32) as usize;
    (0..n)
        .map(|i| amplitude * (std::f32::consts::TAU * hz * i as f32 / rate as f32).sin())
        .collect()
}

/// 16-bit integer of a sample (clipped to full scale).
fn quantised(sample: f32) -> i32 {
    (sample.clamp(-1.0, 1.0) * FULL_SCALE).round() as i32
}

/// Writes `interleaved` samples (`channels` per frame) at `rate` (Hz) as a 16-bit WAV.
pub fn write_wav(path: &Path, rate: u32, channels: u16, interleaved: &[f32]) {
    let spec = WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: BITS,
        sample_format: SampleFormat::Int,
    };
    let mut writer = WavWriter::create(path, spec).expect("wav");
    for &s in interleaved {
        writer.write_sample(quantised(s) as i16).expect("sample");
    }
    writer.finalize().expect("wav");
}

/// Writes `interleaved` samples (`channels` per frame) at `rate` (Hz) as a 16-bit FLAC. Its
/// blocks are all of one size (the largest that divides the length, up to 4096 frames), as
/// `symphonia` 0.6 stops reading a `flacenc` stream whose header gives a smallest block
/// unlike its largest (as it does for a shorter last block).
pub fn write_flac(path: &Path, rate: u32, channels: usize, interleaved: &[f32]) {
    let ints: Vec<i32> = interleaved.iter().map(|&s| quantised(s)).collect();
    let frames = ints.len() / channels;
    let block = (FLAC_MIN_BLOCK..=FLAC_BLOCK)
        .rev()
        .find(|&b| frames.is_multiple_of(b))
        .unwrap_or(FLAC_BLOCK);
    let source = MemSource::from_samples(&ints, channels, usize::from(BITS), rate as usize);
    let config = config::Encoder::default().into_verified().expect("config");
    let stream = flacenc::encode_with_fixed_block_size(&config, source, block).expect("encode");
    let mut sink = MemSink::<u8>::with_capacity(stream.count_bits());
    stream.write(&mut sink).expect("flac");
    fs::write(path, sink.as_slice()).expect("flac");
}

/// An empty file.
pub fn write_empty(path: &Path) {
    fs::write(path, []).expect("empty");
}

/// A file of bytes that are no audio format.
pub fn write_garbage(path: &Path) {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(path, bytes).expect("garbage");
}

/// A WAV of a second of sine at 48 kHz cut to `keep` of its bytes (0..1).
pub fn write_truncated_wav(path: &Path, keep: f32) {
    write_wav(path, 48_000, 1, &sine(440.0, 0.5, 1.0, 48_000));
    let bytes = fs::read(path).expect("wav");
    let cut = (bytes.len() as f32 * keep) as usize;
    fs::write(path, &bytes[..cut]).expect("truncated");
}

/// A WAV whose header claims a sample rate of `rate` (Hz).
pub fn write_wav_at_rate(path: &Path, rate: u32) {
    write_wav(path, rate, 1, &sine(440.0, 0.5, 0.1, 48_000));
}

/// A WAV whose header claims no channels.
pub fn write_wav_without_channels(path: &Path) {
    write_wav(path, 48_000, 1, &sine(440.0, 0.5, 0.1, 48_000));
    let mut bytes = fs::read(path).expect("wav");
    bytes[WAV_CHANNELS_OFFSET] = 0;
    bytes[WAV_CHANNELS_OFFSET + 1] = 0;
    fs::write(path, bytes).expect("wav");
}
