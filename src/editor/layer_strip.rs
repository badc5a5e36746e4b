//! The layer strips: an overview row per layer (select, mute, solo, family, level) and the
//! selected layer's full strip (sound, character, rhythm, placement, scatter, motion).
//!
//! Mute is the layer's On parameter. Solo is a monitoring switch, not a parameter: while any
//! layer is soloed only the soloed layers sound, whatever their On switches say, and the On
//! switches themselves never change, so a session saved while soloing keeps its layers (see
//! [`TingleParams::solo`]).

use super::controls::{
    choice_box, enum_row, grid, named_slider_row, placement_rows, set_value, shown_name,
    slider_row, switch, switch_showing,
};
use super::master::INPUT_GAIN_TIP;
use super::{EditorState, Selection, theme};
use crate::engine::rhythm::{ACCENT_DEPTH, ACCENT_PERIOD, RhythmRate};
use crate::params::{SoundChoice, TingleParams};
use crate::triggers::Family;
use egui::{RichText, Ui};
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

/// Width of the level slider in the overview (points).
const OVERVIEW_SLIDER_WIDTH: f32 = 90.0;
/// Space above a group's title in the strip (points).
const GROUP_SPACE: f32 = 6.0;
/// Share of the strip's width that its left column takes: the sound and rhythm rows have the
/// longer labels and values (a character control's value text carries its name).
const LEFT_COLUMN_SHARE: f32 = 0.53;
/// Tooltip of a layer's level.
const LEVEL_TIP: &str = "The layer's level.";

/// One row per layer (and one for the input): select, mute, solo, family and level.
pub fn overview(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &mut EditorState) {
    // Every layer's On switch has the same name once the layer prefix is off.
    let on_name = shown_name(params.layers[0].enabled.name());
    let mute_tip = format!("Mute or unmute the layer (its {on_name} switch).");
    let solo_tip = format!(
        "Hear only the soloed layers while listening; never saved, the {on_name} switches stay as they are."
    );
    grid("tingle-overview")
        .num_columns(6)
        .striped(true)
        .show(ui, |ui| {
            let selected = state.selection == Selection::Input;
            if ui
                .selectable_label(
                    selected,
                    RichText::new("Input").strong().color(theme::INPUT_COLOUR),
                )
                .on_hover_text(
                    "Show the input's strip: the track's own audio, placed like a layer.",
                )
                .clicked()
            {
                state.selection = Selection::Input;
            }
            ui.label("");
            ui.label("");
            ui.label("track audio");
            ui.label("");
            ui.add(
                ParamSlider::for_param(&params.input_gain, setter)
                    .with_width(OVERVIEW_SLIDER_WIDTH),
            )
            .on_hover_text(INPUT_GAIN_TIP);
            ui.end_row();

            for (i, layer) in params.layers.iter().enumerate() {
                let source = Selection::Layer(i);
                let text = RichText::new(format!("Layer {}", i + 1))
                    .strong()
                    .color(theme::layer_colour(i));
                if ui
                    .selectable_label(state.selection == source, text)
                    .on_hover_text("Show this layer's strip.")
                    .clicked()
                {
                    state.selection = source;
                }
                let shown = if layer.enabled.value() { "On" } else { "Off" };
                switch_showing(ui, shown, &layer.enabled, setter, &mute_tip);
                if ui
                    .selectable_label(params.is_soloed(i), "Solo")
                    .on_hover_text(&solo_tip)
                    .clicked()
                {
                    params.toggle_solo(i);
                }
                let sound = layer.sound.value();
                ui.label(sound.family.info().name);
                ui.label(sound.variant_name());
                ui.add(
                    ParamSlider::for_param(&layer.level, setter).with_width(OVERVIEW_SLIDER_WIDTH),
                )
                .on_hover_text(LEVEL_TIP);
                ui.end_row();
            }
        });
}

/// A titled group of the strip of layer `index`: the title over a grid of its rows.
fn group(ui: &mut Ui, title: &str, index: usize, rows: impl FnOnce(&mut Ui)) {
    ui.label(RichText::new(title).strong());
    grid((title, index)).show(ui, rows);
}

