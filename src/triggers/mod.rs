//! Procedural ASMR trigger families, one per module, behind one sound interface.

pub mod family;
pub mod fire;
pub mod paper;
pub mod sample;
pub mod scratch;
pub mod sound;
pub mod tap;
#[cfg(test)]
pub mod testkit;
pub mod tone;
pub mod water;
pub mod whisper;

pub use family::{Family, SoundBank};
pub use sound::{CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, TriggerSound};
