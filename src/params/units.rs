//! Constructors for the kinds of parameter Tingle uses, so every angle, gain and share reads
//! and parses the same way.
//!
//! Units: a parameter's unit is the bare symbol ("dB", "°", "Hz"), which is what hosts read as
//! the unit (VST3 `ParameterInfo::units`; a host that treats gains as decibels matches "dB"
//! exactly). nice-plug shows a value as its text followed directly by the unit, so the text
//! ends with the gap ("-6.0 " + "dB" = "-6.0 dB", as CLAP hosts and the editor show it); the
//! VST3 value string, which nice-plug gives without the unit, is the number and that gap.

use crate::ranges::Range;
use nice_plug::prelude::*;
use std::str::FromStr;
use std::sync::Arc;

/// Digits shown after the decimal point for angles and gains.
const DISPLAY_DIGITS: usize = 1;
/// Digits shown after the decimal point for rates and times.
const RATE_DIGITS: usize = 2;
/// What separates a value from its unit in the displayed text.
pub const UNIT_GAP: &str = " ";

/// Decibels.
pub const DECIBELS: &str = "dB";
/// Degrees of angle.
pub const DEGREES: &str = "°";
/// Cycles per second.
pub const HERTZ: &str = "Hz";
/// Events per second.
pub const PER_SECOND: &str = "/s";
/// Milliseconds.
pub const MILLISECONDS: &str = "ms";
/// Octaves.
pub const OCTAVES: &str = "oct";
/// Minutes.
pub const MINUTES: &str = "min";
/// Seconds.
pub const SECONDS: &str = "s";
/// Percent (shown without a gap: "75%").
const PERCENT: &str = "%";

/// The text after a number for `unit`: the gap and the unit (" dB"), or nothing without a unit.
pub fn suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!("{UNIT_GAP}{unit}")
    }
}

/// The number in `text`, with or without `unit` after it ("-6.0 dB", "-6.0dB", "-6").
fn parse_number<T: FromStr>(text: &str, unit: &str) -> Option<T> {
    text.trim().trim_end_matches(unit).trim_end().parse().ok()
}

/// `param` in `unit`, shown with `digits` decimals ("-6.0 dB") and parsing that text back.
fn float_in(param: FloatParam, unit: &'static str, digits: usize) -> FloatParam {
    let number = formatters::v2s_f32_rounded(digits);
    param
        .with_unit(unit)
        .with_value_to_string(Arc::new(move |v| format!("{}{UNIT_GAP}", number(v))))
        .with_string_to_value(Arc::new(move |text| parse_number(text, unit)))
}

/// A whole number over `range` in `unit` ("30 min"), starting at `default`, parsing that text
/// back.
pub fn integer(name: &str, default: i32, range: Range<i32>, unit: &'static str) -> IntParam {
    integer_in(
        IntParam::new(
            name,
            default,
            IntRange::Linear {
                min: range.min,
                max: range.max,
            },
        ),
        unit,
    )
}

/// A whole number in `unit` ("30 min"), parsing that text back.
pub fn integer_in(param: IntParam, unit: &'static str) -> IntParam {
    param
        .with_unit(unit)
        .with_value_to_string(Arc::new(|v| format!("{v}{UNIT_GAP}")))
        .with_string_to_value(Arc::new(move |text| parse_number(text, unit)))
}

/// The linear host range of `range`.
fn linear_range(range: Range<f32>) -> FloatRange {
    FloatRange::Linear {
        min: range.min,
        max: range.max,
    }
}

/// An angle in degrees over `range`, starting at `default`.
pub fn degrees(name: String, default: f32, range: Range<f32>) -> FloatParam {
    float_in(
        FloatParam::new(name, default, linear_range(range)).with_step_size(0.1),
        DEGREES,
        DISPLAY_DIGITS,
    )
}

/// A gain in dB over `range`, starting at `default`.
pub fn decibels(name: &str, default: f32, range: Range<f32>) -> FloatParam {
    float_in(
        FloatParam::new(name, default, linear_range(range)).with_step_size(0.1),
        DECIBELS,
        DISPLAY_DIGITS,
    )
}

