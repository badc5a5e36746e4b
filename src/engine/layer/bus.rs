//! A layer's shared bus: the triggers that sound exactly where the layer is (no scatter, and
//! either sustained or on a layer without motion) are summed and placed once, by one placer
//! that follows the layer's path. This makes a busy layer cost little more than a single
//! source.

use super::path::Path;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::{Placer, placement_factor};
use crate::head::{Anchor, HeadTrack};
use crate::room::{Emitter, RoomFeed};
use std::sync::Arc;

/// The shared bus of one layer. Allocates only in [`Bus::new`].
pub struct Bus {
    /// This block's sum of the voices on the bus.
    mix: Vec<f32>,
    /// Whether a voice added to `mix` this block.
    used: bool,
    /// Places the sum.
    placer: Placer,
    /// Sends the sum into the room from where it sounds.
    emitter: Emitter,
    /// Samples the placer keeps running after its last trigger (its tail).
    tail_left: usize,
}

impl Bus {
    /// A silent bus in a session at `sample_rate` (Hz) for blocks of up to `max_block`
    /// samples, placing with `hrtf` (at the placement rate: see [`Placer::new`]). Allocates.
    pub fn new(hrtf: &Arc<HrtfSet>, sample_rate: f32, max_block: usize) -> Self {
        Self {
            mix: vec![0.0; max_block],
            used: false,
            placer: Placer::new(hrtf.clone(), sample_rate),
            emitter: Emitter::new(placement_factor(sample_rate)),
            tail_left: 0,
        }
    }

    /// Whether it still sounds (a trigger or the placer's tail).
    pub fn is_sounding(&self) -> bool {
        self.tail_left > 0
    }

    /// Its placer glides to `hrtf` (see [`Placer::set_hrtf`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.placer.set_hrtf(hrtf);
    }

    /// Cuts it at once (after non-finite audio).
    pub fn silence(&mut self) {
        self.placer.reset();
        self.emitter.reset();
        self.tail_left = 0;
    }

    /// Starts a block of `len` samples with an empty sum.
    pub fn begin(&mut self, len: usize) {
        self.mix[..len].fill(0.0);
        self.used = false;
    }

    /// Adds a voice's `mono` samples to the sum, `at` samples into the block.
    pub fn add(&mut self, at: usize, mono: &[f32]) {
        for (m, &x) in self.mix[at..].iter_mut().zip(mono) {
            *m += x;
        }
        self.used = true;
    }

    /// Places the block's sum where the layer's `path` takes it (heard by the `head`, the path
    /// set in its `anchor`'s frame) and adds the two ears to `left` and `right`, and sends it
    /// into the `room` from there at `send` (0 ..= 1). An idle bus starts afresh; it rings out
    /// for its placer's tail after its last trigger.
    pub fn add_to(
        &mut self,
        path: &Path,
        (head, anchor): (&HeadTrack, Anchor),
        left: &mut [f32],
        right: &mut [f32],
        room: &mut RoomFeed,
        send: f32,
    ) {
        let n = left.len();
        if self.used {
            if self.tail_left == 0 {
                self.placer.reset();
                self.emitter.reset();
            }
            self.emitter.feed(room, 0, &self.mix[..n], send, |at| {
                let turned = head.period_after(at);
                (anchor.in_world(path.period_after(at), turned), turned)
            });
            self.tail_left = self.placer.tail_len();
        }
        if self.tail_left == 0 {
            return;
        }
        self.placer.add_to(&self.mix[..n], left, right, |at| {
            anchor.heard(path.period_after(at), head.period_after(at))
        });
        if !self.used {
            self.tail_left = self.tail_left.saturating_sub(n);
        }
    }
}
