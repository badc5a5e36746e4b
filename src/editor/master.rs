//! The master section (meters, output gain, safety limiter, seed, the ambient bed, gentle mode,
//! the room, the session timer with the time left, and the HRTF set in use) and the input's strip (input gain, mix,
//! placement of the track's own audio).

use super::controls::{self, grid, placement_rows, shown_name, slider_row, switch};
use super::{EditorState, meters, theme};
use crate::engine::bed::BedKind;
use crate::engine::timer::TimerSettings;
use crate::params::TingleParams;
use crate::room::RoomKind;
use egui::emath::Numeric;
use egui::{DragValue, RichText, ScrollArea, Ui};
use nice_plug::prelude::*;
use std::sync::atomic::Ordering;

/// Seconds per minute and minutes per hour.
const SIXTY: u32 = 60;
/// Drag speed of the bed level (dB per point).
const BED_LEVEL_SPEED: f64 = 0.1;
/// Share of a full slider's width that the room's size and damping sliders take (two in a
/// row).
const ROOM_SLIDER_SHARE: f32 = 0.6;
/// Drag speed of the seed, the session length and the fade (units per point).
const WHOLE_SPEED: f64 = 1.0;

/// Draws the master section under the head view, scrolling if the window leaves it too little
/// height (a wide, low window).
pub fn show(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &EditorState) {
    ScrollArea::vertical()
        .id_salt("tingle-master")
        .auto_shrink([false, true])
        .show(ui, |ui| sections(ui, params, setter, state));
}

/// The master section's rows: meters, output, bed and gentle mode, session timer.
fn sections(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &EditorState) {
    meters::show(ui, &state.meters);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(shown_name(params.output_gain.name()))
            .on_hover_text(OUTPUT_TIP);
        ui.add(
            nice_plug_egui::widgets::ParamSlider::for_param(&params.output_gain, setter)
                .with_width(controls::SLIDER_WIDTH),
        )
        .on_hover_text(OUTPUT_TIP);
        switch(
            ui,
            &params.limiter,
            setter,
            "Keeps the output below -1 dBFS so no sudden peak can hurt; leave it on.",
        );
        ui.label(shown_name(params.seed.name()))
            .on_hover_text(SEED_TIP);
        drag_value(ui, &params.seed, setter, WHOLE_SPEED, 0, SEED_TIP);
    });
    ui.horizontal(|ui| {
        ui.label(shown_name(params.bed.name()))
            .on_hover_text(BED_TIP);
        controls::choice_box(
            ui,
            params.bed.name(),
            BedKind::variants(),
            params.bed.value().to_index(),
            BED_TIP,
            |index| controls::set_value(setter, &params.bed, BedKind::from_index(index)),
        );
        drag_value(
            ui,
            &params.bed_level,
            setter,
            BED_LEVEL_SPEED,
            1,
            BED_LEVEL_TIP,
        );
        switch(ui, &params.gentle, setter, GENTLE_TIP);
    });
    room_rows(ui, params, setter);
    super::head_row::show(ui, params, setter, state);
    ui.horizontal(|ui| {
        switch(ui, &params.timer, setter, TIMER_TIP);
        drag_value(ui, &params.timer_length, setter, WHOLE_SPEED, 0, LENGTH_TIP);
        ui.label(shown_name(params.timer_fade.name()))
            .on_hover_text(FADE_TIP);
        drag_value(ui, &params.timer_fade, setter, WHOLE_SPEED, 0, FADE_TIP);
        let settings = params.timer_settings();
        if settings.enabled {
            ui.label(timer_status(time_left(state), &settings))
                .on_hover_text(STATUS_TIP);
        }
    });
    super::hrtf_row::show(ui, params, state);
}

/// The room: its preset and level, then its size and damping.
fn room_rows(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter) {
    ui.horizontal(|ui| {
        ui.label(shown_name(params.room.name()))
            .on_hover_text(ROOM_TIP);
        controls::choice_box(
            ui,
            params.room.name(),
            RoomKind::variants(),
            params.room.value().to_index(),
            ROOM_TIP,
            |index| controls::set_value(setter, &params.room, RoomKind::from_index(index)),
        );
        ui.label(shown_name(params.room_level.name()))
            .on_hover_text(ROOM_LEVEL_TIP);
        drag_value(
            ui,
            &params.room_level,
            setter,
            BED_LEVEL_SPEED,
            1,
            ROOM_LEVEL_TIP,
        );
    });
    ui.horizontal(|ui| {
        for (param, tip) in [
            (&params.room_size, ROOM_SIZE_TIP),
            (&params.room_damping, ROOM_DAMPING_TIP),
        ] {
            ui.label(shown_name(param.name())).on_hover_text(tip);
            ui.add(
                nice_plug_egui::widgets::ParamSlider::for_param(param, setter)
                    .with_width(controls::SLIDER_WIDTH * ROOM_SLIDER_SHARE),
            )
            .on_hover_text(tip);
        }
    });
}

/// The time left in the session as the audio side last reported it (s), once it has.
fn time_left(state: &EditorState) -> Option<f32> {
    let telemetry = state.telemetry.as_ref().filter(|_| state.meters.live)?;
    let left = telemetry.meters.timer_remaining_s.load(Ordering::Relaxed);
    left.is_finite().then_some(left)
}

