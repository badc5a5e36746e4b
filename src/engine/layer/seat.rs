//! Where a voice's trigger sounds, and the placer that puts it there: at the layer's position
//! through the layer's shared [`Bus`], still where it was born, or following the layer's
//! motion (sustained triggers) at its own offset.

use super::bus::Bus;
use super::path::Path;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::Placer;
use crate::binaural::placer::placement_factor;
use crate::binaural::{Offset, Position};
use crate::head::{Anchor, HeadTrack};
use crate::room::{Emitter, RoomFeed};
use std::sync::Arc;

/// Where a trigger sounds.
#[derive(Debug, Clone)]
pub enum Spot {
    /// Exactly where the layer is, placed together with the layer's other such triggers by the
    /// layer's [`Bus`].
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

/// The placement of one voice.
#[derive(Debug, Clone)]
pub struct Seat {
    /// Places the voice (unused while it sounds through the bus).
    placer: Placer,
    /// Sends it into the room from where it sounds (unused on the bus).
    emitter: Emitter,
    /// Where its trigger sounds.
    spot: Spot,
    /// Samples of placer tail left to render after the trigger ended.
    tail_left: usize,
}

impl Seat {
    /// An empty seat in a session at `sample_rate` (Hz) placing with `hrtf` (at the placement
    /// rate: see [`Placer::new`]). Allocates.
    pub fn new(hrtf: &Arc<HrtfSet>, sample_rate: f32) -> Self {
        Self {
            placer: Placer::new(hrtf.clone(), sample_rate),
            emitter: Emitter::new(placement_factor(sample_rate)),
            spot: Spot::OnBus,
            tail_left: 0,
        }
    }

    /// The placer's control period (samples).
    pub fn control_period(&self) -> usize {
        self.placer.control_period()
    }

    /// Whether its placer still rings out after its trigger ended.
    pub fn is_ringing(&self) -> bool {
        self.tail_left > 0
    }

    /// Seats a new trigger at `spot`, its placer starting afresh.
    pub fn start(&mut self, spot: Spot) {
        self.placer.reset();
        self.emitter.reset();
        self.spot = spot;
        self.tail_left = 0;
    }

    /// The trigger has ended (or faded out): the placer rings out from now on.
    pub fn ring_out(&mut self) {
        self.tail_left = self.placer.tail_len();
    }

    /// Its placer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.placer.set_hrtf(hrtf);
    }

    /// Empties it at once (after non-finite audio).
    pub fn silence(&mut self) {
        self.placer.reset();
        self.emitter.reset();
        self.tail_left = 0;
    }

    /// Places the voice's `mono` samples, which start `start` samples into the block: adds
    /// them to `bus` if the trigger sounds where the layer is, else places them (following the
    /// layer's `path` if it does; heard by the `head`, set in its `anchor`'s frame) and adds the
    /// two ears to `left` and `right` (the block's whole length), and sends them into the
    /// `room` from there at `send` (0 ..= 1).
    /// `ended`: the trigger no longer sounds, and the placer's tail counts down.
    #[allow(clippy::too_many_arguments)]
    pub fn add_to(
        &mut self,
        start: usize,
        mono: &[f32],
        ended: bool,
        path: &Path,
        (head, anchor): (&HeadTrack, Anchor),
        bus: &mut Bus,
        (left, right): (&mut [f32], &mut [f32]),
        (room, send): (&mut RoomFeed, f32),
    ) {
        let n = left.len();
        let Spot::Own(own) = &mut self.spot else {
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
        self.placer
            .add_to(mono, &mut left[start..n], &mut right[start..n], |at| {
                anchor.heard(position_at(at), head.period_after(start + at))
            });
        if !ended {
            self.emitter.feed(room, start, mono, send, |at| {
                let turned = head.period_after(start + at);
                (anchor.in_world(position_at(at), turned), turned)
            });
        }
        if ended {
            self.tail_left = self.tail_left.saturating_sub(n - start);
        }
    }
}
