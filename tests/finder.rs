//! The Tingle finder: simulated listeners find their taste, proposals stay safe, and the
//! history and the tingle log round-trip through their files.

#[path = "common/taste.rs"]
mod taste;

use std::collections::BTreeMap;
use taste::Listener;
use tingle::dsp::random::seeded;
use tingle::params::TingleParams;
use tingle::personal::finder::history::History;
use tingle::personal::finder::layer_space::{LayerSpace, apply_unannounced};
use tingle::personal::finder::loudness::{LoudnessGate, MOST_LOUDER_LU, loudness_at};
use tingle::personal::finder::{Finder, Pick, Point, Strategy};
use tingle::personal::tingle_log::{Mark, Moment, SoundingLayer, TingleLog};
use tingle::ranges;
use tingle::{Flavour, Instrument};

/// Share of the best possible score a session must reach.
const GOAL: f64 = 0.8;
/// Choices within which the finder must reach it.
const CHOICES: usize = 20;
/// Choices after which a random search is stopped (counted as this many if it never got there).
const RANDOM_CHOICES: usize = 200;
/// Simulated listeners.
const TRIALS: u64 = 10;

/// The first scene of a new instance (Gentle Start).
fn first_scene() -> TingleParams {
    <Instrument as Flavour>::params()
}

/// The first scene's first layer (wooden taps), as the finder sees it, and its settings.
fn first_layer() -> (TingleParams, LayerSpace, Point) {
    let params = first_scene();
    let layer = LayerSpace::new(&params, 0);
    let start = layer.point(&params);
    (params, layer, start)
}

/// Choices a session with `strategy` takes to reach [`GOAL`] for listener `trial` (`None` if
/// not within `most`).
fn choices_to_goal(strategy: Strategy, trial: u64, most: usize) -> Option<usize> {
    let (_, layer, start) = first_layer();
    let mut rng = seeded(trial);
    let listener = Listener::new(layer.space(), &mut rng);
    let mut finder = Finder::new(layer.space().clone(), start, strategy, trial);
    for n in 0..=most {
        if listener.score(finder.best()) >= GOAL {
            return Some(n);
        }
        let b = finder
            .propose(|_| true)
            .expect("every proposal is accepted")
            .clone();
        let pick = listener.answer(finder.best(), &b, &mut rng);
        finder.answer(pick);
    }
    None
}

/// The measure: a simulated listener with a random hidden taste reaches 80 % of its
/// best possible score within 20 choices in at least 8 of 10 trials, and at least twice as
/// fast as random proposals.
#[test]
fn simulated_listeners_find_their_taste() {
    let mut within = 0;
    let (mut finder_total, mut random_total) = (0, 0);
    for trial in 1..=TRIALS {
        let found = choices_to_goal(Strategy::Model, trial, RANDOM_CHOICES);
        let random = choices_to_goal(Strategy::Random, trial, RANDOM_CHOICES);
        println!("listener {trial}: finder {found:?}, random proposals {random:?} choices");
        within += usize::from(found.is_some_and(|n| n <= CHOICES));
        finder_total += found.unwrap_or(RANDOM_CHOICES);
        random_total += random.unwrap_or(RANDOM_CHOICES);
    }
    let (finder_mean, random_mean) = (
        finder_total as f64 / TRIALS as f64,
        random_total as f64 / TRIALS as f64,
    );
    println!(
        "within {CHOICES}: {within} of {TRIALS}; mean choices: finder {finder_mean:.1}, random {random_mean:.1}"
    );
    assert!(
        within >= 8,
        "only {within} of {TRIALS} listeners within {CHOICES} choices"
    );
    assert!(
        2.0 * finder_mean <= random_mean,
        "finder {finder_mean:.1} choices against random {random_mean:.1}"
    );
}

