//! A source's way into the room: each placed source (a layer's bus, a trigger placed on its
//! own, the input) has an [`Emitter`] that writes the source's reflections into the shared
//! early field and its sound into the late tail's send.
//!
//! Per control period ([`PERIOD`] samples at the room's rate) the emitter asks where its source
//! is. When the source has moved by more than [`MOVE_M`] (or the room or the send changed), it
//! works out the reflections again (image sources, each one's delay to the sample and the
//! nearest of the field's directions) and crossfades from the old set of reflections to the
//! new one over a period, so a moving source's reflections glide rather than jump; when the
//! room's size or damping moved, over [`super::DESIGN_FADE_S`]; after the room was emptied
//! (another preset), its reflections and its send to the tail fade in over
//! [`super::REFILL_FADE_S`]. The walls' absorption is a one-pole shelf per
//! order (one wall, two walls) fitted to the room's absorption at 250 Hz and 4 kHz, with the
//! air's absorption over the order's typical path.

use super::geometry::{MAX_REFLECTIONS, Reflection, reach, reflections};
use super::{RoomFeed, Scene};
use crate::binaural::Position;
use crate::binaural::distance::source_gain;
use crate::dsp::halfband::{self, Halver};
use crate::head::Rotation;

/// Samples (at the room's rate) between the emitter's looks at its source.
pub const PERIOD: usize = 64;
/// How far (m) a source moves before its reflections are worked out again.
const MOVE_M: f32 = 0.02;
/// Relative change of the send that has the reflections' gains worked out again.
const SEND_STEP: f32 = 0.01;
/// How far (degrees) the head turns before the reflections' directions are worked out again
/// (well under the spacing of the early field's directions).
const TURN_DEG: f32 = 1.0;

/// One reflection as the emitter writes it.
#[derive(Debug, Clone, Copy, Default)]
struct Tap {
    /// The early field's direction (and line) nearest to where it comes from.
    direction: usize,
    /// Its delay after the direct sound (samples at the room's rate).
    delay: usize,
    /// Broadband gain (the distance and the send).
    gain: f32,
    /// 1 or 2 surfaces: which of the wall-filtered signals it carries.
    order: u8,
}

/// A set of reflections and the tail's send that go with one position.
#[derive(Debug, Clone, Copy)]
struct TapSet {
    taps: [Tap; MAX_REFLECTIONS],
    count: usize,
    /// Gain of the source into the late tail.
    late: f32,
}

impl Default for TapSet {
    fn default() -> Self {
        Self {
            taps: [Tap::default(); MAX_REFLECTIONS],
            count: 0,
            late: 0.0,
        }
    }
}

/// What the reflections were last worked out for.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Basis {
    /// Where the source was in the room (m, x right, y ahead, z up).
    at: [f32; 3],
    /// How the head was turned.
    head: Rotation,
    send: f32,
    /// The room's design generation.
    generation: u32,
    /// How often the room had been emptied.
    emptied: u32,
}

/// One source's way into the room. Allocates only in [`Emitter::new`].
#[derive(Debug, Clone)]
pub struct Emitter {
    /// Halving stages from the session's rate down to the room's (none at 50 kHz and below).
    halvers: Vec<Halver>,
    /// Per order, the wall shelf's one-pole state.
    walls: [f32; 2],
    /// Per order, the wall shelf's gains (low, high) as last used: they glide to the room's
    /// over each chunk, so a change of size or damping never steps them.
    shelves: [(f32, f32); 2],
    /// The set faded out (index `1 - current`) and the set faded in.
    sets: [TapSet; 2],
    current: usize,
    /// Samples left in the crossfade from the old set to the current one.
    fade_left: usize,
    /// Length of that crossfade (samples).
    fade_len: usize,
    /// Samples into the current control period.
    phase: usize,
    basis: Option<Basis>,
    /// Whether the source sounded while the room was off (its reflections then fade in when a
    /// room comes on, rather than starting on a sound already playing).
    sounded_dry: bool,
}

impl Emitter {
    /// An emitter for a session whose rate is `factor` (1, 2, 4) times the room's. Allocates.
    pub fn new(factor: usize) -> Self {
        let coefficients = halfband::design(halfband::TRANSITION);
        Self {
            halvers: (0..factor.trailing_zeros())
                .map(|_| Halver::new(coefficients))
                .collect(),
            walls: [0.0; 2],
            shelves: [(1.0, 1.0); 2],
            sets: [TapSet::default(); 2],
            current: 0,
            fade_left: 0,
            fade_len: PERIOD,
            phase: 0,
            basis: None,
            sounded_dry: false,
        }
    }

