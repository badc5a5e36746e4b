//! A layer's hold on its sound sets, on the audio thread: the current set, the sets it
//! replaced (kept until no voice plays them any more, then handed back to be freed off the
//! audio thread), and which clip plays next. Nothing here allocates, locks or frees.

use super::loader::SampleInbox;
use super::set::SampleSet;
use crate::dsp::random::{RngExt, seeded};
use std::sync::Arc;

/// Replaced sets a layer can keep while voices still play them. A new set waits in its queue
/// while all are taken.
pub const RETIRED_SETS: usize = 4;

/// How each trigger picks its clip (the Sample family's variants, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Any clip but the one before (a set of one plays it every time).
    Random,
    /// The clips in order, round and round.
    RoundRobin,
}

impl Pick {
    /// The pick of variant `index` (see [`crate::triggers::sample::INFO`]).
    pub fn of_variant(index: usize) -> Pick {
        if index == 0 {
            Pick::Random
        } else {
            Pick::RoundRobin
        }
    }
}

/// A layer's sound sets.
#[derive(Debug, Default)]
pub struct SampleSlot {
    current: Option<Arc<SampleSet>>,
    retired: [Option<Arc<SampleSet>>; RETIRED_SETS],
    /// The clip picked last (none yet: `None`).
    last: Option<usize>,
}

impl SampleSlot {
    /// Whether a new set can be taken now (a place for the current one to retire to).
    pub fn can_take(&self) -> bool {
        self.current.is_none() || self.retired.iter().any(Option::is_none)
    }

    /// Makes `set` current; the old one retires (call only if [`SampleSlot::can_take`]).
    pub fn take(&mut self, set: Arc<SampleSet>) {
        if let Some(old) = self.current.replace(set)
            && let Some(place) = self.retired.iter_mut().find(|r| r.is_none())
        {
            *place = Some(old);
        }
        self.last = None;
    }

    /// Whether replaced sets are still held.
    pub fn has_retired(&self) -> bool {
        self.retired.iter().any(Option::is_some)
    }

    /// Hands every replaced set that nothing else holds to `returns` (to be freed off the
    /// audio thread); one that does not fit waits for the next call.
    pub fn hand_back(&mut self, returns: &mut SampleInbox) {
        for place in &mut self.retired {
            if place.as_ref().is_some_and(|s| Arc::strong_count(s) == 1)
                && returns.has_room_back()
                && let Some(set) = place.take()
            {
                returns.hand_back(set);
            }
        }
    }

    /// The set and the clip of the next trigger (`None` while there is no clip), picked as
    /// `pick` says with randomness from `seed`. The set is a new reference (no allocation).
    pub fn next(&mut self, pick: Pick, seed: u64) -> Option<(Arc<SampleSet>, usize)> {
        let set = self.current.as_ref().filter(|s| !s.is_empty())?;
        let n = set.len();
        let index = match (pick, self.last) {
            (Pick::RoundRobin, Some(last)) => (last + 1) % n,
            (Pick::RoundRobin, None) => 0,
            (Pick::Random, _) if n == 1 => 0,
            (Pick::Random, None) => seeded(seed).random_range(0..n),
            // One of the others: skip over the last.
            (Pick::Random, Some(last)) => {
                let other = seeded(seed).random_range(0..n - 1);
                if other >= last { other + 1 } else { other }
            }
        };
        self.last = Some(index);
        Some((set.clone(), index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::loader::sample_queue;

    /// A set of `n` one-sample clips.
    fn set(n: usize) -> Arc<SampleSet> {
        Arc::new(SampleSet::from_clips(vec![vec![0.5]; n], 48_000.0))
    }

    /// Random never repeats a clip at once and reaches every clip; round robin cycles.
    #[test]
    fn random_without_repeats_and_round_robin() {
        let mut slot = SampleSlot::default();
        assert!(slot.next(Pick::Random, 1).is_none(), "no set, no clip");
        slot.take(set(4));
        let mut seen = [0; 4];
        let mut last = None;
        for seed in 0..400 {
            let (_, clip) = slot.next(Pick::Random, seed).unwrap();
            assert_ne!(Some(clip), last, "an immediate repeat");
            seen[clip] += 1;
            last = Some(clip);
        }
        assert!(seen.iter().all(|&n| n > 70), "{seen:?}");
        slot.take(set(3));
        let order: Vec<usize> = (0..7)
            .map(|s| slot.next(Pick::RoundRobin, s).unwrap().1)
            .collect();
        assert_eq!(order, [0, 1, 2, 0, 1, 2, 0]);
    }

    /// A replaced set goes back only once nothing else holds it; while every retirement place
    /// is taken, no new set is taken.
    #[test]
    fn replaced_sets_go_back_once_unused() {
        let (mut loader, mut returns) = sample_queue();
        let mut slot = SampleSlot::default();
        let first = set(1);
        let first_weak = Arc::downgrade(&first);
        slot.take(first);
        let (playing, _) = slot.next(Pick::Random, 1).unwrap();
        slot.take(set(1));
        slot.hand_back(&mut returns);
        loader.drop_returned();
        assert!(first_weak.upgrade().is_some(), "a voice still plays it");
        drop(playing);
        slot.hand_back(&mut returns);
        assert!(
            first_weak.upgrade().is_some(),
            "on its way back, not freed here"
        );
        loader.drop_returned();
        assert!(first_weak.upgrade().is_none(), "freed by the loader's side");
        let held: Vec<_> = (0..RETIRED_SETS)
            .map(|_| {
                let (held, _) = slot.next(Pick::Random, 1).unwrap();
                slot.take(set(1));
                held
            })
            .collect();
        assert!(!slot.can_take(), "every place taken");
        let weak: Vec<_> = held.iter().map(Arc::downgrade).collect();
        drop(held);
        slot.hand_back(&mut returns);
        assert!(slot.can_take());
        loader.drop_returned();
        assert!(
            weak.iter().all(|w| w.upgrade().is_none()),
            "all handed back"
        );
    }
}
