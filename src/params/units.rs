//! Constructors for the kinds of parameter Tingle uses, so every angle, gain and share reads
//! and parses the same way.

use nice_plug::prelude::*;
use std::sync::Arc;

/// Digits shown after the decimal point for angles and gains.
const DISPLAY_DIGITS: usize = 1;

/// An angle in degrees over `min ..= max`.
pub fn degrees(name: String, default: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" °")
        .with_step_size(0.1)
        .with_value_to_string(formatters::v2s_f32_rounded(DISPLAY_DIGITS))
}

/// A gain in dB over `min ..= max`.
pub fn decibels(name: &str, default: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" dB")
        .with_step_size(0.1)
        .with_value_to_string(formatters::v2s_f32_rounded(DISPLAY_DIGITS))
}

/// A share 0 ..= 1 shown in percent.
pub fn percent(name: &str, default: f32) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min: 0.0, max: 1.0 })
        .with_unit("%")
        .with_value_to_string(formatters::v2s_f32_percentage(0))
        .with_string_to_value(formatters::s2v_f32_percentage())
}

/// A rate in `unit` over `min ..= max`, skewed towards slow rates.
pub fn rate(name: &str, default: f32, min: f32, max: f32, unit: &'static str) -> FloatParam {
    FloatParam::new(
        name,
        default,
        FloatRange::Skewed {
            min,
            max,
            factor: FloatRange::skew_factor(-2.0),
        },
    )
    .with_unit(unit)
    .with_value_to_string(formatters::v2s_f32_rounded(2))
}

/// A distance in metres over `min ..= max`, log mapped: the stored value is log10(metres).
pub fn log_metres(name: String, default_m: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(
        name,
        default_m.log10(),
        FloatRange::Linear {
            min: min.log10(),
            max: max.log10(),
        },
    )
    .with_value_to_string(Arc::new(|v| format!("{:.2} m", 10f32.powf(v))))
    .with_string_to_value(Arc::new(|s| {
        let metres: f32 = s.trim().trim_end_matches('m').trim().parse().ok()?;
        (metres > 0.0).then(|| metres.log10())
    }))
}
