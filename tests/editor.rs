//! The editor, driven through its real drawing code (`tingle::editor::ui`) headless with
//! egui_kittest: dragging a handle places its layer, the strip follows the family, the meters
//! follow the audio side, snapshots of a few states match the committed images, and opening
//! and closing the editor while audio runs neither allocates in `process()` nor changes a bit
//! of the output.
//!
//! A small stand-in host ([`TestHost`]) receives the editor's parameter gestures: it applies
//! values the way the plugin wrappers do and records begin/set/end, so the tests see what a DAW
//! would record. Snapshots render on a CPU adapter (Mesa's lavapipe); refresh them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test editor`.

mod common;
mod gui;
mod host;

use assert_no_alloc::{reset_violation_count, violation_count};
use common::hrtf_settled;
use egui::{Pos2, RawInput, Rect, Vec2};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotResults};
use gui::{App, Gesture, STEP_DT, TestHost, harness, snapshot_options};
use nice_plug::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tingle::binaural::Position;
use tingle::binaural::cache::HrtfChoice;
use tingle::editor::controls::shown_name;
use tingle::editor::head_view::FLASH_FADE_S;
use tingle::editor::meters::PEAK_DECAY_DB_PER_S;
use tingle::editor::{self, DEFAULT_SIZE, EditorState, Selection, theme};
use tingle::engine::bed::BedKind;
use tingle::engine::hrtf_loader::HrtfLoader;
use tingle::engine::motion::MotionMode;
use tingle::engine::telemetry::{TelemetrySender, TriggerFlash, telemetry};
use tingle::params::{SoundChoice, TingleParams};
use tingle::room::RoomKind;
use tingle::triggers::Family;

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// Tolerance of a dragged azimuth (degrees): a handle lands within 2 degrees of where it is let
/// go.
const AZIMUTH_TOLERANCE_DEG: f32 = 2.0;
/// Pointer moves between the press and the release of a drag.
const DRAG_MOVES: usize = 8;

/// Shows `app` with layer 1 enabled and the input moved out of its way (both start in front),
/// so a drag grabs the layer; returns the harness and the head view's geometry.
fn layer_1_in_view(app: App) -> (Harness<'static, App>, editor::head_view::HeadGeometry) {
    app.automate(&app.params.layers[0].enabled, true);
    app.automate(&app.params.input.azimuth, -120.0);
    let mut h = harness(app);
    h.run();
    let g = h
        .state()
        .state
        .head_geometry()
        .expect("the head view was drawn");
    (h, g)
}

/// Drags from `from` to `to` in `DRAG_MOVES` pointer moves, a frame each.
fn drag(h: &mut Harness<'static, App>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for k in 1..=DRAG_MOVES {
        h.hover_at(from.lerp(to, k as f32 / DRAG_MOVES as f32));
        h.run();
    }
    h.drop_at(to);
    h.run();
}

#[test]
fn dragging_a_handle_from_the_front_to_the_right_ear_places_the_layer() {
    let app = App::new(EditorState::new(None));
    app.automate(&app.params.layers[0].placement.azimuth, 0.0);
    app.automate(&app.params.layers[0].placement.distance, 0.0); // 1 m
    let (mut h, g) = layer_1_in_view(app);
    let from = g.floor_point(0.0, 1.0);
    let to = g.floor_point(90.0, 0.5);
    drag(&mut h, from, to);

    let app = h.state();
    let placement = &app.params.layers[0].placement;
    let (drop_azimuth, drop_distance) = g.from_screen(to, 0.0);
    println!(
        "dropped at {:.2}° {:.3} m; the drop point is {drop_azimuth:.2}° {drop_distance:.3} m",
        placement.azimuth.value(),
        placement.distance_m()
    );
    assert!(
        (placement.azimuth.value() - 90.0).abs() <= AZIMUTH_TOLERANCE_DEG,
        "azimuth {} after dragging to the right ear",
        placement.azimuth.value()
    );
    assert!(
        (placement.distance_m() / drop_distance - 1.0).abs() < 1e-3,
        "distance {} m, the drop point is at {drop_distance} m",
        placement.distance_m()
    );
    assert!(
        (drop_distance - 0.5).abs() < 0.02,
        "the drop point is {drop_distance} m away"
    );
    assert_eq!(
        app.params.input.azimuth.value(),
        -120.0,
        "the input stayed put"
    );
    assert_eq!(app.state.selection, Selection::Layer(0));

    // One gesture per moved parameter, so the host records the drag as one move.
    let gestures = app.host.take();
    for name in ["L1 Azimuth", "L1 Distance"] {
        let begins = gestures
            .iter()
            .filter(|g| **g == Gesture::Begin(name.into()))
            .count();
        let ends = gestures
            .iter()
            .filter(|g| **g == Gesture::End(name.into()))
            .count();
        let sets = gestures
            .iter()
            .filter(|g| matches!(g, Gesture::Set(n, _) if n == name))
            .count();
        assert_eq!((begins, ends), (1, 1), "{name}: {gestures:?}");
        assert!(sets >= 2, "{name} was set {sets} times");
        let first_set = gestures
            .iter()
            .position(|g| matches!(g, Gesture::Set(n, _) if n == name));
        let begin = gestures
            .iter()
            .position(|g| *g == Gesture::Begin(name.into()));
        let end = gestures
            .iter()
            .position(|g| *g == Gesture::End(name.into()));
        assert!(begin < first_set && end > first_set, "{name}: {gestures:?}");
    }
}

