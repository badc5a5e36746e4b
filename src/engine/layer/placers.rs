//! The placers an instance's layers share. Only a trigger that sounds somewhere of its own
//! (scattered, or still where it was born while its layer moves) needs a placer and a room
//! emitter; the voice budget bounds how many sound at once, so an instance keeps a pool sized
//! for that bound instead of one pair per voice slot of every layer. Triggers of one layer
//! born at nearly the same place (within [`SAME_PLACE_DEG`] and [`SAME_PLACE_DISTANCE`]) share
//! one placer: their sounds are mixed and placed once, where the first of them sounds.

use super::path::Path;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::{Placer, placement_factor};
use crate::binaural::{Offset, Position};
use crate::engine::LAYERS;
use crate::head::{Anchor, HeadTrack};
use crate::room::{Emitter, RoomFeed};
use std::sync::Arc;

/// Two triggers of a layer sound at nearly the same place when their azimuths and elevations
/// differ by at most this (degrees): under the HRTF set's 5-degree grid and about the
/// smallest change of direction a listener hears (2-3 degrees ahead, more to the sides).
pub const SAME_PLACE_DEG: f32 = 2.0;
/// ... and their distances differ by at most this share (a 0.4 dB change of level).
pub const SAME_PLACE_DISTANCE: f32 = 0.05;

/// Where a trigger placed by a placer of its own (or shared with triggers of its place)
/// sounds.
#[derive(Debug, Clone, Copy)]
pub enum OwnSpot {
    /// Where it was born, for as long as it sounds.
    Still(Position),
    /// At this offset from the layer, following the layer's glides and motion.
    Following(Offset),
}

/// A placer and the room emitter beside it: what places the triggers of one place.
#[derive(Debug, Clone)]
pub struct PlacerSlot {
    /// Places the triggers binaurally.
    placer: Placer,
    /// Sends them into the room from where they sound.
    emitter: Emitter,
    /// The block's sound of the triggers it places, mixed (mono; as long as the longest
    /// block).
    mix: Vec<f32>,
    /// First sample of the block that `mix` holds sound from (`usize::MAX` when none).
    from: usize,
    /// Layer whose triggers it places.
    layer: usize,
    /// Where they sound.
    spot: OwnSpot,
    /// Triggers it places now (0 once they have ended: it rings out).
    users: usize,
    /// Samples of its tail left to ring out once its triggers have ended.
    tail_left: usize,
    /// Whether it is handed out (placing triggers or ringing out).
    in_use: bool,
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
    /// Triggers that joined a slot already placing a trigger of their place, since the pool
    /// was made.
    joins: u64,
    /// Slots handed out to each layer (so that a layer with none skips the pool).
    per_layer: [usize; LAYERS],
    /// Whether triggers of one place share a slot (under the voice budget).
    sharing: bool,
    sample_rate: f32,
    /// Longest block (samples) the slots mix.
    max_block: usize,
}

/// Whether two directions and distances are nearly the same place (see [`SAME_PLACE_DEG`]).
fn near(a: (f32, f32, f32), b: (f32, f32, f32)) -> bool {
    let azimuth = (a.0 - b.0 + 180.0).rem_euclid(360.0) - 180.0;
    azimuth.abs() <= SAME_PLACE_DEG
        && (a.1 - b.1).abs() <= SAME_PLACE_DEG
        && (a.2 / b.2 - 1.0).abs() <= SAME_PLACE_DISTANCE
}

/// Whether triggers at `a` and `b` sound at nearly the same place for as long as they sound:
/// both still at nearly the same position, or both following the layer at nearly the same
/// offset.
fn same_place(a: &OwnSpot, b: &OwnSpot) -> bool {
    let position = |p: &Position| (p.azimuth_deg, p.elevation_deg, p.distance_m);
    let offset = |o: &Offset| (o.azimuth_deg, o.elevation_deg, o.distance_factor);
    match (a, b) {
        (OwnSpot::Still(a), OwnSpot::Still(b)) => near(position(a), position(b)),
        (OwnSpot::Following(a), OwnSpot::Following(b)) => near(offset(a), offset(b)),
        _ => false,
    }
}

