//! The Tingle finder in the editor: the listener picks a layer, hears two versions of it, A
//! (the favourite so far) and B (the finder's proposal), switching at will or every
//! [`TURN_S`] seconds, and picks one or neither; after a dozen or two choices they keep the
//! favourite as a user preset with the history beside it, to continue next time or to start
//! another listener from it.
//!
//! Hearing B sets the layer's parameters without telling the host (the host keeps the
//! favourite's values); an answer tells the host the new favourite as one gesture, so each
//! finder step is one undoable change. The next proposal (a model fit and loudness renders)
//! is worked out on its own thread while the favourite plays.

use super::super::{browser::Browser, controls::shown_name, gesture, theme};
use crate::params::TingleParams;
use crate::personal::finder::history::History;
use crate::personal::finder::layer_space::{Change, LayerSpace, apply_unannounced};
use crate::personal::finder::loudness::{LoudnessGate, copy_of};
use crate::personal::finder::{Finder, Pick, Point, Strategy};
use crate::personal::tingle_log::TingleLog;
use crate::scene::Source;
use crate::scene::library::UserPreset;
use egui::{ComboBox, Grid, ProgressBar, RichText, Ui};
use nice_plug::prelude::*;
use std::thread::JoinHandle;

/// Seconds each version plays while the finder alternates them.
pub const TURN_S: f64 = 6.0;
/// Extension of the history file kept beside a preset (`Calm taps.json`, `Calm taps.history`).
pub const HISTORY_EXTENSION: &str = "history";
/// Choices the progress bar fills up to: the simulated listeners of `tests/finder.rs` reach
/// 80 % of their taste within this many in nearly every session.
const FULL_PROGRESS_CHOICES: usize = 20;
/// Width of the preset name field (points).
const NAME_FIELD_WIDTH: f32 = 180.0;
/// Width of the layer and profile boxes (points).
const COMBO_WIDTH: f32 = 260.0;
/// Size of the A and B buttons (points).
const SIDE_BUTTON: egui::Vec2 = egui::vec2(44.0, 30.0);
/// Normalized values closer than this show as the same setting.
const SAME_NORMALIZED: f32 = 1e-3;
/// Spacing of the differences table's cells (points).
const DIFFERENCES_SPACING: [f32; 2] = [16.0, 3.0];
/// Tooltip of the panel's heading.
const FINDER_TIP: &str = "Tingle plays two versions of one layer: A, your favourite so \
    far, and B, a new idea. Pick the one you like better, or neither. Levels, gentle mode and \
    the limiter are never changed, and no version is more than 3 LU louder than where you \
    started.";
/// What the listener is asked.
const INSTRUCTIONS: &str = "Listen to A and B (they take turns, or click one to hold it), \
    then say which you like better. A dozen or two choices usually find it.";

/// Which version plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The favourite so far.
    A,
    /// The proposal.
    B,
}

/// What the finder's thread works with: the search, the layer, and a copy of the scene the
/// session started from for the loudness gate.
struct Work {
    finder: Finder,
    space: LayerSpace,
    base: TingleParams,
    /// Measured on the thread at the first proposal.
    gate: Option<LoudnessGate>,
}

impl Work {
    /// Records `pick` (if any) and proposes the next B.
    fn think(mut self: Box<Self>, pick: Option<Pick>) -> Box<Self> {
        if let Some(pick) = pick {
            self.finder.answer(pick);
        }
        let Work {
            finder,
            space,
            base,
            gate,
        } = &mut *self;
        let gate = gate.get_or_insert_with(|| LoudnessGate::new(base));
        finder.propose(|p| gate.accepts(base, space, p));
        self
    }
}

/// The search, on hand or being worked on.
enum Job {
    /// Waiting for the listener.
    Ready(Box<Work>),
    /// Working out the next proposal.
    Thinking(JoinHandle<Box<Work>>),
}

/// A running finder session.
struct Session {
    layer: usize,
    space: LayerSpace,
    job: Option<Job>,
    hearing: Side,
    /// The exact values the host holds for the parameters hearing B changed.
    held: Vec<Change>,
    /// Whether A and B take turns.
    alternate: bool,
    /// When the version playing started (egui's clock).
    turned_at: f64,
    choices: usize,
}

