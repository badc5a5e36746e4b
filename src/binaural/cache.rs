//! The process-wide cache of HRTF sets: the embedded KEMAR set is parsed and rebuilt for a
//! sample rate once per process, and every engine at that rate shares the one read-only copy
//! (reference counted). Only activation (`Engine::new`) calls it, never the audio thread: the
//! first call at a rate builds the set (tens of milliseconds), later calls clone an [`Arc`].

use super::hrtf::HrtfSet;
use std::sync::{Arc, Mutex, PoisonError};

/// Sample rates whose sets are kept even when no engine uses them (a host rarely switches
/// between more); beyond this, sets no engine holds are dropped first.
const MAX_KEPT_RATES: usize = 8;

/// Sets by sample rate (the rate's `f32` bits), in the order they were built.
static SETS: Mutex<Vec<(u32, Arc<HrtfSet>)>> = Mutex::new(Vec::new());

/// The KEMAR set at `sample_rate` (Hz), built on the first call at that rate and shared after.
/// Takes a lock and may allocate and compute for tens of milliseconds: call from `activate()`.
pub fn kemar_at(sample_rate: f32) -> Arc<HrtfSet> {
    // A panic while building leaves no half-built entry, so a poisoned list is still valid.
    let mut sets = SETS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, set)) = sets.iter().find(|(rate, _)| *rate == sample_rate.to_bits()) {
        return set.clone();
    }
    let native = match sets.iter().find(|(_, set)| set.sample_rate() == KEMAR_RATE) {
        Some((_, set)) => set.clone(),
        None => Arc::new(HrtfSet::kemar()),
    };
    let set = if sample_rate == native.sample_rate() {
        native.clone()
    } else {
        Arc::new(native.resampled(sample_rate))
    };
    if sets.len() >= MAX_KEPT_RATES
        && let Some(unused) = sets.iter().position(|(_, set)| Arc::strong_count(set) == 1)
    {
        sets.remove(unused);
    }
    if !sets
        .iter()
        .any(|(rate, _)| *rate == native.sample_rate().to_bits())
    {
        sets.push((native.sample_rate().to_bits(), native));
    }
    if set.sample_rate() != KEMAR_RATE {
        sets.push((sample_rate.to_bits(), set.clone()));
    }
    set
}

/// The native sample rate of the embedded KEMAR set (Hz).
const KEMAR_RATE: f32 = 44_100.0;

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
}
