//! The rooms: each preset's shoebox and its reverberation times, and what Room Size and
//! Damping make of them.
//!
//! A preset is designed by its dimensions and its reverberation time (T60) in seven octave
//! bands, from measured rooms of its kind (small furnished rooms about 0.3-0.6 s, a treated
//! booth about 0.12 s, a stone hall over 2 s). Everything else follows from those with the
//! textbook formulas, so the early reflections and the late tail tell the same story:
//!
//! - the walls' absorption per band by Eyring's formula turned round,
//!   `alpha = 1 - exp(-0.161 V / (S T60))`, which sets each reflection's loss;
//! - the reverberant level by Sabine's diffuse-field theory: at the critical distance
//!   `r_c = 0.057 sqrt(V / T60)` the reverberant energy equals the direct sound's, so the
//!   direct-to-reverberant ratio falls 6 dB per doubling of distance as in a real room.
//!
//! Room Size scales the dimensions; at the same absorption the reverberation time scales with
//! them (`T60 ~ V / S`). Damping changes how much the room absorbs above 1 kHz (soft
//! furnishings against bare walls): 50 % is the preset as designed, 100 % shortens the time
//! by 30 % at 2 kHz, 40 % at 4 kHz and 50 % at 8 kHz, 0 % lengthens it as much (never past
//! 1.2 times the mid-band time).

use crate::dsp::octave::BANDS;
use crate::ranges;

/// Index of the 1 kHz band, the one levels are calibrated in.
pub const MID_BAND: usize = 3;
/// Speed of sound (m/s, 20 °C).
pub const SPEED_OF_SOUND_M_S: f32 = 343.0;
/// Sabine's constant (s/m): `T60 = 0.161 V / A`.
const SABINE_S_PER_M: f32 = 0.161;
/// How strongly Damping acts per band (the exponent's weight: 0 leaves the band alone).
const DAMPING_WEIGHT: [f32; BANDS] = [0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0];
/// Longest reverberation time of a band above 1 kHz at low damping, as a multiple of the
/// mid band's (rooms are never brighter than that).
const MAX_BRIGHTNESS: f32 = 1.2;
/// Height of the listener's ears above the floor (m): seated or reclining.
const EAR_HEIGHT_M: f32 = 1.1;
/// Smallest gap between the ears and the ceiling (m) in a small room.
const CEILING_GAP_M: f32 = 0.4;
/// The listener's place across the room's width and along its length (fractions): off
/// centre, so that no two walls answer at the same time.
const LISTENER_FRACTION: [f32; 2] = [0.43, 0.38];

/// The room presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum RoomKind {
    /// No room: the placed sound only (anechoic).
    #[default]
    Off,
    /// A small treated vocal booth: close, dry, just enough walls to be outside the head.
    CloseBooth,
    /// A furnished bedroom: soft, short.
    Bedroom,
    /// A living room: sofa, rug, some glass.
    LivingRoom,
    /// A wooden cabin: warm, a little longer, the wood ringing in the low mids.
    WoodenCabin,
    /// A stone hall: long, bright, far walls.
    StoneHall,
    /// Outdoors: only the ground answers.
    Outdoors,
}

impl RoomKind {
    /// Every kind, in the order the parameter lists them.
    pub const ALL: [RoomKind; 7] = [
        RoomKind::Off,
        RoomKind::CloseBooth,
        RoomKind::Bedroom,
        RoomKind::LivingRoom,
        RoomKind::WoodenCabin,
        RoomKind::StoneHall,
        RoomKind::Outdoors,
    ];

    /// The preset's design, `None` for [`RoomKind::Off`].
    fn preset(self) -> Option<&'static Preset> {
        let index = match self {
            RoomKind::Off => return None,
            RoomKind::CloseBooth => 0,
            RoomKind::Bedroom => 1,
            RoomKind::LivingRoom => 2,
            RoomKind::WoodenCabin => 3,
            RoomKind::StoneHall => 4,
            RoomKind::Outdoors => 5,
        };
        Some(&PRESETS[index])
    }
}

/// The room every layer and the input can send into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoomSettings {
    /// Which room ([`RoomKind::Off`] by default).
    pub kind: RoomKind,
    /// Room Size: scales the preset's dimensions, 0.5 ..= 1.5 (1 = as designed).
    pub size: f32,
    /// Damping: absorption above 1 kHz, 0 ..= 1 (0.5 = as designed).
    pub damping: f32,
    /// Room Level: the room's sound (reflections and tail) against its physical level, in
    /// dB, -24 ..= +6.
    pub level_db: f32,
}

