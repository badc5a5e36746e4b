//! Tingle's editor (egui, through nice-plug-egui): the head view with a draggable handle per
//! source, the layer strips, and the master section with the meters.
//!
//! Everything is drawn by [`ui`], a plain function of the parameters, a [`ParamSetter`] and an
//! [`EditorState`]; the plugin's window ([`TingleApp`]) and the tests (egui_kittest) both call
//! it. The editor reads the parameters every frame (so host automation moves the controls
//! live), changes them only through begin/set/end gestures (so hosts record the moves), and
//! learns what the audio thread did from the telemetry: trigger flashes drained from a
//! lock-free queue each frame, meters and current positions from atomics.

pub mod browser;
pub mod controls;
mod gesture;
mod head_row;
pub mod head_view;
mod hrtf_row;
pub mod layer_strip;
mod master;
pub mod meters;
pub mod personal;
pub mod sample_files;
pub mod theme;

use crate::binaural::Position;
use crate::engine::hrtf_loader::HrtfLoader;
use crate::engine::telemetry::TelemetryReceiver;
use crate::head::HeadTracking;
use crate::params::TingleParams;
use crate::scene::library::Library;
use browser::Browser;
use egui::{Align, Layout, RichText, ScrollArea, Ui, Vec2, vec2};
use head_view::{FLASH_FADE_S, HandleDrag, HeadGeometry};
use meters::MeterState;
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::ResizeHint;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::*;
use nice_plug_egui::resizable_window::ResizableWindow;
use nice_plug_egui::{
    EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, baseview,
    create_egui_editor,
};
use personal::Personal;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// The editor's size when first opened (logical points).
pub const DEFAULT_SIZE: [f32; 2] = [1180.0, 760.0];
/// The smallest size it can be resized to (logical points).
pub const MIN_SIZE: [f32; 2] = [960.0, 640.0];
/// Share of the width the head view and master section take.
const LEFT_SHARE: f32 = 0.42;
/// Height kept under the head view for the master section (points).
const MASTER_HEIGHT: f32 = 300.0;
/// How often the editor repaints while it shows live telemetry.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// Most flashes kept on screen at once (the oldest go first).
pub const MAX_FLASHES: usize = 512;

/// Whose strip is shown and whose handle is on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selection {
    /// The track's input.
    Input,
    /// Layer `n` (0-based).
    Layer(usize),
}

/// A trigger shown where it sounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlashMark {
    /// Layer index.
    pub layer: usize,
    /// Where it sounded.
    pub position: Position,
    /// Its intensity, 0 ..= 1.
    pub intensity: f32,
    /// When the editor received it (seconds, egui's clock).
    pub time: f64,
}

/// Everything the editor keeps between frames (the parameters live in [`TingleParams`]).
pub struct EditorState {
    /// Whose strip is shown.
    pub selection: Selection,
    /// What the meters show.
    pub meters: MeterState,
    /// The scene browser.
    pub browser: Browser,
    /// Where the head view was drawn last frame.
    pub head_rect: Option<egui::Rect>,
    /// The handle being dragged.
    drag: Option<HandleDrag>,
    /// Recent flashes, oldest first.
    flashes: VecDeque<FlashMark>,
    /// The audio thread's reports (`None`: no audio side, e.g. a test without one).
    telemetry: Option<TelemetryReceiver>,
    /// Whether the theme has been applied to the current egui context.
    styled: bool,
    /// Loads the HRTF set chosen in the editor (`None`: no audio side).
    hrtf: Option<HrtfLoader>,
    /// The OSC head tracker (`None`: no audio side).
    pub tracking: Option<Arc<HeadTracking>>,
    /// The finder, the ear match and the tingle button.
    pub personal: Personal,
}

impl EditorState {
    /// A fresh state reading `telemetry`, showing layer 1, with the user presets in the
    /// platform's standard folder.
    pub fn new(telemetry: Option<TelemetryReceiver>) -> Self {
        Self::with_library(telemetry, Library::standard())
    }

    /// A fresh state reading `telemetry`, with the user presets in `library`.
    pub fn with_library(telemetry: Option<TelemetryReceiver>, library: Library) -> Self {
        Self {
            selection: Selection::Layer(0),
            meters: MeterState::default(),
            personal: Personal::new(library.dir()),
            browser: Browser::new(library),
            head_rect: None,
            drag: None,
            flashes: VecDeque::with_capacity(MAX_FLASHES),
            telemetry,
            styled: false,
            hrtf: None,
            tracking: None,
        }
    }

    /// This state, choosing the HRTF set through `loader` (the plugin's).
    pub fn with_hrtf(mut self, loader: HrtfLoader) -> Self {
        self.hrtf = Some(loader);
        self
    }

    /// The head view's geometry as drawn last frame.
    pub fn head_geometry(&self) -> Option<HeadGeometry> {
        self.head_rect.map(HeadGeometry::new)
    }

    /// The flashes on screen, oldest first.
    pub fn flashes(&self) -> impl Iterator<Item = &FlashMark> {
        self.flashes.iter()
    }

    /// Where `source` is now according to the audio thread (after glides and motion), once
    /// it has reported.
    pub fn live_position(&self, source: Selection) -> Option<Position> {
        let meters = &self.telemetry.as_ref()?.meters;
        let p = match source {
            Selection::Input => meters.input_position.load(),
            Selection::Layer(i) => meters.layer_positions[i].load(),
        };
        (p.distance_m > 0.0).then_some(p)
    }

