//! The line that hands a new HRTF set to a running engine and the old one back (a
//! [`handover`](crate::handover) line). A set is built off the audio thread (see
//! [`super::hrtf_loader`]), sent ready-made, taken by the engine at the start of a block, and
//! the set it replaces is handed back through the line, to be dropped by the sender's side.

use crate::binaural::hrtf::HrtfSet;
use crate::handover::{self, Receiver, Sender};
use std::sync::Arc;

/// Sets the line holds each way: a new set is taken at the next block, so more than a few
/// never wait.
const LINE_LEN: usize = 4;

/// The sending side, off the audio thread.
pub type HrtfSender = Sender<Arc<HrtfSet>>;

/// The engine's side: takes new sets and hands old ones back, without allocating.
pub type HrtfReceiver = Receiver<Arc<HrtfSet>>;

/// A new line: the sender for the loader, the receiver for the engine. Allocates.
pub fn hrtf_line() -> (HrtfSender, HrtfReceiver) {
    handover::line(LINE_LEN)
}
