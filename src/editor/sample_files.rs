//! A Sample layer's sounds in its strip: the files chosen, buttons to choose files or a folder
//! (the system's file dialog, opened on its own thread so the editor and the host never wait),
//! the load state with every file that failed and why, and the attack, release and length
//! limit.

use super::controls::{grid, slider_row};
use super::theme;
use crate::params::TingleParams;
use crate::samples::set::{EXTENSIONS, MAX_FILES};
use crate::samples::{FileReport, LoadState, SampleLibrary};
use egui::{RichText, Ui};
use nice_plug::prelude::*;
use std::path::{Path, PathBuf};

/// What a file dialog chooses.
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// Files (several at once).
    Files,
    /// A folder: its audio files.
    Folder,
}

/// Layer `index`'s sounds: choose buttons, load state, the files and their problems, and the
/// trigger shape.
pub fn show(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, index: usize) {
    let layer = &params.layers[index];
    ui.label(RichText::new("Your sounds").strong());
    ui.horizontal(|ui| {
        if ui
            .button("Choose files…")
            .on_hover_text(format!(
                "Pick up to {MAX_FILES} sound files (WAV, FLAC, OGG Vorbis, MP3); each trigger plays one."
            ))
            .clicked()
        {
            open_dialog(params.samples.clone(), index, Pick::Files);
        }
        if ui
            .button("Choose folder…")
            .on_hover_text("Pick a folder: its sound files play, in name order.")
            .clicked()
        {
            open_dialog(params.samples.clone(), index, Pick::Folder);
        }
        if ui
            .button("Clear")
            .on_hover_text("Play no files on this layer.")
            .clicked()
        {
            params.samples.choose(index, Vec::new());
        }
    });
    status(ui, &params.samples, index);
    grid(("tingle-sample-shape", index)).show(ui, |ui| {
        slider_row(
            ui,
            &layer.sample.attack,
            setter,
            "How slowly each sound fades in.",
        );
        slider_row(
            ui,
            &layer.sample.release,
            setter,
            "How slowly each sound fades out before its end or its length limit.",
        );
        slider_row(
            ui,
            &layer.sample.length,
            setter,
            "The longest each sound plays; at the top, the whole file.",
        );
    });
}

/// The load state of layer `index` and the file list, failed files with their reasons.
fn status(ui: &mut Ui, library: &SampleLibrary, index: usize) {
    let status = library.status(index);
    match &status.state {
        LoadState::Empty => {
            ui.label(
                RichText::new("No files chosen: the layer is silent.").color(theme::RING_TEXT),
            );
        }
        LoadState::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading… (the layer plays its previous sounds meanwhile)");
            });
            // Look again soon: the loader does not wake the editor.
            ui.ctx().request_repaint();
        }
        LoadState::Done(reports, note) => {
            let loaded = reports
                .iter()
                .filter(|r| matches!(r, FileReport::Loaded { .. }))
                .count();
            let failed = reports.len() - loaded;
            let files = |n: usize| {
                if n == 1 {
                    "1 file".to_owned()
                } else {
                    format!("{n} files")
                }
            };
            let summary = match failed {
                0 => format!("{} loaded", files(loaded)),
                _ => format!("{} loaded, {failed} not loaded", files(loaded)),
            };
            ui.label(RichText::new(summary).color(if failed > 0 {
                theme::METER_HOT
            } else {
                theme::METER_OK
            }));
            for report in reports {
                match report {
                    FileReport::Loaded {
                        path,
                        seconds,
                        channels,
                        ..
                    } => {
                        let channels = if *channels == 1 { "mono" } else { "stereo" };
                        ui.label(format!("{}  {seconds:.2} s {channels}", name(path)))
                            .on_hover_text(path.display().to_string());
                    }
                    FileReport::Failed(error) => {
                        ui.label(
                            RichText::new(format!("{}: {}", name(&error.path), error.problem))
                                .color(theme::METER_REDUCTION),
                        )
                        .on_hover_text(error.to_string());
                    }
                }
            }
            if let Some(note) = note {
                ui.label(RichText::new(note).color(theme::METER_HOT));
            }
        }
    }
    if !status.chosen.is_empty() {
        let chosen: Vec<String> = status
            .chosen
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        ui.label(
            RichText::new(format!("Chosen: {}", chosen.join(", ")))
                .small()
                .color(theme::RING_TEXT),
        );
    }
}

/// A file's name (its path if it has none).
fn name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Opens the system's file dialog on its own thread; what is chosen goes to layer `index`
/// (cancelling, or a system without a dialog, changes nothing).
fn open_dialog(library: SampleLibrary, index: usize, pick: Pick) {
    let _ = std::thread::Builder::new()
        .name("tingle-file-dialog".into())
        .spawn(move || {
            let dialog =
                rfd::FileDialog::new().set_title(format!("Sounds for layer {}", index + 1));
            let chosen: Option<Vec<PathBuf>> = match pick {
                Pick::Files => dialog.add_filter("Audio", &EXTENSIONS).pick_files(),
                Pick::Folder => dialog.pick_folder().map(|folder| vec![folder]),
            };
            if let Some(chosen) = chosen.filter(|c| !c.is_empty()) {
                library.choose(index, chosen);
            }
        });
}