    /// Starts afresh: the next sound starts its reflections where its source is then, with no
    /// crossfade from before.
    pub fn reset(&mut self) {
        self.halvers.iter_mut().for_each(Halver::reset);
        self.walls = [0.0; 2];
        self.sets = [TapSet::default(); 2];
        self.fade_left = 0;
        self.fade_len = PERIOD;
        self.sounded_dry = false;
        self.phase = 0;
        self.basis = None;
    }

    /// Sends `mono` (session-rate samples starting `start` samples into the block) into the
    /// room at `send` (0 ..= 1): its reflections into the early field, its sound into the
    /// tail. `position_at(offset)` gives the source's position in the room and the head's
    /// orientation `offset` session samples after `mono`'s first (the reflections come from where
    /// the room puts them, heard from where the head faces). Does nothing while the room is
    /// off.
    pub fn feed(
        &mut self,
        feed: &mut RoomFeed,
        start: usize,
        mono: &[f32],
        send: f32,
        mut position_at: impl FnMut(usize) -> (Position, Rotation),
    ) {
        if feed.scene.design.is_none() {
            // Whatever was under way is over: the next room starts from nothing.
            self.basis = None;
            self.fade_left = 0;
            self.sounded_dry = true;
            return;
        }
        let factor = 1usize << self.halvers.len();
        let low_offset = feed.low_offset(start);
        let RoomFeed {
            scene,
            early,
            late_in,
            scratch,
            block_len,
            written,
            ..
        } = feed;
        let [low, first, second] = scratch;
        // The room-rate signal.
        let mut n = mono.len();
        if self.halvers.is_empty() {
            low[..n].copy_from_slice(mono);
        } else {
            for (s, halver) in self.halvers.iter_mut().enumerate() {
                n = if s == 0 {
                    halver.process(mono, &mut first[..])
                } else {
                    halver.process(&low[..n], &mut first[..])
                };
                low[..n].copy_from_slice(&first[..n]);
            }
        }
        let n = n.min(block_len.saturating_sub(low_offset));
        let mut done = 0;
        // A new sound takes the room's shelves at once.
        let mut fresh_shelves = self.basis.is_none();
        while done < n {
            if self.phase == 0 {
                let (position, head) = position_at((done * factor).min(mono.len() - 1));
                let at = position.to_vector();
                if let Some(fade) = self.fade_for(scene, at, head, send) {
                    self.current = 1 - self.current;
                    self.sets[self.current] = tap_set(scene, position, head, send);
                    let emptied = self.basis.is_none_or(|b| b.emptied != scene.emptied);
                    if emptied {
                        // Nothing to fade from: a new sound, or a room emptied (which then
                        // fades its reflections in).
                        self.sets[1 - self.current] = TapSet::default();
                    }
                    self.fade_left = fade;
                    self.fade_len = fade.max(1);
                    self.sounded_dry = false;
                    self.basis = Some(Basis {
                        at,
                        head,
                        send,
                        generation: scene.generation,
                        emptied: scene.emptied,
                    });
                }
            }
            let mut chunk = (n - done).min(PERIOD - self.phase);
            if self.fade_left > 0 {
                chunk = chunk.min(self.fade_left);
            } else {
                // Nothing under way: the chunk runs on over every following period whose look
                // would find nothing changed (a still source: the whole block at once).
                while done + chunk < n {
                    let (position, head) =
                        position_at(((done + chunk) * factor).min(mono.len() - 1));
                    if self
                        .fade_for(scene, position.to_vector(), head, send)
                        .is_some()
                    {
                        break;
                    }
                    chunk = (chunk + PERIOD).min(n - done);
                }
            }
            let x = &low[done..done + chunk];
            // The wall-filtered signals of order 1 and 2.
            let k = scene.shelf_k;
            // The shelves' gains glide from the last chunk's to the room's over this chunk.
            let to = scene.shelves;
            let from = if fresh_shelves { to } else { self.shelves };
            let [mut w1, mut w2] = self.walls;
            if from == to {
                // Steady shelves (the usual case): the states stay in registers.
                let [(low1, high1), (low2, high2)] = to;
                for ((&v, y1), y2) in x.iter().zip(first.iter_mut()).zip(second.iter_mut()) {
                    w1 += k * (v - w1);
                    *y1 = high1 * v + (low1 - high1) * w1;
                    w2 += k * (*y1 - w2);
                    *y2 = high2 * *y1 + (low2 - high2) * w2;
                }
            } else {
                let slope = |a: f32, b: f32| (b - a) / chunk as f32;
                let [(l1, h1), (l2, h2)] = from;
                let [(dl1, dh1), (dl2, dh2)] = [
                    (slope(l1, to[0].0), slope(h1, to[0].1)),
                    (slope(l2, to[1].0), slope(h2, to[1].1)),
                ];
                for (i, ((&v, y1), y2)) in x
                    .iter()
                    .zip(first.iter_mut())
                    .zip(second.iter_mut())
                    .enumerate()
                {
                    let t = (i + 1) as f32;
                    let (low1, high1) = (l1 + t * dl1, h1 + t * dh1);
                    let (low2, high2) = (l2 + t * dl2, h2 + t * dh2);
                    w1 += k * (v - w1);
                    *y1 = high1 * v + (low1 - high1) * w1;
                    w2 += k * (*y1 - w2);
                    *y2 = high2 * *y1 + (low2 - high2) * w2;
                }
            }
            self.walls = [w1, w2];
            self.shelves = to;
            fresh_shelves = false;
            let at = low_offset + done;
            let ramps = if self.fade_left > 0 {
                // The new set's weight follows a raised cosine over the crossfade, straight
                // within each chunk (at most a control period), so a long crossfade starts and
                // ends without a kink.
                let len = self.fade_len as f32;
                let done_before = (self.fade_len - self.fade_left) as f32;
                let from = raised_cosine((done_before + 1.0) / len);
                let to = raised_cosine((done_before + chunk as f32) / len);
                let slope = if chunk > 1 {
                    (to - from) / (chunk - 1) as f32
                } else {
                    0.0
                };
                [(1.0 - from, -slope), (from, slope)]
            } else {
                [(0.0, 0.0), (1.0, 0.0)]
            };
            for (which, ramp) in [(1 - self.current, ramps[0]), (self.current, ramps[1])] {
                if ramp == (0.0, 0.0) {
                    continue;
                }
                let set = &self.sets[which];
                for tap in &set.taps[..set.count] {
                    let signal = if tap.order == 1 {
                        &first[..chunk]
                    } else {
                        &second[..chunk]
                    };
                    early.write(tap.direction, at + tap.delay, signal, tap.gain, ramp);
                }
                let (r0, dr) = ramp;
                for (k, (o, &v)) in late_in[at..at + chunk].iter_mut().zip(x).enumerate() {
                    *o += set.late * (r0 + dr * k as f32) * v;
                }
            }
            *written = true;
            self.phase = (self.phase + chunk) % PERIOD;
            self.fade_left = self.fade_left.saturating_sub(chunk);
            done += chunk;
        }
    }
}

