//! A folder of SOFA files as the candidate sets of an ear match: every `*.sofa` file in it,
//! loaded in name order; a file that cannot be used is reported, not fatal.

use super::session::MIN_SETS;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::sofa::{self, SofaError};
use std::fmt;
use std::path::Path;

/// The file name extension of SOFA files (matched regardless of case).
const SOFA_EXTENSION: &str = "sofa";

/// The sets a folder gave.
#[derive(Debug, Clone)]
pub struct Candidates {
    /// File name and set of every file that loaded, in name order.
    pub sets: Vec<(String, HrtfSet)>,
    /// File name and reason of every `*.sofa` file that did not, in name order.
    pub failures: Vec<(String, SofaError)>,
}

/// Why a folder gives no ear match.
#[derive(Debug, Clone, PartialEq)]
pub enum FolderError {
    /// The folder cannot be listed (the system's reason).
    Unreadable(String),
    /// Fewer than [`MIN_SETS`] files loaded: how many did, and why the others did not (file
    /// name and reason each).
    TooFewSets {
        /// Sets that loaded.
        loaded: usize,
        /// File name and reason of every `*.sofa` file that did not load.
        failures: Vec<(String, SofaError)>,
    },
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(why) => write!(f, "the folder cannot be read ({why})"),
            Self::TooFewSets { loaded, failures } => {
                write!(
                    f,
                    "the ear match needs at least {MIN_SETS} usable SOFA files, the folder has \
                     {loaded}"
                )?;
                for (name, why) in failures {
                    write!(f, "; {name}: {why}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for FolderError {}

/// Loads every `*.sofa` file in `folder` (not its subfolders), sorted by file name, with
/// [`sofa::load`], telling `progress` (files done, files in all) before the first file and
/// after each. Takes about a second per file: call it off the audio and UI threads. Fails if
/// the folder cannot be listed or fewer than [`MIN_SETS`] files load.
pub fn load(
    folder: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Candidates, FolderError> {
    let entries = std::fs::read_dir(folder).map_err(|e| FolderError::Unreadable(e.to_string()))?;
    let mut files: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(SOFA_EXTENSION))
        })
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (name, path)
        })
        .collect();
    files.sort();
    let mut candidates = Candidates {
        sets: Vec::new(),
        failures: Vec::new(),
    };
    let total = files.len();
    progress(0, total);
    for (done, (name, path)) in files.into_iter().enumerate() {
        match sofa::load(&path) {
            Ok(set) => candidates.sets.push((name, set)),
            Err(why) => candidates.failures.push((name, why)),
        }
        progress(done + 1, total);
    }
    if candidates.sets.len() < MIN_SETS {
        return Err(FolderError::TooFewSets {
            loaded: candidates.sets.len(),
            failures: candidates.failures,
        });
    }
    Ok(candidates)
}