impl Default for RoomSettings {
    fn default() -> Self {
        Self {
            kind: RoomKind::Off,
            size: ranges::ROOM_SIZE.default,
            damping: ranges::ROOM_DAMPING.default,
            level_db: ranges::ROOM_LEVEL_DB.default,
        }
    }
}

/// One preset as designed.
#[derive(Debug, Clone, Copy)]
struct Preset {
    /// Width (x, left to right), length (y, back to front) and height (z) in metres.
    dimensions_m: [f32; 3],
    /// Reverberation time per band (s) at Room Size 1 and Damping 0.5.
    t60_s: [f32; BANDS],
    /// Whether only the ground reflects (no walls, no ceiling, no late tail).
    ground_only: bool,
    /// Shortest delay line of the late tail's network (ms); the others spread up to about
    /// twice it.
    late_line_ms: f32,
}

/// The presets, in [`RoomKind::ALL`] order after Off.
const PRESETS: [Preset; 6] = [
    // Close booth: 1.8 x 1.5 x 2.2 m, foam on every wall.
    Preset {
        dimensions_m: [1.5, 1.8, 2.2],
        t60_s: [0.20, 0.15, 0.135, 0.12, 0.11, 0.10, 0.09],
        ground_only: false,
        late_line_ms: 3.5,
    },
    // Bedroom: 3.5 x 4 x 2.5 m, bed, curtains, carpet.
    Preset {
        dimensions_m: [3.5, 4.0, 2.5],
        t60_s: [0.55, 0.46, 0.40, 0.38, 0.36, 0.33, 0.28],
        ground_only: false,
        late_line_ms: 11.0,
    },
    // Living room: 4.5 x 6 x 2.6 m, sofa, rug, a window.
    Preset {
        dimensions_m: [4.5, 6.0, 2.6],
        t60_s: [0.75, 0.62, 0.55, 0.50, 0.48, 0.44, 0.38],
        ground_only: false,
        late_line_ms: 14.0,
    },
    // Wooden cabin: 4 x 5 x 2.8 m, log walls and a wooden floor.
    Preset {
        dimensions_m: [4.0, 5.0, 2.8],
        t60_s: [0.85, 0.80, 0.72, 0.65, 0.60, 0.54, 0.45],
        ground_only: false,
        late_line_ms: 13.0,
    },
    // Stone hall: 12 x 18 x 8 m, stone and plaster.
    Preset {
        dimensions_m: [12.0, 18.0, 8.0],
        t60_s: [2.8, 2.6, 2.4, 2.2, 1.9, 1.6, 1.2],
        ground_only: false,
        late_line_ms: 31.0,
    },
    // Outdoors: grass under the listener, nothing else. The "times" set the ground's
    // absorption through the same formula (for a notional 10 m box), rising with frequency.
    Preset {
        dimensions_m: [10.0, 10.0, 10.0],
        t60_s: [1.6, 1.3, 0.9, 0.7, 0.55, 0.45, 0.4],
        ground_only: true,
        late_line_ms: 10.0,
    },
];

/// A room as it sounds at given settings: its shoebox, where the listener sits in it, its
/// reverberation times and what its surfaces absorb.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoomDesign {
    /// Which preset.
    pub kind: RoomKind,
    /// Width (x, to the listener's right), length (y, ahead) and height (z, up) in metres.
    pub dimensions_m: [f32; 3],
    /// The centre of the listener's head in room coordinates (m), facing +y.
    pub listener_m: [f32; 3],
    /// Reverberation time per band of [`crate::dsp::octave::CENTRES_HZ`] (s); all zero outdoors.
    pub t60_s: [f32; BANDS],
    /// Amplitude of one reflection per band (`sqrt(1 - alpha)`), air included.
    pub reflection_gain: [f32; BANDS],
    /// Whether only the ground reflects.
    pub ground_only: bool,
    /// Shortest delay line of the late tail (s).
    pub late_line_s: f32,
}

