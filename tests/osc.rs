//! The OSC head-tracker receiver over real UDP packets on loopback: every accepted address
//! form gives the orientation its tracker means, in Tingle's frame; single angles, bundles and
//! recentering work; the status shows what arrives; bad input of every kind is counted and
//! ignored; a flood neither stalls nor loses the newest orientation; `poll` never allocates;
//! a port in use is reported plainly; disabling stops listening.

use assert_no_alloc::{assert_no_alloc, violation_count};
use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};
use tingle::head::osc::{OscReceiver, OscSettings, StatusSnapshot, TrackerFeed};
use tingle::head::{Rotation, YawPitchRoll};

#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// How long a test waits for a packet to arrive at most (it normally takes microseconds).
/// Only a bound against hanging, not a measured time.
const WAIT: Duration = Duration::from_secs(2);
/// How long a test listens for something that must not arrive.
const QUIET: Duration = Duration::from_millis(200);
/// Pause between polls while waiting.
const POLL_PAUSE: Duration = Duration::from_millis(1);
/// How close (degrees) a received orientation must be to the expected one.
const TOLERANCE_DEG: f32 = 0.01;
/// Packets in the flood.
const FLOOD: usize = 10_000;

fn ypr(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Rotation {
    Rotation::from_ypr(YawPitchRoll {
        yaw_deg,
        pitch_deg,
        roll_deg,
    })
}

/// A receiver listening on a free loopback port, its feed and its address.
fn start() -> (OscReceiver, TrackerFeed, SocketAddr) {
    let (mut receiver, feed) = OscReceiver::new();
    receiver.configure(&OscSettings {
        enabled: true,
        port: 0,
        all_interfaces: false,
    });
    let status = receiver.status().snapshot();
    assert!(status.listening, "{status:?}");
    let addr = status.address.expect("an address while listening");
    (receiver, feed, addr)
}

fn message(addr: &str, args: Vec<OscType>) -> OscPacket {
    OscPacket::Message(OscMessage {
        addr: addr.to_owned(),
        args,
    })
}

fn floats(values: &[f32]) -> Vec<OscType> {
    values.iter().map(|v| OscType::Float(*v)).collect()
}

fn bundle(content: Vec<OscPacket>) -> OscPacket {
    OscPacket::Bundle(OscBundle {
        timetag: OscTime {
            seconds: 0,
            fractional: 1,
        },
        content,
    })
}

fn send_bytes(to: SocketAddr, bytes: &[u8]) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.send_to(bytes, to).unwrap();
}

fn send(to: SocketAddr, packet: &OscPacket) {
    send_bytes(to, &rosc::encoder::encode(packet).unwrap());
}

/// `feed.poll()` inside the allocation guard; fails if it allocated.
fn poll(feed: &mut TrackerFeed) -> Option<Rotation> {
    let before = violation_count();
    let rotation = assert_no_alloc(|| feed.poll());
    assert_eq!(violation_count(), before, "poll() allocated");
    rotation
}

/// Polls until an orientation within tolerance of `expected` arrives (panics after [`WAIT`]).
fn wait_for(feed: &mut TrackerFeed, expected: Rotation) -> Rotation {
    let start = Instant::now();
    let mut last = None;
    while start.elapsed() < WAIT {
        if let Some(r) = poll(feed) {
            last = Some(r);
            if r.angle_to_deg(expected) < TOLERANCE_DEG {
                return r;
            }
        }
        std::thread::sleep(POLL_PAUSE);
    }
    panic!("expected {expected:?}, last received {last:?}");
}

/// Waits until the status satisfies `done` (panics after [`WAIT`]).
fn wait_status(receiver: &OscReceiver, done: impl Fn(&StatusSnapshot) -> bool) -> StatusSnapshot {
    let start = Instant::now();
    loop {
        let status = receiver.status().snapshot();
        if done(&status) {
            return status;
        }
        assert!(start.elapsed() < WAIT, "status never got there: {status:?}");
        std::thread::sleep(POLL_PAUSE);
    }
}

