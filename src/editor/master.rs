//! The master section (meters, output gain, safety limiter, seed) and the input's strip
//! (input gain, mix, placement of the track's own audio).

use super::controls::{self, grid, placement_rows, slider_row, switch};
use super::{EditorState, meters, theme};
use crate::params::TingleParams;
use egui::{DragValue, RichText, Ui};
use nice_plug::prelude::*;

/// Draws the master section under the head view.
pub fn show(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &EditorState) {
    meters::show(ui, &state.meters);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label("Output").on_hover_text(OUTPUT_TIP);
        ui.add(
            nice_plug_egui::widgets::ParamSlider::for_param(&params.output_gain, setter)
                .with_width(controls::SLIDER_WIDTH),
        )
        .on_hover_text(OUTPUT_TIP);
        switch(
            ui,
            "Safety limiter",
            &params.limiter,
            setter,
            "Keeps the output below -1 dBFS so no sudden peak can hurt; leave it on.",
        );
        seed(ui, params, setter);
    });
}

/// Tooltip of the output gain.
const OUTPUT_TIP: &str = "Overall output level, before the safety limiter.";
/// Tooltip of the seed.
const SEED_TIP: &str =
    "Seed of all random variation: the same seed and settings always give the same sound.";

/// The seed as a drag value; a drag is one automation gesture, typing or a click one each.
fn seed(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter) {
    ui.label("Seed").on_hover_text(SEED_TIP);
    let mut value = params.seed.value();
    let response = ui.add(DragValue::new(&mut value)).on_hover_text(SEED_TIP);
    if response.drag_started() {
        setter.begin_set_parameter(&params.seed);
    }
    if response.changed() {
        if response.dragged() {
            setter.set_parameter(&params.seed, value);
        } else {
            controls::set_value(setter, &params.seed, value);
        }
    }
    if response.drag_stopped() {
        setter.end_set_parameter(&params.seed);
    }
}

/// The input's strip: how loud the track's audio enters, how much of it is placed, and where.
pub fn input_strip(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter) {
    ui.label(
        RichText::new("Input: the track's own audio")
            .heading()
            .color(theme::INPUT_COLOUR),
    );
    grid("tingle-input").show(ui, |ui| {
        slider_row(
            ui,
            "Input gain",
            &params.input_gain,
            setter,
            "Level of the track's audio entering Tingle.",
        );
        slider_row(
            ui,
            "Mix",
            &params.mix,
            setter,
            "How much of the track's audio is placed around the head (100%) instead of left as it was (0%).",
        );
        placement_rows(ui, &params.input, setter);
    });
}
