//! A layer taking new sound sets on the audio thread, and handing back the ones its voices no
//! longer play (without allocating or freeing).

use super::Layer;
use crate::samples::{SampleInbox, SampleSet};
use std::sync::Arc;

impl Layer {
    /// Whether the layer can take a new sound set now (else it waits in its queue).
    pub fn can_take_samples(&self) -> bool {
        self.samples.can_take()
    }

    /// Plays `set` from the next trigger on (call only if [`Layer::can_take_samples`]);
    /// triggers already sounding finish with the set they started with.
    pub fn take_samples(&mut self, set: Arc<SampleSet>) {
        self.samples.take(set);
    }

    /// Hands the replaced sets no voice plays any more to `returns`, to be freed off the audio
    /// thread. Voices that are silent let go of their sets first.
    pub fn hand_back_samples(&mut self, returns: &mut SampleInbox) {
        if !self.samples.has_retired() {
            return;
        }
        for v in &mut self.voices {
            if !v.is_sounding() {
                v.release_sample();
            }
        }
        self.samples.hand_back(returns);
    }
}