/// Nothing arrives for [`QUIET`].
fn assert_quiet(feed: &mut TrackerFeed) {
    let start = Instant::now();
    while start.elapsed() < QUIET {
        assert_eq!(poll(feed), None, "nothing should have arrived");
        std::thread::sleep(POLL_PAUSE);
    }
}

/// The head turned 90° to the right: Tingle yaw +90, and a world source ahead is heard at
/// the left ear.
fn assert_turned_right(r: Rotation) {
    assert!(r.angle_to_deg(ypr(90.0, 0.0, 0.0)) < TOLERANCE_DEG, "{r:?}");
    let heard = r.inverse().rotate([0.0, 1.0, 0.0]);
    assert!(
        (heard[0] + 1.0).abs() < 1e-4 && heard[1].abs() < 1e-4 && heard[2].abs() < 1e-4,
        "a source ahead should be at the left ear: {heard:?}"
    );
}

/// The head (Tingle yaw 30 right, pitch 20 up, roll 10 right) as a quaternion in Tingle's
/// frame, and its vector part in the ambisonic frame (x ahead, y left, z up).
fn reference_head() -> (Rotation, [f32; 3]) {
    let q = ypr(30.0, 20.0, 10.0);
    (q, [q.y, -q.x, q.z])
}

/// SPARTA's `/ypr` (and the ADM-OSC form): yaw > 0 left, pitch > 0 down, roll > 0 right.
#[test]
fn ypr_messages_are_the_listeners_orientation() {
    let (_receiver, mut feed, addr) = start();
    for address in ["/ypr", "/ctrl/tracker/ypr"] {
        send(addr, &message(address, floats(&[-90.0, 0.0, 0.0])));
        assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
        send(addr, &message(address, floats(&[-30.0, -20.0, 10.0])));
        wait_for(&mut feed, ypr(30.0, 20.0, 10.0));
        send(addr, &message(address, floats(&[0.0, 0.0, 0.0])));
        wait_for(&mut feed, Rotation::IDENTITY);
    }
    // Ints, doubles and longs are numbers too.
    let ints = vec![OscType::Int(-90), OscType::Int(0), OscType::Int(0)];
    send(addr, &message("/ypr", ints));
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
    let mixed = vec![
        OscType::Double(-30.0),
        OscType::Long(-20),
        OscType::Float(10.0),
    ];
    send(addr, &message("/ypr", mixed));
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));
}

/// The IEM SceneRotator's `/SceneRotator/ypr`: the scene's rotation undoing the head's.
#[test]
fn scene_rotator_ypr_undoes_the_head() {
    let (_receiver, mut feed, addr) = start();
    send(
        addr,
        &message("/SceneRotator/ypr", floats(&[90.0, 0.0, 0.0])),
    );
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
    send(
        addr,
        &message("/SceneRotator/ypr", floats(&[30.0, 20.0, -10.0])),
    );
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));
}