/// `seconds` as "m:ss", or "h:mm:ss" from an hour on (rounded up, so "0:00" only at the end).
fn clock_text(seconds: f32) -> String {
    let total = seconds.max(0.0).ceil() as u32;
    let (hours, minutes, secs) = (
        total / (SIXTY * SIXTY),
        total / SIXTY % SIXTY,
        total % SIXTY,
    );
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

/// What the session timer shows: the time left, that it is fading (and for how long still),
/// that it has ended, or that no audio has run yet.
fn timer_status(left_s: Option<f32>, settings: &TimerSettings) -> String {
    match left_s {
        None => "waiting for audio".to_owned(),
        Some(left) if left <= 0.0 => "ended".to_owned(),
        Some(left) if left <= settings.effective_fade_s() => {
            format!("fading, {} left", clock_text(left))
        }
        Some(left) => format!("{} left", clock_text(left)),
    }
}

/// Tooltip of a Room Send (the input's and every layer's).
pub const ROOM_SEND_TIP: &str = "How much of this sound goes into the room (100% is its natural \
     level there). Low keeps a close sound intimate; only heard with a room on.";
/// Tooltip of the input gain (in the overview and the input's strip).
pub const INPUT_GAIN_TIP: &str = "Level of the track's audio entering Tingle.";
/// Tooltip of the output gain.
const OUTPUT_TIP: &str = "Overall output level, before the safety limiter.";
/// Tooltip of the seed.
const SEED_TIP: &str =
    "Seed of all random variation: the same seed and settings always give the same sound.";
/// Tooltip of the bed's choice.
const BED_TIP: &str = "A soft noise bed around you: pink, brown, moving air or distant rain.";
/// Tooltip of the bed's level.
const BED_LEVEL_TIP: &str = "Loudness of the bed (LUFS). The default sits well under the triggers.";
/// Tooltip of a Stays With choice (the input's and every layer's).
pub const STAYS_WITH_TIP: &str = "World: the sound keeps its place in the room when the \
     listener's head turns. Head: it turns with the head (a whisper at the right ear stays there).";
/// Tooltip of the room's choice.
const ROOM_TIP: &str = "A room around you: the walls' reflections and the reverberation, \
     measured for each place you put a sound. Off keeps every sound dry.";
/// Tooltip of the room's level.
const ROOM_LEVEL_TIP: &str = "The room's sound against its natural level (0 dB).";
/// Tooltip of the room's size.
const ROOM_SIZE_TIP: &str = "Scales the room: larger rooms answer later and ring longer.";
/// Tooltip of the room's damping.
const ROOM_DAMPING_TIP: &str = "How much the room's soft surfaces absorb the highs: \
     50% is the room as designed, more is darker and shorter.";
/// Tooltip of gentle mode.
const GENTLE_TIP: &str = "Keeps any sudden sound from jumping more than 12 dB above the \
     running loudness, so nothing startles (for sleep and therapy).";
/// Tooltip of the session timer's switch.
const TIMER_TIP: &str = "Fades out to silence at the end of the session. In a DAW it follows \
     the song position; in the standalone app, the clock.";
/// Tooltip of the session length.
const LENGTH_TIP: &str = "Length of the session: the fade-out ends here.";
/// Tooltip of the fade-out time.
const FADE_TIP: &str = "How long the fade-out to silence takes (at most the whole session).";
/// Tooltip of the timer's status.
const STATUS_TIP: &str = "Time left in the session.";

/// `param` as a drag value with its unit, moving `speed` units per point and showing
/// `decimals` decimals; a drag is one automation gesture, typing or a click one each.
pub(super) fn drag_value<P>(
    ui: &mut Ui,
    param: &P,
    setter: &ParamSetter,
    speed: f64,
    decimals: usize,
    tip: &str,
) where
    P: Param,
    P::Plain: Numeric,
{
    let mut value = param.modulated_plain_value();
    let range = param.preview_plain(0.0)..=param.preview_plain(1.0);
    let response = ui
        .add(
            DragValue::new(&mut value)
                .range(range)
                .speed(speed)
                .fixed_decimals(decimals)
                .suffix(crate::params::unit_suffix(param.unit())),
        )
        .on_hover_text(tip);
    if response.drag_started() {
        setter.begin_set_parameter(param);
    }
    if response.changed() {
        if response.dragged() {
            setter.set_parameter(param, value);
        } else {
            controls::set_value(setter, param, value);
        }
    }
    if response.drag_stopped() {
        setter.end_set_parameter(param);
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
        slider_row(ui, &params.input_gain, setter, INPUT_GAIN_TIP);
        slider_row(
            ui,
            &params.mix,
            setter,
            "How much of the track's audio is placed around the head (100%) instead of left as it was (0%).",
        );
        slider_row(ui, &params.input_room_send, setter, ROOM_SEND_TIP);
        controls::enum_row(ui, &params.input_anchor, setter, STAYS_WITH_TIP);
        placement_rows(ui, &params.input, setter);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_status_reads_the_time_left() {
        let settings = TimerSettings {
            enabled: true,
            length_s: 1800.0,
            fade_s: 60.0,
        };
        assert_eq!(timer_status(Some(1453.2), &settings), "24:14 left");
        assert_eq!(timer_status(Some(42.0), &settings), "fading, 0:42 left");
        assert_eq!(timer_status(Some(0.0), &settings), "ended");
        assert_eq!(timer_status(None, &settings), "waiting for audio");
        assert_eq!(clock_text(3.0 * 3600.0 + 65.0), "3:01:05");
    }
}
