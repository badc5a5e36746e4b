//! A layer's Sample family settings that a trigger's four character controls leave out: its
//! attack, release and length limit (read when each trigger starts, so they need no smoothing).

use super::{default_from, units};
use crate::ranges;
use crate::triggers::sample::SampleShape;
use nice_plug::prelude::*;
use std::sync::Arc;

/// Milliseconds per second.
const MS_PER_S: f32 = 1000.0;
/// What the length limit shows at its top.
const FULL: &str = "Full";

/// The Sample family's per-layer settings. Ids get the layer suffix (`sattack_1`).
#[derive(Params)]
pub struct SampleParams {
    /// Fade-in of each trigger in ms, 1 ..= 2000 (default 2).
    #[id = "sattack"]
    pub attack: FloatParam,
    /// Fade-out before each trigger's end in ms, 1 ..= 5000 (default 10).
    #[id = "srelease"]
    pub release: FloatParam,
    /// Longest a trigger plays in s, 0.02 ..= 20; the top, shown "Full", means the whole sound.
    #[id = "slength"]
    pub length: FloatParam,
}

impl SampleParams {
    /// The settings of one layer, named with `prefix` ("L1 "), whose defaults are `template`'s
    /// values (or the built-in ones).
    pub fn new(prefix: &str, template: Option<&SampleParams>) -> Self {
        let name = |n: &str| format!("{prefix}{n}");
        let t = template;
        Self {
            attack: units::rate(
                &name("Sample Attack"),
                default_from(t, ranges::SAMPLE_ATTACK_MS.default, |t| t.attack.value()),
                ranges::SAMPLE_ATTACK_MS,
                units::MILLISECONDS,
            ),
            release: units::rate(
                &name("Sample Release"),
                default_from(t, ranges::SAMPLE_RELEASE_MS.default, |t| t.release.value()),
                ranges::SAMPLE_RELEASE_MS,
                units::MILLISECONDS,
            ),
            // The unit is in the text, which reads "Full" at the top.
            length: units::rate(
                &name("Sample Length"),
                default_from(t, ranges::SAMPLE_LENGTH_S.default, |t| t.length.value()),
                ranges::SAMPLE_LENGTH_S,
                "",
            )
            .with_value_to_string(Arc::new(|v| {
                if v >= ranges::SAMPLE_LENGTH_S.max {
                    FULL.to_owned()
                } else {
                    format!("{v:.2} s")
                }
            }))
            .with_string_to_value(Arc::new(|text| {
                let text = text.trim();
                if text.eq_ignore_ascii_case(FULL) {
                    return Some(ranges::SAMPLE_LENGTH_S.max);
                }
                text.trim_end_matches('s').trim().parse().ok()
            })),
        }
    }

    /// The engine's view.
    pub fn shape(&self) -> SampleShape {
        let length = self.length.value();
        SampleShape {
            attack_s: self.attack.value() / MS_PER_S,
            release_s: self.release.value() / MS_PER_S,
            length_s: (length < ranges::SAMPLE_LENGTH_S.max).then_some(length),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults are the engine's; the length limit's top is no limit and reads "Full".
    #[test]
    fn defaults_and_the_full_length() {
        let p = SampleParams::new("L1 ", None);
        let shape = p.shape();
        let engine = SampleShape::default();
        assert!((shape.attack_s - engine.attack_s).abs() < 1e-6);
        assert!((shape.release_s - engine.release_s).abs() < 1e-6);
        assert_eq!(shape.length_s, None);
        assert_eq!(p.length.to_string(), "Full");
        assert_eq!(p.length.string_to_normalized_value("full"), Some(1.0));
        let half = p.length.string_to_normalized_value("1.5 s").unwrap();
        assert!((p.length.preview_plain(half) - 1.5).abs() < 1e-4);
    }
}