/// The three quaternion forms, each with its own frame and meaning.
#[test]
fn quaternions_in_each_trackers_convention() {
    let (_receiver, mut feed, addr) = start();
    let (head, [ax, ay, az]) = reference_head();
    // IEM: the scene's rotation (the head's inverse), ambisonic frame.
    send(
        addr,
        &message(
            "/SceneRotator/quaternions",
            floats(&[head.w, -ax, -ay, -az]),
        ),
    );
    wait_for(&mut feed, head);
    send(addr, &message("/quaternion", floats(&[1.0, 0.0, 0.0, 0.0])));
    wait_for(&mut feed, Rotation::IDENTITY);
    // APL Virtuoso: the head's orientation, ambisonic frame.
    send(
        addr,
        &message("/Virtuoso/quat", floats(&[head.w, ax, ay, az])),
    );
    wait_for(&mut feed, head);
    send(addr, &message("/quaternion", floats(&[1.0, 0.0, 0.0, 0.0])));
    wait_for(&mut feed, Rotation::IDENTITY);
    // Generic: the head's orientation in Tingle's frame; a non-unit one is normalised.
    let scaled = [head.w, head.x, head.y, head.z].map(|v| 3.0 * v);
    send(addr, &message("/quaternion", floats(&scaled)));
    wait_for(&mut feed, head);
    // A head turned right by 90: a quarter turn clockwise from above (about -z).
    let half = std::f32::consts::FRAC_1_SQRT_2;
    send(
        addr,
        &message("/quaternion", floats(&[half, 0.0, 0.0, -half])),
    );
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
    send(
        addr,
        &message("/Virtuoso/quat", floats(&[half, 0.0, 0.0, -half])),
    );
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
    send(addr, &message("/quaternion", floats(&[1.0, 0.0, 0.0, 0.0])));
    wait_for(&mut feed, Rotation::IDENTITY);
    send(
        addr,
        &message("/SceneRotator/quaternions", floats(&[half, 0.0, 0.0, half])),
    );
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
}

/// `/yaw`, `/pitch` and `/roll` (and the SceneRotator's) each update one angle of the last.
#[test]
fn single_angles_update_one_component() {
    let (_receiver, mut feed, addr) = start();
    send(addr, &message("/yaw", floats(&[-30.0])));
    wait_for(&mut feed, ypr(30.0, 0.0, 0.0));
    send(addr, &message("/pitch", floats(&[-20.0])));
    wait_for(&mut feed, ypr(30.0, 20.0, 0.0));
    send(addr, &message("/roll", floats(&[10.0])));
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));
    send(addr, &message("/yaw", floats(&[-90.0])));
    wait_for(&mut feed, ypr(90.0, 20.0, 10.0));

    send(addr, &message("/SceneRotator/yaw", floats(&[30.0])));
    wait_for(&mut feed, ypr(30.0, 0.0, 0.0));
    send(addr, &message("/SceneRotator/pitch", floats(&[20.0])));
    wait_for(&mut feed, ypr(30.0, 20.0, 0.0));
    send(addr, &message("/SceneRotator/roll", floats(&[-10.0])));
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));

    // The SceneRotator's quaternion one component at a time.
    let (head, [ax, ay, az]) = reference_head();
    for (suffix, value) in [("qx", -ax), ("qy", -ay), ("qz", -az), ("qw", head.w)] {
        send(
            addr,
            &message(&format!("/SceneRotator/{suffix}"), floats(&[value])),
        );
    }
    wait_for(&mut feed, head);
}

/// Messages inside (nested) bundles count; the last one in the bundle wins.
#[test]
fn bundles_are_walked() {
    let (receiver, mut feed, addr) = start();
    let packet = bundle(vec![
        message("/yaw", floats(&[-30.0])),
        bundle(vec![
            message("/pitch", floats(&[-20.0])),
            message("/roll", floats(&[10.0])),
        ]),
    ]);
    send(addr, &packet);
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));
    let status = wait_status(&receiver, |s| s.accepted >= 3);
    assert_eq!(status.accepted, 3);
    assert_eq!(status.last_osc_address.as_deref(), Some("/roll"));
}

