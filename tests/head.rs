//! Head tracking in the engine: a world-locked source stays in the room as the head turns (by
//! the Head Yaw, Pitch and Roll parameters or a tracker), a head-locked one stays with the
//! ears; fast and jittery turns stay clean, and a tracker's turn is heard within a control
//! period after the block it arrives in.

mod common;

use common::*;
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::head::{Anchor, Rotation, YawPitchRoll};

const FS: f32 = 48_000.0;
const BLOCK: usize = 64;
/// Length of an impulse response (samples).
const IR_LEN: usize = 4096;
/// Largest ITD difference (µs) between a turned head and the source moved the other way: the
/// placer's own rendering of the same direction, within its interpolation.
const ITD_TOLERANCE_US: f64 = 10.0;
/// Largest level difference (dB) in any of the measured bands (ILDs and one ear's spectrum).
const LEVEL_TOLERANCE_DB: f64 = 0.5;
/// The ILD bands (Hz).
const ILD_BANDS: [(f64, f64); 3] = [(500.0, 1000.0), (1000.0, 4000.0), (4000.0, 12000.0)];
/// The bands (Hz) of one ear's spectrum, where the pinna's cues of elevation lie.
const SPECTRAL_BANDS: [(f64, f64); 5] = [
    (2000.0, 4000.0),
    (4000.0, 6000.0),
    (6000.0, 8000.0),
    (8000.0, 10000.0),
    (10000.0, 14000.0),
];

fn ypr(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> YawPitchRoll {
    YawPitchRoll {
        yaw_deg,
        pitch_deg,
        roll_deg,
    }
}

/// The input's binaural impulse response with `settings`, the tracker at `tracker`.
fn response(settings: &EngineSettings, tracker: Rotation) -> (Vec<f64>, Vec<f64>) {
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(settings);
    engine.set_tracker(tracker);
    engine.reset();
    let mut left = vec![0.0; IR_LEN];
    left[0] = 1.0;
    let mut right = vec![0.0; IR_LEN];
    process_in_blocks(
        &mut engine,
        &mut left,
        &mut right,
        BLOCK,
        InputChannels::Mono,
        |_, _| {},
    );
    (to_f64(&left), to_f64(&right))
}

/// ITD (µs), ILDs (dB) and the left ear's band levels (dB: the spectral cues of elevation)
/// of a response.
fn cues((left, right): &(Vec<f64>, Vec<f64>)) -> (f64, Vec<f64>) {
    let fs = f64::from(FS);
    let ilds = ILD_BANDS
        .iter()
        .map(|&(lo, hi)| ild_db(left, right, fs, lo, hi));
    let spectrum = SPECTRAL_BANDS
        .iter()
        .map(|&(lo, hi)| band_level_db(left, fs, lo, hi));
    (
        interaural_group_delay(left, right, fs) * 1e6,
        ilds.chain(spectrum).collect(),
    )
}

/// The largest difference between two responses' cues: ITD (µs) and levels (dB).
fn cue_difference(got: &(Vec<f64>, Vec<f64>), want: &(Vec<f64>, Vec<f64>)) -> (f64, f64) {
    let ((itd, levels), (want_itd, want_levels)) = (cues(got), cues(want));
    let level = levels
        .iter()
        .zip(&want_levels)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    ((itd - want_itd).abs(), level)
}

/// Asserts two responses carry the same direction cues.
fn assert_same_cues(got: &(Vec<f64>, Vec<f64>), want: &(Vec<f64>, Vec<f64>), what: &str) {
    let (itd, level) = cue_difference(got, want);
    println!(
        "{what}: ITD off by {itd:.1} µs, levels by {level:.2} dB; cues {:.1?}",
        cues(got)
    );
    assert!(itd < ITD_TOLERANCE_US, "{what}: ITD off by {itd} µs");
    assert!(
        level < LEVEL_TOLERANCE_DB,
        "{what}: levels off by {level} dB"
    );
}

/// A world-locked source ahead, with the head turned 90 degrees to the right (by the Head Yaw
/// parameter or by a tracker), is heard with KEMAR's cues of -90 degrees: the left ear leads by
/// more than 500 µs and is louder. Pitch and roll turn it the same way: a head tilted down
/// by 30 degrees hears a source ahead 30 degrees above.
#[test]
fn a_world_locked_source_stays_in_the_room() {
    let ahead = static_params(at(0.0, 0.0, 1.0));
    let left = response(&static_params(at(-90.0, 0.0, 1.0)), Rotation::IDENTITY);

    let mut turned = ahead;
    turned.head = ypr(90.0, 0.0, 0.0);
    let by_parameter = response(&turned, Rotation::IDENTITY);
    assert_same_cues(&by_parameter, &left, "Head Yaw 90");
    let (itd, ilds) = cues(&by_parameter);
    assert!(itd < -500.0, "the left ear leads: ITD {itd} µs");
    let ilds = &ilds[..ILD_BANDS.len()];
    assert!(
        ilds.iter().all(|&d| d < -3.0),
        "the left ear is louder: {ilds:?}"
    );

    let by_tracker = response(&ahead, Rotation::from_ypr(ypr(90.0, 0.0, 0.0)));
    assert_same_cues(&by_tracker, &left, "tracker yaw 90");

    let mut down = ahead;
    down.head = ypr(0.0, -30.0, 0.0);
    let above = response(&static_params(at(0.0, 30.0, 1.0)), Rotation::IDENTITY);
    assert_same_cues(
        &response(&down, Rotation::IDENTITY),
        &above,
        "Head Pitch -30",
    );
    // Rolled 90 degrees to the right, a source to the right is heard above.
    let mut rolled = static_params(at(90.0, 0.0, 1.0));
    rolled.head = ypr(0.0, 0.0, 90.0);
    let overhead = response(&static_params(at(0.0, 90.0, 1.0)), Rotation::IDENTITY);
    assert_same_cues(
        &response(&rolled, Rotation::IDENTITY),
        &overhead,
        "Head Roll 90",
    );
    // The measure tells these directions apart: the untouched source ahead differs from them.
    let unturned = response(&ahead, Rotation::IDENTITY);
    for (other, what) in [(&above, "30 degrees up"), (&overhead, "overhead")] {
        let (_, level) = cue_difference(&unturned, other);
        assert!(
            level > 2.0 * LEVEL_TOLERANCE_DB,
            "ahead and {what} differ by {level} dB"
        );
    }
}

/// A head-locked source does not move when the head turns: the same samples as with the
/// head still.
#[test]
fn a_head_locked_source_stays_with_the_ears() {
    let mut settings = static_params(at(60.0, 10.0, 0.5));
    settings.input.anchor = Anchor::Head;
    let still = response(&settings, Rotation::IDENTITY);
    settings.head = ypr(90.0, 20.0, -15.0);
    let turned = response(&settings, Rotation::from_ypr(ypr(-40.0, 5.0, 0.0)));
    let worst = still
        .0
        .iter()
        .chain(&still.1)
        .zip(turned.0.iter().chain(&turned.1))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-9, "the head-locked source moved: {worst}");
}