#[test]
fn shift_dragging_a_handle_up_raises_the_layer() {
    let app = App::new(EditorState::new(None));
    let (mut h, g) = layer_1_in_view(app);
    let from = g.floor_point(0.0, 1.0);
    let to = from - Vec2::new(0.0, 40.0);
    h.hover_at(from);
    h.run();
    h.event_modifiers(
        egui::Event::PointerButton {
            pos: from,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::SHIFT,
        },
        egui::Modifiers::SHIFT,
    );
    h.run();
    for k in 1..=DRAG_MOVES {
        h.event_modifiers(
            egui::Event::PointerMoved(from.lerp(to, k as f32 / DRAG_MOVES as f32)),
            egui::Modifiers::SHIFT,
        );
        h.run();
    }
    h.drop_at(to);
    h.run();
    let placement = &h.state().params.layers[0].placement;
    println!("elevation {:.1}°", placement.elevation.value());
    assert!(
        placement.elevation.value() > 10.0,
        "elevation {}",
        placement.elevation.value()
    );
    assert_eq!(
        placement.azimuth.value(),
        0.0,
        "a Shift-drag leaves the direction alone"
    );
    assert_eq!(
        placement.distance_m(),
        1.0,
        "a Shift-drag leaves the distance alone"
    );
}

#[test]
fn changing_the_family_renames_the_character_controls() {
    let mut h = harness(App::new(EditorState::new(None)));
    h.run();
    let before = h.state().params.layers[0].sound.value().family;
    let after = Family::ALL
        .iter()
        .copied()
        .find(|f| *f != before)
        .expect("more than one family");
    for control in &before.info().controls {
        h.get_by_label(control.name);
    }
    h.get_by_label(after.info().name).click();
    h.run();

    assert_eq!(
        h.state().params.layers[0].sound.value(),
        SoundChoice::new(after, 0)
    );
    for control in &after.info().controls {
        h.get_by_label(control.name);
    }
    for control in &before.info().controls {
        if after.info().controls.iter().all(|c| c.name != control.name) {
            assert!(
                h.query_by_label(control.name).is_none(),
                "{} still shown after switching to {}",
                control.name,
                after.info().name
            );
        }
    }
    // And when the host changes the family, the names follow too.
    let app = h.state();
    app.automate(&app.params.layers[0].sound, SoundChoice::new(before, 0));
    h.run();
    for control in &before.info().controls {
        h.get_by_label(control.name);
    }
}

