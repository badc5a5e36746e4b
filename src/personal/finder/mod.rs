//! The Tingle finder: starting from the current scene, the listener hears two versions, A (the
//! favourite so far) and B (a proposal), and picks one or neither; the search learns their
//! taste from the choices and proposes the next pair.

pub mod history;
pub mod layer_space;
mod linalg;
pub mod loudness;
pub mod model;
pub mod search;
pub mod space;

pub use search::{Choice, Finder, Pick, Strategy};
pub use space::{Dimension, Kind, Point, Space};