/// Renders a 1 kHz tone ahead at 1 m, world-locked, while `yaw_at(sample)` (degrees, read at
/// each block's start) turns the head by the tracker, and returns each ear's energy outside
/// 1 kHz +/- 100 Hz against the energy inside (dB), after a settling quarter second.
fn turning_tone_out_of_band_db(mut yaw_at: impl FnMut(usize) -> f32) -> [f64; 2] {
    const SETTLE: usize = 12_000;
    const LEN: usize = 4 * 48_000;
    let mut engine = Engine::new(FS, BLOCK);
    engine.set_settings(&static_params(at(0.0, 0.0, 1.0)));
    engine.reset();
    let mut left: Vec<f32> = (0..SETTLE + LEN)
        .map(|n| 0.25 * (std::f64::consts::TAU * 1000.0 * n as f64 / f64::from(FS)).sin() as f32)
        .collect();
    let mut right = vec![0.0; left.len()];
    process_in_blocks(
        &mut engine,
        &mut left,
        &mut right,
        BLOCK,
        InputChannels::Mono,
        |engine, start| {
            engine.set_tracker(Rotation::from_ypr(ypr(yaw_at(start), 0.0, 0.0)));
        },
    );
    [&left, &right].map(|x| out_of_band_db(&x[SETTLE..], f64::from(FS), 1000.0, 100.0))
}

/// A head turning a full circle per second keeps a world-locked 1 kHz tone at least 70 dB
/// clean outside 1 kHz +/- 100 Hz in both ears (the fast-motion test's measure).
#[test]
fn a_fast_turn_is_clean() {
    let spurs = turning_tone_out_of_band_db(|n| 360.0 * n as f32 / FS);
    println!("turning 360 deg/s: out of band {spurs:.1?} dB");
    assert!(spurs.iter().all(|&s| s < -70.0), "{spurs:?}");
}

/// A jittery tracker (random steps of 1 degree, 100 a second, around the front) keeps the tone
/// as clean.
#[test]
fn a_jittery_tracker_is_clean() {
    let mut state = 0x2468_ace1_u32;
    let mut yaw = 0.0f32;
    let mut next_step = 0;
    let spurs = turning_tone_out_of_band_db(|n| {
        while n >= next_step {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // A step of one degree either way, leaning back towards the front.
            let up = (state >> 31) == 1;
            yaw += if up == (yaw < 0.0) { 1.0 } else { -1.0 };
            next_step += (FS / 100.0) as usize;
        }
        yaw
    });
    println!("jittery tracker: out of band {spurs:.1?} dB");
    assert!(spurs.iter().all(|&s| s < -70.0), "{spurs:?}");
}

