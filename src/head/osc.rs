//! The OSC head-tracker receiver: a background thread listens for UDP packets carrying Open
//! Sound Control messages from a head tracker (or its bridge app), turns each accepted message
//! into a [`Rotation`] in Tingle's frame and hands the newest to the audio thread through a
//! small lock-free ring ([`TrackerFeed`]).
//!
//! Accepted addresses (all angles in degrees; OSC float, double, int and long arguments):
//!
//! | address | arguments | meaning (as the renderer the address belongs to reads it) |
//! | --- | --- | --- |
//! | `/ypr`, `/ctrl/tracker/ypr` | yaw pitch roll | SPARTA: the listener's orientation, x ahead, y left, z up; yaw > 0 turns left, pitch > 0 tilts the face down, roll > 0 tilts towards the right shoulder |
//! | `/yaw`, `/pitch`, `/roll` | one angle | one of the three above |
//! | `/SceneRotator/ypr` | yaw pitch roll | IEM SceneRotator: the scene's rotation that undoes the head's; yaw > 0 undoes a turn to the right, pitch > 0 a tilt up, roll > 0 a tilt towards the left shoulder |
//! | `/SceneRotator/yaw`, `/pitch`, `/roll` | one angle | one of the three above |
//! | `/SceneRotator/quaternions` | w x y z | IEM SceneRotator: the scene's rotation (x ahead, y left, z up), the inverse of the head's |
//! | `/SceneRotator/qw`, `/qx`, `/qy`, `/qz` | one component | one component of the above |
//! | `/Virtuoso/quat` | w x y z | APL Virtuoso: the head's orientation, x ahead, y left, z up |
//! | `/quaternion` | w x y z | generic: the head's orientation in Tingle's own frame (x right, y ahead, z up) |
//!
//! `docs/HEAD_TRACKING.md` gives the sources of these conventions and what is unverified.

use crate::head::{Rotation, YawPitchRoll};
use rosc::{OscMessage, OscPacket, OscType};
use serde::{Deserialize, Serialize};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The port Tingle listens on by default: 9000 is what SPARTA and the IEM SceneRotator listen
/// on by default, so most trackers' presets for them send there already.
pub const DEFAULT_PORT: u16 = 9000;

/// How many orientations the ring to the audio thread holds. The audio thread only keeps the
/// newest, so a few blocks' worth at a tracker's rate (typically 50-100 per second) is plenty.
pub const RING_CAPACITY: usize = 64;

/// How long the receiver thread waits for a packet before it looks at its stop flag again
/// (and retries handing over an orientation the full ring refused).
pub const READ_TIMEOUT: Duration = Duration::from_millis(50);

/// The largest UDP payload (bytes): a packet never needs a bigger receive buffer.
const MAX_PACKET_BYTES: usize = 65_536;

/// How deeply bundles may nest before the rest of a packet is ignored.
const MAX_BUNDLE_DEPTH: usize = 8;

/// Quaternions shorter than this (before normalising) are ignored: their direction is noise.
const MIN_QUATERNION_NORM: f64 = 1e-3;

/// Yaw and roll are wrapped into -HALF_TURN_DEG ..= HALF_TURN_DEG.
const HALF_TURN_DEG: f32 = 180.0;

/// Pitch is clamped into -QUARTER_TURN_DEG ..= QUARTER_TURN_DEG.
const QUARTER_TURN_DEG: f32 = 90.0;

/// The span over which [`StatusSnapshot::messages_per_second`] counts accepted messages.
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// How many slices [`RATE_WINDOW`] is counted in.
const RATE_BUCKETS: usize = 10;

/// Where and whether Tingle listens for a head tracker (saved with the session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OscSettings {
    /// Whether to listen at all (off by default: no socket is opened unless asked for).
    pub enabled: bool,
    /// The UDP port (1 ..= 65535; 0 lets the system pick a free one, which the status then
    /// shows). Default [`DEFAULT_PORT`].
    pub port: u16,
    /// Listen on every network interface (`0.0.0.0`, for a phone or another computer) rather
    /// than only on this computer (`127.0.0.1`, the default).
    pub all_interfaces: bool,
}

impl Default for OscSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            port: DEFAULT_PORT,
            all_interfaces: false,
        }
    }
}

