//! The tingle button: the listener marks the moments they feel tingles, by a click on the
//! button, the T key (while the editor has the keyboard) or the tingle MIDI note (counted by
//! the audio thread). Each moment goes into the tingle log with the layers sounding then,
//! and the log is written to its file at once, so nothing marked is lost.

use crate::editor::theme;
use crate::engine::LAYERS;
use crate::engine::telemetry::TelemetryReceiver;
use crate::params::TingleParams;
use crate::personal::tingle_log::{Mark, Moment, SoundingLayer, TingleLog};
use crate::ranges;
use egui::{ComboBox, Key, RichText, Ui};
use nice_plug::prelude::formatters;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The computer key that marks a tingle.
pub const TINGLE_KEY: Key = Key::T;
/// Seconds the button glows after a mark.
const GLOW_S: f64 = 1.2;
/// Most MIDI marks taken at once (a stuck counter cannot flood the log).
const MOST_MIDI_MARKS: u32 = 16;
/// Tooltip of the MIDI note choice.
const NOTE_TIP: &str = "A MIDI note (a pad, a key, a foot switch) that marks a tingle, \
    as the button does. It fires no layer.";
/// The button's text.
pub const BUTTON_LABEL: &str = "I feel tingles";
/// Tooltip of the button.
const BUTTON_TIP: &str = "Press when you feel tingles (or the T key, or the tingle MIDI \
    note). The moment is logged with the layers that were sounding, what they played and \
    where; the Tingle finder counts it as a liked setting.";

/// The tingle log of this editor, its file, and what marks it.
pub struct TingleButton {
    log: TingleLog,
    /// The folder the logs are written to (`None`: the system has no user data folder).
    folder: Option<PathBuf>,
    /// This log's file, named when the first moment is marked.
    file: Option<PathBuf>,
    /// When the log began (moments are timed from here).
    began: Instant,
    /// The MIDI counter's value last seen (`None` until first read).
    midi_seen: Option<u32>,
    /// Until when the button glows (egui's clock).
    glow_until: f64,
    /// The last write error, if any.
    error: Option<String>,
}

impl TingleButton {
    /// An empty log written to files in `folder`.
    pub fn new(folder: Option<PathBuf>) -> Self {
        Self {
            log: TingleLog::default(),
            folder,
            file: None,
            began: Instant::now(),
            midi_seen: None,
            glow_until: f64::NEG_INFINITY,
            error: None,
        }
    }

    /// The moments marked so far.
    pub fn log(&self) -> &TingleLog {
        &self.log
    }

    /// The file the log is written to, once a moment was marked.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The last error writing the file, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Marks a moment now, by `mark`, with the layers of `params` sounding as `telemetry`
    /// reports (without an audio side, every layer that is on), and writes the log's file.
    pub fn mark(
        &mut self,
        mark: Mark,
        params: &TingleParams,
        telemetry: Option<&TelemetryReceiver>,
        now: f64,
    ) {
        let layers = (0..LAYERS)
            .filter_map(|layer| {
                let voices =
                    telemetry.map(|t| t.meters.layer_voices[layer].load(Ordering::Relaxed));
                let sounding = match voices {
                    Some(v) => v > 0,
                    None => params.layers[layer].enabled.value(),
                };
                sounding.then(|| SoundingLayer::of(params, layer, voices.unwrap_or(0)))
            })
            .collect();
        self.log.moments.push(Moment {
            time_s: self.began.elapsed().as_secs_f64(),
            mark,
            layers,
        });
        self.glow_until = now + GLOW_S;
        self.write();
    }

    /// Marks the moments the tingle key and the MIDI note (through `telemetry`) marked since
    /// the last frame.
    pub fn poll(
        &mut self,
        ui: &Ui,
        params: &TingleParams,
        telemetry: Option<&TelemetryReceiver>,
        now: f64,
    ) {
        let typing = ui.ctx().egui_wants_keyboard_input();
        if !typing && ui.input(|i| i.key_pressed(TINGLE_KEY) && i.modifiers.is_none()) {
            self.mark(Mark::Key, params, telemetry, now);
        }
        let Some(t) = telemetry else {
            return;
        };
        let count = t.meters.tingles.load(Ordering::Relaxed);
        let new = self
            .midi_seen
            .map_or(0, |seen| count.wrapping_sub(seen).min(MOST_MIDI_MARKS));
        self.midi_seen = Some(count);
        for _ in 0..new {
            self.mark(Mark::Midi, params, telemetry, now);
        }
    }

