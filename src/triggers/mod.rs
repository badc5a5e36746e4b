//! Procedural ASMR trigger families, one per module, behind one voice interface.

pub mod family;
pub mod fire;
pub mod paper;
pub mod sample;
pub mod scratch;
pub mod tap;
#[cfg(test)]
pub mod testkit;
pub mod tone;
pub mod voice;
pub mod water;
pub mod whisper;

pub use family::{Family, VoiceBank};
pub use rand::RngExt;
pub use voice::{
    CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, NoiseBurst, TriggerRng, TriggerSound,
    WHITE_POWER, db_gain, exponential, jitter, lerp, log_map, log_unmap, seeded, smoothstep,
    soft_clip, white,
};