impl OscSettings {
    /// The socket address these settings listen on.
    pub fn socket_addr(&self) -> SocketAddr {
        let ip = if self.all_interfaces {
            Ipv4Addr::UNSPECIFIED
        } else {
            Ipv4Addr::LOCALHOST
        };
        SocketAddr::new(IpAddr::V4(ip), self.port)
    }
}

/// A copy of the receiver's state for the GUI's status line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusSnapshot {
    /// Whether a socket is open and the receiver thread runs.
    pub listening: bool,
    /// The address listened on (with the actual port when 0 was asked for).
    pub address: Option<SocketAddr>,
    /// The OSC address of the last accepted message (e.g. `/ypr`).
    pub last_osc_address: Option<String>,
    /// Messages accepted over the last second.
    pub messages_per_second: u32,
    /// Messages accepted since the receiver was made.
    pub accepted: u64,
    /// Packets or messages ignored since the receiver was made (malformed, unknown address,
    /// wrong argument types or count, NaN or infinite values, degenerate quaternions).
    pub ignored: u64,
    /// Why the last ignored packet or message was ignored.
    pub last_ignored: Option<String>,
    /// The last error that stopped the receiver from listening (e.g. the port in use), cleared
    /// when it listens again.
    pub last_error: Option<String>,
}

/// The receiver's state, shared between its thread and the GUI (never the audio thread).
#[derive(Debug)]
pub struct TrackerStatus {
    inner: Mutex<StatusInner>,
}

#[derive(Debug)]
struct StatusInner {
    snapshot: StatusSnapshot,
    /// When the rate buckets started counting.
    epoch: Instant,
    /// Accepted messages per slice of [`RATE_WINDOW`], with the slice number each counts.
    buckets: [(u64, u32); RATE_BUCKETS],
}

