//! The line that hands a new HRTF set to a running engine and the old one back. A set is built
//! off the audio thread (see [`super::hrtf_loader`]), sent ready-made, taken by the engine at
//! the start of a block, and the set it replaces is returned through the line, to be dropped
//! off the audio thread by the sender's side.

use crate::binaural::hrtf::HrtfSet;
use rtrb::{Consumer, Producer, PushError, RingBuffer};
use std::sync::Arc;

/// Sets the line holds each way: a new set is taken at the next block, so more than a few
/// never wait.
const LINE_LEN: usize = 4;

/// The sending side, off the audio thread.
pub struct HrtfSender {
    to_engine: Producer<Arc<HrtfSet>>,
    returned: Consumer<Arc<HrtfSet>>,
}

/// The engine's side: takes new sets and hands old ones back, without allocating.
pub struct HrtfReceiver {
    from_sender: Consumer<Arc<HrtfSet>>,
    to_sender: Producer<Arc<HrtfSet>>,
    /// A set to hand back that found the line full; no new set is taken until it is back.
    retired: Option<Arc<HrtfSet>>,
}

/// A new line: the sender for the loader, the receiver for the engine.
pub fn hrtf_line() -> (HrtfSender, HrtfReceiver) {
    let (to_engine, from_sender) = RingBuffer::new(LINE_LEN);
    let (to_sender, returned) = RingBuffer::new(LINE_LEN);
    (
        HrtfSender {
            to_engine,
            returned,
        },
        HrtfReceiver {
            from_sender,
            to_sender,
            retired: None,
        },
    )
}

impl HrtfSender {
    /// Sends `set` (at the engine's sample rate and filter length) to the engine, which takes
    /// it at its next block; gives it back if the line is full. Drops the sets the engine
    /// returned first.
    pub fn send(&mut self, set: Arc<HrtfSet>) -> Result<(), Arc<HrtfSet>> {
        self.drop_returned();
        self.to_engine.push(set).map_err(|PushError::Full(set)| set)
    }

    /// Drops the sets the engine handed back.
    pub fn drop_returned(&mut self) {
        while self.returned.pop().is_ok() {}
    }
}

impl HrtfReceiver {
    /// The next set sent, if one waits and the last set retired is back on the line.
    pub fn poll(&mut self) -> Option<Arc<HrtfSet>> {
        if let Some(set) = self.retired.take() {
            self.retire(set);
            if self.retired.is_some() {
                return None;
            }
        }
        self.from_sender.pop().ok()
    }

    /// Hands `set` back to be dropped by the sender's side (kept until the line has room).
    pub fn retire(&mut self, set: Arc<HrtfSet>) {
        if let Err(PushError::Full(set)) = self.to_sender.push(set) {
            self.retired = Some(set);
        }
    }
}