/// A recenter takes the current orientation as ahead: later turns are relative to it, and a
/// recenter with nothing new uses the last orientation seen.
#[test]
fn recenter_takes_the_current_orientation_as_ahead() {
    let (_receiver, mut feed, addr) = start();
    let recenter = feed.recenter_handle();
    send(addr, &message("/ypr", floats(&[-40.0, 0.0, 0.0])));
    wait_for(&mut feed, ypr(40.0, 0.0, 0.0));
    recenter.clone().request();
    let centered = poll(&mut feed).expect("a recenter returns the identity");
    assert!(centered.is_identity(), "{centered:?}");
    assert_eq!(poll(&mut feed), None, "the request is cleared");
    send(addr, &message("/ypr", floats(&[-70.0, 0.0, 0.0])));
    wait_for(&mut feed, ypr(30.0, 0.0, 0.0));
    // Pitch and roll after a recenter are about the head's own axes, relative to ahead.
    send(addr, &message("/ypr", floats(&[-40.0, -20.0, 0.0])));
    let reference = ypr(40.0, 0.0, 0.0);
    wait_for(
        &mut feed,
        reference.inverse().then_local(ypr(40.0, 20.0, 0.0)),
    );
    // A second recenter takes the newest orientation (40 right, 20 up) as ahead.
    recenter.request();
    assert!(poll(&mut feed).is_some_and(Rotation::is_identity));
    send(addr, &message("/ypr", floats(&[-40.0, -20.0, 0.0])));
    wait_for(&mut feed, Rotation::IDENTITY);
}

/// The status shows where it listens, what arrived and how often.
#[test]
fn status_reports_what_arrives() {
    let (receiver, mut feed, addr) = start();
    let status = receiver.status().snapshot();
    assert!(status.listening);
    assert_eq!(status.address, Some(addr));
    assert!(addr.ip().is_loopback(), "localhost only by default");
    assert_eq!(status.last_osc_address, None);
    assert_eq!(status.last_error, None);
    for yaw in 0..5 {
        send(
            addr,
            &message("/SceneRotator/ypr", floats(&[yaw as f32, 0.0, 0.0])),
        );
    }
    wait_for(&mut feed, ypr(4.0, 0.0, 0.0));
    let status = wait_status(&receiver, |s| s.accepted >= 5);
    assert_eq!(
        status.last_osc_address.as_deref(),
        Some("/SceneRotator/ypr")
    );
    assert!(status.messages_per_second >= 5, "{status:?}");
    assert_eq!(status.ignored, 0);
}

/// Malformed, truncated, mistyped, miscounted, non-finite, degenerate and unknown messages are
/// counted and change nothing.
#[test]
fn bad_input_is_counted_and_ignored() {
    let (receiver, mut feed, addr) = start();
    send(addr, &message("/ypr", floats(&[-30.0, -20.0, 10.0])));
    wait_for(&mut feed, ypr(30.0, 20.0, 10.0));

    let good = rosc::encoder::encode(&message("/ypr", floats(&[1.0, 2.0, 3.0]))).unwrap();
    let bad_bytes: Vec<Vec<u8>> = vec![
        b"not osc at all".to_vec(),
        vec![0xff; 16],
        good[..good.len() - 3].to_vec(),
        good[..5].to_vec(),
    ];
    let bad_messages = vec![
        message("/ypr", floats(&[1.0, 2.0])),
        message("/ypr", floats(&[1.0, 2.0, 3.0, 4.0])),
        message("/ypr", vec![]),
        message(
            "/ypr",
            vec![
                OscType::String("1".into()),
                OscType::Float(0.0),
                OscType::Float(0.0),
            ],
        ),
        message("/ypr", floats(&[f32::NAN, 0.0, 0.0])),
        message("/ypr", floats(&[0.0, f32::INFINITY, 0.0])),
        message("/yaw", vec![OscType::Bool(true)]),
        message("/pitch", floats(&[1.0, 2.0])),
        message("/roll", vec![OscType::Double(f64::NEG_INFINITY)]),
        message("/SceneRotator/ypr", floats(&[f32::NAN, 0.0, 0.0])),
        message("/SceneRotator/quaternions", floats(&[0.0, 0.0, 0.0, 0.0])),
        message("/quaternion", floats(&[1e-6, 0.0, 0.0, 0.0])),
        message("/quaternion", floats(&[1.0, f32::NAN, 0.0, 0.0])),
        message("/Virtuoso/quat", floats(&[1.0, 0.0, 0.0])),
        message("/SceneRotator/qw", floats(&[f32::NAN])),
        message("/unknown/address", floats(&[1.0, 2.0, 3.0])),
        message("/YPR", floats(&[1.0, 2.0, 3.0])),
        bundle(vec![message("/ypr", floats(&[f32::NAN, 0.0, 0.0]))]),
    ];
    let expected = (bad_bytes.len() + bad_messages.len()) as u64;
    for bytes in &bad_bytes {
        send_bytes(addr, bytes);
    }
    for packet in &bad_messages {
        send(addr, packet);
    }
    let status = wait_status(&receiver, |s| s.ignored >= expected);
    assert_eq!(status.ignored, expected, "{status:?}");
    assert!(status.last_ignored.is_some());
    assert_eq!(status.accepted, 1);
    assert!(status.listening, "bad input does not stop the receiver");
    assert_eq!(poll(&mut feed), None, "the orientation is unchanged");

    // Still working afterwards.
    send(addr, &message("/ypr", floats(&[0.0, 0.0, 0.0])));
    wait_for(&mut feed, Rotation::IDENTITY);
}

