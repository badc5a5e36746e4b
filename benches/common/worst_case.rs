//! The worst case one layer can be set to (issue 23), shared by the worst-case benchmark and the
//! voice budget's tests: the highest rate and burst at the shortest spacing, scattered over the
//! widest spread and distance, orbiting the head.

use tingle::engine::layer::{LayerSettings, Scatter, ScatterMode};
use tingle::engine::motion::{MotionMode, MotionRate, MotionSettings};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::ranges;
use tingle::triggers::Family;

/// Orbit rate of a worst-case layer (Hz).
pub const ORBIT_HZ: f32 = 0.5;

/// Layer `index` (0-based) of a worst case of `family`: its variants in turn.
pub fn worst_layer(family: Family, index: usize) -> LayerSettings {
    let variants = family.info().variants.len();
    LayerSettings {
        enabled: true,
        family,
        variant: index % variants,
        rhythm: RhythmSettings {
            rate: Some(RhythmRate::PerSecond(ranges::RHYTHM_RATE_PER_S.max)),
            burst: ranges::BURST.max,
            burst_spacing_s: ranges::BURST_SPACING_MS.min * 1e-3,
            ..RhythmSettings::default()
        },
        scatter: Scatter {
            mode: ScatterMode::Spread,
            spread_deg: ranges::SPREAD_DEG.max,
            distance_octaves: ranges::DISTANCE_SPREAD_OCT.max,
        },
        motion: MotionSettings {
            mode: MotionMode::Orbit,
            rate: MotionRate::Hertz(ORBIT_HZ),
            depth: 1.0,
        },
        ..LayerSettings::default()
    }
}
