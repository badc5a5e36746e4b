//! The personal tools in the editor, driven through the real drawing code headless with
//! egui_kittest over the stand-in host of `tests/gui`: a finder step reaches the host as one
//! gesture while hearing B tells it nothing, the favourite is kept as a preset with its
//! history and continued from it, the tingle button logs clicks, the T key and the MIDI note
//! with the layers sounding, and the ear match loads a folder, plays hidden taps to the audio
//! side while the scene is quiet, takes clicks on its disc and offers the best set.
//!
//! The README's pictures of the two panels are drawn by the ignored test
//! `readme_screenshots` (`cargo test --test personal_editor -- --ignored`).

mod common;
mod gui;

use common::{KEMAR_SOFA, hrtf_settled};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui::{App, Gesture, TestHost, harness};
use nice_plug::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tingle::editor::EditorState;
use tingle::editor::personal::ear_panel::{EarPanel, SESSION_TAPS};
use tingle::editor::personal::finder_panel::{FinderPanel, HISTORY_EXTENSION, Side};
use tingle::editor::personal::tingle_button::BUTTON_LABEL;
use tingle::engine::hrtf_loader::HrtfLoader;
use tingle::engine::telemetry::{TelemetryReceiver, telemetry};
use tingle::params::TingleParams;
use tingle::personal::finder::Kind;
use tingle::personal::finder::history::History;
use tingle::personal::finder::layer_space::LayerSpace;
use tingle::personal::tingle_log::{Mark, TingleLog};
use tingle::scene::library::Library;

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// Longest wait for a background thread (a proposal, a folder) before a test fails.
const THREAD_TIMEOUT: Duration = Duration::from_secs(120);
/// Wall-clock pause between frames while a background thread works.
const POLL_PAUSE: Duration = Duration::from_millis(20);
/// Frames drawn after each action (a spinner keeps egui repainting, so frames are counted).
const FRAMES_PER_ACTION: usize = 3;
/// Output sample rate the ear-match tests report (Hz).
const OUTPUT_RATE_HZ: f32 = 48_000.0;
/// Shortest and longest tap the ear match sends (seconds): about 0.53 s of bursts and tails.
const TAP_LENGTH_S: (f32, f32) = (0.3, 1.0);

/// A fresh, empty folder under the system's temporary folder.
fn temp_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tingle-personal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// An editor state with its presets in `dir/presets` (the tingle logs go to `dir/tingle
/// logs`), reading `telemetry` if given.
fn state_in(dir: &Path, telemetry: Option<TelemetryReceiver>) -> EditorState {
    EditorState::with_library(telemetry, Library::in_folder(dir.join("presets")))
}

/// Steps the harness until `done` holds, pausing between frames for background threads.
fn step_until(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < THREAD_TIMEOUT,
            "waited too long for {what}"
        );
        std::thread::sleep(POLL_PAUSE);
        h.step();
    }
    h.run_steps(FRAMES_PER_ACTION);
}

/// The harness's finder panel.
fn finder<'h>(h: &'h Harness<'static, App>) -> &'h FinderPanel {
    &h.state().state.personal.finder
}

/// The harness's ear-match panel.
fn ear<'h>(h: &'h Harness<'static, App>) -> &'h EarPanel {
    &h.state().state.personal.ear
}

/// Every parameter's normalized value by name.
fn values(params: &TingleParams) -> Vec<(String, f32)> {
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers point into `params`, borrowed for this call.
        .map(|(id, ptr, _)| (id, unsafe { ptr.unmodulated_normalized_value() }))
        .collect()
}

/// The parameters whose values differ between `a` and `b`.
fn differing(a: &[(String, f32)], b: &[(String, f32)]) -> Vec<String> {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0.clone())
        .collect()
}