impl Session {
    /// The search, while it waits for the listener (not while it works out a proposal).
    fn ready(&self) -> Option<&Finder> {
        match &self.job {
            Some(Job::Ready(work)) => Some(&work.finder),
            _ => None,
        }
    }

    /// The proposal (B) waiting for an answer.
    fn proposal(&self) -> Option<&Point> {
        self.ready()?.proposal()
    }
}

/// The finder panel's state between frames.
pub struct FinderPanel {
    /// The layer a new session tunes (0-based).
    layer: usize,
    session: Option<Session>,
    keep_name: String,
    /// The kept presets with a history beside them.
    profiles: Vec<UserPreset>,
    profile: usize,
    /// Whether `profiles` needs listing again.
    stale: bool,
    message: Option<String>,
}

impl Default for FinderPanel {
    fn default() -> Self {
        Self {
            layer: 0,
            session: None,
            keep_name: String::new(),
            profiles: Vec::new(),
            profile: 0,
            stale: true,
            message: None,
        }
    }
}

impl FinderPanel {
    /// Whether a session runs.
    pub fn is_running(&self) -> bool {
        self.session.is_some()
    }

    /// Whether the next proposal is being worked out.
    pub fn is_thinking(&self) -> bool {
        matches!(
            self.session.as_ref().and_then(|s| s.job.as_ref()),
            Some(Job::Thinking(_))
        )
    }

    /// Which version plays, while a session runs.
    pub fn hearing(&self) -> Option<Side> {
        self.session.as_ref().map(|s| s.hearing)
    }

    /// The favourite so far (A), while a session waits for the listener.
    pub fn favourite(&self) -> Option<&Point> {
        self.session.as_ref()?.ready().map(Finder::best)
    }

    /// The proposal waiting for an answer.
    pub fn proposal(&self) -> Option<&Point> {
        self.session.as_ref()?.proposal()
    }

    /// Choices answered in this session (with those of a continued history).
    pub fn choices(&self) -> usize {
        self.session.as_ref().map_or(0, |s| s.choices)
    }

    /// The last error or confirmation.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Starts a session on layer `layer` (0-based) from its current settings, counting the
    /// tingle moments of `log` as evidence, or carrying on `history`.
    fn start(
        &mut self,
        params: &TingleParams,
        layer: usize,
        log: &TingleLog,
        history: Option<History>,
    ) {
        let space = LayerSpace::new(params, layer);
        let start = space.point(params);
        let seed = super::fresh_seed();
        let (finder, choices) = match history {
            Some(h) => {
                let choices = h.choices.len();
                (h.resume(seed), choices)
            }
            None => {
                let mut finder =
                    Finder::new(space.space().clone(), start.clone(), Strategy::Model, seed);
                for point in log.evidence(layer, space.space(), &start) {
                    finder.add_evidence(point);
                }
                (finder, 0)
            }
        };
        // A continued history's favourite is already playing: its preset holds it.
        let work = Box::new(Work {
            finder,
            space: space.clone(),
            base: copy_of(params),
            gate: None,
        });
        self.session = Some(Session {
            layer,
            space,
            job: Some(Job::Thinking(std::thread::spawn(move || work.think(None)))),
            hearing: Side::A,
            held: Vec::new(),
            alternate: true,
            turned_at: 0.0,
            choices,
        });
        self.message = None;
    }

    /// Plays `side`. The host is not told: it keeps the favourite's values, and A is those
    /// exact values again.
    fn hear(&mut self, params: &TingleParams, side: Side, now: f64) {
        let Some(s) = &mut self.session else {
            return;
        };
        // SAFETY (both): the live parameters outlive the editor.
        unsafe { apply_unannounced(&std::mem::take(&mut s.held)) };
        s.hearing = Side::A;
        s.turned_at = now;
        let b = s.proposal().filter(|_| side == Side::B);
        if let Some(changes) = b.map(|b| s.space.changes(params, b)) {
            s.held = changes
                .iter()
                // SAFETY: the pointers point into the live parameters.
                .map(|c| Change {
                    param: c.param,
                    normalized: unsafe { c.param.unmodulated_normalized_value() },
                })
                .collect();
            unsafe { apply_unannounced(&changes) };
            s.hearing = Side::B;
        }
    }