#[test]
fn solo_plays_only_the_soloed_layers_and_never_touches_the_on_switches() {
    let app = App::new(EditorState::new(None));
    let on_before = [true, false, true, true, false, false, false, false];
    for (layer, on) in app.params.layers.iter().zip(on_before) {
        app.automate(&layer.enabled, on);
    }
    let mut h = harness(app);
    h.run();
    let sounding = |h: &Harness<'static, App>| -> Vec<bool> {
        h.state()
            .params
            .engine_settings()
            .layers
            .iter()
            .map(|l| l.enabled)
            .collect()
    };
    let on = |h: &Harness<'static, App>| -> Vec<bool> {
        h.state()
            .params
            .layers
            .iter()
            .map(|l| l.enabled.value())
            .collect()
    };
    let click_solo = |h: &mut Harness<'static, App>, layer: usize| {
        h.get_all_by_label("Solo")
            .nth(layer)
            .expect("a solo per layer")
            .click();
        h.run();
    };

    // Solo layer 2 (off until now): only it plays.
    click_solo(&mut h, 1);
    assert_eq!(
        sounding(&h),
        [false, true, false, false, false, false, false, false]
    );
    // Add layer 4 to the solo.
    click_solo(&mut h, 3);
    assert_eq!(
        sounding(&h),
        [false, true, false, true, false, false, false, false]
    );
    // Meanwhile the On switches, which a saved session holds, never moved, and nothing of
    // the solo is saved.
    assert_eq!(on(&h), on_before);
    let saved = h.state().params.serialize_fields();
    assert!(saved.keys().all(|k| !k.contains("solo")), "{saved:?}");
    assert!(h.state().host.take().is_empty(), "no host gestures");
    // Release both: the layers play as their On switches say.
    click_solo(&mut h, 1);
    click_solo(&mut h, 3);
    assert_eq!(sounding(&h), on_before);
}

/// Writes one block's worth of meter values as the audio thread does.
fn publish(sender: &TelemetrySender, peaks: [f32; 2], lufs: f32, reduction_db: f32) {
    let meters = sender.meters();
    for (channel, peak) in peaks.into_iter().enumerate() {
        meters.peak[channel].fetch_max(peak, Ordering::Relaxed);
    }
    meters.short_term_lufs.store(lufs, Ordering::Relaxed);
    meters
        .limiter_reduction_db
        .store(reduction_db, Ordering::Relaxed);
    meters.input_position.store(&Position::default());
}

#[test]
fn the_meters_follow_the_audio_side() {
    let (mut sender, receiver) = telemetry();
    let mut h = harness(App::new(EditorState::new(Some(receiver))));
    h.step();
    h.get_by_label("Loudness");
    assert!(!h.state().state.meters.live, "nothing published yet");

    publish(&sender, [0.5, 0.25], -23.0, 3.5);
    sender.flash(TriggerFlash {
        layer: 2,
        position: Position {
            azimuth_deg: 45.0,
            elevation_deg: 0.0,
            distance_m: 0.5,
        },
        intensity: 1.0,
    });
    h.step();
    let meters = h.state().state.meters;
    assert!(meters.live);
    assert!(
        (meters.peak_db[0] - 20.0 * 0.5f32.log10()).abs() < 0.01,
        "{meters:?}"
    );
    assert!(
        (meters.peak_db[1] - 20.0 * 0.25f32.log10()).abs() < 0.01,
        "{meters:?}"
    );
    assert_eq!(meters.short_term_lufs, -23.0);
    assert_eq!(meters.reduction_db, 3.5);
    h.get_by_label("-6.0 dBFS");
    h.get_by_label("-12.0 dBFS");
    h.get_by_label("-23.0 LUFS");
    h.get_by_label("-3.5 dB");
    let flashes: Vec<_> = h.state().state.flashes().copied().collect();
    assert_eq!(flashes.len(), 1);
    assert_eq!(flashes[0].layer, 2);
    assert_eq!(flashes[0].position.azimuth_deg, 45.0);

    // No new peaks: the shown peak falls at the set rate.
    let frames = 10;
    h.run_steps(frames);
    let fallen = h.state().state.meters.peak_db[0];
    let expected = 20.0 * 0.5f32.log10() - PEAK_DECAY_DB_PER_S * STEP_DT * frames as f32;
    assert!(
        (fallen - expected).abs() < 0.05,
        "{fallen} dB, expected {expected}"
    );

    // A new, louder peak shows at once; the limiter's reduction follows the atomics.
    publish(&sender, [0.9, 0.9], -18.0, 0.0);
    h.step();
    let meters = h.state().state.meters;
    assert!(
        (meters.peak_db[0] - 20.0 * 0.9f32.log10()).abs() < 0.01,
        "{meters:?}"
    );
    assert_eq!(meters.reduction_db, 0.0);
    h.get_by_label("0.0 dB");

    // The engine's cost, as it measures it.
    sender.meters().cpu_share.store(0.014, Ordering::Relaxed);
    h.step();
    assert_eq!(h.state().state.meters.cpu_share, 0.014);
    h.get_by_label("1.4 % CPU");

    // With the session timer on, the time left shows as the audio side reports it.
    let app = h.state();
    app.automate(&app.params.timer, true);
    sender
        .meters()
        .timer_remaining_s
        .store(1453.2, Ordering::Relaxed);
    h.step();
    h.get_by_label("24:14 left");

    // The flash fades and goes after about a second.
    h.run_steps((FLASH_FADE_S / f64::from(STEP_DT)).ceil() as usize + 1);
    assert_eq!(h.state().state.flashes().count(), 0);
}

