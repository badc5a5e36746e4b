//! The rendered file: a 32-bit float WAV or a 24-bit FLAC, chosen by the output's extension,
//! written block by block so that an hour-long render never sits in memory.

use flacenc::bitsink::MemSink;
use flacenc::component::{BitRepr, Stream};
use flacenc::config;
use flacenc::error::{Verified, Verify};
use flacenc::source::{Context, Fill, FrameBuf};
use hound::{SampleFormat, WavSpec, WavWriter};
use std::fmt::Display;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

/// Channels of every rendered file (stereo).
pub const CHANNELS: u16 = 2;
/// Sample size of a WAV render (bits, float).
pub const WAV_BITS: u16 = 32;
/// Sample size of a FLAC render (bits, integer).
const FLAC_BITS: usize = 24;
/// Bytes of one FLAC sample as fed to the encoder (little-endian).
const FLAC_SAMPLE_BYTES: usize = FLAC_BITS / 8;
/// Full scale of a FLAC sample: 2^(bits - 1).
const FLAC_FULL_SCALE: f32 = (1 << (FLAC_BITS - 1)) as f32;
/// Frames per FLAC block (the reference encoder's default at 44.1 and 48 kHz).
const FLAC_BLOCK: usize = 4096;
/// Bits a FLAC frame's header and footer take at most (frame header, subframe headers,
/// padding and CRC), on top of its samples.
const FLAC_FRAME_OVERHEAD_BITS: usize = 256;
/// Room left for a WAV's header chunks below the 4 GiB size limit (bytes).
const WAV_HEADER_ROOM: u64 = 1024;

/// A rendered file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Stereo 32-bit float WAV (`.wav`).
    Wav,
    /// Stereo 24-bit integer FLAC (`.flac`), samples rounded and clipped to full scale.
    Flac,
}

impl Format {
    /// The format `path`'s extension names, in any letter case.
    pub fn of(path: &Path) -> Result<Self, String> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if extension.eq_ignore_ascii_case("wav") {
            Ok(Self::Wav)
        } else if extension.eq_ignore_ascii_case("flac") {
            Ok(Self::Flac)
        } else {
            Err(format!(
                "'{}': unknown output format '.{extension}' (writes .wav or .flac)",
                path.display()
            ))
        }
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Wav => "WAV",
            Self::Flac => "FLAC",
        }
    }

    /// The most frames a file of this format holds: a WAV's size is a 32-bit number of bytes,
    /// a FLAC's length a 36-bit number of frames.
    pub fn max_frames(self) -> u64 {
        match self {
            Self::Wav => {
                (u64::from(u32::MAX) - WAV_HEADER_ROOM) / u64::from(CHANNELS * WAV_BITS / 8)
            }
            Self::Flac => (1 << 36) - 1,
        }
    }
}

/// A file being written, one block at a time.
pub enum Writer {
    /// A float WAV.
    Wav(WavWriter<BufWriter<File>>),
    /// A FLAC stream.
    Flac(Box<FlacWriter>),
}

impl Writer {
    /// Creates `path` for stereo audio at `sample_rate` (Hz) in `format`.
    pub fn create(path: &Path, format: Format, sample_rate: u32) -> Result<Self, String> {
        match format {
            Format::Wav => {
                let spec = WavSpec {
                    channels: CHANNELS,
                    sample_rate,
                    bits_per_sample: WAV_BITS,
                    sample_format: SampleFormat::Float,
                };
                WavWriter::create(path, spec).map(Self::Wav).map_err(text)
            }
            Format::Flac => FlacWriter::create(path, sample_rate).map(|w| Self::Flac(Box::new(w))),
        }
    }

    /// Appends a block of stereo frames.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> Result<(), String> {
        match self {
            Self::Wav(writer) => left.iter().zip(right).try_for_each(|(&l, &r)| {
                writer.write_sample(l)?;
                writer.write_sample(r)
            }),
            Self::Flac(writer) => return writer.write(left, right),
        }
        .map_err(text)
    }

    /// Completes the file: its header gets the final length.
    pub fn finish(self) -> Result<(), String> {
        match self {
            Self::Wav(writer) => writer.finalize().map_err(text),
            Self::Flac(writer) => writer.finish(),
        }
    }
}

/// An error's message.
fn text(error: impl Display) -> String {
    error.to_string()
}

/// A FLAC stream encoded frame by frame as the audio arrives: the file starts with a
/// placeholder STREAMINFO block, which [`FlacWriter::finish`] overwrites with the final length,
/// frame sizes and MD5 signature. Memory use is one block, whatever the length.
pub struct FlacWriter {
    file: BufWriter<File>,
    /// The encoder's configuration: fixed predictors.
    config: Verified<config::Encoder>,
    /// A configuration that stores samples verbatim (with stereo decorrelation): the fallback
    /// for a frame the default one encodes larger than its raw samples.
    verbatim: Verified<config::Encoder>,
    /// The stream's header: its STREAMINFO and no frames.
    header: Stream,
    /// The block being encoded, per channel.
    block: FrameBuf,
    /// Running frame count and MD5 signature of the samples.
    context: Context,
    /// Interleaved little-endian samples of the block being collected.
    pending: Vec<u8>,
    /// One encoded frame.
    bytes: MemSink<u8>,
}

