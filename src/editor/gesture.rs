//! Several parameter changes told to the host as one gesture, so that it records (and undoes)
//! them as one step: a scene loaded, a finder step.

use nice_plug::prelude::*;

/// Sets every `(parameter, normalized value)` of `changes` through the host as one gesture:
/// begins every parameter, sets them, then ends them. The pointers must point into the live
/// parameters the host's `setter` belongs to.
pub fn one_gesture(setter: &ParamSetter, changes: &[(ParamPtr, f32)]) {
    // SAFETY (the three loops): the pointers point into the live parameters, which outlive the
    // editor; the context is the host's.
    unsafe {
        for (ptr, _) in changes {
            setter.raw_context.raw_begin_set_parameter(*ptr);
        }
        for (ptr, v) in changes {
            setter.raw_context.raw_set_parameter_normalized(*ptr, *v);
        }
        for (ptr, _) in changes {
            setter.raw_context.raw_end_set_parameter(*ptr);
        }
    }
}
