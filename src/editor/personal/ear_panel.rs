//! The ear match in the editor: the listener loads a folder of SOFA sets, the scene fades out,
//! and short taps play from directions the editor does not show, each through one of the
//! sets; the listener clicks on the answer disc where each was heard. At the end the panel
//! reports, per set, the angular error and the front-back and up-down confusions, and offers
//! to use the best set (and to go back to the one before).
//!
//! The folder loads on its own thread, with progress; each set is carried to the output's
//! sample rate there. Taps are rendered here (a few milliseconds each) and handed to the audio
//! thread as a [`Cue`].

use super::answer_disc::{self, DiscGeometry};
use crate::binaural::cache::HrtfChoice;
use crate::binaural::hrtf::HrtfSet;
use crate::editor::theme;
use crate::engine::hrtf_loader::HrtfLoader;
use crate::engine::telemetry::{Cue, QUIET_FADE_S, TelemetryReceiver};
use crate::params::TingleParams;
use crate::personal::ear_match::folder;
use crate::personal::ear_match::{EarMatch, EarMatchError, Report};
use egui::{Grid, ProgressBar, RichText, Ui};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError};
use std::thread::JoinHandle;

/// Taps a session plays (more if the folder holds so many sets that the stages need more).
pub const SESSION_TAPS: usize = 30;
/// Seconds between an answer and the next tap.
pub const GAP_S: f64 = 0.8;
/// Seconds an answer's mark stays on the disc.
const MARK_FADE_S: f64 = 1.5;
/// Largest side of the answer disc (points).
const DISC_SIDE: f32 = 440.0;
/// Tooltip of the heading.
const EAR_TIP: &str = "Which HRTF set fits your ears? Load a folder of SOFA files (your own \
    measurement, or sets from public databases). Tingle plays short taps, each through one \
    of the sets, from directions it does not show; click where you heard each one. The set \
    you point with best places sounds most truly for you.";
/// What the listener is asked.
const INSTRUCTIONS: &str = "Use headphones. Listen to each tap and click on the disc where it \
    came from: front is up, the centre is above your head, the ring is ear level, the outer \
    band below it. About 30 taps, a few minutes.";

/// Sets loaded from a folder, carried to the output's rate, with their files.
struct Loaded {
    sets: Vec<(String, HrtfSet)>,
    paths: Vec<PathBuf>,
    /// Files that could not be used, with the reason.
    refused: Vec<String>,
}

/// A folder loading on its own thread.
struct Loading {
    handle: JoinHandle<Result<Loaded, String>>,
    /// Files done and files in all.
    progress: Arc<[AtomicUsize; 2]>,
}

/// What plays next in a running session.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// The next tap plays at this time (egui's clock).
    Pause(f64),
    /// The tap played; waiting for the click.
    Listening,
}

/// A running session.
struct Running {
    ear: EarMatch,
    paths: Vec<PathBuf>,
    phase: Phase,
    /// The tap playing, kept to play again.
    cue: Option<Cue>,
    /// Answers given recently: azimuth, elevation (degrees) and when (egui's clock).
    marks: Vec<(f32, f32, f64)>,
}

/// A finished session's outcome.
struct Finished {
    report: Report,
    paths: Vec<PathBuf>,
}

/// Where the panel is.
enum Stage {
    /// Nothing loaded.
    Idle,
    /// A folder loading.
    Loading(Loading),
    /// Taps playing.
    Running(Box<Running>),
    /// The report.
    Finished(Finished),
}

/// The ear-match panel's state between frames.
pub struct EarPanel {
    stage: Stage,
    /// Files refused by the last folder.
    refused: Vec<String>,
    /// The set in use before the listener kept one (to go back to).
    previous: Option<HrtfChoice>,
    /// Where the disc was drawn last frame.
    disc: Option<DiscGeometry>,
    message: Option<String>,
}

impl Default for EarPanel {
    fn default() -> Self {
        Self {
            stage: Stage::Idle,
            refused: Vec::new(),
            previous: None,
            disc: None,
            message: None,
        }
    }
}

