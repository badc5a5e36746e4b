//! Personal tools: the Tingle finder ([`finder`]: which triggers, how close and how fast work
//! for this listener, found by comparing pairs) and the ear match ([`ear_match`]: which HRTF
//! set fits this listener's ears, found by pointing at taps). Both are free of the plugin
//! framework: the editor, the standalone and the tests drive the same code.

pub mod ear_match;
pub mod file;
pub mod finder;
pub mod tingle_log;
