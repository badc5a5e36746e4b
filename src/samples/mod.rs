//! The user's own sounds: decoding audio files, resampling them to the session rate, the
//! finished sound set a Sample layer plays, and the background loader that hands sets to the
//! audio thread (and takes the old ones back) without locks or allocation there.
//!
//! Framework-free: the plugin glue, the renderer and the tests all use it the same way.

pub mod decode;
pub mod library;
pub mod loader;
pub mod resample;
pub mod set;
pub mod slot;
pub mod testfiles;

pub use decode::{FileError, Problem};
pub use library::SampleLibrary;
pub use loader::{Delivery, LayerStatus, LoadState, SampleInbox, SampleLoader, SampleOutbox};
pub use set::{FileReport, SampleSet};
pub use slot::{Pick, SampleSlot};