/// The full strip of layer `index`, in two columns of about the same height and of fixed
/// widths (a value that grows never moves the right column), so that at the editor's default
/// size it fits without scrolling (a Sample layer's files may still make it scroll): on the
/// left what and when the layer plays (sound, the Sample family's files, rhythm), on the right
/// where (placement, motion, scatter) and what MIDI does to it.
pub fn strip(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, index: usize) {
    let layer = &params.layers[index];
    let sound = layer.sound.value();
    let family = sound.family;
    let info = family.info();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Layer {}", index + 1))
                .heading()
                .color(theme::layer_colour(index)),
        );
        for f in Family::ALL {
            if ui
                .selectable_label(*f == family, f.info().name)
                .on_hover_text(
                    "The kind of trigger this layer plays; the character controls change with it.",
                )
                .clicked()
                && *f != family
            {
                set_value(setter, &layer.sound, SoundChoice::new(*f, 0));
            }
        }
    });
    ui.horizontal_top(|ui| {
        let left_width = ui.available_width() * LEFT_COLUMN_SHARE;
        ui.vertical(|ui| {
        ui.set_width(left_width);
        group(ui, "Sound", index, |ui| {
            let tip = "Which version of the family's sound plays.";
            ui.label("Variant").on_hover_text(tip);
            choice_box(ui, layer.sound.name(), info.variants, sound.variant, tip, |v| {
                set_value(setter, &layer.sound, SoundChoice::new(family, v));
            });
            ui.end_row();
            slider_row(ui, &layer.level, setter, LEVEL_TIP);
            slider_row(ui, &layer.intensity, setter, "How hard each trigger is played.");
            slider_row(
                ui,
                &layer.intensity_variation,
                setter,
                "How much the intensity varies at random from hit to hit.",
            );
            let character = [
                &layer.character_1,
                &layer.character_2,
                &layer.character_3,
                &layer.character_4,
            ];
            for (control, param) in info.controls.iter().zip(character) {
                named_slider_row(ui, control.name, param, setter, control.description);
            }
        });
        if family == Family::Sample {
            ui.add_space(GROUP_SPACE);
            super::sample_files::show(ui, params, setter, index);
        }
        ui.add_space(GROUP_SPACE);
        group(ui, "Rhythm", index, |ui| {
            enum_row(
                ui,
                &layer.rhythm_mode,
                setter,
                "What fires the layer: a free rate, a note value at the host tempo, or MIDI notes only.",
            );
            match layer.engine_settings().rhythm.rate {
                Some(RhythmRate::PerSecond(_)) => {
                    slider_row(ui, &layer.rate, setter, "Events per second.");
                }
                Some(RhythmRate::Synced(_)) => enum_row(
                    ui,
                    &layer.note,
                    setter,
                    "One event per this note value at the host tempo.",
                ),
                None => {}
            }
            slider_row(
                ui,
                &layer.humanize,
                setter,
                "Random timing jitter, so the rhythm breathes instead of ticking.",
            );
            slider_row(
                ui,
                &layer.probability,
                setter,
                "The chance that each event actually fires.",
            );
            slider_row(ui, &layer.burst, setter, "Hits per event.");
            slider_row(
                ui,
                &layer.burst_spacing,
                setter,
                "Time between the hits of a burst.",
            );
            slider_row(
                ui,
                &layer.accent,
                setter,
                &format!(
                    "How much softer the events between accents play: one event in \
                     {ACCENT_PERIOD} (on the host's grid while its transport plays, each one on a bar \
                     line) keeps its full intensity, the others lose up to {:.0} % of it, every \
                     hit of their bursts alike.",
                    ACCENT_DEPTH * 100.0
                ),
            );
        });

        });
        ui.vertical(|ui| {
        group(ui, "Placement and motion", index, |ui| {
            placement_rows(ui, &layer.placement, setter);
        });
        ui.add_space(GROUP_SPACE);
        group(ui, "Scatter and room", index, |ui| {
            enum_row(
                ui,
                &layer.scatter,
                setter,
                "Whether each hit lands somewhere else: spread around the set position, or from ear to ear.",
            );
            slider_row(
                ui,
                &layer.spread,
                setter,
                "How far in angle hits scatter around the set direction.",
            );
            slider_row(
                ui,
                &layer.distance_spread,
                setter,
                "How far hits scatter nearer and farther, in octaves of distance.",
            );
            slider_row(ui, &layer.room_send, setter, super::master::ROOM_SEND_TIP);
            enum_row(ui, &layer.anchor, setter, super::master::STAYS_WITH_TIP);
        });
        ui.add_space(GROUP_SPACE);
        group(ui, "MIDI", index, |ui| {
            slider_row(
                ui,
                &layer.midi_note,
                setter,
                "The MIDI note that fires this layer.",
            );
            ui.label("");
            switch(
                ui,
                &layer.follow_note,
                setter,
                "A note-off ends the triggers its note started, with a short release; off, they play to their natural end.",
            );
            ui.end_row();
        });
        });
    });
}