impl TrackerStatus {
    fn new() -> Self {
        Self {
            inner: Mutex::new(StatusInner {
                snapshot: StatusSnapshot::default(),
                epoch: Instant::now(),
                buckets: [(0, 0); RATE_BUCKETS],
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, StatusInner> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> StatusSnapshot {
        let mut inner = self.lock();
        let slice = inner.slice(Instant::now());
        let recent = inner
            .buckets
            .iter()
            .filter(|(s, _)| slice.saturating_sub(*s) < RATE_BUCKETS as u64)
            .map(|(_, n)| *n)
            .sum();
        inner.snapshot.messages_per_second = recent;
        inner.snapshot.clone()
    }

    fn set_listening(&self, address: Option<SocketAddr>, error: Option<String>) {
        let mut inner = self.lock();
        inner.snapshot.listening = address.is_some();
        inner.snapshot.address = address;
        inner.snapshot.last_error = error;
    }

    fn accepted(&self, osc_address: &str) {
        let mut inner = self.lock();
        let slice = inner.slice(Instant::now());
        let bucket = &mut inner.buckets[(slice % RATE_BUCKETS as u64) as usize];
        if bucket.0 != slice {
            *bucket = (slice, 0);
        }
        bucket.1 = bucket.1.saturating_add(1);
        inner.snapshot.accepted += 1;
        if inner.snapshot.last_osc_address.as_deref() != Some(osc_address) {
            inner.snapshot.last_osc_address = Some(osc_address.to_owned());
        }
    }

    fn ignored(&self, reason: String) {
        let mut inner = self.lock();
        inner.snapshot.ignored += 1;
        inner.snapshot.last_ignored = Some(reason);
    }
}

impl StatusInner {
    /// The number of the rate slice `now` falls in.
    fn slice(&self, now: Instant) -> u64 {
        let slice_len = RATE_WINDOW / RATE_BUCKETS as u32;
        (now.duration_since(self.epoch).as_nanos() / slice_len.as_nanos()) as u64
    }
}

/// Asks the audio thread's [`TrackerFeed`] to take the head's current orientation as "ahead"
/// (cloneable; for the GUI or a parameter).
#[derive(Debug, Clone)]
pub struct RecenterHandle(Arc<AtomicBool>);

impl RecenterHandle {
    /// Recenter at the next [`TrackerFeed::poll`].
    pub fn request(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The audio thread's end of the receiver: the newest orientation, recentered. Never locks or
/// allocates.
pub struct TrackerFeed {
    consumer: rtrb::Consumer<Rotation>,
    recenter: Arc<AtomicBool>,
    /// The raw orientation taken as "ahead" at the last recenter.
    reference: Rotation,
    /// The newest raw orientation seen.
    last_raw: Option<Rotation>,
}

impl TrackerFeed {
    /// The newest orientation that arrived since the last call, relative to the reference
    /// taken at the last recenter (`None` when nothing arrived). A pending recenter request
    /// takes the newest raw orientation as the reference and returns the identity.
    pub fn poll(&mut self) -> Option<Rotation> {
        let mut newest = None;
        while let Ok(raw) = self.consumer.pop() {
            newest = Some(raw);
        }
        if newest.is_some() {
            self.last_raw = newest;
        }
        if self.recenter.swap(false, Ordering::AcqRel)
            && let Some(raw) = self.last_raw
        {
            self.reference = raw;
            return Some(Rotation::IDENTITY);
        }
        newest.map(|raw| self.reference.inverse().then_local(raw).normalised())
    }

    /// A handle that requests a recenter.
    pub fn recenter_handle(&self) -> RecenterHandle {
        RecenterHandle(Arc::clone(&self.recenter))
    }
}

/// The receiver: owns the listening thread and the sending end of the ring.
pub struct OscReceiver {
    producer: Option<rtrb::Producer<Rotation>>,
    thread: Option<JoinHandle<rtrb::Producer<Rotation>>>,
    stop: Arc<AtomicBool>,
    status: Arc<TrackerStatus>,
}

impl OscReceiver {
    /// A receiver that does not listen yet, and the audio thread's end of it.
    pub fn new() -> (Self, TrackerFeed) {
        let (producer, consumer) = rtrb::RingBuffer::new(RING_CAPACITY);
        let receiver = Self {
            producer: Some(producer),
            thread: None,
            stop: Arc::new(AtomicBool::new(false)),
            status: Arc::new(TrackerStatus::new()),
        };
        let feed = TrackerFeed {
            consumer,
            recenter: Arc::new(AtomicBool::new(false)),
            reference: Rotation::IDENTITY,
            last_raw: None,
        };
        (receiver, feed)
    }

    /// Stops listening, then, if `settings` are enabled, listens as they say. A socket that
    /// cannot be opened (e.g. the port in use) is reported in the status, never a panic.
    pub fn configure(&mut self, settings: &OscSettings) {
        self.shut_down();
        if !settings.enabled {
            self.status.set_listening(None, None);
            return;
        }
        let Some(producer) = self.producer.take() else {
            self.status.set_listening(
                None,
                Some("The head-tracker receiver stopped unexpectedly: reload Tingle".into()),
            );
            return;
        };
        let wanted = settings.socket_addr();
        let socket = match UdpSocket::bind(wanted).and_then(|s| {
            s.set_read_timeout(Some(READ_TIMEOUT))?;
            Ok(s)
        }) {
            Ok(socket) => socket,
            Err(error) => {
                self.producer = Some(producer);
                self.status
                    .set_listening(None, Some(bind_message(wanted, &error)));
                return;
            }
        };
        let address = socket.local_addr().unwrap_or(wanted);
        self.stop.store(false, Ordering::Release);
        let stop = Arc::clone(&self.stop);
        let status = Arc::clone(&self.status);
        let spawned = std::thread::Builder::new()
            .name("tingle-osc".into())
            .spawn(move || listen(socket, producer, &stop, &status));
        match spawned {
            Ok(handle) => {
                self.thread = Some(handle);
                self.status.set_listening(Some(address), None);
            }
            Err(error) => {
                // The closure (and the producer in it) is gone: nothing more can be received.
                self.status.set_listening(
                    None,
                    Some(format!(
                        "Could not start the head-tracker receiver: {error}"
                    )),
                );
            }
        }
    }

    /// The state shared with the GUI.
    pub fn status(&self) -> Arc<TrackerStatus> {
        Arc::clone(&self.status)
    }

    /// Stops the thread (if any) and takes the ring's sending end back.
    fn shut_down(&mut self) {
        if let Some(handle) = self.thread.take() {
            self.stop.store(true, Ordering::Release);
            match handle.join() {
                Ok(producer) => self.producer = Some(producer),
                Err(_) => self.status.set_listening(
                    None,
                    Some("The head-tracker receiver stopped unexpectedly".into()),
                ),
            }
        }
    }
}

impl Drop for OscReceiver {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// A human message for a socket that could not be opened at `addr`.
fn bind_message(addr: SocketAddr, error: &std::io::Error) -> String {
    let port = addr.port();
    match error.kind() {
        ErrorKind::AddrInUse => {
            format!("UDP port {port} is in use by another program: choose another port")
        }
        ErrorKind::PermissionDenied => format!(
            "UDP port {port} is not allowed for Tingle (ports below 1024 need administrator \
             rights): choose another port"
        ),
        ErrorKind::AddrNotAvailable => {
            format!("Cannot listen on {addr}: this computer has no such address")
        }
        _ => format!("Cannot listen on UDP {addr}: {error}"),
    }
}

/// The receiver thread: reads packets until told to stop, then gives the producer back.
fn listen(
    socket: UdpSocket,
    mut producer: rtrb::Producer<Rotation>,
    stop: &AtomicBool,
    status: &TrackerStatus,
) -> rtrb::Producer<Rotation> {
    let mut buffer = vec![0u8; MAX_PACKET_BYTES];
    let mut decoder = Decoder::default();
    // An orientation the full ring refused: handed over as soon as there is room (only the
    // newest matters, so a newer one replaces it).
    let mut pending: Option<Rotation> = None;
    while !stop.load(Ordering::Acquire) {
        match socket.recv_from(&mut buffer) {
            Ok((len, _from)) => {
                if let Some(rotation) = decoder.packet(&buffer[..len], status) {
                    pending = Some(rotation);
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                // E.g. an ICMP "port unreachable" echoed on some systems: note it, keep going.
                status.ignored(format!("Receive error: {e}"));
            }
        }
        if let Some(rotation) = pending
            && producer.push(rotation).is_ok()
        {
            pending = None;
        }
    }
    producer
}

/// The decoder's memory: the last angles of each family (for the single-angle messages) and
/// the SceneRotator's last quaternion (for its single-component messages).
#[derive(Debug)]
struct Decoder {
    sparta: [f32; 3],
    scene_rotator: [f32; 3],
    scene_quaternion: [f64; 4],
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            sparta: [0.0; 3],
            scene_rotator: [0.0; 3],
            scene_quaternion: [1.0, 0.0, 0.0, 0.0],
        }
    }
}

impl Decoder {
    /// The newest orientation in the packet `bytes`, if any message in it was accepted.
    fn packet(&mut self, bytes: &[u8], status: &TrackerStatus) -> Option<Rotation> {
        match rosc::decoder::decode_udp(bytes) {
            Ok((_, packet)) => {
                let mut newest = None;
                self.walk(&packet, 0, status, &mut newest);
                newest
            }
            Err(e) => {
                status.ignored(format!("Malformed OSC packet ({} bytes): {e}", bytes.len()));
                None
            }
        }
    }

    fn walk(
        &mut self,
        packet: &OscPacket,
        depth: usize,
        status: &TrackerStatus,
        newest: &mut Option<Rotation>,
    ) {
        match packet {
            OscPacket::Message(message) => match self.message(message) {
                Ok(rotation) => {
                    status.accepted(&message.addr);
                    *newest = Some(rotation);
                }
                Err(reason) => status.ignored(format!("{}: {reason}", message.addr)),
            },
            OscPacket::Bundle(bundle) => {
                if depth >= MAX_BUNDLE_DEPTH {
                    status.ignored(format!(
                        "Bundle nested deeper than {MAX_BUNDLE_DEPTH} levels"
                    ));
                    return;
                }
                for inner in &bundle.content {
                    self.walk(inner, depth + 1, status, newest);
                }
            }
        }
    }

    /// The orientation one message sets, or why it is ignored.
    fn message(&mut self, message: &OscMessage) -> Result<Rotation, &'static str> {
        let args = &message.args;
        match message.addr.as_str() {
            "/ypr" | "/ctrl/tracker/ypr" => {
                self.sparta = angles(args)?;
                Ok(sparta_rotation(self.sparta))
            }
            "/yaw" | "/pitch" | "/roll" => {
                set_axis(&mut self.sparta, &message.addr, single(args)?);
                Ok(sparta_rotation(self.sparta))
            }
            "/SceneRotator/ypr" => {
                self.scene_rotator = angles(args)?;
                Ok(scene_rotator_rotation(self.scene_rotator))
            }
            "/SceneRotator/yaw" | "/SceneRotator/pitch" | "/SceneRotator/roll" => {
                set_axis(&mut self.scene_rotator, &message.addr, single(args)?);
                Ok(scene_rotator_rotation(self.scene_rotator))
            }
            "/SceneRotator/quaternions" => {
                self.scene_quaternion = quaternion(args)?;
                scene_rotator_quaternion(self.scene_quaternion)
            }
            "/SceneRotator/qw" | "/SceneRotator/qx" | "/SceneRotator/qy" | "/SceneRotator/qz" => {
                let component = match message.addr.as_bytes().last() {
                    Some(b'w') => 0,
                    Some(b'x') => 1,
                    Some(b'y') => 2,
                    _ => 3,
                };
                self.scene_quaternion[component] = single(args)?;
                scene_rotator_quaternion(self.scene_quaternion)
            }
            "/Virtuoso/quat" => {
                let [w, x, y, z] = quaternion(args)?;
                // The head's orientation, x ahead, y left, z up: Tingle's x (right) is -y,
                // its y (ahead) is x.
                unit(w, -y, x, z)
            }
            "/quaternion" => {
                let [w, x, y, z] = quaternion(args)?;
                unit(w, x, y, z)
            }
            _ => Err("unknown address"),
        }
    }
}

/// Sets the angle an address ending in yaw, pitch or roll names: yaw and roll wrapped, pitch
/// clamped.
fn set_axis(angles: &mut [f32; 3], address: &str, deg: f64) {
    if address.ends_with("yaw") {
        angles[0] = wrap_deg(deg);
    } else if address.ends_with("pitch") {
        angles[1] = clamp_pitch(deg);
    } else {
        angles[2] = wrap_deg(deg);
    }
}

/// One OSC argument as a number (float, double, int or long), if it is one.
fn number(arg: &OscType) -> Option<f64> {
    match *arg {
        OscType::Float(v) => Some(f64::from(v)),
        OscType::Double(v) => Some(v),
        OscType::Int(v) => Some(f64::from(v)),
        OscType::Long(v) => Some(v as f64),
        _ => None,
    }
}

/// Exactly `N` finite numbers.
fn numbers<const N: usize>(args: &[OscType]) -> Result<[f64; N], &'static str> {
    if args.len() != N {
        return Err("wrong number of arguments");
    }
    let mut out = [0.0; N];
    for (slot, arg) in out.iter_mut().zip(args) {
        let v = number(arg).ok_or("an argument is not a number")?;
        if !v.is_finite() {
            return Err("an argument is NaN or infinite");
        }
        *slot = v;
    }
    Ok(out)
}

/// Wraps an angle (degrees) into -180 ..= 180.
fn wrap_deg(deg: f64) -> f32 {
    let full = 2.0 * f64::from(HALF_TURN_DEG);
    ((deg + f64::from(HALF_TURN_DEG)).rem_euclid(full) - f64::from(HALF_TURN_DEG)) as f32
}

/// Three angles (degrees): yaw and roll wrapped, pitch clamped.
fn angles(args: &[OscType]) -> Result<[f32; 3], &'static str> {
    let [yaw, pitch, roll] = numbers::<3>(args)?;
    Ok([wrap_deg(yaw), clamp_pitch(pitch), wrap_deg(roll)])
}

fn clamp_pitch(deg: f64) -> f32 {
    deg.clamp(-f64::from(QUARTER_TURN_DEG), f64::from(QUARTER_TURN_DEG)) as f32
}

/// Exactly one finite number.
fn single(args: &[OscType]) -> Result<f64, &'static str> {
    let [v] = numbers::<1>(args)?;
    Ok(v)
}

/// A quaternion's four finite components (w, x, y, z).
fn quaternion(args: &[OscType]) -> Result<[f64; 4], &'static str> {
    numbers::<4>(args)
}

/// The unit quaternion in Tingle's frame, or an error for a degenerate one.
fn unit(w: f64, x: f64, y: f64, z: f64) -> Result<Rotation, &'static str> {
    let norm = (w * w + x * x + y * y + z * z).sqrt();
    if !norm.is_finite() || norm < MIN_QUATERNION_NORM {
        return Err("quaternion too short to have a direction");
    }
    Ok(Rotation {
        w: (w / norm) as f32,
        x: (x / norm) as f32,
        y: (y / norm) as f32,
        z: (z / norm) as f32,
    })
}

