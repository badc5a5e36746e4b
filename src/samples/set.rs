//! A layer's finished sound set: up to [`MAX_FILES`] clips, mono, normalised, at the session
//! rate, ready for the audio thread; and the report of every file that went into it.

use super::decode::{self, FileError, Problem};
use super::resample::resample;
use std::path::{Path, PathBuf};

/// Most files a layer plays.
pub const MAX_FILES: usize = 64;
/// Peak level (linear) every clip is normalised to: the level of the procedural families'
/// loudest hits, so a sample layer sits with them at the same layer level.
pub const PEAK: f32 = 0.5;
/// File name endings (lower case) a chosen folder is searched for.
pub const EXTENSIONS: [&str; 4] = ["wav", "flac", "ogg", "mp3"];

/// What became of one file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileReport {
    /// Loaded: its length (s), its channel count and its own sample rate (Hz).
    Loaded {
        /// The file.
        path: PathBuf,
        /// Length (s).
        seconds: f64,
        /// Channels in the file (summed to one source).
        channels: usize,
        /// The file's sample rate (Hz).
        sample_rate: u32,
    },
    /// Not loaded, and why.
    Failed(FileError),
}

/// The sounds a Sample layer plays: clips at one sample rate, each normalised to [`PEAK`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleSet {
    clips: Vec<Box<[f32]>>,
    sample_rate: f32,
}

impl SampleSet {
    /// A set of `clips` (mono, at `sample_rate` Hz), taken as they are (not normalised).
    pub fn from_clips(clips: Vec<Vec<f32>>, sample_rate: f32) -> Self {
        Self {
            clips: clips.into_iter().map(Vec::into_boxed_slice).collect(),
            sample_rate,
        }
    }

    /// Number of clips (0 ..= [`MAX_FILES`]).
    pub fn len(&self) -> usize {
        self.clips.len()
    }

    /// Whether the set holds no clip.
    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }

    /// Clip `index` (< [`SampleSet::len`]): mono samples at [`SampleSet::sample_rate`].
    pub fn clip(&self, index: usize) -> &[f32] {
        &self.clips[index]
    }

    /// The clips' sample rate (Hz).
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Loads `chosen` (files, or folders whose audio files are taken in name order; see
    /// [`list`]) at `sample_rate` (Hz): decodes, resamples and normalises each file. Returns
    /// the set of the files that loaded, a report per file in order, and a note if files were
    /// left out past [`MAX_FILES`]. Allocates and reads files: never on the audio thread.
    pub fn load(
        chosen: &[PathBuf],
        sample_rate: f32,
    ) -> (SampleSet, Vec<FileReport>, Option<String>) {
        let (files, left_out) = list(chosen);
        let mut set = SampleSet {
            clips: Vec::with_capacity(files.len()),
            sample_rate,
        };
        let reports = files
            .iter()
            .map(|path| match load_clip(path, sample_rate) {
                Ok((clip, report)) => {
                    set.clips.push(clip);
                    report
                }
                Err(error) => FileReport::Failed(error),
            })
            .collect();
        let note = (left_out > 0).then(|| {
            format!("{left_out} more files left out: a layer plays at most {MAX_FILES} files")
        });
        (set, reports, note)
    }
}

/// Loads `chosen` as [`SampleSet::load`] does, but fails at the first file that cannot be
/// used (or files left out past [`MAX_FILES`]), naming it: for offline renders, where a sound
/// left out silently would be a wrong render.
pub fn load_all(chosen: &[PathBuf], sample_rate: f32) -> Result<SampleSet, String> {
    let (set, reports, note) = SampleSet::load(chosen, sample_rate);
    if let Some(error) = reports.into_iter().find_map(|r| match r {
        FileReport::Failed(error) => Some(error),
        FileReport::Loaded { .. } => None,
    }) {
        return Err(error.to_string());
    }
    match note {
        Some(note) => Err(note),
        None => Ok(set),
    }
}

