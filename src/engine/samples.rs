//! The engine's end of the sample loader: new sound sets go to their layers at the start of a
//! block, and sets no voice plays any more go back to be freed off the audio thread.

use super::{Engine, LAYERS};
use crate::samples::SampleInbox;

impl Engine {
    /// Takes the layers' sound sets from `inbox` from now on (replacing an earlier inbox,
    /// which is dropped here: call off the audio thread).
    pub fn connect_samples(&mut self, inbox: SampleInbox) {
        self.samples = Some(inbox);
    }

    /// Gives each waiting set to its layer (a set waits while its layer still holds all the
    /// sets it replaced), and hands back the sets nothing plays any more. Wait-free, never
    /// allocates or frees.
    pub(super) fn receive_samples(&mut self) {
        let Some(inbox) = &mut self.samples else {
            return;
        };
        while let Some(delivery) = inbox.peek() {
            let layer = delivery.layer.min(LAYERS - 1);
            if !self.layers[layer].can_take_samples() {
                break;
            }
            if let Some(delivery) = inbox.take() {
                self.layers[layer].take_samples(delivery.set);
            }
        }
        for layer in &mut self.layers {
            layer.hand_back_samples(inbox);
        }
    }
}
