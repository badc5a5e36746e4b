//! Small, host-independent DSP units the engine is built from. The real-time ones allocate only
//! in their constructors; `minimum_phase` is activation-time code.

pub mod allpass;
pub mod biquad;
pub mod coherence;
pub mod convolve;
pub mod denormal;
pub mod fractional_delay;
pub mod gentle;
pub mod halfband;
pub mod limiter;
pub mod loudness;
pub mod math;
pub mod minimum_phase;
pub mod noise;
pub mod octave;
pub mod one_pole;
pub mod period_track;
pub mod ramp;
pub mod random;
pub mod resonator;
pub mod simd;