impl FlacWriter {
    /// Creates `path` for a stereo 24-bit stream at `sample_rate` (Hz).
    fn create(path: &Path, sample_rate: u32) -> Result<Self, String> {
        // The frame encoder takes its block size from the frame buffer, not from the config.
        let verify = |config: config::Encoder| config.into_verified().map_err(|(_, e)| text(e));
        // Fixed predictors only, like `flac -1`: for a minute of a dense scene the LPC search
        // costs a third of the render on top (0.5 s instead of 0.17 s) for files 11 % smaller.
        let mut fixed = config::Encoder::default();
        fixed.subframe_coding.use_lpc = false;
        let mut verbatim = fixed.clone();
        verbatim.subframe_coding.use_fixed = false;
        let channels = usize::from(CHANNELS);
        let mut writer = Self {
            file: BufWriter::new(File::create(path).map_err(text)?),
            config: verify(fixed)?,
            verbatim: verify(verbatim)?,
            header: Stream::new(sample_rate as usize, channels, FLAC_BITS).map_err(text)?,
            block: FrameBuf::with_size(channels, FLAC_BLOCK).map_err(text)?,
            context: Context::new(FLAC_BITS, channels),
            pending: Vec::with_capacity(FLAC_BLOCK * channels * FLAC_SAMPLE_BYTES),
            bytes: MemSink::new(),
        };
        writer.write_header()?;
        Ok(writer)
    }

    /// Appends a block of stereo frames, encoding every full FLAC block.
    fn write(&mut self, left: &[f32], right: &[f32]) -> Result<(), String> {
        let block_bytes = self.pending.capacity();
        for (&l, &r) in left.iter().zip(right) {
            for sample in [l, r] {
                let bytes = quantize(sample).to_le_bytes();
                self.pending.extend_from_slice(&bytes[..FLAC_SAMPLE_BYTES]);
            }
            if self.pending.len() == block_bytes {
                self.encode_pending()?;
            }
        }
        Ok(())
    }

    /// Encodes the collected samples as one frame and writes it.
    ///
    /// flacenc 0.5.1 can pick a Rice parameter of 0 for a partition of large residuals (its bit
    /// count overflows after a sharp transient near full scale), which makes a frame thousands
    /// of times larger than its samples; such a frame is encoded again verbatim.
    fn encode_pending(&mut self) -> Result<(), String> {
        (&mut self.block, &mut self.context)
            .fill_le_bytes(&self.pending, FLAC_SAMPLE_BYTES)
            .map_err(text)?;
        self.pending.clear();
        let number = self.context.current_frame_number().unwrap_or_default();
        let encode = |config| {
            flacenc::encode_fixed_size_frame(config, &self.block, number, self.header.stream_info())
                .map_err(text)
        };
        let mut frame = encode(&self.config)?;
        // Verbatim: every sample at full size, one bit more in a side channel.
        let verbatim_bits = self.block.filled_size() * usize::from(CHANNELS) * (FLAC_BITS + 1)
            + FLAC_FRAME_OVERHEAD_BITS;
        if frame.count_bits() > verbatim_bits {
            frame = encode(&self.verbatim)?;
        }
        self.header.stream_info_mut().update_frame_info(&frame);
        self.bytes.clear();
        frame.write(&mut self.bytes).map_err(text)?;
        self.file.write_all(self.bytes.as_slice()).map_err(text)
    }

    /// Writes `fLaC` and the STREAMINFO block at the current position.
    fn write_header(&mut self) -> Result<(), String> {
        self.bytes.clear();
        self.header.write(&mut self.bytes).map_err(text)?;
        self.file.write_all(self.bytes.as_slice()).map_err(text)
    }

    /// Encodes the last, shorter block and completes the header.
    fn finish(mut self) -> Result<(), String> {
        if !self.pending.is_empty() {
            self.encode_pending()?;
        }
        let digest = self.context.md5_digest();
        let info = self.header.stream_info_mut();
        info.set_md5_digest(&digest);
        // Every block but the last is full: the stream has a fixed block size.
        info.set_block_sizes(FLAC_BLOCK, FLAC_BLOCK).map_err(text)?;
        self.file.seek(SeekFrom::Start(0)).map_err(text)?;
        self.write_header()?;
        self.file.flush().map_err(text)
    }
}

/// A float sample as a 24-bit integer, rounded and clipped to full scale.
fn quantize(sample: f32) -> i32 {
    (sample * FLAC_FULL_SCALE)
        .round()
        .clamp(-FLAC_FULL_SCALE, FLAC_FULL_SCALE - 1.0) as i32
}