/// A few layers on, moving and scattered, as a session might look.
fn busy_session(app: &App) {
    let families = Family::ALL;
    for (i, layer) in app.params.layers.iter().take(4).enumerate() {
        app.automate(&layer.enabled, true);
        app.automate(
            &layer.sound,
            SoundChoice::new(families[i % families.len()], 0),
        );
        app.automate(&layer.placement.azimuth, -135.0 + 75.0 * i as f32);
        app.automate(&layer.placement.distance, -0.6 + 0.35 * i as f32);
    }
    let layers = &app.params.layers;
    app.automate(&layers[0].placement.motion, MotionMode::Orbit);
    app.automate(&layers[0].placement.motion_depth, 0.5);
    app.automate(&layers[1].placement.motion, MotionMode::EarToEar);
    app.automate(&layers[2].placement.motion, MotionMode::FigureEight);
    app.automate(&layers[2].placement.elevation, 25.0);
    app.automate(&layers[3].placement.motion, MotionMode::Drift);
    app.automate(&app.params.bed, BedKind::Rain);
    app.automate(&app.params.room, RoomKind::LivingRoom);
    app.automate(&app.params.gentle, true);
    app.automate(&app.params.timer, true);
}

#[test]
fn snapshots_of_the_editor() {
    let options = snapshot_options();
    let mut results = SnapshotResults::new();

    let mut h = harness(App::new(EditorState::new(None)));
    h.run();
    h.snapshot_options("editor_default", &options);
    results.extend_harness(&mut h);

    let app = App::new(EditorState::new(None));
    busy_session(&app);
    let mut h = harness(app);
    h.run();
    h.snapshot_options("editor_busy_session", &options);

    // The input's strip, selected from the overview.
    h.get_by_label("Input").click();
    h.run();
    h.remove_cursor();
    h.run();
    h.snapshot_options("editor_input_strip", &options);

    // Resized: the layout follows the window.
    h.set_size(Vec2::new(editor::MIN_SIZE[0], editor::MIN_SIZE[1]));
    h.run();
    h.snapshot_options("editor_min_size", &options);
    results.extend_harness(&mut h);
    results.unwrap();
}

/// The labels the editor shows for `params`' parameters (their names less the layer prefix).
fn shown_names(params: &impl Params) -> Vec<String> {
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers point into `params`, borrowed here.
        .map(|(_, ptr, _)| shown_name(unsafe { ptr.name() }).to_owned())
        .collect()
}

/// Asserts that every control labelled with one of `labels` that the editor shows lies inside
/// the window, and that `last` (the strip's last row) is shown.
fn assert_in_view(h: &Harness<'static, App>, labels: &[String], last: &str, what: &str) {
    let visible = Rect::from_min_size(Pos2::ZERO, Vec2::from(DEFAULT_SIZE));
    h.get_by_label(last);
    for label in labels {
        for node in h.query_all_by_label(label) {
            assert!(
                visible.contains_rect(node.rect()),
                "{what}: {label} at {:?} is outside the window's {visible:?}",
                node.rect()
            );
        }
    }
}

/// At the default size every row of a layer's strip (whatever its family, but Sample, whose
/// file list can be any length and scrolls) and of the input's strip is in view, unscrolled.
#[test]
fn at_the_default_size_every_row_of_the_strips_is_in_view() {
    let mut h = harness(App::new(EditorState::new(None)));
    for family in Family::ALL.iter().filter(|f| **f != Family::Sample) {
        let app = h.state();
        let layer = &app.params.layers[0];
        app.automate(&layer.sound, SoundChoice::new(*family, 0));
        let mut labels = shown_names(layer);
        labels.extend(family.info().controls.iter().map(|c| c.name.to_owned()));
        let last = shown_name(layer.follow_note.name()).to_owned();
        h.run();
        assert_in_view(&h, &labels, &last, family.info().name);
    }

    h.get_by_label("Input").click();
    h.run();
    let params = &h.state().params;
    let mut labels = shown_names(&params.input);
    labels.extend([params.input_gain.name(), params.mix.name()].map(str::to_owned));
    let last = shown_name(params.input.motion_depth.name());
    assert_in_view(&h, &labels, last, "input");
}

