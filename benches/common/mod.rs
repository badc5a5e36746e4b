//! What the scene benchmarks share: the session they time and the loop that renders it.

use std::hint::black_box;
use std::time::{Duration, Instant};
use tingle::engine::{Engine, InputChannels};

/// Sample rate of the timed sessions (Hz).
pub const FS: f32 = 48_000.0;
/// Block size of the timed sessions (samples).
pub const BLOCK: usize = 64;

/// Renders `seconds` more of what `engine` plays and returns the time it took.
pub fn render(engine: &mut Engine, seconds: f32) -> Duration {
    render_with(engine, seconds, |_| {})
}

/// [`render`], calling `before_block` before each block (as a host sets things per block).
pub fn render_with(
    engine: &mut Engine,
    seconds: f32,
    mut before_block: impl FnMut(&mut Engine),
) -> Duration {
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    let start = Instant::now();
    for _ in 0..(seconds * FS) as usize / BLOCK {
        before_block(engine);
        left.fill(0.0);
        right.fill(0.0);
        engine.process(
            black_box(&mut left),
            black_box(&mut right),
            InputChannels::None,
        );
    }
    start.elapsed()
}
