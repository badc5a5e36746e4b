//! The ear match: which of several HRTF sets fits the listener's ears, found by pointing at
//! taps.
//!
//! The listener loads a folder of SOFA sets ([`folder`]). Tingle plays short noise taps
//! ([`tap`]) from hidden directions ([`plan`]), each through one of the sets; the listener
//! clicks where each was heard. Per set, the [`session`] reports the mean angular error and
//! the front-back and up-down confusion rates ([`confusion`]), and ranks the sets ([`report`]).
//! A set that matches the listener's own ears gives the smallest errors and fewest
//! confusions. A session plays every set alike, or adaptively ([`stages`]): after each stage
//! only the better half of the sets plays on, so the later taps decide between the sets still
//! in contention. [`scaled`] makes other heads from one set, for tests and demonstrations.
//!
//! Free of the plugin framework: the editor drives [`EarMatch`], renders each tap off the audio
//! thread and hands the buffer to the audio side.

pub mod confusion;
pub mod filters;
pub mod folder;
pub mod plan;
pub mod report;
pub mod scaled;
pub mod session;
pub mod sphere;
pub mod stages;
pub mod tap;

pub use plan::Trial;
pub use report::{Report, SetResult};
pub use session::{EarMatch, EarMatchError};
pub use sphere::Heading;