/// The names of the parameters layer 1's finder space may change: every parameter a change
/// touches when one dimension alone moves to either end.
fn searched_names(params: &TingleParams) -> Vec<String> {
    let layer = LayerSpace::new(params, 0);
    let mut names = Vec::new();
    for i in 0..layer.space().dimensions().len() {
        for end in [0.0, 1.0] {
            let mut p = layer.point(params);
            p[i] = end;
            for c in layer.changes(params, &p) {
                // SAFETY: the pointer points into `params`.
                let name = unsafe { c.param.name() }.to_owned();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// Largest difference of a knob's value from a point's that still counts as the same: 0.1 %
/// of its range (parameters round their values to their steps, 0.1 degree of azimuth say).
const POINT_TOLERANCE: f32 = 1e-3;

/// Whether layer 1's live settings are `point` (lists exactly, knobs within
/// [`POINT_TOLERANCE`]).
fn layer_1_is(app: &App, point: &[f32]) -> bool {
    let layer = LayerSpace::new(&app.params, 0);
    layer
        .space()
        .dimensions()
        .iter()
        .zip(layer.point(&app.params).iter().zip(point))
        .all(|(d, (live, p))| match d.kind {
            Kind::Choice(_) => live == p,
            Kind::Continuous => (live - p).abs() <= POINT_TOLERANCE,
        })
}

/// Opens the finder panel, starts a session on its first layer that is on, and waits for the
/// first proposal.
fn start_finder(h: &mut Harness<'static, App>) {
    h.get_by_label("Find your triggers").click();
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Start").click();
    h.run_steps(FRAMES_PER_ACTION);
    step_until(h, "the first proposal", |a| {
        a.state.personal.finder.proposal().is_some()
    });
}

/// Opens the ear-match panel and loads the SOFA sets in `sets` (at the tests' output rate),
/// waiting until they are loaded.
fn open_ear_match(h: &mut Harness<'static, App>, sets: PathBuf) {
    h.get_by_label("Find your head").click();
    h.run_steps(FRAMES_PER_ACTION);
    h.state_mut()
        .state
        .personal
        .ear
        .load_folder(sets, OUTPUT_RATE_HZ);
    step_until(h, "the folder", |a| !a.state.personal.ear.is_loading());
}

/// A harness on the finder panel with layer 1 on and a session started and ready.
fn finder_ready(dir: &Path) -> Harness<'static, App> {
    let app = App::new(state_in(dir, None));
    app.automate(&app.params.layers[0].enabled, true);
    let mut h = harness(app);
    h.run_steps(FRAMES_PER_ACTION);
    start_finder(&mut h);
    h
}

/// Hearing B sets layer 1 without telling the host; "I prefer B" tells it B as one gesture
/// (every begin, then every set, then every end, of the same parameters) and B becomes A; "I
/// prefer A" changes nothing. Nothing outside layer 1's searched settings moves.
#[test]
fn a_finder_step_is_one_gesture_and_hearing_b_tells_the_host_nothing() {
    let dir = temp_folder("step");
    let mut h = finder_ready(&dir);
    let searched = searched_names(&h.state().params);
    let before = values(&h.state().params);
    h.state().host.take();

    let b = finder(&h).proposal().cloned().expect("a proposal");
    let a = finder(&h).favourite().cloned().expect("a favourite");
    assert_ne!(a, b, "B differs from A");
    h.get_by_label("B").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert_eq!(finder(&h).hearing(), Some(Side::B));
    assert!(layer_1_is(h.state(), &b), "hearing B plays B");
    assert!(h.state().host.take().is_empty(), "the host is told nothing");
    h.get_by_label("A").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert!(layer_1_is(h.state(), &a), "hearing A plays A again");
    assert_eq!(
        values(&h.state().params),
        before,
        "A is exactly where it started"
    );

    h.get_by_label("I prefer B").click();
    h.run_steps(FRAMES_PER_ACTION);
    let gestures = h.state().host.take();
    let begins: Vec<&String> = gestures
        .iter()
        .filter_map(|g| match g {
            Gesture::Begin(n) => Some(n),
            _ => None,
        })
        .collect();
    assert!(!begins.is_empty(), "B changed something");
    let n = begins.len();
    assert_eq!(
        gestures.len(),
        3 * n,
        "one begin, set and end each: {gestures:?}"
    );
    for (i, g) in gestures.iter().enumerate() {
        let (kind, name) = match g {
            Gesture::Begin(x) => (0, x),
            Gesture::Set(x, _) => (1, x),
            Gesture::End(x) => (2, x),
        };
        assert_eq!(
            kind,
            i / n,
            "all begins, then all sets, then all ends: {gestures:?}"
        );
        assert_eq!(name, begins[i % n], "the same parameters in the same order");
    }
    assert!(layer_1_is(h.state(), &b), "B is now the host's value");
    let moved = differing(&before, &values(&h.state().params));
    let params = &h.state().params;
    let names: Vec<String> = params
        .param_map()
        .into_iter()
        .filter(|(id, _, _)| moved.contains(id))
        // SAFETY: the pointer points into `params`.
        .map(|(_, ptr, _)| unsafe { ptr.name() }.to_owned())
        .collect();
    for name in &names {
        assert!(
            searched.contains(name),
            "{name} is not one of layer 1's searched settings"
        );
    }

    step_until(&mut h, "the second proposal", |a| {
        a.state.personal.finder.proposal().is_some()
    });
    assert_eq!(finder(&h).favourite(), Some(&b), "B is the favourite");
    assert_eq!(finder(&h).choices(), 1);
    h.get_by_label("I prefer A").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert!(
        h.state().host.take().is_empty(),
        "keeping A changes nothing"
    );
    assert!(layer_1_is(h.state(), &b));
    let _ = std::fs::remove_dir_all(dir);
}

/// Left alone, A and B take turns every few seconds; leaving the panel pauses on A.
#[test]
fn a_and_b_take_turns() {
    let dir = temp_folder("turns");
    let mut h = finder_ready(&dir);
    let turn = tingle::editor::personal::finder_panel::TURN_S;
    let frames = (turn / f64::from(gui::STEP_DT)).ceil() as usize + 2;
    let mut heard = Vec::new();
    for _ in 0..3 {
        for _ in 0..frames {
            h.step();
        }
        heard.push(finder(&h).hearing());
    }
    assert_eq!(heard, [Some(Side::B), Some(Side::A), Some(Side::B)]);
    let b = finder(&h).proposal().cloned().expect("a proposal");
    assert!(layer_1_is(h.state(), &b), "B plays on its turn");
    let a = finder(&h).favourite().cloned().unwrap();
    h.get_by_label("Find your triggers").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert_eq!(
        finder(&h).hearing(),
        Some(Side::A),
        "leaving the panel pauses on A"
    );
    assert!(layer_1_is(h.state(), &a));
    h.get_by_label("Find your triggers").click();
    for _ in 0..frames {
        h.step();
    }
    assert_eq!(
        finder(&h).hearing(),
        Some(Side::A),
        "back in the panel, A holds"
    );
    assert!(
        h.state().host.take().is_empty(),
        "turns tell the host nothing"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The favourite is kept as a user preset with its history beside it; "Continue" loads that
/// preset and carries on with its choices; "Start from it" begins a new history there.
#[test]
fn a_kept_favourite_is_a_preset_with_its_history_to_continue() {
    let dir = temp_folder("keep");
    let mut h = finder_ready(&dir);
    for pick in ["I prefer B", "Neither"] {
        h.get_by_label(pick).click();
        h.run_steps(FRAMES_PER_ACTION);
        step_until(&mut h, "the next proposal", |a| {
            a.state.personal.finder.proposal().is_some()
        });
    }
    let favourite = finder(&h).favourite().cloned().unwrap();
    type_into_field(&mut h, "Calm taps");
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Keep").click();
    h.run_steps(FRAMES_PER_ACTION);
    let preset = dir.join("presets/calm-taps.json");
    let beside = preset.with_extension(HISTORY_EXTENSION);
    assert!(
        preset.is_file(),
        "the preset is written: {:?}, {:?}",
        finder(&h).message(),
        std::fs::read_dir(dir.join("presets")).map(|d| d.count())
    );
    let history = History::from_json(&std::fs::read_to_string(&beside).expect("the history"))
        .expect("the history reads back");
    assert_eq!(history.layer, 0);
    assert_eq!(history.choices.len(), 2);
    assert_eq!(history.best, favourite);

    h.get_by_label("Stop").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert!(!finder(&h).is_running());
    // Another scene meanwhile: layer 1 moved far off.
    let app = h.state();
    app.automate(&app.params.layers[0].placement.azimuth, -150.0);
    h.get_by_label("Continue").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert_eq!(finder(&h).choices(), 2, "the choices carry on");
    assert!(
        layer_1_is(h.state(), &favourite),
        "the kept favourite plays"
    );
    step_until(&mut h, "a proposal", |a| {
        a.state.personal.finder.proposal().is_some()
    });
    assert_eq!(finder(&h).favourite(), Some(&favourite));
    h.get_by_label("Stop").click();
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Start from it").click();
    h.run_steps(FRAMES_PER_ACTION);
    assert_eq!(finder(&h).choices(), 0, "a new listener's history");
    step_until(&mut h, "a proposal", |a| {
        a.state.personal.finder.proposal().is_some()
    });
    let start = finder(&h).favourite().cloned().unwrap();
    assert!(layer_1_is(h.state(), &start), "it starts from what plays");
    assert!(
        layer_1_is(h.state(), &favourite),
        "which is the profile's favourite"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The tingle button: a click, the T key and the MIDI note each log a moment with the layers
/// the audio side reports sounding (layer 1 with two voices; layer 3 is on but silent), and
/// the log's file reads back as the log. A finder session then counts the moments as
/// evidence.
#[test]
fn the_tingle_button_logs_clicks_keys_and_the_midi_note() {
    let dir = temp_folder("tingles");
    let (sender, receiver) = telemetry();
    let app = App::new(state_in(&dir, Some(receiver)));
    app.automate(&app.params.layers[0].enabled, true);
    app.automate(&app.params.layers[2].enabled, true);
    app.automate(&app.params.layers[0].placement.azimuth, 60.0);
    sender.meters().layer_voices[0].store(2, Ordering::Relaxed);
    let mut h = harness(app);
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label(BUTTON_LABEL).click();
    h.run_steps(FRAMES_PER_ACTION);
    h.key_press(egui::Key::T);
    h.run_steps(FRAMES_PER_ACTION);
    sender.meters().tingles.fetch_add(1, Ordering::Relaxed);
    h.run_steps(FRAMES_PER_ACTION);

    let tingles = &h.state().state.personal.tingles;
    let log = tingles.log();
    let marks: Vec<Mark> = log.moments.iter().map(|m| m.mark).collect();
    assert_eq!(marks, [Mark::Click, Mark::Key, Mark::Midi]);
    for m in &log.moments {
        assert_eq!(m.layers.len(), 1, "only layer 1 sounds");
        assert_eq!(m.layers[0].layer, 0);
        assert_eq!(m.layers[0].voices, 2);
        assert!((m.layers[0].azimuth_deg - 60.0).abs() < 0.01);
    }
    let file = tingles.file().expect("the log is written").to_owned();
    assert!(file.starts_with(dir.join("tingle logs")));
    let read = TingleLog::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(&read, log, "the file holds the log exactly");

    start_finder(&mut h);
    type_into_field(&mut h, "Tingly");
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Keep").click();
    h.run_steps(FRAMES_PER_ACTION);
    let history = dir.join("presets/tingly").with_extension(HISTORY_EXTENSION);
    let history = History::from_json(&std::fs::read_to_string(history).unwrap()).unwrap();
    assert_eq!(history.evidence.len(), 3, "each moment counts as evidence");
    drop(sender);
    let _ = std::fs::remove_dir_all(dir);
}

/// The tingle note is off by default and is saved with the session.
#[test]
fn the_tingle_note_is_saved_with_the_session() {
    let params = TingleParams::default();
    assert_eq!(params.tingle_note(), None, "off by default");
    params.set_tingle_note(Some(36));
    let saved = Params::serialize_fields(&params);
    let reopened = TingleParams::default();
    Params::deserialize_fields(&reopened, &saved);
    assert_eq!(reopened.tingle_note(), Some(36));
    params.set_tingle_note(Some(200));
    assert_eq!(params.tingle_note(), None, "no such note: off");
}

/// A folder of two SOFA sets loads with progress; the scene goes quiet; each tap reaches the
/// audio side as a stereo cue at the output's rate, and a click on the disc answers it;
/// after every tap the report lists both sets and "Use" makes the best one the session's set;
/// "Back to" returns to the one before.
#[test]
fn the_ear_match_plays_hidden_taps_and_offers_the_best_set() {
    let dir = temp_folder("ears");
    let sets = dir.join("sets");
    std::fs::create_dir_all(&sets).unwrap();
    for name in ["a_kemar.sofa", "b_kemar.sofa"] {
        std::fs::copy(KEMAR_SOFA, sets.join(name)).unwrap();
    }
    let (mut sender, receiver) = telemetry();
    sender
        .meters()
        .sample_rate
        .store(OUTPUT_RATE_HZ, Ordering::Relaxed);
    let params = Arc::new(TingleParams::default());
    let loader = HrtfLoader::new(params.hrtf.clone());
    let app = App {
        params,
        host: Arc::new(TestHost::default()),
        state: state_in(&dir, Some(receiver)).with_hrtf(loader.clone()),
    };
    let mut h = harness(app);
    h.run_steps(FRAMES_PER_ACTION);
    open_ear_match(&mut h, sets.clone());
    let panel = ear(&h);
    assert!(
        panel.is_running(),
        "the session starts: {:?}",
        panel.message()
    );
    let (_, total) = panel.progress().expect("a session");
    assert!(total >= SESSION_TAPS - 1, "{total} taps");
    assert!(
        sender.meters().quiet.load(Ordering::Relaxed),
        "the scene goes quiet"
    );

    let most_frames = 10 * (1.0 / gui::STEP_DT) as usize;
    for answered in 0..total {
        let mut frames = 0;
        while !ear(&h).is_listening() {
            assert!(frames < most_frames, "tap {answered} never played");
            h.step();
            frames += 1;
        }
        let cue = sender.cues.take().expect("the tap reaches the audio side");
        let seconds = cue.left.len() as f32 / OUTPUT_RATE_HZ;
        assert!(
            (TAP_LENGTH_S.0..=TAP_LENGTH_S.1).contains(&seconds),
            "a tap of {seconds} s"
        );
        assert_eq!(cue.left.len(), cue.right.len());
        let peak = cue
            .left
            .iter()
            .chain(&*cue.right)
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            peak > 0.01 && peak < 1.0,
            "an audible, unclipped tap: peak {peak}"
        );
        sender.cues.hand_back(cue);
        assert_eq!(ear(&h).progress(), Some((answered, total)));
        let disc = ear(&h).disc().expect("the disc is drawn");
        let (azimuth, elevation) = (40.0 - answered as f32 * 7.0, 25.0);
        let at = disc.point_of(azimuth, elevation);
        let (a, e) = disc.heading_at(at);
        assert!((a - azimuth).abs() < 0.01 && (e - elevation).abs() < 0.01);
        click(&mut h, at);
        if answered + 1 < total {
            assert_eq!(ear(&h).progress(), Some((answered + 1, total)));
        }
    }
    let report = ear(&h).report().expect("the report").clone();
    assert_eq!(report.sets.len(), 2);
    assert_eq!(report.sets.iter().map(|s| s.answered).sum::<usize>(), total);
    assert!(
        !sender.meters().quiet.load(Ordering::Relaxed),
        "the scene comes back"
    );

    let best = report.best().expect("a best set");
    let name = report.sets[best].name.clone();
    h.get_by_label(&format!("Use {name}")).click();
    h.run_steps(FRAMES_PER_ACTION);
    hrtf_settled(&loader);
    let saved = h.state().params.hrtf.read().unwrap().clone();
    assert_eq!(
        Path::new(&saved),
        sets.join(&name),
        "the best set is the session's"
    );
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Back to KEMAR (built in)").click();
    h.run_steps(FRAMES_PER_ACTION);
    hrtf_settled(&loader);
    assert_eq!(
        h.state().params.hrtf.read().unwrap().as_str(),
        "",
        "back to KEMAR"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Types `text` into the panel's text field.
fn type_into_field(h: &mut Harness<'static, App>, text: &str) {
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    field.type_text(text);
}

/// A click (press and release) at `pos`.
fn click(h: &mut Harness<'static, App>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.step();
    h.drag_at(pos);
    h.step();
    h.drop_at(pos);
    h.step();
}

/// Where the README's picture of the finder goes.
const FINDER_SCREENSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/finder.png");
/// Where the README's picture of the ear match goes.
const EAR_MATCH_SCREENSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ear-match.png");
/// Choices answered before the finder's picture is taken.
const SCREENSHOT_CHOICES: usize = 6;
/// Taps answered before the ear match's picture is taken.
const SCREENSHOT_TAPS: usize = 11;

/// Writes `docs/finder.png` and `docs/ear-match.png`, the README's pictures of the two
/// panels: the instrument's Gentle Start scene six choices into a finder session, hearing B;
/// and an ear match of two sets eleven taps in, just after a click. Drawn headless by the
/// snapshots' renderer. Run it with `cargo test --test personal_editor -- --ignored` when
/// the panels' look changes.
#[test]
#[ignore = "writes docs/finder.png and docs/ear-match.png"]
fn readme_screenshots() {
    use tingle::{Flavour, Instrument};
    let dir = temp_folder("screenshots");
    let app = App {
        params: Arc::new(Instrument::params()),
        host: Arc::new(TestHost::default()),
        state: state_in(&dir, None),
    };
    let mut h = harness(app);
    h.run();
    h.get_by_label("Find your triggers").click();
    h.run_steps(FRAMES_PER_ACTION);
    h.get_by_label("Start").click();
    for k in 0..SCREENSHOT_CHOICES {
        step_until(&mut h, "a proposal", |a| {
            a.state.personal.finder.proposal().is_some()
        });
        h.get_by_label(if k % 3 == 1 {
            "I prefer A"
        } else {
            "I prefer B"
        })
        .click();
        h.run_steps(FRAMES_PER_ACTION);
    }
    step_until(&mut h, "a proposal", |a| {
        a.state.personal.finder.proposal().is_some()
    });
    h.get_by_label("B").click();
    h.run_steps(FRAMES_PER_ACTION);
    h.render()
        .expect("the editor renders")
        .save(FINDER_SCREENSHOT)
        .expect("written");

    let sets = dir.join("sets");
    std::fs::create_dir_all(&sets).unwrap();
    for name in ["kemar.sofa", "kemar_mirrored_coarse.sofa"] {
        let from = if name == "kemar.sofa" {
            PathBuf::from(KEMAR_SOFA)
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(name)
        };
        std::fs::copy(from, sets.join(name)).unwrap();
    }
    open_ear_match(&mut h, sets);
    for answered in 0..SCREENSHOT_TAPS {
        while !ear(&h).is_listening() {
            h.step();
        }
        let disc = ear(&h).disc().expect("the disc is drawn");
        click(&mut h, disc.point_of(35.0 - answered as f32 * 23.0, 20.0));
    }
    h.run_steps(FRAMES_PER_ACTION);
    h.render()
        .expect("the editor renders")
        .save(EAR_MATCH_SCREENSHOT)
        .expect("written");
    let _ = std::fs::remove_dir_all(dir);
}
