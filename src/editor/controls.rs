//! Parameter controls shared by the strips: labelled sliders, choice boxes, switches and the
//! placement rows. Every change goes through the [`ParamSetter`] begin/set/end gesture, so hosts
//! record it as automation, and every control reads the parameter each frame, so host
//! automation moves it live.

use crate::params::PlacementParams;
use egui::{AsIdSalt, ComboBox, Grid, Ui};
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

/// Width of a slider's track (points): room for the parameters' full names as labels beside it.
pub const SLIDER_WIDTH: f32 = 100.0;
/// Width of a choice box (points).
const COMBO_WIDTH: f32 = 120.0;
/// Spacing between grid cells (points).
const GRID_SPACING: [f32; 2] = [8.0, 4.0];

/// A two-column grid (label, control) with the editor's spacing.
pub fn grid(id_salt: impl AsIdSalt) -> Grid {
    Grid::new(id_salt).num_columns(2).spacing(GRID_SPACING)
}

/// A parameter's name as the editor shows it: without the layer prefix ("L1 ") that tells the
/// layers apart in a host's list, since a strip's heading already names its layer.
pub fn shown_name(name: &str) -> &str {
    name.strip_prefix('L')
        .and_then(|rest| rest.split_once(' '))
        .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .map_or(name, |(_, short)| short)
}

/// One grid row: `param`'s name and a slider for it, both explained by `tip`.
pub fn slider_row<P: Param>(ui: &mut Ui, param: &P, setter: &ParamSetter, tip: &str) {
    named_slider_row(ui, shown_name(param.name()), param, setter, tip);
}

/// One grid row: `label` and a slider for `param`, both explained by `tip`.
pub fn named_slider_row<P: Param>(
    ui: &mut Ui,
    label: &str,
    param: &P,
    setter: &ParamSetter,
    tip: &str,
) {
    ui.label(label).on_hover_text(tip);
    ui.add(ParamSlider::for_param(param, setter).with_width(SLIDER_WIDTH))
        .on_hover_text(tip);
    ui.end_row();
}

/// One grid row: `param`'s name and a choice box over its variants.
pub fn enum_row<T: Enum + PartialEq + 'static>(
    ui: &mut Ui,
    param: &EnumParam<T>,
    setter: &ParamSetter,
    tip: &str,
) {
    ui.label(shown_name(param.name())).on_hover_text(tip);
    let names = T::variants();
    let current = param.value().to_index();
    choice_box(ui, param.name(), names, current, tip, |index| {
        set_value(setter, param, T::from_index(index));
    });
    ui.end_row();
}

/// A choice box showing `names[current]`; `pick` gets the index the user chose.
pub fn choice_box(
    ui: &mut Ui,
    id_salt: &str,
    names: &[&str],
    current: usize,
    tip: &str,
    mut pick: impl FnMut(usize),
) {
    let shown = names.get(current).copied().unwrap_or_default();
    ComboBox::from_id_salt(id_salt)
        .width(COMBO_WIDTH)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (index, name) in names.iter().enumerate() {
                if ui.selectable_label(index == current, *name).clicked() && index != current {
                    pick(index);
                }
            }
        })
        .response
        .on_hover_text(tip);
}

/// A switch button showing `param`'s name, highlighted while on.
pub fn switch(ui: &mut Ui, param: &BoolParam, setter: &ParamSetter, tip: &str) {
    switch_showing(ui, shown_name(param.name()), param, setter, tip);
}

/// A switch button for `param` showing `text` (its state, say), highlighted while on.
pub fn switch_showing(ui: &mut Ui, text: &str, param: &BoolParam, setter: &ParamSetter, tip: &str) {
    let on = param.value();
    if ui.selectable_label(on, text).on_hover_text(tip).clicked() {
        set_value(setter, param, !on);
    }
}

/// Sets `param` to `value` as one complete automation gesture (a click, a choice).
pub fn set_value<P: Param>(setter: &ParamSetter, param: &P, value: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

/// Tooltip of the motion sync row.
const MOTION_SYNC_TIP: &str =
    "Whether the motion follows the host tempo (a note value) instead of a rate in Hz.";

/// The rows of a placement group: direction, distance and motion.
pub fn placement_rows(ui: &mut Ui, placement: &PlacementParams, setter: &ParamSetter) {
    slider_row(
        ui,
        &placement.azimuth,
        setter,
        "Direction around the head: 0° in front, 90° at the right ear, -90° at the left, 180° behind.",
    );
    slider_row(
        ui,
        &placement.elevation,
        setter,
        "Height: 0° at ear level, up to 90° overhead and down to -40° below (or Shift-drag the handle).",
    );
    slider_row(
        ui,
        &placement.distance,
        setter,
        "Distance from the centre of the head; closer than 1 m is the intimate near field.",
    );
    enum_row(
        ui,
        &placement.motion,
        setter,
        "How the source moves: an orbit round the head, ear to ear, a figure eight or a slow drift.",
    );
    ui.label(shown_name(placement.motion_sync.name()))
        .on_hover_text(MOTION_SYNC_TIP);
    let sync = placement.motion_sync.value();
    let shown = if sync { "Tempo" } else { "Free" };
    switch_showing(ui, shown, &placement.motion_sync, setter, MOTION_SYNC_TIP);
    ui.end_row();
    if sync {
        enum_row(
            ui,
            &placement.motion_note,
            setter,
            "One motion cycle per this note value at the host tempo.",
        );
    } else {
        slider_row(
            ui,
            &placement.motion_rate,
            setter,
            "Motion cycles per second.",
        );
    }
    slider_row(
        ui,
        &placement.motion_depth,
        setter,
        "How far the motion takes the source from where it is set.",
    );
}
