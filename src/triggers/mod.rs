//! Procedural ASMR trigger families, one per module, behind one voice interface.

#[cfg(test)]
pub mod testkit;
pub mod voice;

pub use rand::RngExt;
pub use voice::{ControlInfo, Excitation, FamilyInfo, TriggerRng, TriggerSound, seeded, white};
