//! Parameter controls shared by the strips: labelled sliders, choice boxes, switches and the
//! placement rows. Every change goes through the [`ParamSetter`] begin/set/end gesture, so hosts
//! record it as automation, and every control reads the parameter each frame, so host
//! automation moves it live.

use crate::params::PlacementParams;
use egui::{AsIdSalt, ComboBox, Grid, Response, Ui};
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

/// Width of a slider's track (points).
pub const SLIDER_WIDTH: f32 = 120.0;
/// Width of a choice box (points).
const COMBO_WIDTH: f32 = 120.0;
/// Spacing between grid cells (points).
const GRID_SPACING: [f32; 2] = [8.0, 4.0];

/// A two-column grid (label, control) with the editor's spacing.
pub fn grid(id_salt: impl AsIdSalt) -> Grid {
    Grid::new(id_salt).num_columns(2).spacing(GRID_SPACING)
}

/// One grid row: `label` and a slider for `param`, both explained by `tip`.
pub fn slider_row<P: Param>(
    ui: &mut Ui,
    label: &str,
    param: &P,
    setter: &ParamSetter,
    tip: &str,
) -> Response {
    ui.label(label).on_hover_text(tip);
    let response = ui
        .add(ParamSlider::for_param(param, setter).with_width(SLIDER_WIDTH))
        .on_hover_text(tip);
    ui.end_row();
    response
}

/// One grid row: `label` and a choice box over the variants of `param`.
pub fn enum_row<T: Enum + PartialEq + 'static>(
    ui: &mut Ui,
    label: &str,
    param: &EnumParam<T>,
    setter: &ParamSetter,
    tip: &str,
) {
    ui.label(label).on_hover_text(tip);
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

/// A switch button for `param` showing `text`, highlighted while on.
pub fn switch(ui: &mut Ui, text: &str, param: &BoolParam, setter: &ParamSetter, tip: &str) {
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

/// The rows of a placement group: direction, distance and motion.
pub fn placement_rows(ui: &mut Ui, placement: &PlacementParams, setter: &ParamSetter) {
    slider_row(
        ui,
        "Azimuth",
        &placement.azimuth,
        setter,
        "Direction around the head: 0° in front, 90° at the right ear, -90° at the left, 180° behind.",
    );
    slider_row(
        ui,
        "Elevation",
        &placement.elevation,
        setter,
        "Height: 0° at ear level, up to 90° overhead and down to -40° below (or Shift-drag the handle).",
    );
    slider_row(
        ui,
        "Distance",
        &placement.distance,
        setter,
        "Distance from the centre of the head; closer than 1 m is the intimate near field.",
    );
    enum_row(
        ui,
        "Motion",
        &placement.motion,
        setter,
        "How the source moves: an orbit round the head, ear to ear, a figure eight or a slow drift.",
    );
    ui.label("Motion sync").on_hover_text(
        "Whether the motion follows the host tempo (a note value) instead of a rate in Hz.",
    );
    switch(
        ui,
        if placement.motion_sync.value() {
            "Tempo"
        } else {
            "Free"
        },
        &placement.motion_sync,
        setter,
        "Whether the motion follows the host tempo (a note value) instead of a rate in Hz.",
    );
    ui.end_row();
    if placement.motion_sync.value() {
        enum_row(
            ui,
            "Motion note",
            &placement.motion_note,
            setter,
            "One motion cycle per this note value at the host tempo.",
        );
    } else {
        slider_row(
            ui,
            "Motion rate",
            &placement.motion_rate,
            setter,
            "Motion cycles per second.",
        );
    }
    slider_row(
        ui,
        "Motion depth",
        &placement.motion_depth,
        setter,
        "How far the motion takes the source from where it is set.",
    );
}