impl Emitter {
    /// What changed since the reflections were worked out (the source now at `at` in the
    /// room, the head turned by `head`, the send `send`), and so how long the crossfade to new
    /// ones takes: none while one is under way, unless the room was emptied (the reflections
    /// of the room before must not go on).
    fn fade_for(&self, scene: &Scene, at: [f32; 3], head: Rotation, send: f32) -> Option<usize> {
        match self.basis {
            Some(b) if b.emptied != scene.emptied => Some(scene.switch_fade),
            _ if self.fade_left > 0 => None,
            None if self.sounded_dry => Some(scene.switch_fade),
            None => Some(0),
            Some(b) if b.generation != scene.generation => Some(scene.design_fade),
            Some(b)
                if distance(b.at, at) > MOVE_M
                    || b.head.angle_to_deg(head) > TURN_DEG
                    || (b.send - send).abs() > SEND_STEP * b.send.max(SEND_STEP) =>
            {
                Some(PERIOD)
            }
            Some(_) => None,
        }
    }
}

/// A raised cosine rising from 0 at `x = 0` to 1 at `x = 1`.
fn raised_cosine(x: f32) -> f32 {
    0.5 - 0.5 * (std::f32::consts::PI * x.clamp(0.0, 1.0)).cos()
}

/// Distance (m) between two points.
fn distance(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The reflections of a source at `position` in `scene`'s room at `send`, as taps, heard by a
/// head turned by `head`.
fn tap_set(scene: &Scene, position: Position, head: Rotation, send: f32) -> TapSet {
    let Some(design) = &scene.design else {
        return TapSet::default();
    };
    let mut found = [Reflection::default(); MAX_REFLECTIONS];
    let count = reflections(design, position, &mut found);
    let distance_m = position.distance_m;
    // The source's power: what makes its direct sound `source_gain` at its distance.
    let power = send * source_gain(distance_m) * distance_m.max(f32::MIN_POSITIVE);
    let turned = head.inverse();
    let mut set = TapSet {
        // A source beyond the walls fills the room with what reaches them.
        late: power * reach(design, position),
        ..TapSet::default()
    };
    // Reflections later than the early window belong to the late tail.
    let early = found[..count]
        .iter()
        .filter(|r| r.delay_s <= super::EARLY_WINDOW_S);
    for (tap, r) in set.taps.iter_mut().zip(early) {
        set.count += 1;
        *tap = Tap {
            direction: scene.nearest_direction(if head.is_identity() {
                r.unit
            } else {
                turned.rotate(r.unit)
            }),
            delay: ((r.delay_s * scene.rate).round() as usize).min(scene.max_delay),
            gain: power / r.path_m,
            order: r.order,
        };
    }
    set
}
