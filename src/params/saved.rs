//! What a saved state means: every parameter and field it leaves out has its built-in default
//! (the Placer's), whichever plugin loads it. A state written before a parameter existed, or a
//! hand-made partial one, so sounds the same in the instrument, whose own defaults are a scene.

use super::TingleParams;
use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;

/// Fills in what `state` leaves out with the built-in defaults, each written as nice-plug
/// writes a saved value (plain values; enums by their stable id). Fields the plugin no longer
/// has (`first_sound`, from versions that chose the first sound at activation) are left for
/// nice-plug to pass over.
pub fn complete_state(state: &mut PluginState) {
    let builtin = TingleParams::default();
    for (id, ptr, _) in builtin.param_map() {
        // SAFETY: `ptr` points into `builtin`, alive for this loop.
        state
            .params
            .entry(id)
            .or_insert_with(|| unsafe { saved_value(ptr) });
    }
    for (key, value) in builtin.serialize_fields() {
        state.fields.entry(key).or_insert(value);
    }
}

/// The parameter's value as nice-plug saves it.
///
/// # Safety
/// `ptr` must point to a live parameter.
unsafe fn saved_value(ptr: ParamPtr) -> ParamValue {
    // SAFETY: guaranteed by the caller.
    unsafe {
        match ptr {
            ParamPtr::FloatParam(p) => ParamValue::F32((*p).unmodulated_plain_value()),
            ParamPtr::IntParam(p) => ParamValue::I32((*p).unmodulated_plain_value()),
            ParamPtr::BoolParam(p) => ParamValue::Bool((*p).unmodulated_plain_value()),
            ParamPtr::EnumParam(p) => match (*p).unmodulated_plain_id() {
                Some(id) => ParamValue::String(id.to_owned()),
                None => ParamValue::I32((*p).unmodulated_plain_value()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty state (with a field from older versions) comes out complete with the built-in
    /// defaults; values it has are kept.
    #[test]
    fn a_partial_state_is_completed_with_the_builtin_defaults() {
        let mut state = PluginState {
            version: "0.1.0".into(),
            params: [("on_2".to_owned(), ParamValue::Bool(true))].into(),
            fields: [("first_sound".to_owned(), "true".to_owned())].into(),
        };
        complete_state(&mut state);
        let builtin = TingleParams::default();
        assert_eq!(state.params.len(), builtin.param_map().len());
        assert!(matches!(state.params["on_2"], ParamValue::Bool(true)));
        assert!(matches!(state.params["on_1"], ParamValue::Bool(false)));
        assert!(matches!(state.params["gentle"], ParamValue::Bool(false)));
        assert!(matches!(&state.params["family_1"], ParamValue::String(id) if id == "tap"));
        assert!(matches!(state.params["seed"], ParamValue::I32(1)));
        assert!(matches!(state.params["outgain"], ParamValue::F32(v) if v == 0.0));
        assert_eq!(state.fields["scene"], "\"\"");
        assert_eq!(state.fields["first_sound"], "true");
        for key in builtin.serialize_fields().keys() {
            assert!(state.fields.contains_key(key), "{key}");
        }
    }
}