/// A share over `range` (0 ..= 1) shown in percent, starting at `default`.
pub fn percent(name: &str, default: f32, range: Range<f32>) -> FloatParam {
    FloatParam::new(name, default, linear_range(range))
        .with_unit(PERCENT)
        .with_value_to_string(formatters::v2s_f32_percentage(0))
        .with_string_to_value(formatters::s2v_f32_percentage())
}

/// A rate or time in `unit` over `range`, skewed towards small values, starting at `default`.
pub fn rate(name: &str, default: f32, range: Range<f32>, unit: &'static str) -> FloatParam {
    float_in(
        FloatParam::new(
            name,
            default,
            FloatRange::Skewed {
                min: range.min,
                max: range.max,
                factor: FloatRange::skew_factor(-2.0),
            },
        ),
        unit,
        RATE_DIGITS,
    )
}

/// A plain number over `range` in `unit`, shown with two decimals, starting at `default`.
pub fn linear(name: String, default: f32, range: Range<f32>, unit: &'static str) -> FloatParam {
    float_in(
        FloatParam::new(name, default, linear_range(range)),
        unit,
        RATE_DIGITS,
    )
}

/// A distance in metres over `range`, log mapped: the stored value is log10(metres), the
/// default `default_log` (log10 metres). The unit is in the text ("1.00 m"), not given to hosts,
/// since the value hosts see is the logarithm.
pub fn log_metres(name: String, default_log: f32, range: Range<f32>) -> FloatParam {
    FloatParam::new(
        name,
        default_log,
        FloatRange::Linear {
            min: range.min.log10(),
            max: range.max.log10(),
        },
    )
    .with_value_to_string(Arc::new(|v| format!("{:.2} m", 10f32.powf(v))))
    .with_string_to_value(Arc::new(|s| {
        let metres: f32 = s.trim().trim_end_matches('m').trim().parse().ok()?;
        (metres > 0.0).then(|| metres.log10())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hosts read the bare unit ("dB"), while the text shown with it reads "-6.0 dB" and parses
    /// back, with the unit, without it, or without the gap.
    #[test]
    fn units_are_bare_and_the_text_reads_with_a_gap() {
        let gain = decibels("Gain", -6.0, crate::ranges::OUTPUT_GAIN_DB);
        assert_eq!(gain.unit(), "dB");
        assert_eq!(gain.to_string(), "-6.0 dB");
        let value = gain.unmodulated_normalized_value();
        assert_eq!(gain.normalized_value_to_string(value, true), "-6.0 dB");
        for text in ["-6.0 dB", "-6.0dB", "-6", " -6.0 dB "] {
            assert_eq!(
                gain.string_to_normalized_value(text),
                Some(value),
                "{text:?}"
            );
        }
        assert_eq!(gain.string_to_normalized_value("loud"), None);

        let angle = degrees("Azimuth".into(), 37.5, crate::ranges::AZIMUTH_DEG);
        assert_eq!(angle.unit(), "°");
        assert_eq!(angle.to_string(), "37.5 °");
        let rate = rate("Rate", 1.0, crate::ranges::RHYTHM_RATE_PER_S, PER_SECOND);
        assert_eq!(rate.unit(), "/s");
        assert_eq!(rate.to_string(), "1.00 /s");
        let spacing = self::rate(
            "Spacing",
            80.0,
            crate::ranges::BURST_SPACING_MS,
            MILLISECONDS,
        );
        assert_eq!(spacing.unit(), "ms");
        assert_eq!(
            spacing.string_to_normalized_value("80.00 ms"),
            Some(spacing.unmodulated_normalized_value())
        );
        let minutes = integer("Length", 30, crate::ranges::SESSION_MINUTES, MINUTES);
        assert_eq!(minutes.unit(), "min");
        assert_eq!(minutes.to_string(), "30 min");
        assert_eq!(
            minutes.string_to_normalized_value("30 min"),
            Some(minutes.unmodulated_normalized_value())
        );
        for param in [&gain, &angle, &rate, &spacing] {
            assert!(!param.unit().starts_with(' '), "{}", param.name());
        }
        assert_eq!(suffix("dB"), " dB");
        assert_eq!(suffix(""), "");
    }
}