    /// Answers the pair with `pick`: the favourite becomes the host's value in one gesture (an
    /// unchanged favourite changes nothing), and the next proposal is worked out.
    fn answer(&mut self, params: &TingleParams, setter: &ParamSetter, pick: Pick, now: f64) {
        self.hear(params, Side::A, now);
        let Some(s) = &mut self.session else {
            return;
        };
        let Some(b) = s.proposal().cloned() else {
            return;
        };
        // A proposal waits only in a ready search.
        let Some(Job::Ready(work)) = s.job.take() else {
            return;
        };
        if pick == Pick::B {
            let changes: Vec<(ParamPtr, f32)> = s
                .space
                .changes(params, &b)
                .into_iter()
                .map(|c| (c.param, c.normalized))
                .collect();
            gesture::one_gesture(setter, &changes);
        }
        s.choices += 1;
        s.job = Some(Job::Thinking(std::thread::spawn(move || {
            work.think(Some(pick))
        })));
    }

    /// Takes the thread's proposal once it is ready, and turns A and B while they alternate.
    fn poll(&mut self, params: &TingleParams, now: f64) {
        let Some(s) = &mut self.session else {
            return;
        };
        if let Some(Job::Thinking(handle)) = &s.job
            && handle.is_finished()
        {
            let Some(Job::Thinking(handle)) = s.job.take() else {
                return;
            };
            match handle.join() {
                Ok(work) => {
                    let stuck = work.finder.proposal().is_none();
                    s.job = Some(Job::Ready(work));
                    s.turned_at = now;
                    if stuck {
                        self.message = Some(
                            "No new idea stays calm enough: keep what you have, or start again."
                                .into(),
                        );
                    }
                }
                Err(_) => {
                    self.message =
                        Some("The finder stopped unexpectedly; the favourite stays.".into());
                    self.stop(params, now);
                }
            }
            return;
        }
        if s.alternate && s.proposal().is_some() && now - s.turned_at >= TURN_S {
            let other = match s.hearing {
                Side::A => Side::B,
                Side::B => Side::A,
            };
            self.hear(params, other, now);
        }
    }

    /// Plays the favourite (A) and stops the turns, keeping the session (the panel was left).
    pub fn pause(&mut self, params: &TingleParams, now: f64) {
        self.hear(params, Side::A, now);
        if let Some(s) = &mut self.session {
            s.alternate = false;
        }
    }

    /// Ends the session with the favourite playing (the host already holds it).
    pub fn stop(&mut self, params: &TingleParams, now: f64) {
        self.hear(params, Side::A, now);
        self.session = None;
    }

    /// Forgets the session without touching the parameters (a scene was loaded over it).
    pub fn abandon(&mut self) {
        self.session = None;
    }

    /// Keeps the favourite as the user preset `name`, with the history beside it.
    fn keep(&mut self, params: &TingleParams, browser: &mut Browser, now: f64) {
        self.hear(params, Side::A, now);
        let Some(s) = &self.session else {
            return;
        };
        let Some(Job::Ready(work)) = &s.job else {
            return;
        };
        let history = History::of(&work.finder, s.layer);
        self.message = Some(match browser.library().save(params, &self.keep_name) {
            Ok(path) => {
                let beside = path.with_extension(HISTORY_EXTENSION);
                match std::fs::write(&beside, history.to_json()) {
                    Ok(()) => format!(
                        "Kept \"{}\" with its {} choices.",
                        self.keep_name.trim(),
                        history.choices.len()
                    ),
                    Err(e) => format!("Preset kept, history not written: {e}"),
                }
            }
            Err(e) => format!("Not kept: {e}"),
        });
        browser.refresh();
        self.stale = true;
    }

