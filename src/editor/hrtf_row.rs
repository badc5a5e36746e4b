//! The HRTF row of the master section: which set the engine renders with (the built-in KEMAR
//! set or the user's SOFA file), a button to choose a SOFA file (the system's file dialog,
//! opened on its own thread so the editor keeps drawing), one to return to KEMAR, and why the
//! last file was refused.

use super::{EditorState, theme};
use crate::binaural::cache::HrtfChoice;
use crate::engine::hrtf_loader::HrtfLoader;
use crate::params::TingleParams;
use egui::{RichText, Ui};
use std::sync::PoisonError;

/// Tooltip of the row.
const HRTF_TIP: &str = "The head-related transfer functions that place every sound around \
    your head. Tingle ships the MIT KEMAR dummy head; a measured set of your own head (or \
    any SimpleFreeFieldHRIR SOFA file) can place sounds more precisely for you.";
/// Tooltip of the file button.
const CHOOSE_TIP: &str = "Load an HRTF set from a SOFA file; it fades in without a click. A \
    file Tingle cannot use is refused with the reason, and the set in use stays.";

/// Draws the row; `state`'s loader (if there is an audio side) does the loading.
pub fn show(ui: &mut Ui, params: &TingleParams, state: &EditorState) {
    let loader = state.hrtf.as_ref();
    let status = loader.map(HrtfLoader::status);
    let in_use = status.as_ref().map_or_else(
        || HrtfChoice::from_saved(&params.hrtf.read().unwrap_or_else(PoisonError::into_inner)),
        |s| s.in_use.clone(),
    );
    ui.horizontal(|ui| {
        ui.label("HRTF").on_hover_text(HRTF_TIP);
        ui.label(RichText::new(in_use.name()).strong())
            .on_hover_text(in_use.to_saved());
        if let Some(loading) = status.as_ref().and_then(|s| s.loading.as_ref()) {
            ui.label(
                RichText::new(format!("loading {}…", loading.name()))
                    .small()
                    .color(theme::RING_TEXT),
            );
            ui.ctx().request_repaint();
        }
        let choose = ui.add_enabled(loader.is_some(), egui::Button::new("Choose SOFA…"));
        if choose.on_hover_text(CHOOSE_TIP).clicked()
            && let Some(loader) = loader
        {
            let loader = loader.clone();
            std::thread::spawn(move || {
                let picked = rfd::FileDialog::new()
                    .set_title("Choose an HRTF set (SOFA file)")
                    .add_filter("SOFA HRTF", &["sofa"])
                    .pick_file();
                if let Some(path) = picked {
                    loader.request(HrtfChoice::Sofa(path));
                }
            });
        }
        let kemar = ui.add_enabled(
            loader.is_some() && in_use != HrtfChoice::Kemar,
            egui::Button::new("Use KEMAR"),
        );
        if kemar.clicked()
            && let Some(loader) = loader
        {
            loader.request(HrtfChoice::Kemar);
        }
    });
    if let Some(error) = status.and_then(|s| s.error) {
        ui.label(RichText::new(error).small().color(theme::METER_HOT));
    }
}
