//! Head tracking: the listener's head turns (by parameters or an OSC head tracker), and every
//! world-locked source stays where it is in the room while head-locked ones turn with the head.

pub mod orientation;
pub mod osc;
pub mod track;
pub mod tracking;

pub use orientation::{Rotation, YawPitchRoll};
pub use track::{Anchor, HeadTrack};
pub use tracking::HeadTracking;
