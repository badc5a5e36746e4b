//! The listener's own tools in the editor: the Tingle finder ("Find your triggers"), the ear
//! match ("Find your head") and the tingle button. The tools themselves live in
//! [`crate::personal`], free of the editor; these panels drive them.

pub mod answer_disc;
pub mod ear_panel;
pub mod finder_panel;
pub mod tingle_button;

use super::EditorState;
use crate::params::TingleParams;
use crate::scene::library::data_folder;
use ear_panel::EarPanel;
use egui::Ui;
use finder_panel::FinderPanel;
use nice_plug::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use tingle_button::TingleButton;

/// Name of the tingle logs' folder, beside the presets' folder.
const LOGS_FOLDER: &str = "tingle logs";

/// A panel shown in place of the layer strips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// The Tingle finder.
    Finder,
    /// The ear match.
    EarMatch,
}

/// The personal tools' state between frames.
pub struct Personal {
    /// The panel shown, if any.
    pub panel: Option<Panel>,
    /// The Tingle finder.
    pub finder: FinderPanel,
    /// The ear match.
    pub ear: EarPanel,
    /// The tingle button and its log.
    pub tingles: TingleButton,
}

impl Personal {
    /// The tools with the tingle logs in the folder beside `presets` (the user presets'
    /// folder), or in the platform's standard place.
    pub fn new(presets: Option<&Path>) -> Self {
        let logs: Option<PathBuf> = presets
            .and_then(Path::parent)
            .map(|p| p.join(LOGS_FOLDER))
            .or_else(|| data_folder(LOGS_FOLDER));
        Self {
            panel: None,
            finder: FinderPanel::default(),
            ear: EarPanel::default(),
            tingles: TingleButton::new(logs),
        }
    }
}

/// A seed for a new session's random choices (the finder's, the ear match's): the clock's
/// nanoseconds, so every session differs.
fn fresh_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The title row's part: the two panels' switches and the tingle button.
pub fn title_row(ui: &mut Ui, params: &TingleParams, state: &mut EditorState) {
    let now = ui.input(|i| i.time);
    let telemetry = state.telemetry.as_ref();
    state.personal.tingles.poll(ui, params, telemetry, now);
    for (panel, label, tip) in [
        (
            Panel::Finder,
            "Find your triggers",
            "Let Tingle find the triggers you like, by picking A or B.",
        ),
        (
            Panel::EarMatch,
            "Find your head",
            "Find the HRTF set that fits your ears, by pointing at taps.",
        ),
    ] {
        let open = state.personal.panel == Some(panel);
        if ui
            .selectable_label(open, label)
            .on_hover_text(tip)
            .clicked()
        {
            leave(params, state, now);
            state.personal.panel = (!open).then_some(panel);
        }
    }
    state
        .personal
        .tingles
        .show(ui, params, state.telemetry.as_ref());
}

/// Draws the open panel in place of the strips; returns false when none is open.
pub fn show(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    state: &mut EditorState,
) -> bool {
    match state.personal.panel {
        Some(Panel::Finder) => {
            finder_panel::show(
                ui,
                params,
                setter,
                &mut state.personal.finder,
                &mut state.browser,
                state.personal.tingles.log(),
            );
            ui.separator();
            state.personal.tingles.settings_row(ui, params);
        }
        Some(Panel::EarMatch) => ear_panel::show(
            ui,
            params,
            &mut state.personal.ear,
            state.telemetry.as_mut(),
            state.hrtf.as_ref(),
        ),
        None => return false,
    }
    true
}

/// Leaves the open panel: a finder session pauses on its favourite (A), an ear match ends and
/// the scene comes back.
fn leave(params: &TingleParams, state: &mut EditorState, now: f64) {
    match state.personal.panel {
        Some(Panel::Finder) => state.personal.finder.pause(params, now),
        Some(Panel::EarMatch) if state.personal.ear.is_running() => {
            state.personal.ear.stop(state.telemetry.as_ref())
        }
        _ => {}
    }
}

/// The window is closing: the finder's favourite plays on, the ear match ends and the scene
/// comes back.
pub fn close(params: &TingleParams, state: &mut EditorState, now: f64) {
    state.personal.finder.stop(params, now);
    state.personal.ear.stop(state.telemetry.as_ref());
}