    /// Takes the audio thread's news at time `now`: drains the flash queue, drops flashes that
    /// have faded, and updates the meters.
    pub fn poll(&mut self, now: f64) {
        if let Some(telemetry) = &mut self.telemetry {
            while let Ok(flash) = telemetry.flashes.pop() {
                if self.flashes.len() == MAX_FLASHES {
                    self.flashes.pop_front();
                }
                self.flashes.push_back(FlashMark {
                    layer: flash.layer,
                    position: flash.position,
                    intensity: flash.intensity,
                    time: now,
                });
            }
            self.meters.update(&telemetry.meters, now);
        }
        while self
            .flashes
            .front()
            .is_some_and(|f| now - f.time > FLASH_FADE_S)
        {
            self.flashes.pop_front();
        }
    }

    /// Tells the audio thread whether this editor reads the meters (while it is open), so
    /// that a closed editor costs the audio thread nothing.
    pub fn listen(&self, on: bool) {
        if let Some(telemetry) = &self.telemetry {
            telemetry.meters.set_listening(on);
        }
    }

    /// Ends an unfinished drag's gestures (the window closed under the pointer), lets the
    /// finder's favourite play on and ends the ear match.
    pub fn close(&mut self, params: &TingleParams, setter: &ParamSetter) {
        if let Some(drag) = self.drag.take() {
            head_view::end_drag(&drag, head_view::placement_of(params, drag.source), setter);
        }
        personal::close(params, self, 0.0);
        self.styled = false;
    }
}

/// Draws the whole editor into `ui` (the window's root) and handles its input.
pub fn ui(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &mut EditorState) {
    if !state.styled {
        theme::apply(ui.ctx());
        state.styled = true;
    }
    state.poll(ui.input(|i| i.time));
    ResizableWindow::new("tingle-editor")
        .min_size(Vec2::from(MIN_SIZE))
        .show(ui, |ui| layout(ui, params, setter, state));
    if state.telemetry.is_some() || !state.flashes.is_empty() || state.meters.moving() {
        ui.ctx().request_repaint_after(FRAME_INTERVAL);
    }
}

/// Title and scene browser, then the head view over the master section on the left and the
/// strips on the right.
fn layout(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &mut EditorState) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Tingle").heading().strong());
        if browser::show(ui, params, setter, &mut state.browser) {
            // The scene's layers play as it says, and a finder session's layer is gone.
            params.clear_solo();
            state.personal.finder.abandon();
        }
        personal::title_row(ui, params, state);
        ui.label(
            RichText::new("Drag a handle to place its source; Shift-drag to raise or lower it.")
                .small()
                .color(theme::RING_TEXT),
        );
    });
    ui.separator();
    let available = ui.available_size();
    let left_width = available.x * LEFT_SHARE;
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            vec2(left_width, available.y),
            Layout::top_down(Align::Center),
            |ui| {
                let side = left_width.min(available.y - MASTER_HEIGHT);
                head_view::show(ui, params, setter, state, side);
                master::show(ui, params, setter, state);
            },
        );
        ui.separator();
        ui.allocate_ui_with_layout(ui.available_size(), Layout::top_down(Align::Min), |ui| {
            ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if personal::show(ui, params, setter, state) {
                        return;
                    }
                    layer_strip::overview(ui, params, setter, state);
                    ui.separator();
                    match state.selection {
                        Selection::Input => master::input_strip(ui, params, setter),
                        Selection::Layer(i) => layer_strip::strip(ui, params, setter, i),
                    }
                });
        });
    });
}

/// The plugin window's app: the parameters, the host's context once the window is open, and
/// the editor's state (kept while the window is closed, so the selection survives).
pub struct TingleApp {
    params: Arc<TingleParams>,
    gui: Option<GuiContext>,
    state: EditorState,
}

impl TingleApp {
    /// An app drawing `params`, reading `telemetry`, choosing the HRTF set through `hrtf` and
    /// setting up the head tracker through `tracking`.
    pub fn new(
        params: Arc<TingleParams>,
        telemetry: Option<TelemetryReceiver>,
        hrtf: Option<HrtfLoader>,
        tracking: Option<Arc<HeadTracking>>,
    ) -> Self {
        let mut state = EditorState::new(telemetry);
        state.tracking = tracking;
        Self {
            params,
            gui: None,
            state: match hrtf {
                Some(loader) => state.with_hrtf(loader),
                None => state,
            },
        }
    }
}

impl NiceEguiApp for TingleApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.state.styled = true;
        self.state.listen(true);
        self.gui = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        if let Some(gui) = &self.gui {
            self::ui(ui, &self.params, &gui.param_setter(), &mut self.state);
        }
    }

    fn editor_closed(&mut self) {
        self.state.listen(false);
        if let Some(gui) = self.gui.take() {
            self.state.close(&self.params, &gui.param_setter());
        }
    }
}

/// The plugin's editor: resizable, at [`DEFAULT_SIZE`] when first opened.
pub fn create(
    params: Arc<TingleParams>,
    telemetry: Option<TelemetryReceiver>,
    hrtf: Option<HrtfLoader>,
    tracking: Option<Arc<HeadTracking>>,
) -> Option<EguiEditor<TingleApp>> {
    let [width, height] = DEFAULT_SIZE;
    let [min_width, min_height] = MIN_SIZE;
    create_egui_editor(
        EguiEditorState::from_size(LogicalSize::new(width, height), 1.0),
        RepaintNotifier::new(),
        EguiNiceSettings::new()
            .with_tile("Tingle")
            .with_resize_hint(
                ResizeHint::RESIZABLE
                    .with_min_logical_size(LogicalSize::new(min_width, min_height)),
            ),
        TingleApp::new(params, telemetry, hrtf, tracking),
    )
}