    /// Draws the button (glowing after a mark) with the count of moments; a click marks one.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        params: &TingleParams,
        telemetry: Option<&TelemetryReceiver>,
    ) {
        let now = ui.input(|i| i.time);
        let glowing = now < self.glow_until;
        let text = RichText::new(BUTTON_LABEL).strong();
        let button = egui::Button::new(if glowing {
            text.color(theme::BACKGROUND)
        } else {
            text
        })
        .fill(if glowing {
            theme::TINGLE_GLOW
        } else {
            ui.visuals().widgets.inactive.weak_bg_fill
        });
        if ui.add(button).on_hover_text(BUTTON_TIP).clicked() {
            self.mark(Mark::Click, params, telemetry, now);
        }
        if glowing {
            ui.ctx().request_repaint();
        }
        let count = self.log.moments.len();
        if count > 0 {
            ui.label(
                RichText::new(format!("{count} logged"))
                    .small()
                    .color(theme::RING_TEXT),
            )
            .on_hover_text(self.file.as_ref().map_or_else(
                || "not written: this system has no user data folder".to_owned(),
                |f| format!("written to {}", f.display()),
            ));
        }
    }

    /// Draws the log's settings: the tingle MIDI note (off, or any note; a layer listening to
    /// the same note no longer fires from it), how many moments are logged and where.
    pub fn settings_row(&self, ui: &mut Ui, params: &TingleParams) {
        let names = formatters::v2s_i32_key_formatter();
        let note = params.tingle_note();
        ui.horizontal(|ui| {
            ui.label("Tingle MIDI note").on_hover_text(NOTE_TIP);
            ComboBox::from_id_salt("tingle-note")
                .selected_text(note.map_or_else(|| "Off".to_owned(), |n| names(i32::from(n))))
                .show_ui(ui, |ui| {
                    if ui.selectable_label(note.is_none(), "Off").clicked() {
                        params.set_tingle_note(None);
                    }
                    for n in 0..=ranges::MIDI_NOTE.max {
                        if ui
                            .selectable_label(note == Some(n), names(i32::from(n)))
                            .clicked()
                        {
                            params.set_tingle_note(Some(n));
                        }
                    }
                })
                .response
                .on_hover_text(NOTE_TIP);
            let taken: Vec<String> = (0..LAYERS)
                .filter(|&i| {
                    note.is_some_and(|n| params.layers[i].midi_note.value() == i32::from(n))
                })
                .map(|i| (i + 1).to_string())
                .collect();
            if !taken.is_empty() {
                ui.label(
                    RichText::new(format!(
                        "layer {} listens to it too; the tingle takes it",
                        taken.join(", ")
                    ))
                    .small()
                    .color(theme::METER_HOT),
                );
            }
        });
        let count = self.log.moments.len();
        let mut line = format!(
            "{count} tingle {} logged",
            if count == 1 { "moment" } else { "moments" }
        );
        if let Some(file) = &self.file {
            line.push_str(&format!(" in {}", file.display()));
        }
        ui.label(RichText::new(line).small().color(theme::RING_TEXT));
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).small().color(theme::METER_HOT));
        }
    }

    /// Writes the whole log to its file (named at the first write).
    fn write(&mut self) {
        let Some(folder) = &self.folder else {
            return;
        };
        let file = self.file.get_or_insert_with(|| {
            let stamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            folder.join(format!("tingles-{stamp}.json"))
        });
        let written = std::fs::create_dir_all(folder)
            .and_then(|()| std::fs::write(&*file, self.log.to_json()));
        self.error = written
            .err()
            .map(|e| format!("tingle log not written to {}: {e}", file.display()));
    }
}