/// Every proposal is at most 3 LU louder than the starting scene, leaves everything but the
/// searched parameters alone (levels, gentle mode, the limiter), and keeps the searched ones
/// within the finder's safe ranges.
#[test]
fn proposals_stay_calm_and_safe() {
    const PROPOSALS: usize = 6;
    let (params, layer, start) = first_layer();
    let gate = LoudnessGate::new(&params);
    let mut rng = seeded(5);
    let listener = Listener::new(layer.space(), &mut rng);
    let mut finder = Finder::new(layer.space().clone(), start, Strategy::Model, 5);
    for _ in 0..PROPOSALS {
        let b = finder
            .propose(|p| gate.accepts(&params, &layer, p))
            .expect("a safe proposal")
            .clone();
        let loudness = loudness_at(&params, &layer, &b);
        assert!(
            loudness <= gate.reference_lufs() + MOST_LOUDER_LU,
            "{loudness:.1} LUFS against {:.1}",
            gate.reference_lufs()
        );
        let copy = first_scene();
        // SAFETY: `copy` is alive and only this test uses it.
        unsafe { apply_unannounced(&layer.changes(&copy, &b)) };
        let l = &copy.layers[0];
        assert!(
            copy.gentle.value() && copy.limiter.value(),
            "gentle mode and the limiter stay on"
        );
        assert_eq!(l.level.value(), params.layers[0].level.value());
        assert_eq!(l.intensity.value(), params.layers[0].intensity.value());
        assert_eq!(copy.output_gain.value(), params.output_gain.value());
        let distance = l.placement.distance_m();
        let near = |a: f32, b: f32| (a - b).abs() < 1e-3 * b.abs().max(1.0);
        assert!(
            ranges::FINDER_DISTANCE_M.contains(distance)
                || near(distance, params.layers[0].placement.distance_m()),
            "distance {distance} m"
        );
        assert!(l.rate.value() <= ranges::FINDER_RATE_PER_S.max + 1e-3);
        assert!(l.placement.motion_rate.value() <= ranges::FINDER_MOTION_RATE_HZ.max + 1e-4);
        let pick = listener.answer(finder.best(), &b, &mut rng);
        finder.answer(pick);
    }
}

/// The gate measures: the first layer brought to 0.15 m and its fastest rate is far louder
/// than the scene, and refused; the scene itself is accepted.
#[test]
fn the_loudness_gate_refuses_a_trigger_at_the_ear() {
    let (params, layer, start) = first_layer();
    let gate = LoudnessGate::new(&params);
    assert!(gate.accepts(&params, &layer, &start));
    let mut close = start.clone();
    for (d, v) in layer.space().dimensions().iter().zip(close.iter_mut()) {
        match d.id.as_str() {
            "dist_1" => *v = 0.0,
            "rate_1" => *v = 1.0,
            _ => {}
        }
    }
    let louder = loudness_at(&params, &layer, &close) - gate.reference_lufs();
    println!("at the ear: {louder:+.1} LU");
    assert!(louder > MOST_LOUDER_LU, "only {louder:+.1} LU louder");
    assert!(!gate.accepts(&params, &layer, &close));
}

/// A point turns into changes of exactly the parameters it moves, to the values it names.
#[test]
fn points_become_parameter_changes() {
    let (params, layer, start) = first_layer();
    assert!(layer.changes(&params, &start).is_empty());
    let mut moved = start.clone();
    let dist = layer
        .space()
        .dimensions()
        .iter()
        .position(|d| d.id == "dist_1")
        .expect("distance is searched");
    moved[dist] = 0.0;
    let copy = first_scene();
    let changes = layer.changes(&copy, &moved);
    assert_eq!(changes.len(), 1);
    // SAFETY: `copy` is alive and only this test uses it.
    unsafe { apply_unannounced(&changes) };
    let metres = copy.layers[0].placement.distance_m();
    assert!(
        (metres - ranges::FINDER_DISTANCE_M.min).abs() < 1e-3,
        "{metres} m"
    );
    let read = layer.point(&copy);
    for (r, m) in read.iter().zip(&moved) {
        assert!((r - m).abs() < 1e-6, "{read:?} against {moved:?}");
    }
}

/// A session's history: written and read back, it is the same; a resumed session keeps the
/// favourite and the choices.
fn a_session() -> Finder {
    let (_, layer, start) = first_layer();
    let mut rng = seeded(9);
    let listener = Listener::new(layer.space(), &mut rng);
    let mut finder = Finder::new(layer.space().clone(), start.clone(), Strategy::Model, 9);
    finder.add_evidence(start);
    for n in 0..6 {
        let b = finder.propose(|_| true).expect("a proposal").clone();
        let pick = if n == 2 {
            Pick::Neither
        } else {
            listener.answer(finder.best(), &b, &mut rng)
        };
        finder.answer(pick);
    }
    finder
}

