//! The placers an instance's layers share. Only a trigger that sounds somewhere of its own
//! (scattered, or still where it was born while its layer moves) needs a placer and a room
//! emitter; the voice budget bounds how many sound at once, so an instance keeps a pool sized
//! for that bound instead of one pair per voice slot of every layer.

use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::{Placer, placement_factor};
use crate::room::Emitter;
use std::sync::Arc;

/// A placer and the room emitter beside it: what places one trigger.
#[derive(Debug, Clone)]
pub struct PlacerSlot {
    /// Places the trigger binaurally.
    pub placer: Placer,
    /// Sends it into the room from where it sounds.
    pub emitter: Emitter,
}

/// A pool of [`PlacerSlot`]s handed out to the voices that need one. Allocates only in
/// [`Placers::new`] and [`Placers::grow_to`].
#[derive(Debug)]
pub struct Placers {
    slots: Vec<PlacerSlot>,
    /// Indices of the free slots (a stack, its capacity the pool's size: never grows).
    free: Vec<usize>,
    /// Triggers that asked for a slot when none was free, since the pool was made.
    shortfalls: u64,
    sample_rate: f32,
}

impl Placers {
    /// `count` free slots in a session at `sample_rate` (Hz) placing with `hrtf` (at the
    /// placement rate: see [`Placer::new`]). Allocates.
    pub fn new(count: usize, hrtf: &Arc<HrtfSet>, sample_rate: f32) -> Self {
        let mut placers = Self {
            slots: Vec::new(),
            free: Vec::new(),
            shortfalls: 0,
            sample_rate,
        };
        placers.grow_to(count, hrtf);
        placers
    }

    /// Makes the pool `count` slots large if it is smaller (new slots place with `hrtf`).
    /// Allocates: never on the audio thread.
    pub fn grow_to(&mut self, count: usize, hrtf: &Arc<HrtfSet>) {
        if count <= self.slots.len() {
            return;
        }
        let slot = PlacerSlot {
            placer: Placer::new(hrtf.clone(), self.sample_rate),
            emitter: Emitter::new(placement_factor(self.sample_rate)),
        };
        self.free.reserve_exact(count - self.free.len());
        self.free.extend(self.slots.len()..count);
        self.slots.resize(count, slot);
    }

    /// Slots handed out now.
    pub fn in_use(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Triggers that found no free slot (and sounded where their layer is instead) since the
    /// pool was made.
    pub fn shortfalls(&self) -> u64 {
        self.shortfalls
    }

    /// Every slot's placer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        for slot in &mut self.slots {
            slot.placer.set_hrtf(hrtf);
        }
    }

    /// A free slot, emptied, for a new trigger (`None`, counted, if every slot is in use).
    pub fn claim(&mut self) -> Option<usize> {
        let Some(index) = self.free.pop() else {
            self.shortfalls += 1;
            return None;
        };
        self.empty(index);
        Some(index)
    }

    /// Empties slot `index` (its placer and emitter forget their signal) for a new trigger.
    pub fn empty(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        slot.placer.reset();
        slot.emitter.reset();
    }

    /// Gives slot `index`, claimed before, back to the pool.
    pub fn give_back(&mut self, index: usize) {
        debug_assert!(!self.free.contains(&index), "slot {index} given back twice");
        // Within capacity: every index is in the stack at most once.
        self.free.push(index);
    }

    /// Slot `index`.
    pub fn slot(&mut self, index: usize) -> &mut PlacerSlot {
        &mut self.slots[index]
    }

    /// Samples a placer rings on after its input ends (the same for every slot).
    pub fn tail_len(&self) -> usize {
        self.slots.first().map_or(0, |s| s.placer.tail_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binaural::cache;

    /// Slots are handed out until none is left, then counted as shortfalls; a slot given back
    /// is handed out again; growing adds free slots and keeps the ones in use.
    #[test]
    fn hands_out_gives_back_and_grows() {
        let hrtf = cache::kemar_at(48_000.0);
        let mut placers = Placers::new(3, &hrtf, 48_000.0);
        let claimed: Vec<usize> = (0..3).filter_map(|_| placers.claim()).collect();
        assert_eq!(claimed.len(), 3);
        assert_eq!(placers.in_use(), 3);
        assert_eq!(placers.claim(), None);
        assert_eq!(placers.shortfalls(), 1);
        placers.give_back(claimed[1]);
        assert_eq!(placers.claim(), Some(claimed[1]));
        placers.grow_to(5, &hrtf);
        assert_eq!(placers.in_use(), 3);
        assert!(placers.claim().is_some() && placers.claim().is_some());
        assert_eq!(placers.in_use(), 5);
        assert_eq!(placers.claim(), None);
        assert_eq!(placers.shortfalls(), 2);
    }
}