/// Huge finite angles: yaw and roll wrap, pitch clamps; the orientation stays a unit one.
#[test]
fn huge_angles_wrap_and_clamp() {
    let (_receiver, mut feed, addr) = start();
    // Yaw -810 = -90 (a turn to the right); pitch -1e30 clamps to -90 (the face straight up).
    send(addr, &message("/ypr", floats(&[-810.0, -1e30, 0.0])));
    wait_for(&mut feed, ypr(90.0, 90.0, 0.0));
    send(addr, &message("/ypr", floats(&[1e30, 0.0, 1e30])));
    let start = Instant::now();
    let r = loop {
        if let Some(r) = poll(&mut feed) {
            break r;
        }
        assert!(start.elapsed() < WAIT, "nothing arrived");
        std::thread::sleep(POLL_PAUSE);
    };
    let norm = (r.w * r.w + r.x * r.x + r.y * r.y + r.z * r.z).sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "{r:?}");
    let angles = r.to_ypr();
    assert!(angles.pitch_deg.abs() < 1e-3, "{angles:?}");
    send(addr, &message("/SceneRotator/pitch", floats(&[1e9])));
    wait_for(&mut feed, ypr(0.0, 90.0, 0.0));
}

/// Ten thousand packets as fast as they can go while the audio side polls: no panic, no
/// stall, and the last orientation wins.
#[test]
fn a_flood_keeps_the_newest() {
    let (receiver, mut feed, addr) = start();
    let sender = std::thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in 0..FLOOD {
            let yaw = (i % 360) as f32 - 180.0;
            let bytes = rosc::encoder::encode(&message("/ypr", floats(&[yaw, 0.0, 0.0])));
            // Loopback may drop some of a flood (a full socket buffer): that is fine.
            let _ = socket.send_to(&bytes.unwrap(), addr);
        }
    });
    let mut received = 0usize;
    while !sender.is_finished() {
        if poll(&mut feed).is_some() {
            received += 1;
        }
    }
    sender.join().unwrap();
    // The final orientation, sent until it is seen (a flood may have filled the socket's
    // buffer and lost the first try).
    let last = message("/ypr", floats(&[-45.0, 0.0, 0.0]));
    let expected = ypr(45.0, 0.0, 0.0);
    let start = Instant::now();
    'outer: loop {
        send(addr, &last);
        let tried = Instant::now();
        while tried.elapsed() < Duration::from_millis(100) {
            if let Some(r) = poll(&mut feed)
                && r.angle_to_deg(expected) < TOLERANCE_DEG
            {
                break 'outer;
            }
            std::thread::sleep(POLL_PAUSE);
        }
        assert!(
            start.elapsed() < WAIT,
            "the final orientation never arrived"
        );
    }
    // Nothing older turns up afterwards.
    let settle = Instant::now();
    while settle.elapsed() < QUIET {
        if let Some(r) = poll(&mut feed) {
            assert!(
                r.angle_to_deg(expected) < TOLERANCE_DEG,
                "an older one won: {r:?}"
            );
        }
        std::thread::sleep(POLL_PAUSE);
    }
    let status = receiver.status().snapshot();
    assert!(status.listening && status.accepted > 0, "{status:?}");
    assert!(
        received > 0,
        "the audio side saw orientations during the flood"
    );
}