#[test]
fn finder_history_round_trips_exactly() {
    let finder = a_session();
    let history = History::of(&finder, 0);
    let text = history.to_json();
    let read = History::from_json(&text).expect("its own file reads back");
    assert_eq!(read, history);
    assert_eq!(read.to_json(), text);
    let resumed = read.resume(1);
    assert_eq!(resumed.best(), finder.best());
    assert_eq!(resumed.choices(), finder.choices());
    assert_eq!(resumed.evidence(), finder.evidence());
}

/// Bad history files are refused, naming the field.
#[test]
fn bad_history_files_name_the_field() {
    let text = History::of(&a_session(), 0).to_json();
    let edits: [(&str, &str, &str); 5] = [
        (
            "\"pick\": \"neither\"",
            "\"pick\": \"c\"",
            "choices[2].pick",
        ),
        (
            "\"tingle_finder\": 1",
            "\"tingle_finder\": 9",
            "tingle_finder",
        ),
        ("\"layer\": 1", "\"layer\": 12", "layer"),
        (
            "\"choices\": 23",
            "\"choices\": \"many\"",
            "dimensions[0].choices",
        ),
        ("\"best\": [", "\"best\": [99, ", "best"),
    ];
    for (from, to, field) in edits {
        assert!(text.contains(from), "the file has {from}");
        let bad = text.replacen(from, to, 1);
        let error = History::from_json(&bad).expect_err(to).to_string();
        assert!(error.starts_with(field), "{to}: {error}");
    }
    let error = History::from_json("[1, 2]")
        .expect_err("a list")
        .to_string();
    assert!(error.contains("expected an object"), "{error}");
}

/// A tingle log as the editor writes it.
fn a_log() -> TingleLog {
    let params = first_scene();
    TingleLog {
        moments: vec![
            Moment {
                time_s: 12.5,
                mark: Mark::Key,
                layers: vec![
                    SoundingLayer::of(&params, 0, 2),
                    SoundingLayer::of(&params, 2, 1),
                ],
            },
            Moment {
                time_s: 73.25,
                mark: Mark::Midi,
                layers: vec![SoundingLayer {
                    layer: 1,
                    sound: "tap/ceramic".into(),
                    voices: 1,
                    azimuth_deg: -45.0,
                    elevation_deg: 0.0,
                    distance_m: 0.8,
                    settings: BTreeMap::from([("c1_2".to_owned(), 0.25)]),
                }],
            },
        ],
    }
}

#[test]
fn tingle_log_round_trips_exactly() {
    let log = a_log();
    let text = log.to_json();
    let read = TingleLog::from_json(&text).expect("its own file reads back");
    assert_eq!(read, log);
    assert_eq!(read.to_json(), text);
}

/// Bad logs are refused, naming the field.
#[test]
fn bad_tingle_logs_name_the_field() {
    let text = a_log().to_json();
    let edits: [(&str, &str, &str); 4] = [
        (
            "\"mark\": \"midi\"",
            "\"mark\": \"shout\"",
            "moments[1].mark",
        ),
        ("\"time_s\": 12.5", "\"time_s\": -3", "moments[0].time_s"),
        (
            "\"dist_m\": 0.8",
            "\"dist_m\": 40",
            "moments[1].layers[0].dist_m",
        ),
        (
            "\"c1_2\": 0.25",
            "\"c1_2\": \"soft\"",
            "moments[1].layers[0].settings.c1_2",
        ),
    ];
    for (from, to, field) in edits {
        assert!(text.contains(from), "the log has {from}");
        let bad = text.replacen(from, to, 1);
        let error = TingleLog::from_json(&bad).expect_err(to).to_string();
        assert!(error.starts_with(field), "{to}: {error}");
    }
}

/// A moment's settings become the finder's evidence for the layer it names, and only for it.
#[test]
fn tingle_moments_become_evidence() {
    let (params, layer, start) = first_layer();
    let log = a_log();
    let evidence = log.evidence(0, layer.space(), &start);
    assert_eq!(evidence, vec![layer.point(&params)]);
    let other = LayerSpace::new(&params, 1);
    let second = log.evidence(1, other.space(), &other.point(&params));
    assert_eq!(second.len(), 1);
    let c1 = other
        .space()
        .dimensions()
        .iter()
        .position(|d| d.id == "c1_2")
        .expect("character 1 is searched");
    assert_eq!(second[0][c1], 0.25);
}
