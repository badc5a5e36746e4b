//! Small scalar helpers: decibels, interpolation, control mappings and soft saturation.

/// Linear amplitude gain of `db` decibels.
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Decibels of the linear amplitude gain `gain` (> 0; 0 gives -inf).
pub fn gain_to_db(gain: f32) -> f32 {
    20.0 * gain.log10()
}

/// Maps a control `x` (0 ..= 1, clamped) onto `range` logarithmically.
pub fn log_map(x: f32, range: (f32, f32)) -> f32 {
    range.0 * (range.1 / range.0).powf(x.clamp(0.0, 1.0))
}

/// The control value (0 ..= 1) that [`log_map`] maps onto `value` within `range`.
pub fn log_unmap(value: f32, range: (f32, f32)) -> f32 {
    ((value / range.0).ln() / (range.1 / range.0).ln()).clamp(0.0, 1.0)
}

/// Linear interpolation from `a` (at `x` = 0) to `b` (at `x` = 1).
pub fn lerp(a: f32, b: f32, x: f32) -> f32 {
    a + (b - a) * x
}

/// Smooth step from 0 (at `x` <= 0) to 1 (at `x` >= 1) with zero slope at both ends.
pub fn smoothstep(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Input level (linear) at which [`soft_clip`] reaches ±1.
const SOFT_CLIP_KNEE: f32 = 3.0;

/// Soft saturation of `x` (linear): a Padé approximation of `tanh` (within 2.5 %), nearly
/// transparent for small signals (-0.2 dB at 0.3) and never beyond ±1 (reached at ±3 and held
/// above).
#[inline]
pub fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-SOFT_CLIP_KNEE, SOFT_CLIP_KNEE);
    (x * (27.0 + x * x) / (27.0 + 9.0 * x * x)).clamp(-1.0, 1.0)
}
