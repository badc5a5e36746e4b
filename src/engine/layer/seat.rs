//! Where a voice's trigger sounds, and the placer that puts it there: at the layer's position
//! through the layer's shared [`Bus`], still where it was born, or following the layer's
//! motion (sustained triggers) at its own offset, through a placer of the instance's shared
//! [`Placers`] for as long as it sounds there (shared with the layer's other triggers at
//! nearly the same place).

use super::bus::Bus;
use super::placers::{OwnSpot, Placers};

/// Where a trigger sounds.
#[derive(Debug, Clone)]
pub enum Spot {
    /// Exactly where the layer is, placed together with the layer's other such triggers by the
    /// layer's [`Bus`].
    OnBus,
    /// Placed by a placer of its own (or shared with the layer's triggers at nearly the same
    /// place).
    Own(OwnSpot),
}

/// The placement of one voice (empty by default: on the bus, holding no placer).
#[derive(Debug, Clone, Default)]
pub struct Seat {
    /// The slot of the shared [`Placers`] that places it while it sounds on its own (`None`
    /// on the bus).
    slot: Option<usize>,
}

impl Seat {
    /// Seats a new trigger of `layer` at `spot`, leaving the slot the last one held: with a
    /// placer of `placers` if it sounds on its own (shared with the layer's triggers at nearly
    /// the same place, else a free one; with none free, it sounds on the bus).
    pub fn start(&mut self, layer: usize, spot: Spot, placers: &mut Placers) {
        self.end(placers);
        if let Spot::Own(own) = spot {
            self.slot = placers.seat(layer, own);
        }
    }

    /// The trigger has ended (or faded out): it leaves its slot, which rings out once no
    /// trigger sounds in it.
    pub fn end(&mut self, placers: &mut Placers) {
        if let Some(slot) = self.slot.take() {
            placers.leave(slot);
        }
    }

    /// Empties it at once (after non-finite audio; the layer's slots go back to the pool as a
    /// whole: [`Placers::silence`]).
    pub fn silence(&mut self) {
        self.slot = None;
    }

    /// Adds the voice's `mono` samples, which start `start` samples into the block, to the
    /// `bus` if the trigger sounds where the layer is, else to what its slot of `placers`
    /// places this block ([`Placers::place`]).
    pub fn add_to(&self, start: usize, mono: &[f32], (bus, placers): (&mut Bus, &mut Placers)) {
        match self.slot {
            Some(slot) => placers.add(slot, start, mono),
            None => bus.add(start, mono),
        }
    }
}