/// SPARTA's yaw, pitch and roll (the listener's orientation, x ahead, y left, z up,
/// right-handed, applied yaw then pitch then roll about the head's own axes): yaw > 0 turns
/// left, pitch > 0 tilts the face down, roll > 0 tilts towards the right shoulder.
fn sparta_rotation([yaw, pitch, roll]: [f32; 3]) -> Rotation {
    Rotation::from_ypr(YawPitchRoll {
        yaw_deg: -yaw,
        pitch_deg: -clamp_pitch(f64::from(pitch)),
        roll_deg: roll,
    })
}

/// The IEM SceneRotator's yaw, pitch and roll: the scene's rotation (x ahead, y left, z up;
/// yaw about z, then pitch about y, then roll about x, all about the fixed axes), which must
/// be the inverse of the head's. Its inverse is the head turned right by yaw, tilted up by
/// pitch and towards the left shoulder by roll, in that order about the head's own axes.
fn scene_rotator_rotation([yaw, pitch, roll]: [f32; 3]) -> Rotation {
    Rotation::from_ypr(YawPitchRoll {
        yaw_deg: yaw,
        pitch_deg: clamp_pitch(f64::from(pitch)),
        roll_deg: -roll,
    })
}

/// The IEM SceneRotator's quaternion (the scene's rotation, x ahead, y left, z up): the head
/// is its inverse; Tingle's x (right) is -y, its y (ahead) is x.
fn scene_rotator_quaternion([w, x, y, z]: [f64; 4]) -> Result<Rotation, &'static str> {
    // Inverse: (w, -x, -y, -z); then into Tingle's axes: (w, -(-y), -x, -z).
    unit(w, y, -x, -z)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ypr(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Rotation {
        Rotation::from_ypr(YawPitchRoll {
            yaw_deg,
            pitch_deg,
            roll_deg,
        })
    }

    /// Angles wrap and clamp into range; huge finite values stay finite.
    #[test]
    fn angles_wrap_and_clamp() {
        assert!((wrap_deg(190.0) + 170.0).abs() < 1e-4);
        assert!((wrap_deg(-190.0) - 170.0).abs() < 1e-4);
        assert!((wrap_deg(720.0 + 45.0) - 45.0).abs() < 1e-3);
        assert!(wrap_deg(1e30).is_finite() && wrap_deg(1e30).abs() <= HALF_TURN_DEG);
        assert_eq!(clamp_pitch(1e30), QUARTER_TURN_DEG);
        assert_eq!(clamp_pitch(-400.0), -QUARTER_TURN_DEG);
    }

    /// The SceneRotator's Euler angles and its quaternion agree: a scene turned by the same
    /// rotation both ways gives the same head.
    #[test]
    fn scene_rotator_euler_and_quaternion_agree() {
        // A scene yaw of 30 is a turn of +30 about the ambisonic z (up) axis.
        let (s, c) = (15f64.to_radians().sin(), 15f64.to_radians().cos());
        let from_q = scene_rotator_quaternion([c, 0.0, 0.0, s]).unwrap();
        let from_e = scene_rotator_rotation([30.0, 0.0, 0.0]);
        assert!(from_q.angle_to_deg(from_e) < 0.01);
        assert!(from_e.angle_to_deg(ypr(30.0, 0.0, 0.0)) < 0.01);
        // A scene pitch of 20 turns about the ambisonic y (left) axis.
        let (s, c) = (10f64.to_radians().sin(), 10f64.to_radians().cos());
        let from_q = scene_rotator_quaternion([c, 0.0, s, 0.0]).unwrap();
        assert!(from_q.angle_to_deg(scene_rotator_rotation([0.0, 20.0, 0.0])) < 0.01);
        // A scene roll of 20 turns about the ambisonic x (ahead) axis.
        let from_q = scene_rotator_quaternion([c, s, 0.0, 0.0]).unwrap();
        assert!(from_q.angle_to_deg(scene_rotator_rotation([0.0, 0.0, 20.0])) < 0.01);
    }

    /// Tingle's vector (x right, y ahead, z up) in the ambisonic frame (x ahead, y left, z up)
    /// and back.
    fn to_ambi(v: [f32; 3]) -> [f32; 3] {
        [v[1], -v[0], v[2]]
    }
    fn from_ambi(a: [f32; 3]) -> [f32; 3] {
        [-a[1], a[0], a[2]]
    }
    fn mul(m: [[f32; 3]; 3], v: [f32; 3]) -> [f32; 3] {
        [0, 1, 2].map(|r| m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2])
    }
    fn matmul(a: [[f32; 3]; 3], b: [[f32; 3]; 3]) -> [[f32; 3]; 3] {
        [0, 1, 2].map(|r| [0, 1, 2].map(|c| (0..3).map(|k| a[r][k] * b[k][c]).sum()))
    }
    fn close(a: [f32; 3], b: [f32; 3]) -> bool {
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-4)
    }
    const TURNS: [[f32; 3]; 5] = [
        [30.0, 0.0, 0.0],
        [0.0, 20.0, 0.0],
        [0.0, 0.0, 25.0],
        [-70.0, 35.0, -15.0],
        [120.0, -50.0, 60.0],
    ];
    const PROBES: [[f32; 3]; 3] = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.3, -0.5, 0.81]];

    /// The SceneRotator's matrix, written from its yaw-pitch-roll formula (the scene's
    /// rotation, ambisonic frame, a column vector turned as `R v`), moves a world source where
    /// the head we derive from the same angles hears it.
    #[test]
    fn scene_rotator_matches_its_matrix() {
        for [yaw, pitch, roll] in TURNS {
            let (sa, ca) = yaw.to_radians().sin_cos();
            let (sb, cb) = pitch.to_radians().sin_cos();
            let (sy, cy) = roll.to_radians().sin_cos();
            let m = [
                [ca * cb, -sa * cb, sb],
                [sa * cy + ca * sb * sy, ca * cy - sa * sb * sy, -cb * sy],
                [sa * sy - ca * sb * cy, ca * sy + sa * sb * cy, cb * cy],
            ];
            let head = scene_rotator_rotation([yaw, pitch, roll]);
            for v in PROBES {
                let heard = head.inverse().rotate(v);
                let scene = from_ambi(mul(m, to_ambi(v)));
                assert!(
                    close(heard, scene),
                    "{yaw} {pitch} {roll}: {heard:?} {scene:?}"
                );
            }
        }
    }

    /// SPARTA's (the Spatial Audio Framework's) matrix, written from its passive rotations
    /// `Rx(roll) Ry(pitch) Rz(yaw)` that take a world direction into the listener's frame,
    /// agrees with the head we derive from the same angles.
    #[test]
    fn sparta_matches_its_matrix() {
        for [yaw, pitch, roll] in TURNS {
            let (sa, ca) = yaw.to_radians().sin_cos();
            let (sb, cb) = pitch.to_radians().sin_cos();
            let (sg, cg) = roll.to_radians().sin_cos();
            let rz = [[ca, sa, 0.0], [-sa, ca, 0.0], [0.0, 0.0, 1.0]];
            let ry = [[cb, 0.0, -sb], [0.0, 1.0, 0.0], [sb, 0.0, cb]];
            let rx = [[1.0, 0.0, 0.0], [0.0, cg, sg], [0.0, -sg, cg]];
            let m = matmul(rx, matmul(ry, rz));
            let head = sparta_rotation([yaw, pitch, roll]);
            for v in PROBES {
                let heard = head.inverse().rotate(v);
                let listener = from_ambi(mul(m, to_ambi(v)));
                assert!(
                    close(heard, listener),
                    "{yaw} {pitch} {roll}: {heard:?} {listener:?}"
                );
            }
        }
    }

    /// Degenerate and non-finite quaternions are refused.
    #[test]
    fn degenerate_quaternions_are_refused() {
        assert!(unit(0.0, 0.0, 0.0, 0.0).is_err());
        assert!(unit(1e-5, 0.0, 0.0, 0.0).is_err());
        assert!(unit(2.0, 0.0, 0.0, 0.0).unwrap().is_identity());
    }
}