/// A port already in use gives a clear message and no panic; a free port then works.
#[test]
fn a_port_in_use_is_reported_and_another_works() {
    let blocker = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = blocker.local_addr().unwrap().port();
    let (mut receiver, mut feed) = OscReceiver::new();
    let mut settings = OscSettings {
        enabled: true,
        port,
        all_interfaces: false,
    };
    receiver.configure(&settings);
    let status = receiver.status().snapshot();
    assert!(!status.listening);
    assert_eq!(
        status.last_error.as_deref(),
        Some(format!("UDP port {port} is in use by another program: choose another port").as_str())
    );
    settings.port = 0;
    receiver.configure(&settings);
    let status = receiver.status().snapshot();
    assert!(status.listening, "{status:?}");
    assert_eq!(status.last_error, None);
    send(
        status.address.unwrap(),
        &message("/ypr", floats(&[-90.0, 0.0, 0.0])),
    );
    assert_turned_right(wait_for(&mut feed, ypr(90.0, 0.0, 0.0)));
}

/// Disabling closes the socket (the port is free again) and nothing more arrives;
/// re-enabling listens again with the same feed.
#[test]
fn disabling_stops_listening() {
    let (mut receiver, mut feed, addr) = start();
    send(addr, &message("/ypr", floats(&[-90.0, 0.0, 0.0])));
    wait_for(&mut feed, ypr(90.0, 0.0, 0.0));
    let off = OscSettings {
        enabled: false,
        port: addr.port(),
        all_interfaces: false,
    };
    receiver.configure(&off);
    assert!(!receiver.status().snapshot().listening);
    {
        // The port is free: Tingle no longer holds it.
        let _probe = UdpSocket::bind(addr).expect("the port is released");
    }
    send(addr, &message("/ypr", floats(&[0.0, 0.0, 0.0])));
    assert_quiet(&mut feed);
    // On again, on the same port: the same feed receives.
    receiver.configure(&OscSettings {
        enabled: true,
        ..off
    });
    let status = receiver.status().snapshot();
    assert!(status.listening, "{status:?}");
    send(addr, &message("/ypr", floats(&[-30.0, 0.0, 0.0])));
    wait_for(&mut feed, ypr(30.0, 0.0, 0.0));
}

/// The defaults: off, port 9000, localhost only; the settings survive a save.
#[test]
fn settings_default_and_round_trip() {
    let settings = OscSettings::default();
    assert!(!settings.enabled);
    assert_eq!(settings.port, 9000);
    assert!(!settings.all_interfaces);
    assert!(settings.socket_addr().ip().is_loopback());
    let custom = OscSettings {
        enabled: true,
        port: 9100,
        all_interfaces: true,
    };
    assert!(custom.socket_addr().ip().is_unspecified());
    let json = serde_json::to_string(&custom).unwrap();
    assert_eq!(serde_json::from_str::<OscSettings>(&json).unwrap(), custom);
    // The feed moves to the audio thread, the receiver and the recenter handle to the GUI's.
    fn assert_send<T: Send>() {}
    assert_send::<TrackerFeed>();
    assert_send::<OscReceiver>();
    assert_send::<tingle::head::osc::RecenterHandle>();
    // A receiver that was never enabled does not listen, and dropping it is quiet.
    let (receiver, _feed) = OscReceiver::new();
    assert!(!receiver.status().snapshot().listening);
}