impl Placers {
    /// `count` free slots in a session at `sample_rate` (Hz) placing with `hrtf` (at the
    /// placement rate: see [`Placer::new`]) in blocks of at most `max_block` samples.
    /// Allocates.
    pub fn new(count: usize, hrtf: &Arc<HrtfSet>, sample_rate: f32, max_block: usize) -> Self {
        let mut placers = Self {
            slots: Vec::new(),
            free: Vec::new(),
            shortfalls: 0,
            joins: 0,
            per_layer: [0; LAYERS],
            sharing: true,
            sample_rate,
            max_block,
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
            mix: vec![0.0; self.max_block],
            from: usize::MAX,
            layer: 0,
            spot: OwnSpot::Still(Position::default()),
            users: 0,
            tail_left: 0,
            in_use: false,
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

    /// Triggers that joined a slot already placing a trigger of their place (see
    /// [`SAME_PLACE_DEG`]) since the pool was made.
    pub fn joins(&self) -> u64 {
        self.joins
    }

    /// Whether triggers of one layer born at nearly the same place share a slot (on by
    /// default; off only for the voice budget's reference, see
    /// [`crate::engine::Engine::set_voice_budget`]).
    pub fn set_sharing(&mut self, on: bool) {
        self.sharing = on;
    }

    /// A slot to place a new trigger of `layer` sounding at `spot`: the slot of one of the
    /// layer's triggers at nearly the same place if there is one (the newcomer joins it), else
    /// a free one, emptied (`None`, counted, if every slot is in use).
    pub fn seat(&mut self, layer: usize, spot: OwnSpot) -> Option<usize> {
        let sharing = self.slots.iter().position(|s| {
            self.sharing && s.in_use && s.layer == layer && same_place(&s.spot, &spot)
        });
        if let Some(index) = sharing {
            self.joins += 1;
            let slot = &mut self.slots[index];
            if slot.users == 0 {
                // It was ringing out: it goes on placing from the block's start, not from
                // where the newcomer starts, so its tail keeps its time.
                slot.from = 0;
            }
            slot.users += 1;
            return Some(index);
        }
        let Some(index) = self.free.pop() else {
            self.shortfalls += 1;
            return None;
        };
        let slot = &mut self.slots[index];
        slot.placer.reset();
        slot.emitter.reset();
        slot.mix.fill(0.0);
        slot.from = usize::MAX;
        slot.layer = layer;
        slot.spot = spot;
        slot.users = 1;
        slot.tail_left = 0;
        slot.in_use = true;
        self.per_layer[layer] += 1;
        Some(index)
    }

    /// Adds `mono`, a trigger's sound from `start` samples into the block, to what slot
    /// `index` places this block.
    pub fn add(&mut self, index: usize, start: usize, mono: &[f32]) {
        let slot = &mut self.slots[index];
        for (m, x) in slot.mix[start..start + mono.len()].iter_mut().zip(mono) {
            *m += x;
        }
        slot.from = slot.from.min(start);
    }

    /// A trigger slot `index` placed has ended: once none is left, its placer rings out.
    pub fn leave(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        slot.users = slot.users.saturating_sub(1);
        if slot.users == 0 {
            slot.tail_left = slot.placer.tail_len();
        }
    }

    /// Whether any slot places or rings out for `layer`.
    pub fn sounding(&self, layer: usize) -> bool {
        self.per_layer[layer] > 0
    }

    /// Gives every slot of `layer` back at once (after non-finite audio, or a reset).
    pub fn silence(&mut self, layer: usize) {
        for index in 0..self.slots.len() {
            if self.slots[index].in_use && self.slots[index].layer == layer {
                self.give_back(index);
            }
        }
    }

    /// Places what each slot of `layer` mixed this block (following the layer's `path` where
    /// its triggers do; heard by the `head`, set in its `anchor`'s frame) and adds the two ears
    /// to `left` and `right` (the block's whole length); while its triggers sound it sends
    /// them into the `room` from there at `send` (0 ..= 1). A slot whose triggers have all
    /// ended rings out, then goes back to the pool.
    pub fn place(
        &mut self,
        layer: usize,
        path: &Path,
        (head, anchor): (&HeadTrack, Anchor),
        (left, right): (&mut [f32], &mut [f32]),
        (room, send): (&mut RoomFeed, f32),
    ) {
        let n = left.len();
        if !self.sounding(layer) {
            return;
        }
        for index in 0..self.slots.len() {
            let slot = &mut self.slots[index];
            if !slot.in_use || slot.layer != layer {
                continue;
            }
            // A slot that only rings out places silence through the whole block.
            let start = if slot.from < n { slot.from } else { 0 };
            let spot = slot.spot;
            let position_at = move |at: usize| match spot {
                OwnSpot::Still(birth) => birth,
                OwnSpot::Following(offset) => offset.apply(path.period_after(start + at)),
            };
            let mono = &slot.mix[start..n];
            slot.placer
                .add_to(mono, &mut left[start..n], &mut right[start..n], |at| {
                    anchor.heard(position_at(at), head.period_after(start + at))
                });
            if slot.users > 0 {
                slot.emitter.feed(room, start, mono, send, |at| {
                    let turned = head.period_after(start + at);
                    (anchor.in_world(position_at(at), turned), turned)
                });
            }
            slot.mix[start..n].fill(0.0);
            slot.from = usize::MAX;
            if slot.users == 0 {
                slot.tail_left = slot.tail_left.saturating_sub(n - start);
                if slot.tail_left == 0 {
                    self.give_back(index);
                }
            }
        }
    }

    /// Gives slot `index` back to the pool.
    fn give_back(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        debug_assert!(slot.in_use, "slot {index} given back twice");
        slot.in_use = false;
        self.per_layer[slot.layer] -= 1;
        slot.users = 0;
        slot.tail_left = 0;
        slot.mix.fill(0.0);
        slot.from = usize::MAX;
        // Within capacity: every index is in the stack at most once.
        self.free.push(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binaural::cache;
    use crate::binaural::placer::control_period;
    use crate::room::Room;

    const FS: f32 = 48_000.0;
    const BLOCK: usize = 64;

    /// A still spot at `azimuth_deg`, ear level, 1 m.
    fn still(azimuth_deg: f32) -> OwnSpot {
        OwnSpot::Still(Position {
            azimuth_deg,
            elevation_deg: 0.0,
            distance_m: 1.0,
        })
    }

    /// Slots are handed out until none is left, then counted as shortfalls; a slot silenced
    /// is handed out again; growing adds free slots and keeps the ones in use.
    #[test]
    fn hands_out_gives_back_and_grows() {
        let hrtf = cache::kemar_at(FS);
        let mut placers = Placers::new(3, &hrtf, FS, BLOCK);
        let seated: Vec<usize> = (0..3).filter_map(|i| placers.seat(i, still(0.0))).collect();
        assert_eq!(seated.len(), 3);
        assert_eq!(placers.in_use(), 3);
        assert_eq!(placers.seat(3, still(0.0)), None);
        assert_eq!(placers.shortfalls(), 1);
        placers.silence(1);
        assert!(!placers.sounding(1));
        assert_eq!(placers.seat(4, still(0.0)), Some(seated[1]));
        placers.grow_to(5, &hrtf);
        assert_eq!(placers.in_use(), 3);
        assert!(placers.seat(5, still(0.0)).is_some() && placers.seat(6, still(0.0)).is_some());
        assert_eq!(placers.in_use(), 5);
        assert_eq!(placers.seat(7, still(0.0)), None);
        assert_eq!(placers.shortfalls(), 2);
        assert_eq!(placers.joins(), 0);
    }

    /// A trigger of the same layer within 2 degrees and 5 % of distance joins the slot of
    /// one already placed there (following or still alike); one further off, of another
    /// layer, or of the other kind gets a slot of its own.
    #[test]
    fn triggers_of_one_place_share_a_slot() {
        let hrtf = cache::kemar_at(FS);
        let mut placers = Placers::new(8, &hrtf, FS, BLOCK);
        let first = placers.seat(0, still(30.0));
        assert_eq!(placers.seat(0, still(31.5)), first);
        assert_eq!(
            placers.seat(0, still(-330.0)),
            first,
            "the same azimuth, wrapped"
        );
        assert_ne!(placers.seat(0, still(33.0)), first);
        assert_ne!(placers.seat(1, still(30.0)), first);
        let far = OwnSpot::Still(Position {
            azimuth_deg: 30.0,
            elevation_deg: 0.0,
            distance_m: 1.1,
        });
        assert_ne!(placers.seat(0, far), first);
        let following = |distance_factor| {
            OwnSpot::Following(Offset {
                azimuth_deg: 30.0,
                elevation_deg: 0.0,
                distance_factor,
            })
        };
        let along = placers.seat(0, following(1.0));
        assert_ne!(along, first, "following and still never share");
        assert_eq!(placers.seat(0, following(1.04)), along);
        assert_eq!(placers.joins(), 3);
        assert_eq!(placers.in_use(), 5);
    }

    /// Two triggers sharing a slot are placed as their sum, exactly as one trigger carrying
    /// that sum; the slot rings out after the last has left, then goes back to the pool.
    #[test]
    fn a_shared_slot_places_the_sum_and_rings_out_after_the_last() {
        let hrtf = cache::kemar_at(FS);
        let period = control_period(FS);
        let path = Path::new(FS, BLOCK, period);
        let head = HeadTrack::new(FS, BLOCK, period);
        let mut room = Room::new(FS, BLOCK, &hrtf);
        let a: Vec<f32> = (0..BLOCK)
            .map(|i| ((i * 7) % 13) as f32 / 13.0 - 0.5)
            .collect();
        let b: Vec<f32> = (0..BLOCK)
            .map(|i| ((i * 5) % 11) as f32 / 11.0 - 0.5)
            .collect();
        let mut render = |shared: bool| {
            let mut placers = Placers::new(2, &hrtf, FS, BLOCK);
            let slot = placers.seat(0, still(40.0)).unwrap();
            let other = placers.seat(0, still(41.0)).unwrap();
            assert_eq!(slot, other);
            let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
            if shared {
                placers.add(slot, 0, &a);
                placers.add(other, 8, &b[8..]);
            } else {
                let sum: Vec<f32> = (0..BLOCK)
                    .map(|i| a[i] + if i >= 8 { b[i] } else { 0.0 })
                    .collect();
                placers.add(slot, 0, &sum);
            }
            let ears = (&mut left[..], &mut right[..]);
            placers.place(
                0,
                &path,
                (&head, Anchor::World),
                ears,
                (room.begin(BLOCK), 0.0),
            );
            (placers, slot, left, right)
        };
        // A trigger joining the slot while it rings out, 8 samples into a block, sounds as if
        // the slot had never stopped placing.
        let two_blocks = |rejoin: bool| {
            let mut room = Room::new(FS, BLOCK, &hrtf);
            let mut placers = Placers::new(1, &hrtf, FS, BLOCK);
            let slot = placers.seat(0, still(40.0)).unwrap();
            let mut out = Vec::new();
            for block in 0..2 {
                let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
                if block == 0 {
                    placers.add(slot, 0, &a);
                    if rejoin {
                        placers.leave(slot);
                    }
                } else {
                    if rejoin {
                        assert_eq!(placers.seat(0, still(40.5)), Some(slot));
                    } else {
                        placers.add(slot, 0, &[0.0; 8]);
                    }
                    placers.add(slot, 8, &b[8..]);
                }
                let ears = (&mut left[..], &mut right[..]);
                placers.place(
                    0,
                    &path,
                    (&head, Anchor::World),
                    ears,
                    (room.begin(BLOCK), 0.0),
                );
                out.extend(left);
            }
            out
        };
        assert_eq!(two_blocks(true), two_blocks(false));
        let (mut placers, slot, left, right) = render(true);
        let (_, _, sum_left, sum_right) = render(false);
        assert_eq!((&left, &right), (&sum_left, &sum_right));
        assert!(left.iter().any(|&x| x != 0.0));
        // One leaves: the other still sounds; the last leaves: it rings out, then is free.
        placers.leave(slot);
        assert_eq!(placers.in_use(), 1);
        placers.leave(slot);
        let mut blocks = 0;
        while placers.sounding(0) {
            let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
            let ears = (&mut left[..], &mut right[..]);
            placers.place(
                0,
                &path,
                (&head, Anchor::World),
                ears,
                (room.begin(BLOCK), 0.0),
            );
            blocks += 1;
            assert!(blocks < 1000, "never rang out");
        }
        assert_eq!(placers.in_use(), 0);
    }
}