impl EarPanel {
    /// Loads every SOFA file in `folder` on a thread, carrying the sets to `sample_rate` (Hz;
    /// 0 keeps each set's own rate); the session starts when they are ready.
    pub fn load_folder(&mut self, folder: PathBuf, sample_rate: f32) {
        self.load(sample_rate, move || Some(folder));
    }

    /// Loads the folder `choose` gives (`None`: the listener cancelled) on a thread.
    fn load(
        &mut self,
        sample_rate: f32,
        choose: impl FnOnce() -> Option<PathBuf> + Send + 'static,
    ) {
        let progress = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let shared = progress.clone();
        let handle = std::thread::spawn(move || {
            let folder = choose().ok_or_else(String::new)?;
            load_sets(&folder, sample_rate, &shared)
        });
        self.message = None;
        self.stage = Stage::Loading(Loading { handle, progress });
    }

    /// Whether a session is playing taps.
    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Running(_))
    }

    /// Whether the folder is still loading.
    pub fn is_loading(&self) -> bool {
        matches!(self.stage, Stage::Loading(_))
    }

    /// (Taps answered, taps in the session), while one runs.
    pub fn progress(&self) -> Option<(usize, usize)> {
        match &self.stage {
            Stage::Running(r) => Some(r.ear.progress()),
            _ => None,
        }
    }

    /// Whether the panel waits for the listener's click on the current tap.
    pub fn is_listening(&self) -> bool {
        matches!(&self.stage, Stage::Running(r) if r.phase == Phase::Listening)
    }

    /// The finished session's report.
    pub fn report(&self) -> Option<&Report> {
        match &self.stage {
            Stage::Finished(f) => Some(&f.report),
            _ => None,
        }
    }

    /// Where the answer disc was drawn last frame.
    pub fn disc(&self) -> Option<DiscGeometry> {
        self.disc
    }

    /// The last error or confirmation.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Ends a session early (or leaves the report), the scene fading back in.
    pub fn stop(&mut self, telemetry: Option<&TelemetryReceiver>) {
        quiet(telemetry, false);
        self.stage = Stage::Idle;
    }

    /// Moves on: a loaded folder starts the session, a due tap plays.
    fn poll(&mut self, telemetry: Option<&mut TelemetryReceiver>, now: f64) {
        if let Stage::Loading(loading) = &self.stage
            && loading.handle.is_finished()
        {
            let Stage::Loading(loading) = std::mem::replace(&mut self.stage, Stage::Idle) else {
                return;
            };
            match loading.handle.join() {
                Ok(Ok(loaded)) => self.begin(loaded, telemetry.as_deref(), now),
                Ok(Err(e)) => self.message = (!e.is_empty()).then_some(e),
                Err(_) => self.message = Some("Loading stopped unexpectedly.".into()),
            }
            return;
        }
        let Stage::Running(r) = &mut self.stage else {
            return;
        };
        r.marks.retain(|m| now - m.2 < MARK_FADE_S);
        if let Phase::Pause(at) = r.phase
            && now >= at
        {
            r.cue = r.ear.tap().map(|tap| Cue {
                left: tap.left.into_boxed_slice(),
                right: tap.right.into_boxed_slice(),
            });
            play(telemetry, r.cue.as_ref());
            r.phase = Phase::Listening;
        }
    }

    /// Starts a session over `loaded`, the scene fading out first.
    fn begin(&mut self, loaded: Loaded, telemetry: Option<&TelemetryReceiver>, now: f64) {
        self.refused = loaded.refused;
        let seed = super::fresh_seed();
        let sets = loaded.sets;
        let ear = match EarMatch::adaptive(sets.clone(), SESSION_TAPS, seed) {
            Err(EarMatchError::TooFewTaps(fewest)) => EarMatch::adaptive(sets, fewest, seed),
            other => other,
        };
        match ear {
            Ok(ear) => {
                quiet(telemetry, true);
                self.stage = Stage::Running(Box::new(Running {
                    ear,
                    paths: loaded.paths,
                    phase: Phase::Pause(now + f64::from(QUIET_FADE_S) + GAP_S),
                    cue: None,
                    marks: Vec::new(),
                }));
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    /// Records the listener's answer to the tap playing; after the last, shows the report.
    fn answer(
        &mut self,
        azimuth_deg: f32,
        elevation_deg: f32,
        telemetry: Option<&TelemetryReceiver>,
        now: f64,
    ) {
        let Stage::Running(r) = &mut self.stage else {
            return;
        };
        if r.phase != Phase::Listening || !r.ear.answer(azimuth_deg, elevation_deg) {
            return;
        }
        r.marks.push((azimuth_deg, elevation_deg, now));
        if r.ear.next_trial().is_some() {
            r.phase = Phase::Pause(now + GAP_S);
            return;
        }
        quiet(telemetry, false);
        let Stage::Running(r) = std::mem::replace(&mut self.stage, Stage::Idle) else {
            return;
        };
        self.stage = Stage::Finished(Finished {
            report: r.ear.report(),
            paths: r.paths,
        });
    }
}

/// Loads the sets in `folder`, carried to `sample_rate` (0: as they are), telling `progress`.
fn load_sets(
    folder: &Path,
    sample_rate: f32,
    progress: &[AtomicUsize; 2],
) -> Result<Loaded, String> {
    let candidates = folder::load(folder, &mut |done, total| {
        progress[0].store(done, Ordering::Relaxed);
        progress[1].store(total, Ordering::Relaxed);
    })
    .map_err(|e| e.to_string())?;
    let paths = candidates
        .sets
        .iter()
        .map(|(name, _)| folder.join(name))
        .collect();
    let sets = candidates
        .sets
        .into_iter()
        .map(|(name, set)| {
            let set = if sample_rate > 0.0 {
                set.resampled(sample_rate)
            } else {
                set
            };
            (name, set)
        })
        .collect();
    let refused = candidates
        .failures
        .iter()
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    Ok(Loaded {
        sets,
        paths,
        refused,
    })
}

/// Asks the audio side for quiet (the scene fades out) or lets the scene back in.
fn quiet(telemetry: Option<&TelemetryReceiver>, on: bool) {
    if let Some(t) = telemetry {
        t.meters.quiet.store(on, Ordering::Relaxed);
    }
}

/// Sends `cue` to the audio side to play (a full line drops it: the listener can play again).
fn play(telemetry: Option<&mut TelemetryReceiver>, cue: Option<&Cue>) {
    if let (Some(t), Some(cue)) = (telemetry, cue) {
        let _ = t.cues.send(cue.clone());
    }
}

/// Draws the panel.
pub fn show(
    ui: &mut Ui,
    params: &TingleParams,
    panel: &mut EarPanel,
    mut telemetry: Option<&mut TelemetryReceiver>,
    loader: Option<&HrtfLoader>,
) {
    let now = ui.input(|i| i.time);
    panel.poll(telemetry.as_deref_mut(), now);
    ui.heading("Ear match").on_hover_text(EAR_TIP);
    ui.label(RichText::new(INSTRUCTIONS).color(theme::RING_TEXT));
    ui.add_space(6.0);
    let rate = telemetry
        .as_deref()
        .map_or(0.0, |t| t.meters.sample_rate.load(Ordering::Relaxed));
    match &mut panel.stage {
        Stage::Idle => {
            if ui
                .button("Choose a folder of SOFA sets…")
                .on_hover_text("Every .sofa file in the folder is compared (at least two).")
                .clicked()
            {
                panel.load(rate, || {
                    rfd::FileDialog::new()
                        .set_title("Choose a folder of HRTF sets (SOFA files)")
                        .pick_folder()
                });
            }
        }
        Stage::Loading(loading) => {
            let [done, total] = [0, 1].map(|i| loading.progress[i].load(Ordering::Relaxed));
            ui.horizontal(|ui| {
                ui.spinner();
                ui.add(
                    ProgressBar::new(if total > 0 {
                        done as f32 / total as f32
                    } else {
                        0.0
                    })
                    .text(if total > 0 {
                        format!("loading set {} of {total}", (done + 1).min(total))
                    } else {
                        "choosing a folder…".to_owned()
                    }),
                );
            });
            ui.ctx().request_repaint();
        }
        Stage::Running(_) => running_ui(ui, panel, telemetry, now),
        Stage::Finished(_) => finished_ui(ui, params, panel, loader),
    }
    for refused in &panel.refused {
        ui.label(
            RichText::new(format!("Not used: {refused}"))
                .small()
                .color(theme::METER_HOT),
        );
    }
    if let Some(message) = &panel.message {
        ui.label(RichText::new(message).small().color(theme::METER_HOT));
    }
}

/// Progress, the disc and the buttons of a running session.
fn running_ui(
    ui: &mut Ui,
    panel: &mut EarPanel,
    mut telemetry: Option<&mut TelemetryReceiver>,
    now: f64,
) {
    let Stage::Running(r) = &mut panel.stage else {
        return;
    };
    let (answered, total) = r.ear.progress();
    let listening = r.phase == Phase::Listening;
    ui.add(
        ProgressBar::new(answered as f32 / total as f32).text(format!(
            "tap {} of {total}{}",
            (answered + 1).min(total),
            if listening { " · where was it?" } else { "" }
        )),
    );
    let marks: Vec<(f32, f32, f32)> = r
        .marks
        .iter()
        .map(|&(a, e, t)| (a, e, (1.0 - (now - t) / MARK_FADE_S) as f32))
        .collect();
    let side = ui.available_width().min(DISC_SIDE);
    let (disc, clicked) = ui
        .vertical_centered(|ui| answer_disc::show(ui, side, listening, &marks))
        .inner;
    panel.disc = Some(disc);
    let mut again = false;
    let mut stop = false;
    ui.horizontal(|ui| {
        again = ui
            .add_enabled(listening, egui::Button::new("Play again"))
            .clicked();
        stop = ui
            .button("Stop")
            .on_hover_text("End the ear match; nothing changes.")
            .clicked();
    });
    if again {
        play(telemetry.as_deref_mut(), r.cue.as_ref());
    }
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(50));
    if let Some((azimuth, elevation)) = clicked {
        panel.answer(azimuth, elevation, telemetry.as_deref(), now);
    }
    if stop {
        panel.stop(telemetry.as_deref());
    }
}

/// The report, with the best set offered.
fn finished_ui(
    ui: &mut Ui,
    params: &TingleParams,
    panel: &mut EarPanel,
    loader: Option<&HrtfLoader>,
) {
    let Stage::Finished(f) = &panel.stage else {
        return;
    };
    let best = f.report.best();
    let percent =
        |rate: Option<f32>| rate.map_or("–".to_owned(), |r| format!("{:.0} %", r * 100.0));
    Grid::new("ear-report")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for title in ["Set", "Taps", "Error", "Front-back", "Up-down"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for &i in &f.report.ranking {
                let set = &f.report.sets[i];
                let name = RichText::new(&set.name);
                ui.label(if Some(i) == best {
                    name.strong().color(theme::METER_OK)
                } else {
                    name
                });
                ui.label(set.answered.to_string());
                ui.label(
                    set.mean_error_deg
                        .map_or("–".to_owned(), |e| format!("{e:.0}°")),
                );
                ui.label(percent(set.front_back_rate));
                ui.label(percent(set.up_down_rate));
                ui.end_row();
            }
        });
    let in_use =
        || HrtfChoice::from_saved(&params.hrtf.read().unwrap_or_else(PoisonError::into_inner));
    let mut done = false;
    ui.horizontal(|ui| {
        if let (Some(best), Some(loader)) = (best, loader) {
            let path = f.paths[best].clone();
            let choice = HrtfChoice::Sofa(path);
            let using = in_use() == choice;
            let label = format!("Use {}", f.report.sets[best].name);
            if ui
                .add_enabled(!using, egui::Button::new(label))
                .on_hover_text(
                    "Place every sound with this set from now on (saved with the session).",
                )
                .clicked()
            {
                panel.previous = Some(in_use());
                loader.request(choice);
            }
        }
        if let (Some(previous), Some(loader)) = (&panel.previous, loader)
            && ui.button(format!("Back to {}", previous.name())).clicked()
        {
            loader.request(previous.clone());
            panel.previous = None;
        }
        done = ui.button("Done").clicked();
    });
    if done {
        panel.stage = Stage::Idle;
    }
}
