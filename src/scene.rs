//! Scenes: the plugin's parameter state as a JSON file, for the offline renderer (and presets).
//!
//! A scene has the shape of the plugin's saved state: `{"params": {"<id>": value, ...}}`, the
//! ids being the parameters' stable ids (`az`, `mix`, `family_1`, `rate_3`, ...). A value is a
//! plain JSON number, boolean or string (an enum's id or name), or the tagged form the plugin
//! itself writes (`{"f32": 1.5}`, `{"i32": 3}`, `{"bool": true}`, `{"string": "orbit"}`).
//! Parameters a scene leaves out keep their defaults.

use crate::params::TingleParams;
use nice_plug::prelude::*;
use serde_json::Value;
use std::fmt;

/// Why a scene could not be loaded. Every message names the offending field.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneError(String);

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SceneError {}

/// Reads a scene into a fresh set of parameters.
pub fn load(json: &str) -> Result<TingleParams, SceneError> {
    let fail = |msg: String| Err(SceneError(msg));
    let root: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return fail(format!("not valid JSON: {e}")),
    };
    let Some(values) = root.get("params").and_then(Value::as_object) else {
        return fail("missing the \"params\" object".into());
    };
    let params = TingleParams::default();
    let map = params.param_map();
    for (id, value) in values {
        let Some((_, ptr, _)) = map.iter().find(|(known, _, _)| known == id) else {
            return fail(format!("params.{id}: unknown parameter"));
        };
        // SAFETY: `ptr` points into `params`, which outlives this loop.
        unsafe { apply(*ptr, untagged(value)) }
            .map_err(|why| SceneError(format!("params.{id}: {why}")))?;
    }
    Ok(params)
}

/// The plain value inside a tagged one (`{"f32": 1.5}` -> `1.5`).
fn untagged(value: &Value) -> &Value {
    match value.as_object() {
        Some(tagged) if tagged.len() == 1 => tagged.values().next().unwrap_or(value),
        _ => value,
    }
}

/// Sets the parameter behind `ptr` from `value`.
///
/// # Safety
/// `ptr` must point to a live parameter.
unsafe fn apply(ptr: ParamPtr, value: &Value) -> Result<(), String> {
    let number = || {
        value
            .as_f64()
            .ok_or_else(|| format!("expected a number, found {value}"))
    };
    let in_range = |plain: f32| -> Result<f32, String> {
        // SAFETY: guaranteed by the caller.
        let (lo, hi) = unsafe { (ptr.preview_plain(0.0), ptr.preview_plain(1.0)) };
        if plain.is_finite() && plain >= lo.min(hi) && plain <= lo.max(hi) {
            Ok(plain)
        } else {
            Err(format!("{plain} is outside {lo}..{hi}"))
        }
    };
    let normalized = match (ptr, value) {
        (ParamPtr::BoolParam(_), _) => {
            let on = value
                .as_bool()
                .ok_or_else(|| format!("expected true or false, found {value}"))?;
            if on { 1.0 } else { 0.0 }
        }
        // SAFETY (this and the calls below): guaranteed by the caller.
        (ParamPtr::EnumParam(p), Value::String(text)) => unsafe {
            if (*p).set_from_id(text) {
                return Ok(());
            }
            ptr.string_to_normalized_value(text)
                .ok_or_else(|| format!("unknown choice \"{text}\""))?
        },
        (ParamPtr::FloatParam(_), _) => unsafe {
            ptr.preview_normalized(in_range(number()? as f32)?)
        },
        _ => {
            let v = number()?;
            if v.fract() != 0.0 {
                return Err(format!("expected a whole number, found {v}"));
            }
            unsafe { ptr.preview_normalized(in_range(v as f32)?) }
        }
    };
    unsafe { ptr._internal_set_normalized_value(normalized) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binaural::motion::MotionMode;
    use crate::triggers::Family;

    #[test]
    fn reads_plain_and_tagged_values() {
        let Ok(p) = load(
            r#"{"params": {"az": -45, "motion": "orbit", "on_2": true, "family_2": {"string": "tone"},
            "rate_2": {"f32": 4.5}, "burst_2": 3, "limiter": {"bool": true}}}"#,
        ) else {
            panic!("a valid scene")
        };
        assert_eq!(p.input.azimuth.value(), -45.0);
        assert_eq!(p.input.motion.value(), MotionMode::Orbit);
        assert!(p.layers[1].enabled.value());
        assert_eq!(p.layers[1].family.value(), Family::Tone);
        assert_eq!(p.layers[1].rate.value(), 4.5);
        assert_eq!(p.layers[1].burst.value(), 3);
    }

    #[test]
    fn errors_name_the_field() {
        let err = |json: &str| load(json).err().expect("an error").to_string();
        assert!(err(r#"{"params": {"az": 400}}"#).starts_with("params.az: 400 is outside"));
        assert!(err(r#"{"params": {"az_9": 1}}"#).contains("params.az_9: unknown parameter"));
        assert!(err(r#"{"params": {"motion": "spin"}}"#).contains("params.motion: unknown choice"));
        assert!(err(r#"{"params": {"on_1": 3}}"#).contains("params.on_1: expected true or false"));
        assert!(
            err(r#"{"params": {"burst_1": 2.5}}"#).contains("params.burst_1: expected a whole")
        );
        assert!(err(r#"{"par": {}}"#).contains("missing the \"params\" object"));
        assert!(err("{").starts_with("not valid JSON"));
    }
}