    /// Loads profile `index`'s preset into the live parameters (one gesture) and starts on its
    /// layer: carrying on its history, or (`fresh`) a new history from its favourite.
    fn open_profile(
        &mut self,
        params: &TingleParams,
        setter: &ParamSetter,
        browser: &mut Browser,
        log: &TingleLog,
        fresh: bool,
    ) {
        let Some(profile) = self.profiles.get(self.profile) else {
            return;
        };
        let beside = profile.path.with_extension(HISTORY_EXTENSION);
        let history = std::fs::read_to_string(&beside)
            .map_err(|e| e.to_string())
            .and_then(|text| History::from_json(&text).map_err(|e| e.to_string()));
        let history = match history {
            Ok(h) => h,
            Err(e) => {
                self.message = Some(format!("{}: {e}", beside.display()));
                return;
            }
        };
        let name = profile.name.clone();
        if browser
            .load(Source::User(profile.path.clone()), params, setter)
            .is_none()
        {
            self.message = browser.message().map(str::to_owned);
            return;
        }
        let layer = history.layer;
        if LayerSpace::new(params, layer).space() != &history.space {
            self.message = Some(format!(
                "\"{name}\" was kept with other settings on layer {}; its history does not fit.",
                layer + 1
            ));
            return;
        }
        self.layer = layer;
        self.keep_name = name;
        self.start(params, layer, log, (!fresh).then_some(history));
    }

    /// Lists the kept profiles again if needed.
    fn list_profiles(&mut self, browser: &Browser) {
        if !self.stale {
            return;
        }
        self.profiles = browser
            .library()
            .list()
            .into_iter()
            .filter(|p| p.error.is_none() && p.path.with_extension(HISTORY_EXTENSION).is_file())
            .collect();
        self.profile = self.profile.min(self.profiles.len().saturating_sub(1));
        self.stale = false;
    }
}

/// Draws the panel.
pub fn show(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    panel: &mut FinderPanel,
    browser: &mut Browser,
    log: &TingleLog,
) {
    let now = ui.input(|i| i.time);
    panel.poll(params, now);
    panel.list_profiles(browser);
    ui.heading("Tingle finder").on_hover_text(FINDER_TIP);
    ui.label(RichText::new(INSTRUCTIONS).color(theme::RING_TEXT));
    ui.add_space(6.0);
    if panel.session.is_some() {
        session_ui(ui, params, setter, panel, browser, now);
    } else {
        start_ui(ui, params, setter, panel, browser, log);
    }
    if let Some(message) = &panel.message {
        ui.label(RichText::new(message).small().color(theme::RING_TEXT));
    }
    if panel.session.is_some() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
    }
}

/// The layer choice, and the kept profiles to continue or start from.
fn start_ui(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    panel: &mut FinderPanel,
    browser: &mut Browser,
    log: &TingleLog,
) {
    let layer_name = |i: usize| {
        format!(
            "Layer {} · {}",
            i + 1,
            params.layers[i].sound.value().name()
        )
    };
    let on: Vec<usize> = (0..params.layers.len())
        .filter(|&i| params.layers[i].enabled.value())
        .collect();
    if !on.contains(&panel.layer)
        && let Some(&first) = on.first()
    {
        panel.layer = first;
    }
    ui.horizontal(|ui| {
        ui.label("Tune");
        ComboBox::from_id_salt("finder-layer")
            .width(COMBO_WIDTH)
            .selected_text(layer_name(panel.layer))
            .show_ui(ui, |ui| {
                for &i in &on {
                    ui.selectable_value(&mut panel.layer, i, layer_name(i));
                }
            })
            .response
            .on_hover_text("The layer the finder tunes; the others play on around it.");
        let can_start = on.contains(&panel.layer);
        if ui
            .add_enabled(can_start, egui::Button::new("Start"))
            .on_disabled_hover_text("Switch a layer on to tune it.")
            .clicked()
        {
            panel.start(params, panel.layer, log, None);
        }
    });
    if panel.profiles.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label("Profile");
        ComboBox::from_id_salt("finder-profile")
            .width(COMBO_WIDTH)
            .selected_text(panel.profiles[panel.profile].name.clone())
            .show_ui(ui, |ui| {
                for (i, p) in panel.profiles.iter().enumerate() {
                    ui.selectable_value(&mut panel.profile, i, p.name.clone());
                }
            })
            .response
            .on_hover_text("A favourite kept with its choices.");
        if ui
            .button("Continue")
            .on_hover_text("Load this profile and carry on its choices.")
            .clicked()
        {
            panel.open_profile(params, setter, browser, log, false);
        }
        if ui
            .button("Start from it")
            .on_hover_text("Load this profile's scene and start a new listener's choices there.")
            .clicked()
        {
            panel.open_profile(params, setter, browser, log, true);
        }
    });
}

