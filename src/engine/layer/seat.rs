//! Where a voice's trigger sounds, and the placer that puts it there: at the layer's position
//! through the layer's shared [`Bus`], still where it was born, or following the layer's
//! motion (sustained triggers) at its own offset, through a placer of the instance's shared
//! [`Placers`] for as long as it sounds there.

use super::bus::Bus;
use super::path::Path;
use super::placers::Placers;
use crate::binaural::{Offset, Position};
use crate::head::{Anchor, HeadTrack};
use crate::room::RoomFeed;

/// Where a trigger sounds.
#[derive(Debug, Clone, Default)]
pub enum Spot {
    /// Exactly where the layer is, placed together with the layer's other such triggers by the
    /// layer's [`Bus`].
    #[default]
    OnBus,
    /// Placed by the voice's own placer.
    Own(OwnSpot),
}

/// Where a trigger placed by its voice's own placer sounds.
#[derive(Debug, Clone, Copy)]
pub enum OwnSpot {
    /// Where it was born, for as long as it sounds.
    Still(Position),
    /// At this offset from the layer, following the layer's glides and motion.
    Following(Offset),
}

/// The placement of one voice (empty by default: on the bus, holding no placer).
#[derive(Debug, Clone, Default)]
pub struct Seat {
    /// The slot of the shared [`Placers`] that places it while it sounds on its own (`None`
    /// on the bus).
    slot: Option<usize>,
    /// Where its trigger sounds.
    spot: Spot,
    /// Samples of placer tail left to render after the trigger ended.
    tail_left: usize,
}

impl Seat {
    /// Whether its placer still rings out after its trigger ended.
    pub fn is_ringing(&self) -> bool {
        self.tail_left > 0
    }

    /// Seats a new trigger at `spot`, with a placer of `placers` starting afresh if it sounds
    /// on its own (the one it held, else a free one; with none free, it sounds on the bus).
    pub fn start(&mut self, spot: Spot, placers: &mut Placers) {
        self.tail_left = 0;
        self.spot = spot;
        if let Spot::Own(_) = self.spot {
            match self.slot {
                Some(slot) => placers.empty(slot),
                None => self.slot = placers.claim(),
            }
            if self.slot.is_none() {
                self.spot = Spot::OnBus;
            }
        } else {
            self.leave(placers);
        }
    }

    /// The trigger has ended (or faded out): its placer, if it has one, rings out from now
    /// on.
    pub fn ring_out(&mut self, placers: &Placers) {
        if self.slot.is_some() {
            self.tail_left = placers.tail_len();
        }
    }

    /// Empties it at once (after non-finite audio), giving its placer back.
    pub fn silence(&mut self, placers: &mut Placers) {
        self.leave(placers);
        self.tail_left = 0;
    }

    /// Gives its placer, if it holds one, back to `placers`.
    fn leave(&mut self, placers: &mut Placers) {
        if let Some(slot) = self.slot.take() {
            placers.give_back(slot);
        }
    }

    /// Places the voice's `mono` samples, which start `start` samples into the block: adds
    /// them to `bus` if the trigger sounds where the layer is, else places them with its slot
    /// of `placers` (following the layer's `path` if it does; heard by the `head`, set in its
    /// `anchor`'s frame) and adds the two ears to `left` and `right` (the block's whole
    /// length), and sends them into the `room` from there at `send` (0 ..= 1). Once the
    /// trigger has `ended` and its placer's tail has rung out, the placer goes back to the
    /// pool.
    #[allow(clippy::too_many_arguments)]
    pub fn add_to(
        &mut self,
        start: usize,
        mono: &[f32],
        ended: bool,
        path: &Path,
        (head, anchor): (&HeadTrack, Anchor),
        (bus, placers): (&mut Bus, &mut Placers),
        (left, right): (&mut [f32], &mut [f32]),
        (room, send): (&mut RoomFeed, f32),
    ) {
        let n = left.len();
        let (Spot::Own(own), Some(slot)) = (&self.spot, self.slot) else {
            bus.add(start, mono);
            // The bus's placer rings out for it.
            self.tail_left = 0;
            return;
        };
        let own = *own;
        let position_at = move |at: usize| match own {
            OwnSpot::Still(birth) => birth,
            OwnSpot::Following(offset) => offset.apply(path.period_after(start + at)),
        };
        let slot_ref = placers.slot(slot);
        slot_ref
            .placer
            .add_to(mono, &mut left[start..n], &mut right[start..n], |at| {
                anchor.heard(position_at(at), head.period_after(start + at))
            });
        if !ended {
            slot_ref.emitter.feed(room, start, mono, send, |at| {
                let turned = head.period_after(start + at);
                (anchor.in_world(position_at(at), turned), turned)
            });
        }
        if ended {
            self.tail_left = self.tail_left.saturating_sub(n - start);
            if self.tail_left == 0 {
                self.leave(placers);
            }
        }
    }
}
