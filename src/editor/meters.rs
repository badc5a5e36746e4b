//! The output meters: peak per channel with a falling hold, short-term loudness, the safety
//! limiter's gain reduction and what the engine costs, read from the audio thread's
//! [`Meters`] atomics each frame.

use super::theme;
use crate::dsp::math::gain_to_db;
use crate::engine::telemetry::Meters;
use egui::{Color32, Rect, Sense, Ui, vec2};

/// The meters' floor (dBFS / LUFS): quieter reads as silence.
pub const METER_FLOOR_DB: f32 = -60.0;
/// How fast the shown peak falls (dB per second).
pub const PEAK_DECAY_DB_PER_S: f32 = 24.0;
/// Peaks from here up are drawn hot (dBFS).
const HOT_DB: f32 = -6.0;
/// Full scale of the gain-reduction bar (dB).
const REDUCTION_SCALE_DB: f32 = 12.0;
/// Smallest gain reduction shown as such (dB; it rounds to 0.1).
const REDUCTION_SHOWN_DB: f32 = 0.05;
/// Smallest linear level the dB conversion takes (below the floor).
const MIN_LINEAR: f32 = 1e-6;
/// Share of one core that fills the CPU bar (0.1 = 10 %).
const CPU_SCALE: f32 = 0.1;
/// Share of one core from which the CPU bar is drawn hot (0.05 = 5 %: more than an instance
/// should take).
const CPU_HOT: f32 = 0.05;
/// Height of one meter bar (points).
const BAR_HEIGHT: f32 = 10.0;
/// Width of the text column right of the bars (points).
const READOUT_WIDTH: f32 = 120.0;
/// Width of the label column left of the bars (points).
const LABEL_WIDTH: f32 = 70.0;

/// What the meters show, derived from the audio side's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterState {
    /// Shown peak per channel (dBFS), falling at [`PEAK_DECAY_DB_PER_S`] between new peaks.
    pub peak_db: [f32; 2],
    /// Short-term loudness (LUFS).
    pub short_term_lufs: f32,
    /// The limiter's gain reduction (dB, >= 0).
    pub reduction_db: f32,
    /// The share of one core the engine takes (0.01 = 1 %).
    pub cpu_share: f32,
    /// Whether the audio side has published anything yet (before that the atomics hold zeros).
    pub live: bool,
    /// Time of the last update (seconds, egui's clock).
    last_time: Option<f64>,
}

impl Default for MeterState {
    fn default() -> Self {
        Self {
            peak_db: [METER_FLOOR_DB; 2],
            short_term_lufs: METER_FLOOR_DB,
            reduction_db: 0.0,
            cpu_share: 0.0,
            live: false,
            last_time: None,
        }
    }
}

/// `linear` in dB, floored at [`METER_FLOOR_DB`].
pub fn to_db(linear: f32) -> f32 {
    gain_to_db(linear.abs().max(MIN_LINEAR)).max(METER_FLOOR_DB)
}

impl MeterState {
    /// Takes the new values from `meters` at time `now` (seconds): peaks since the last frame
    /// (the audio side's peak is reset by taking it), loudness and gain reduction.
    pub fn update(&mut self, meters: &Meters, now: f64) {
        let dt = self.last_time.map_or(0.0, |t| (now - t).max(0.0) as f32);
        self.last_time = Some(now);
        for (channel, shown) in self.peak_db.iter_mut().enumerate() {
            let fresh = to_db(meters.take_peak(channel));
            let fallen = (*shown - PEAK_DECAY_DB_PER_S * dt).max(METER_FLOOR_DB);
            *shown = fresh.max(fallen);
        }
        self.short_term_lufs = meters
            .short_term_lufs
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(METER_FLOOR_DB);
        self.reduction_db = meters
            .limiter_reduction_db
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(0.0);
        self.cpu_share = meters
            .cpu_share
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(0.0);
        // The engine publishes the input's position every block; distance is never 0 then.
        self.live = self.live || meters.input_position.load().distance_m > 0.0;
    }

