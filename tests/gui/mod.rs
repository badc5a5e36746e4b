//! The editor test host: a stand-in for the DAW that receives the editor's parameter
//! gestures (applying values as the plugin wrappers do and recording begin/set/end), and a
//! headless egui_kittest harness drawing the real editor over it. Shared by the editor's tests.
#![allow(dead_code)] // each test binary uses a different subset

use egui::Vec2;
use egui_kittest::{Harness, SnapshotOptions};
use nice_plug::prelude::*;
use std::sync::{Arc, Mutex};
use tingle::editor::{self, DEFAULT_SIZE, EditorState, theme};
use tingle::params::TingleParams;

/// Seconds per harness frame.
pub const STEP_DT: f32 = 1.0 / 50.0;
/// Frames `Harness::run` may take to settle (tooltips appear after a delay).
pub const MAX_STEPS: u64 = 100;

/// Per-pixel colour tolerance of the snapshots (egui_kittest's weighted YIQ distance; its
/// default 0.6 absorbs rasteriser differences between GPU backends).
pub const SNAPSHOT_THRESHOLD: f32 = 0.6;
/// Pixels allowed past the threshold (anti-aliasing of text and curves across Mesa versions).
pub const SNAPSHOT_MAX_FAILED_PIXELS: usize = 40;

/// What the editor asked of the host.
#[derive(Debug, Clone, PartialEq)]
pub enum Gesture {
    /// `begin_set_parameter` of the named parameter.
    Begin(String),
    /// `set_parameter` of the named parameter (normalized value).
    Set(String, f32),
    /// `end_set_parameter` of the named parameter.
    End(String),
}

/// Stands in for the host: applies values as the wrappers do and records every gesture.
#[derive(Default)]
pub struct TestHost {
    gestures: Mutex<Vec<Gesture>>,
}

impl TestHost {
    fn record(&self, gesture: Gesture) {
        self.gestures.lock().unwrap().push(gesture);
    }

    /// The gestures so far, clearing them.
    pub fn take(&self) -> Vec<Gesture> {
        std::mem::take(&mut *self.gestures.lock().unwrap())
    }
}

impl GuiContextInner for TestHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
        // SAFETY: the editor passes pointers into the live `TingleParams`.
        self.record(Gesture::Begin(unsafe { param.name() }.to_owned()));
    }

    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: as above; values are atomics, and this is what the wrappers do.
        unsafe {
            param._internal_set_normalized_value(normalized);
            self.record(Gesture::Set(param.name().to_owned(), normalized));
        }
    }

    unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
        // SAFETY: as above.
        self.record(Gesture::End(unsafe { param.name() }.to_owned()));
    }

    fn get_state(&self) -> PluginState {
        unimplemented!("the editor does not save state")
    }

    fn set_state(&self, _state: PluginState) {
        unimplemented!("the editor does not load state")
    }

    fn request_restart(&self) {}
}

/// What a harness frame needs: the parameters, the host and the editor's state.
pub struct App {
    pub params: Arc<TingleParams>,
    pub host: Arc<TestHost>,
    pub state: EditorState,
}

impl App {
    pub fn new(state: EditorState) -> Self {
        Self {
            params: Arc::new(TingleParams::default()),
            host: Arc::new(TestHost::default()),
            state,
        }
    }

    /// Sets `param` as host automation would (outside any editor gesture).
    pub fn automate<P: Param>(&self, param: &P, value: P::Plain) {
        let setter = ParamSetter::new(&*self.host);
        setter.set_parameter(param, value);
        self.host.take();
    }
}

/// A harness at the editor's default size drawing the real editor.
pub fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(Vec2::from(DEFAULT_SIZE))
        .with_step_dt(STEP_DT)
        .with_max_steps(MAX_STEPS)
        .with_context_setup(theme::apply)
        .wgpu()
        .build_ui_state(
            |ui, app: &mut App| {
                let setter = ParamSetter::new(&*app.host);
                editor::ui(&mut window_ui(ui), &app.params, &setter, &mut app.state);
            },
            app,
        )
}

/// A ui over the whole window, as the plugin's window gives the editor its root ui (egui_kittest
/// gives a ui app one inside a margin of its own), accessible as a child of `ui`.
pub fn window_ui(ui: &egui::Ui) -> egui::Ui {
    egui::Ui::new(
        ui.ctx().clone(),
        ui.unique_id().with("tingle-window"),
        egui::UiBuilder::new().accessibility_parent(ui.unique_id()),
    )
}

/// The snapshot options: the default per-pixel threshold and a few stray pixels.
pub fn snapshot_options() -> SnapshotOptions {
    SnapshotOptions::new()
        .threshold(SNAPSHOT_THRESHOLD)
        .max_failed_pixels(SNAPSHOT_MAX_FAILED_PIXELS)
}