impl RoomDesign {
    /// The design of `settings`' room, `None` when it is off.
    pub fn new(settings: &RoomSettings) -> Option<Self> {
        let preset = settings.kind.preset()?;
        let size = settings
            .size
            .clamp(ranges::ROOM_SIZE.min, ranges::ROOM_SIZE.max);
        let damping = settings
            .damping
            .clamp(ranges::ROOM_DAMPING.min, ranges::ROOM_DAMPING.max);
        let dimensions_m = preset.dimensions_m.map(|d| d * size);
        let [w, l, h] = dimensions_m;
        let listener_m = [
            w * LISTENER_FRACTION[0],
            l * LISTENER_FRACTION[1],
            EAR_HEIGHT_M.min(h - CEILING_GAP_M),
        ];
        let mid = preset.t60_s[MID_BAND] * size;
        let t60_s: [f32; BANDS] = std::array::from_fn(|b| {
            let designed = preset.t60_s[b] * size;
            let damped = designed * 2f32.powf((0.5 - damping) * 2.0 * DAMPING_WEIGHT[b]);
            if damped > designed {
                damped.min((MAX_BRIGHTNESS * mid).max(designed))
            } else {
                damped
            }
        });
        let volume = w * l * h;
        let surface = 2.0 * (w * l + w * h + l * h);
        // Eyring turned round: the mean absorption that gives each band's time.
        let reflection_gain = t60_s.map(|t| (-SABINE_S_PER_M * volume / (surface * t) / 2.0).exp());
        Some(Self {
            kind: settings.kind,
            dimensions_m,
            listener_m,
            t60_s: if preset.ground_only {
                [0.0; BANDS]
            } else {
                t60_s
            },
            reflection_gain,
            ground_only: preset.ground_only,
            late_line_s: preset.late_line_ms * 1e-3,
        })
    }

    /// Volume (m³).
    pub fn volume_m3(&self) -> f32 {
        self.dimensions_m.iter().product()
    }

    /// The critical distance (m) in the 1 kHz band: where the reverberant sound is as loud as
    /// the direct sound (Sabine: `0.057 sqrt(V / T60)`); `None` outdoors.
    pub fn critical_distance_m(&self) -> Option<f32> {
        let t = self.t60_s[MID_BAND];
        (t > 0.0)
            .then(|| (SABINE_S_PER_M * self.volume_m3() / (16.0 * std::f32::consts::PI * t)).sqrt())
    }
}

/// The longest shortest-line of any room's late tail (s), for sizing its lines.
pub fn longest_late_line_s() -> f32 {
    PRESETS
        .iter()
        .map(|p| p.late_line_ms * 1e-3)
        .fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(kind: RoomKind, size: f32, damping: f32) -> RoomDesign {
        RoomDesign::new(&RoomSettings {
            kind,
            size,
            damping,
            level_db: 0.0,
        })
        .expect("a room")
    }

    #[test]
    fn size_scales_the_time_and_damping_darkens_the_top() {
        let base = design(RoomKind::LivingRoom, 1.0, 0.5);
        let big = design(RoomKind::LivingRoom, 1.5, 0.5);
        for b in 0..BANDS {
            assert!((big.t60_s[b] / base.t60_s[b] - 1.5).abs() < 1e-4);
        }
        let damped = design(RoomKind::LivingRoom, 1.0, 1.0);
        assert_eq!(damped.t60_s[..MID_BAND], base.t60_s[..MID_BAND]);
        assert!((damped.t60_s[6] / base.t60_s[6] - 0.5).abs() < 1e-3);
        let bright = design(RoomKind::LivingRoom, 1.0, 0.0);
        for b in MID_BAND + 1..BANDS {
            assert!(bright.t60_s[b] <= MAX_BRIGHTNESS * base.t60_s[MID_BAND] + 1e-4);
            assert!(bright.t60_s[b] >= base.t60_s[b]);
        }
    }

    /// The walls' absorption follows from Eyring: a living room's walls reflect most of the
    /// sound (alpha about 0.2), a booth's little, a hall's nearly all.
    #[test]
    fn absorption_is_plausible() {
        let alpha = |kind| 1.0 - design(kind, 1.0, 0.5).reflection_gain[MID_BAND].powi(2);
        let (booth, living, hall) = (
            alpha(RoomKind::CloseBooth),
            alpha(RoomKind::LivingRoom),
            alpha(RoomKind::StoneHall),
        );
        assert!(booth > 0.25 && booth < 0.5, "booth {booth}");
        assert!(living > 0.15 && living < 0.35, "living room {living}");
        assert!(hall > 0.05 && hall < 0.2, "hall {hall}");
        let living_rc = design(RoomKind::LivingRoom, 1.0, 0.5)
            .critical_distance_m()
            .unwrap();
        assert!(
            living_rc > 0.5 && living_rc < 0.8,
            "critical distance {living_rc}"
        );
        assert!(RoomDesign::new(&RoomSettings::default()).is_none());
    }
}