    /// Whether any meter still shows something (so the editor keeps repainting).
    pub fn moving(&self) -> bool {
        self.peak_db.iter().any(|p| *p > METER_FLOOR_DB)
    }
}

/// A level as text: one decimal, or "-inf" at the floor.
fn level_text(db: f32, unit: &str) -> String {
    if db <= METER_FLOOR_DB {
        format!("-inf {unit}")
    } else {
        format!("{db:.1} {unit}")
    }
}

/// The gain reduction as text: "-3.5 dB", or "0.0 dB" when the limiter rests.
fn reduction_text(reduction_db: f32) -> String {
    if reduction_db < REDUCTION_SHOWN_DB {
        "0.0 dB".to_owned()
    } else {
        format!("-{reduction_db:.1} dB")
    }
}

/// One labelled horizontal bar filled to `fraction` (0 ..= 1) in `colour`, with `readout`.
fn bar(ui: &mut Ui, label: &str, fraction: f32, colour: Color32, readout: &str, tip: &str) {
    ui.horizontal(|ui| {
        ui.add_sized(vec2(LABEL_WIDTH, BAR_HEIGHT), egui::Label::new(label))
            .on_hover_text(tip);
        let width = (ui.available_width() - READOUT_WIDTH).max(BAR_HEIGHT);
        let (rect, response) = ui.allocate_exact_size(vec2(width, BAR_HEIGHT), Sense::hover());
        response.on_hover_text(tip);
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, theme::METER_TRACK);
        let filled = Rect::from_min_size(
            rect.min,
            vec2(rect.width() * fraction.clamp(0.0, 1.0), rect.height()),
        );
        painter.rect_filled(filled, 2.0, colour);
        ui.label(readout).on_hover_text(tip);
    });
}

/// Where `db` sits between the floor and 0 dB.
fn fraction_of_scale(db: f32) -> f32 {
    (db - METER_FLOOR_DB) / -METER_FLOOR_DB
}

/// Draws the meters.
pub fn show(ui: &mut Ui, state: &MeterState) {
    let peak_tip = "Output peak of this channel (dBFS), held and falling slowly.";
    for (channel, name) in ["Peak L", "Peak R"].iter().enumerate() {
        let db = state.peak_db[channel];
        let colour = if db >= HOT_DB {
            theme::METER_HOT
        } else {
            theme::METER_OK
        };
        let readout = if state.live {
            level_text(db, "dBFS")
        } else {
            "no audio".to_owned()
        };
        bar(ui, name, fraction_of_scale(db), colour, &readout, peak_tip);
    }
    let lufs_readout = if state.live {
        level_text(state.short_term_lufs, "LUFS")
    } else {
        "no audio".to_owned()
    };
    bar(
        ui,
        "Loudness",
        fraction_of_scale(state.short_term_lufs),
        theme::METER_OK,
        &lufs_readout,
        "Short-term loudness of the output over the last 3 seconds (LUFS).",
    );
    bar(
        ui,
        "Limiter",
        state.reduction_db / REDUCTION_SCALE_DB,
        theme::METER_REDUCTION,
        &reduction_text(state.reduction_db),
        "How much the safety limiter is turning the output down right now.",
    );
    let cpu_readout = if state.live {
        cpu_text(state.cpu_share)
    } else {
        "no audio".to_owned()
    };
    bar(
        ui,
        "CPU",
        state.cpu_share / CPU_SCALE,
        if state.cpu_share >= CPU_HOT {
            theme::METER_HOT
        } else {
            theme::METER_OK
        },
        &cpu_readout,
        "What Tingle costs right now: the time it takes to make the sound, as a share of one \
         processor core (the time the audio lasts), measured by Tingle itself. The bar is full \
         at 10 %.",
    );
}

/// The engine's share of one core as text: "1.4 % CPU".
fn cpu_text(share: f32) -> String {
    format!("{:.1} % CPU", 100.0 * share)
}