/// A table of the settings in which A and B differ.
fn differences(ui: &mut Ui, params: &TingleParams, s: &Session) {
    let Some(finder) = s.ready() else {
        return;
    };
    let Some(b) = finder.proposal() else {
        return;
    };
    let (a, b) = (
        s.space.settings(params, finder.best()),
        s.space.settings(params, b),
    );
    Grid::new("finder-differences")
        .num_columns(3)
        .spacing(DIFFERENCES_SPACING)
        .show(ui, |ui| {
            ui.label(RichText::new("What B changes").color(theme::RING_TEXT));
            ui.label(RichText::new("in A").strong());
            ui.label(RichText::new("in B").strong());
            ui.end_row();
            for (a, b) in a.iter().zip(&b) {
                if (a.normalized - b.normalized).abs() < SAME_NORMALIZED {
                    continue;
                }
                // SAFETY: the pointers point into the live parameters.
                let (name, shown_a, shown_b) = unsafe {
                    (
                        a.param.name(),
                        a.param.normalized_value_to_string(a.normalized, true),
                        b.param.normalized_value_to_string(b.normalized, true),
                    )
                };
                ui.label(shown_name(name));
                ui.label(shown_a);
                ui.label(shown_b);
                ui.end_row();
            }
        });
}

/// A running session: A and B, the answers, progress, keeping and stopping.
fn session_ui(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    panel: &mut FinderPanel,
    browser: &mut Browser,
    now: f64,
) {
    let Some(s) = &panel.session else {
        return;
    };
    let (layer, hearing, ready, thinking) = (
        s.layer,
        s.hearing,
        s.proposal().is_some(),
        matches!(s.job, Some(Job::Thinking(_))),
    );
    ui.label(
        RichText::new(format!("Tuning layer {}", layer + 1))
            .color(theme::LAYER_COLOURS[layer])
            .strong(),
    );
    ui.horizontal(|ui| {
        ui.label("Hearing");
        for side in [Side::A, Side::B] {
            let label = RichText::new(match side {
                Side::A => "A",
                Side::B => "B",
            })
            .heading();
            let enabled = side == Side::A || ready;
            let clicked = ui
                .add_enabled(
                    enabled,
                    egui::Button::new(label)
                        .selected(hearing == side)
                        .min_size(SIDE_BUTTON),
                )
                .clicked();
            if clicked {
                panel.hear(params, side, now);
                if let Some(s) = &mut panel.session {
                    s.alternate = false;
                }
            }
        }
        if let Some(s) = &mut panel.session {
            ui.checkbox(&mut s.alternate, format!("take turns every {TURN_S:.0} s"));
        }
    });
    ui.horizontal(|ui| {
        for (pick, label) in [
            (Pick::A, "I prefer A"),
            (Pick::B, "I prefer B"),
            (Pick::Neither, "Neither"),
        ] {
            if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
                panel.answer(params, setter, pick, now);
            }
        }
    });
    let choices = panel.choices();
    ui.add(
        ProgressBar::new((choices as f32 / FULL_PROGRESS_CHOICES as f32).min(1.0)).text(format!(
            "{choices} {} · a dozen or two usually find it",
            if choices == 1 { "choice" } else { "choices" }
        )),
    );
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label("Keep as");
        ui.add(egui::TextEdit::singleline(&mut panel.keep_name).desired_width(NAME_FIELD_WIDTH));
        let can_keep = !thinking && !panel.keep_name.trim().is_empty();
        if ui
            .add_enabled(can_keep, egui::Button::new("Keep"))
            .on_hover_text("Save the favourite (A) as a user preset, with the choices beside it.")
            .clicked()
        {
            panel.keep(params, browser, now);
        }
        if ui
            .button("Stop")
            .on_hover_text("End the session; the favourite (A) stays.")
            .clicked()
        {
            panel.stop(params, now);
        }
    });
    ui.add_space(6.0);
    if thinking {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Finding the next idea…");
        });
    } else if let Some(s) = &panel.session {
        differences(ui, params, s);
    }
}