/// A tracker's turn set before a block changes the ears within that block's first control
/// period (64 samples at 48 kHz), against the same render with no turn; nothing changes before.
#[test]
fn a_turn_is_heard_within_a_control_period() {
    assert_heard_within_a_control_period(Rotation::from_ypr(ypr(30.0, 0.0, 0.0)));
}

/// Renders noise ahead with and without the tracker turning to `turn` before block
/// [`TURN_BLOCK`], and asserts the ears first differ in that block's first control period.
fn assert_heard_within_a_control_period(turn: Rotation) {
    const TURN_BLOCK: usize = 40;
    let render = |turned: bool| {
        let mut engine = Engine::new(FS, BLOCK);
        engine.set_settings(&static_params(at(0.0, 0.0, 1.0)));
        engine.reset();
        let mut left = white_noise(BLOCK * 60, 0.25, 7);
        let mut right = vec![0.0; left.len()];
        process_in_blocks(
            &mut engine,
            &mut left,
            &mut right,
            BLOCK,
            InputChannels::Mono,
            |engine, start| {
                if turned && start == TURN_BLOCK * BLOCK {
                    engine.set_tracker(turn);
                }
            },
        );
        left
    };
    let (still, turned) = (render(false), render(true));
    let first = still
        .iter()
        .zip(&turned)
        .position(|(a, b)| (a - b).abs() > 1e-6)
        .expect("the turn is heard");
    let period = tingle::binaural::placer::control_period(FS);
    let into_block = first as isize - (TURN_BLOCK * BLOCK) as isize;
    println!("first change {into_block} samples into the turn's block (control period {period})");
    assert!(into_block >= 0, "changed before the turn arrived");
    assert!(
        into_block < period as isize,
        "heard {into_block} samples into the block"
    );
}

/// Every accepted OSC form, sent as real UDP packets over the loopback interface to a
/// receiver, turns the rendered head: a tracker saying "turned 90 degrees to the right" in its
/// own convention makes a world-locked source ahead sound with the cues of -90 degrees. The
/// packet is heard within the first control period of the block after it arrived.
#[test]
fn osc_packets_in_every_form_turn_the_rendered_head() {
    use rosc::{OscMessage, OscPacket, OscType, encoder};
    use tingle::head::osc::{OscReceiver, OscSettings};

    let (mut receiver, mut feed) = OscReceiver::new();
    receiver.configure(&OscSettings {
        enabled: true,
        port: 0,
        all_interfaces: false,
    });
    let to = receiver.status().snapshot().address.expect("listening");
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("sender");
    let half = std::f32::consts::FRAC_1_SQRT_2;
    // (address, arguments): each says the head turned 90 degrees right, as its sender means it.
    let forms: [(&str, Vec<f32>); 6] = [
        ("/ypr", vec![-90.0, 0.0, 0.0]),
        ("/ctrl/tracker/ypr", vec![-90.0, 0.0, 0.0]),
        ("/SceneRotator/ypr", vec![90.0, 0.0, 0.0]),
        ("/SceneRotator/quaternions", vec![half, 0.0, 0.0, half]),
        ("/Virtuoso/quat", vec![half, 0.0, 0.0, -half]),
        ("/quaternion", vec![half, 0.0, 0.0, -half]),
    ];
    let send = |address: &str, args: &[f32]| {
        let packet = OscPacket::Message(OscMessage {
            addr: address.into(),
            args: args.iter().map(|&v| OscType::Float(v)).collect(),
        });
        socket
            .send_to(&encoder::encode(&packet).expect("encoded"), to)
            .expect("sent");
    };
    let arrived = |feed: &mut tingle::head::osc::TrackerFeed| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        loop {
            if let Some(turn) = feed.poll() {
                return turn;
            }
            assert!(std::time::Instant::now() < deadline, "no packet arrived");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    };
    let ahead = static_params(at(0.0, 0.0, 1.0));
    let left = response(&static_params(at(-90.0, 0.0, 1.0)), Rotation::IDENTITY);
    for (address, args) in &forms {
        send("/quaternion", &[1.0, 0.0, 0.0, 0.0]);
        arrived(&mut feed);
        send(address, args);
        let turn = arrived(&mut feed);
        assert_same_cues(&response(&ahead, turn), &left, address);
    }
    // Latency, from a packet on the wire to the ears: a turn that arrived before a block is
    // heard within that block's first control period.
    send("/ypr", &[-30.0, 0.0, 0.0]);
    assert_heard_within_a_control_period(arrived(&mut feed));
}
