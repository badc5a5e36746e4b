//! The process-wide cache of HRTF sets: the embedded KEMAR set, or a user's SOFA file, is
//! converted and rebuilt for a sample rate once per process, and every engine at that rate
//! shares the one read-only copy (reference counted). Never called on the audio thread: the
//! first call for a set at a rate builds it (tens of milliseconds for KEMAR, a second or so for
//! a SOFA file), later calls clone an [`Arc`].

use super::hrtf::HrtfSet;
use super::placer::placement_rate;
use super::sofa::{self, SofaError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// Sets kept even when no engine uses them (a host rarely switches between more rates and
/// sets); beyond this, sets no engine holds are dropped first.
const MAX_KEPT_SETS: usize = 8;

/// Which HRTF set to render with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HrtfChoice {
    /// The embedded MIT KEMAR set.
    Kemar,
    /// A SOFA file (SimpleFreeFieldHRIR) at this path.
    Sofa(PathBuf),
}

impl HrtfChoice {
    /// The choice a saved session's text stands for: empty for KEMAR, else the file's path.
    pub fn from_saved(text: &str) -> Self {
        if text.is_empty() {
            Self::Kemar
        } else {
            Self::Sofa(PathBuf::from(text))
        }
    }

    /// The text a session saves for this choice (see [`HrtfChoice::from_saved`]).
    pub fn to_saved(&self) -> String {
        match self {
            Self::Kemar => String::new(),
            Self::Sofa(path) => path.to_string_lossy().into_owned(),
        }
    }

    /// A short name for people: "KEMAR (built in)" or the file's name.
    pub fn name(&self) -> String {
        match self {
            Self::Kemar => "KEMAR (built in)".to_owned(),
            Self::Sofa(path) => path
                .file_name()
                .unwrap_or(path.as_os_str())
                .to_string_lossy()
                .into_owned(),
        }
    }
}

/// What a cached set was built from: the choice, and for a file its modification time (a file
/// replaced on disk is read again).
#[derive(Debug, Clone, PartialEq)]
struct Origin {
    choice: HrtfChoice,
    modified: Option<SystemTime>,
}

/// A cached set: its origin, its sample rate's `f32` bits, and the set.
type Entry = (Origin, u32, Arc<HrtfSet>);

/// Sets by origin and sample rate, in the order they were built.
static SETS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The KEMAR set for a session at `sample_rate` (Hz), at its placement rate
/// ([`placement_rate`]), built on the first call at that rate and shared after.
/// Takes a lock and may allocate and compute for tens of milliseconds: call from `activate()`.
pub fn kemar_at(sample_rate: f32) -> Arc<HrtfSet> {
    set_at(&HrtfChoice::Kemar, sample_rate).expect("the embedded set always builds")
}

/// The set `choice` stands for, for a session at `sample_rate` (Hz): at its placement rate
/// ([`placement_rate`]), with KEMAR's filter length at that rate
/// (so that one can replace the other in a running engine); built on the first call and shared
/// after. Fails, with the reason, for a SOFA file Tingle cannot use. Takes a lock and may
/// allocate and compute for a second or so: call from a background thread or `activate()`.
pub fn set_at(choice: &HrtfChoice, sample_rate: f32) -> Result<Arc<HrtfSet>, SofaError> {
    let sample_rate = placement_rate(sample_rate);
    // A panic while building leaves no half-built entry, so a poisoned list is still valid.
    let mut sets = SETS.lock().unwrap_or_else(PoisonError::into_inner);
    let path = match choice {
        HrtfChoice::Kemar => return Ok(kemar_locked(&mut sets, sample_rate)),
        HrtfChoice::Sofa(path) => path,
    };
    let origin = Origin {
        choice: choice.clone(),
        modified: modified(path),
    };
    if let Some(set) = cached(&sets, &origin, sample_rate) {
        return Ok(set);
    }
    let taps = kemar_locked(&mut sets, sample_rate).taps();
    let set = Arc::new(sofa::load(path)?.resampled(sample_rate).with_taps(taps));
    keep(&mut sets, (origin, sample_rate.to_bits(), set.clone()));
    Ok(set)
}

/// The KEMAR set at `sample_rate` (Hz), from `sets` or built (from the native set, itself
/// kept) and kept there.
fn kemar_locked(sets: &mut Vec<Entry>, sample_rate: f32) -> Arc<HrtfSet> {
    let origin = Origin {
        choice: HrtfChoice::Kemar,
        modified: None,
    };
    if let Some(set) = cached(sets, &origin, sample_rate) {
        return set;
    }
    let native = cached(sets, &origin, KEMAR_RATE).unwrap_or_else(|| {
        let native = Arc::new(HrtfSet::kemar());
        keep(sets, (origin.clone(), KEMAR_RATE.to_bits(), native.clone()));
        native
    });
    if sample_rate == KEMAR_RATE {
        return native;
    }
    let set = Arc::new(native.resampled(sample_rate));
    keep(sets, (origin, sample_rate.to_bits(), set.clone()));
    set
}

/// The set from `origin` at `sample_rate` (Hz), if cached.
fn cached(sets: &[Entry], origin: &Origin, sample_rate: f32) -> Option<Arc<HrtfSet>> {
    sets.iter()
        .find(|(o, r, _)| o == origin && *r == sample_rate.to_bits())
        .map(|(_, _, set)| set.clone())
}

/// Adds `entry` unless an equal one is cached, first dropping a set no engine holds when
/// [`MAX_KEPT_SETS`] are cached.
fn keep(sets: &mut Vec<Entry>, entry: Entry) {
    if sets.iter().any(|(o, r, _)| *o == entry.0 && *r == entry.1) {
        return;
    }
    // Worked out here, off the audio thread, for the room that reads it there.
    entry.2.diffuse_coherence();
    if sets.len() >= MAX_KEPT_SETS
        && let Some(unused) = sets
            .iter()
            .position(|(_, _, set)| Arc::strong_count(set) == 1)
    {
        sets.remove(unused);
    }
    sets.push(entry);
}

/// The native sample rate of the embedded KEMAR set (Hz).
const KEMAR_RATE: f32 = 44_100.0;

/// When the file at `path` was last modified, if it can be told.
fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two engines at one rate share one set; another rate gets its own, at that rate.
    #[test]
    fn one_set_per_rate_shared() {
        let a = kemar_at(48_000.0);
        let b = kemar_at(48_000.0);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.sample_rate(), 48_000.0);
        let c = kemar_at(KEMAR_RATE);
        assert_eq!(c.sample_rate(), KEMAR_RATE);
        assert!(Arc::ptr_eq(&c, &kemar_at(KEMAR_RATE)));
        assert_eq!(HrtfSet::kemar().taps(), c.taps());
    }

    /// A saved choice reads back as itself; KEMAR saves as nothing.
    #[test]
    fn choices_round_trip_through_saved_text() {
        let file = HrtfChoice::Sofa(PathBuf::from("/data/my head.sofa"));
        assert_eq!(HrtfChoice::from_saved(&file.to_saved()), file);
        assert_eq!(HrtfChoice::Kemar.to_saved(), "");
        assert_eq!(HrtfChoice::from_saved(""), HrtfChoice::Kemar);
        assert_eq!(file.name(), "my head.sofa");
    }
}