/// Where the README's picture of the editor goes.
const README_SCREENSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/editor.png");
/// Peaks the README's picture shows (linear, left and right): a quiet session.
const SCREENSHOT_PEAKS: [f32; 2] = [0.3, 0.25];
/// Short-term loudness the README's picture shows (LUFS).
const SCREENSHOT_LUFS: f32 = -26.0;
/// The CPU share the screenshot's meters show (what the dense benchmark scene takes).
const SCREENSHOT_CPU: f32 = 0.015;
/// Time left in the session the README's picture shows (s).
const SCREENSHOT_TIME_LEFT_S: f32 = 1453.2;

/// Writes `docs/editor.png`, the README's picture of the editor: [`busy_session`] at the
/// default size while it plays (the meters and the session timer as the audio side reports
/// them), drawn headless by the same renderer as the snapshots (no display, no waiting). Run
/// it with `cargo test --test editor -- --ignored readme_screenshot` when the editor's look
/// changes.
#[test]
#[ignore = "writes docs/editor.png"]
fn readme_screenshot() {
    let (sender, receiver) = telemetry();
    let app = App::new(EditorState::new(Some(receiver)));
    busy_session(&app);
    let mut h = harness(app);
    h.step();
    publish(&sender, SCREENSHOT_PEAKS, SCREENSHOT_LUFS, 0.0);
    sender
        .meters()
        .cpu_share
        .store(SCREENSHOT_CPU, Ordering::Relaxed);
    sender
        .meters()
        .timer_remaining_s
        .store(SCREENSHOT_TIME_LEFT_S, Ordering::Relaxed);
    h.step();
    h.render()
        .expect("the editor renders")
        .save(README_SCREENSHOT)
        .expect("docs/editor.png is written");
}

/// Length of the audio runs (blocks).
const BLOCKS: usize = 400;
/// Samples per block.
const BLOCK: usize = 256;
/// Sample rate of the audio runs (Hz).
const SAMPLE_RATE: f32 = 48_000.0;
/// Blocks between opening and closing the editor.
const OPEN_EVERY: usize = 25;
/// Frames the UI thread draws per opening.
const FRAMES_PER_OPENING: usize = 5;

/// Renders through the plugin with a busy session; with `editor`, the editor is created and
/// dropped every few blocks and a UI thread keeps opening, drawing and closing the editor's
/// real UI over the same parameters. Returns the output and the allocations counted inside
/// `process()`.
fn render(editor: bool) -> (Vec<f32>, u32) {
    let mut plugin = host::activated(SAMPLE_RATE, BLOCK as u32, host::STEREO);
    let params = plugin.tingle_params();
    let app = App {
        params: params.clone(),
        host: Arc::new(TestHost::default()),
        state: EditorState::new(None),
    };
    busy_session(&app);
    for layer in params.layers.iter().take(4) {
        app.automate(&layer.rate, 12.0);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let openings = Arc::new(AtomicUsize::new(0));
    let ui_thread = editor.then(|| {
        let (params, host) = (params.clone(), app.host.clone());
        let (stop, openings) = (stop.clone(), openings.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                // Open: a new egui context and editor state; draw; close.
                let ctx = egui::Context::default();
                theme::apply(&ctx);
                let mut state = EditorState::new(None);
                let setter = ParamSetter::new(&*host);
                for _ in 0..FRAMES_PER_OPENING {
                    let input = RawInput {
                        screen_rect: Some(Rect::from_min_size(
                            Pos2::ZERO,
                            Vec2::from(DEFAULT_SIZE),
                        )),
                        ..RawInput::default()
                    };
                    let mut output =
                        ctx.run_ui(input, |ui| editor::ui(ui, &params, &setter, &mut state));
                    // No renderer here: the textures egui would upload are dropped.
                    output.textures_delta.clear();
                }
                state.close(&params, &setter);
                openings.fetch_add(1, Ordering::Release);
            }
        })
    });

    let mut context = host::TestProcessContext::new(SAMPLE_RATE);
    let (mut left, mut right) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
    let mut out = Vec::with_capacity(BLOCKS * BLOCK * 2);
    // The count is this thread's (`tests/realtime.rs` proves it per thread): the UI thread's
    // allocations do not reach it, only the guarded `process()` calls below.
    reset_violation_count();
    for block in 0..BLOCKS {
        if editor && block % OPEN_EVERY == 0 {
            // Interleave: the UI thread opens and closes the editor between these blocks.
            while openings.load(Ordering::Acquire) < block / OPEN_EVERY {
                std::thread::yield_now();
            }
            let executor = AsyncExecutor::new(Arc::new(|_| {}), Arc::new(|_| {}));
            let created = plugin.editor(executor);
            assert!(created.is_some(), "Tingle has an editor");
            drop(created);
        }
        left.fill(0.0);
        right.fill(0.0);
        host::process_block(&mut plugin, &mut context, &mut left, &mut right);
        out.extend(left.iter().zip(&right).flat_map(|(l, r)| [*l, *r]));
    }
    let allocations = violation_count();
    stop.store(true, Ordering::Relaxed);
    if let Some(thread) = ui_thread {
        thread.join().expect("the UI thread ran");
        let openings = openings.load(Ordering::Acquire);
        println!("the UI thread opened the editor {openings} times");
        assert!(openings >= BLOCKS / OPEN_EVERY - 1);
    }
    assert!(
        app.host.take().is_empty(),
        "drawing alone changed no parameter"
    );
    (out, allocations)
}