/// The files `chosen` stands for, in order: files as given, folders as their audio files
/// (by ending, see [`EXTENSIONS`]) in name order; at most [`MAX_FILES`] of them, and how many
/// more were left out. A folder that cannot be read stands for itself, so its error shows.
pub fn list(chosen: &[PathBuf]) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    for path in chosen {
        match std::fs::read_dir(path) {
            Ok(entries) if path.is_dir() => {
                let mut found: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && is_audio_name(p))
                    .collect();
                found.sort();
                files.extend(found);
            }
            _ => files.push(path.clone()),
        }
    }
    let left_out = files.len().saturating_sub(MAX_FILES);
    files.truncate(MAX_FILES);
    (files, left_out)
}

/// Whether `path`'s name ends like an audio file Tingle reads.
fn is_audio_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// One file decoded, resampled to `sample_rate` (Hz) and normalised to [`PEAK`].
fn load_clip(path: &Path, sample_rate: f32) -> Result<(Box<[f32]>, FileReport), FileError> {
    let decoded = decode::decode(path)?;
    let error = |problem| FileError {
        path: path.to_owned(),
        problem,
    };
    let mut samples = resample(
        &decoded.samples,
        decoded.sample_rate,
        sample_rate.round() as u32,
    )
    .map_err(|why| error(Problem::Resample(why)))?;
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak <= 0.0 || !peak.is_finite() {
        return Err(error(Problem::Silent));
    }
    let gain = PEAK / peak;
    for s in &mut samples {
        *s *= gain;
    }
    let report = FileReport::Loaded {
        path: path.to_owned(),
        seconds: decoded.seconds(),
        channels: decoded.channels,
        sample_rate: decoded.sample_rate,
    };
    Ok((samples.into_boxed_slice(), report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::testfiles::*;

    /// A folder gives its audio files in name order (other files ignored), each normalised to
    /// the peak and at the session rate; a broken file is reported and the rest load.
    #[test]
    fn a_folder_loads_its_audio_files_normalised_and_reports_the_broken() {
        let dir = folder("set");
        write_wav(
            &dir.join("b.wav"),
            44_100,
            1,
            &sine(300.0, 0.1, 0.5, 44_100),
        );
        write_flac(
            &dir.join("a.flac"),
            48_000,
            1,
            &sine(300.0, 0.9, 0.25, 48_000),
        );
        write_garbage(&dir.join("c.mp3"));
        std::fs::write(dir.join("notes.txt"), "not a sound").unwrap();
        let (set, reports, note) = SampleSet::load(std::slice::from_ref(&dir), 48_000.0);
        assert_eq!(note, None);
        assert_eq!(set.len(), 2);
        assert_eq!(reports.len(), 3);
        assert!(matches!(&reports[0], FileReport::Loaded { path, .. } if path.ends_with("a.flac")));
        assert!(matches!(
            &reports[1],
            FileReport::Loaded {
                sample_rate: 44_100,
                ..
            }
        ));
        assert!(matches!(&reports[2], FileReport::Failed(e) if e.problem == Problem::NotAudio));
        assert_eq!(set.clip(0).len(), 12_000);
        assert!((set.clip(1).len() as i64 - 24_000).abs() <= 2);
        for i in 0..2 {
            let peak = set.clip(i).iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!((peak - PEAK).abs() < 0.01 * PEAK, "clip {i} peak {peak}");
        }
    }

    /// Past 64 files, the rest are left out with a note saying so.
    #[test]
    fn at_most_sixty_four_files() {
        let dir = folder("many");
        let clip = sine(500.0, 0.5, 0.01, 48_000);
        for i in 0..MAX_FILES + 2 {
            write_wav(&dir.join(format!("{i:03}.wav")), 48_000, 1, &clip);
        }
        let (set, reports, note) = SampleSet::load(&[dir], 48_000.0);
        assert_eq!((set.len(), reports.len()), (MAX_FILES, MAX_FILES));
        assert!(note.unwrap().starts_with("2 more files left out"));
    }
}
