//! What a saved state means: every parameter and field it leaves out has its built-in default
//! (the Placer's), whichever plugin loads it. A state written before a parameter existed, or a
//! hand-made partial one, so sounds the same in the instrument, whose own defaults are a scene.

use super::{SoundChoice, TingleParams};
use crate::engine::LAYERS;
use crate::triggers::Family;
use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;

/// Id of a layer's family parameter in states saved before the Sound parameter (suffixed `_N`).
const OLD_FAMILY_ID: &str = "family";
/// Id of a layer's variant parameter in states saved before the Sound parameter (suffixed `_N`).
const OLD_VARIANT_ID: &str = "variant";
/// Id of a layer's sound parameter (suffixed `_N`).
const SOUND_ID: &str = "sound";

/// Fills in what `state` leaves out with the built-in defaults, each written as nice-plug
/// writes a saved value (plain values; enums by their stable id). Fields the plugin no longer
/// has (`first_sound`, from versions that chose the first sound at activation) are left for
/// nice-plug to pass over.
pub fn complete_state(state: &mut PluginState) {
    merge_family_and_variant(state);
    let builtin = state_of(&TingleParams::default());
    for (id, value) in builtin.params {
        state.params.entry(id).or_insert(value);
    }
    for (key, value) in builtin.fields {
        state.fields.entry(key).or_insert(value);
    }
}

/// `params` as a complete saved state, as nice-plug would save an instance holding them: what
/// a host preset loads (every parameter and field, so nothing of the previous sound remains).
pub fn state_of(params: &TingleParams) -> PluginState {
    PluginState {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        params: params
            .param_map()
            .into_iter()
            // SAFETY: `ptr` points into `params`, borrowed for this call.
            .map(|(id, ptr, _)| (id, unsafe { saved_value(ptr) }))
            .collect(),
        fields: params.serialize_fields(),
    }
}

/// States saved before a layer's family and variant became one Sound parameter keep their
/// sound: `family_N` (its id) and `variant_N` (an index, clamped to the family's variants as
/// the engine always did) become `sound_N`. A state that has `sound_N` keeps it.
fn merge_family_and_variant(state: &mut PluginState) {
    for layer in 1..=LAYERS {
        let family = state.params.remove(&format!("{OLD_FAMILY_ID}_{layer}"));
        let variant = state.params.remove(&format!("{OLD_VARIANT_ID}_{layer}"));
        if family.is_none() && variant.is_none() {
            continue;
        }
        // nice-plug saves an enum with ids by its id.
        let family = match family {
            Some(ParamValue::String(id)) => Family::IDS
                .iter()
                .position(|known| *known == id)
                .map_or_else(Family::default, Family::from_index),
            _ => Family::default(),
        };
        let variant = match variant {
            Some(ParamValue::I32(index)) => usize::try_from(index).unwrap_or(0),
            _ => 0,
        };
        let sound = SoundChoice::new(family, variant);
        state
            .params
            .entry(format!("{SOUND_ID}_{layer}"))
            .or_insert_with(|| ParamValue::String(sound.id().to_owned()));
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

    /// A state from before the Sound parameter keeps each layer's family and variant (the
    /// variant clamped as the engine clamped it); a layer with neither gets the default.
    #[test]
    fn family_and_variant_become_the_sound() {
        let mut state = PluginState {
            version: "0.1.0".into(),
            params: [
                ("family_1".to_owned(), ParamValue::String("water".into())),
                ("variant_1".to_owned(), ParamValue::I32(2)),
                ("family_2".to_owned(), ParamValue::String("tone".into())),
                ("variant_2".to_owned(), ParamValue::I32(5)),
                ("variant_3".to_owned(), ParamValue::I32(1)),
            ]
            .into(),
            fields: Default::default(),
        };
        complete_state(&mut state);
        let sound = |n: usize| match &state.params[&format!("sound_{n}")] {
            ParamValue::String(id) => id.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(sound(1), "water/rain-bed");
        assert_eq!(sound(2), "tone/sine");
        assert_eq!(sound(3), "tap/glass");
        assert_eq!(sound(4), "tap/wood");
        assert!(!state.params.contains_key("family_1") && !state.params.contains_key("variant_3"));
    }

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
        assert!(matches!(&state.params["sound_1"], ParamValue::String(id) if id == "tap/wood"));
        assert!(matches!(state.params["seed"], ParamValue::I32(1)));
        assert!(matches!(state.params["outgain"], ParamValue::F32(v) if v == 0.0));
        assert_eq!(state.fields["scene"], "\"\"");
        assert_eq!(state.fields["first_sound"], "true");
        for key in builtin.serialize_fields().keys() {
            assert!(state.fields.contains_key(key), "{key}");
        }
    }
}