#[test]
fn opening_and_closing_the_editor_while_audio_runs_changes_nothing() {
    let (without, allocations_without) = render(false);
    let (with, allocations_with) = render(true);
    assert_eq!(
        allocations_without, 0,
        "process() allocated without the editor"
    );
    assert_eq!(
        allocations_with, 0,
        "process() allocated with the editor opening and closing"
    );
    let energy: f64 = without.iter().map(|s| f64::from(*s).powi(2)).sum();
    assert!(energy > 0.0, "the session makes sound");
    let differing = without
        .iter()
        .zip(&with)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(
        differing, 0,
        "{differing} samples differ with the editor open"
    );
}

/// An editor state whose user presets live in a fresh folder of their own.
fn state_with_presets(tag: &str) -> (EditorState, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "tingle-editor-presets-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let library = tingle::scene::library::Library::in_folder(&dir);
    (EditorState::with_library(None, library), dir)
}

/// Every parameter's normalized value, by id.
fn all_values(params: &TingleParams) -> Vec<(String, f32)> {
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers point into `params`, borrowed here.
        .map(|(id, ptr, _)| (id, unsafe { ptr.unmodulated_normalized_value() }))
        .collect()
}

#[test]
fn picking_a_scene_loads_it_in_one_gesture_and_shows_its_name() {
    let (state, dir) = state_with_presets("pick");
    let mut h = harness(App::new(state));
    h.run();
    h.get_by_label("Pick a scene to start");
    h.get_by_label("No scene").click();
    h.run();
    h.get_by_label("Relax").click();
    h.run();
    h.get_by_label("Calm Tapping").click();
    h.run();

    let expected = tingle::scene::factory::find("calm-tapping")
        .expect("a factory scene")
        .read()
        .expect("it reads");
    assert_eq!(all_values(&h.state().params), all_values(&expected.params));
    h.get_by_label("Calm Tapping");
    assert!(h.query_by_label("Pick a scene to start").is_none());
    // One gesture: every begin, then every set, then every end.
    let gestures = h.state().host.take();
    let kinds: Vec<u8> = gestures
        .iter()
        .map(|g| match g {
            Gesture::Begin(_) => 0,
            Gesture::Set(..) => 1,
            Gesture::End(_) => 2,
        })
        .collect();
    assert!(kinds.len() >= 3 * 10, "{} gestures", kinds.len());
    assert!(
        kinds.is_sorted(),
        "begins, then sets, then ends: {gestures:?}"
    );

    // A change marks the scene as modified.
    let app = h.state();
    app.automate(&app.params.layers[0].level, -12.0);
    h.run();
    h.get_by_label("Calm Tapping *");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_saved_user_preset_loads_back_every_parameter() {
    let (state, dir) = state_with_presets("save");
    let mut h = harness(App::new(state));
    h.run();
    {
        let app = h.state();
        app.automate(&app.params.layers[2].enabled, true);
        app.automate(
            &app.params.layers[2].sound,
            SoundChoice::new(Family::Water, 2),
        );
        app.automate(&app.params.layers[2].character_3, 0.33);
        app.automate(&app.params.layers[2].placement.azimuth, 123.5);
        app.automate(&app.params.input.motion, MotionMode::Drift);
        app.automate(&app.params.seed, 4242);
    }
    let saved = all_values(&h.state().params);
    h.get_by_label("Save as…").click();
    h.run();
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    field.type_text("Night Rain");
    h.run();
    h.get_by_label("Save").click();
    h.run();
    assert!(dir.join("night-rain.json").exists());
    h.get_by_label("Night Rain");

    // Change things, then load the preset back through the browser.
    {
        let app = h.state();
        app.automate(&app.params.layers[2].enabled, false);
        app.automate(&app.params.seed, 1);
        app.automate(&app.params.input.motion, MotionMode::Off);
    }
    h.run();
    h.get_by_label("Night Rain *").click();
    h.run();
    h.get_by_label("User").click();
    h.run();
    h.get_by_label("Night Rain").click();
    h.run();
    assert_eq!(all_values(&h.state().params), saved);
    h.get_by_label("Night Rain");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Sample layer's strip shows the buttons to choose its sounds, how many loaded, each file,
/// and each file that did not load with its reason; other families show none of it.
#[test]
fn a_sample_layer_shows_its_files_and_their_problems() {
    use tingle::samples::LoadState;
    use tingle::samples::testfiles::{folder, sine, write_wav};
    let dir = folder("editor-samples");
    let good = dir.join("tick.wav");
    write_wav(&good, 48_000, 1, &sine(1_000.0, 0.5, 0.25, 48_000));
    let app = App::new(EditorState::new(None));
    let mut h = harness(app);
    h.run();
    assert!(h.query_by_label("Choose files…").is_none());
    let app = h.state();
    app.automate(
        &app.params.layers[0].sound,
        SoundChoice::new(Family::Sample, 0),
    );
    let _inbox = app.params.samples.connect(48_000.0);
    app.params
        .samples
        .choose(0, vec![good, dir.join("gone.wav")]);
    let started = std::time::Instant::now();
    while !matches!(app.params.samples.status(0).state, LoadState::Done(..)) {
        assert!(
            started.elapsed().as_secs() < 60,
            "the loader never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    h.get_by_label("Choose files…");
    h.get_by_label("Choose folder…");
    h.get_by_label("1 file loaded, 1 not loaded");
    h.get_by_label("tick.wav  0.25 s mono");
    h.get_by_label("gone.wav: file not found");
}

/// The master section shows the HRTF set in use; a file that cannot be used shows its reason
/// while KEMAR stays; a usable one is shown by its file name, and "Use KEMAR" returns.
#[test]
fn the_hrtf_row_shows_the_set_in_use_and_why_a_file_was_refused() {
    let params = Arc::new(TingleParams::default());
    let loader = HrtfLoader::new(params.hrtf.clone());
    let app = App {
        params,
        host: Arc::new(TestHost::default()),
        state: EditorState::new(None).with_hrtf(loader.clone()),
    };
    let mut h = harness(app);
    h.run();
    h.get_by_label("KEMAR (built in)");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    loader.request(HrtfChoice::Sofa(
        format!("{data}kemar_one_receiver.sofa").into(),
    ));
    hrtf_settled(&loader);
    h.run();
    h.get_by_label("KEMAR (built in)");
    h.get_by_label_contains("needs 2 receivers (ears), the file has 1");

    loader.request(HrtfChoice::Sofa(
        format!("{data}kemar_mirrored_coarse.sofa").into(),
    ));
    hrtf_settled(&loader);
    h.run();
    h.get_by_label("kemar_mirrored_coarse.sofa");
    assert!(
        h.query_by_label_contains("receivers").is_none(),
        "error cleared"
    );
    h.get_by_label("Use KEMAR").click();
    h.run();
    hrtf_settled(&loader);
    h.run();
    h.get_by_label("KEMAR (built in)");
    assert_eq!(*h.state().params.hrtf.read().unwrap(), "");
}
