//! nice-plug's `Enum` for the engine's enums, from tables of names and stable ids, so the
//! engine's types stay free of plugin-framework derives.

use crate::engine::bed::BedKind;
use crate::engine::layer::ScatterMode;
use crate::engine::motion::MotionMode;
use crate::engine::tempo::NoteValue;
use crate::head::Anchor;
use crate::room::RoomKind;
use crate::triggers::Family;
use nice_plug::prelude::*;

/// Names and stable ids of the motion modes, in parameter order.
const MOTION_MODES: [(MotionMode, &str, &str); 5] = [
    (MotionMode::Off, "Off", "off"),
    (MotionMode::Orbit, "Orbit", "orbit"),
    (MotionMode::EarToEar, "Ear to Ear", "ear2ear"),
    (MotionMode::FigureEight, "Figure Eight", "eight"),
    (MotionMode::Drift, "Drift", "drift"),
];

/// Names and stable ids of the note values, in parameter order (longest first).
const NOTE_VALUES: [(NoteValue, &str, &str); 17] = [
    (NoteValue::FourBars, "4 bars", "4bar"),
    (NoteValue::TwoBars, "2 bars", "2bar"),
    (NoteValue::OneBar, "1 bar", "1bar"),
    (NoteValue::Half, "1/2", "2"),
    (NoteValue::HalfDotted, "1/2.", "2d"),
    (NoteValue::HalfTriplet, "1/2T", "2t"),
    (NoteValue::Quarter, "1/4", "4"),
    (NoteValue::QuarterDotted, "1/4.", "4d"),
    (NoteValue::QuarterTriplet, "1/4T", "4t"),
    (NoteValue::Eighth, "1/8", "8"),
    (NoteValue::EighthDotted, "1/8.", "8d"),
    (NoteValue::EighthTriplet, "1/8T", "8t"),
    (NoteValue::Sixteenth, "1/16", "16"),
    (NoteValue::SixteenthDotted, "1/16.", "16d"),
    (NoteValue::SixteenthTriplet, "1/16T", "16t"),
    (NoteValue::ThirtySecond, "1/32", "32"),
    (NoteValue::SixtyFourth, "1/64", "64"),
];

/// Names and stable ids of the scatter modes.
const SCATTER_MODES: [(ScatterMode, &str, &str); 3] = [
    (ScatterMode::Off, "Off", "off"),
    (ScatterMode::Spread, "Spread", "spread"),
    (ScatterMode::EarToEar, "Ear to Ear", "ear2ear"),
];

/// Names and stable ids of the ambient beds.
const BED_KINDS: [(BedKind, &str, &str); 5] = [
    (BedKind::Off, "Off", "off"),
    (BedKind::Pink, "Pink", "pink"),
    (BedKind::Brown, "Brown", "brown"),
    (BedKind::Air, "Air", "air"),
    (BedKind::Rain, "Distant Rain", "rain"),
];

/// Names and stable ids of the rooms.
const ROOM_KINDS: [(RoomKind, &str, &str); 7] = [
    (RoomKind::Off, "Off", "off"),
    (RoomKind::CloseBooth, "Close booth", "booth"),
    (RoomKind::Bedroom, "Bedroom", "bedroom"),
    (RoomKind::LivingRoom, "Living room", "living"),
    (RoomKind::WoodenCabin, "Wooden cabin", "cabin"),
    (RoomKind::StoneHall, "Stone hall", "hall"),
    (RoomKind::Outdoors, "Outdoors", "outdoors"),
];

/// Names and stable ids of what a source stays with as the head turns.
const ANCHORS: [(Anchor, &str, &str); 2] = [
    (Anchor::World, "World", "world"),
    (Anchor::Head, "Head", "head"),
];

/// Picks column `$col` (1 = names, 2 = ids) of a `(variant, name, id)` table as a const array.
macro_rules! column {
    ($table:expr, $col:tt) => {{
        const COLUMN: [&str; $table.len()] = {
            let mut out = [""; $table.len()];
            let mut i = 0;
            while i < out.len() {
                out[i] = $table[i].$col;
                i += 1;
            }
            out
        };
        &COLUMN
    }};
}

/// Implements `Enum` for `$ty` from the slices of variants, names and ids.
macro_rules! table_enum {
    ($ty:ty, $all:expr, $names:expr, $ids:expr) => {
        impl Enum for $ty {
            fn variants() -> &'static [&'static str] {
                $names
            }

            fn ids() -> Option<&'static [&'static str]> {
                Some($ids)
            }

            fn to_index(self) -> usize {
                $all.iter().position(|v| *v == self).unwrap_or(0)
            }

            fn from_index(index: usize) -> Self {
                $all.get(index).copied().unwrap_or($all[0])
            }
        }
    };
}

/// The variant column of a table.
macro_rules! variants {
    ($table:expr, $ty:ty) => {{
        const VARIANTS: [$ty; $table.len()] = {
            let mut out = [$table[0].0; $table.len()];
            let mut i = 0;
            while i < out.len() {
                out[i] = $table[i].0;
                i += 1;
            }
            out
        };
        &VARIANTS
    }};
}

table_enum!(
    MotionMode,
    variants!(MOTION_MODES, MotionMode),
    column!(MOTION_MODES, 1),
    column!(MOTION_MODES, 2)
);
table_enum!(
    NoteValue,
    variants!(NOTE_VALUES, NoteValue),
    column!(NOTE_VALUES, 1),
    column!(NOTE_VALUES, 2)
);
table_enum!(
    ScatterMode,
    variants!(SCATTER_MODES, ScatterMode),
    column!(SCATTER_MODES, 1),
    column!(SCATTER_MODES, 2)
);
table_enum!(
    BedKind,
    variants!(BED_KINDS, BedKind),
    column!(BED_KINDS, 1),
    column!(BED_KINDS, 2)
);
table_enum!(
    RoomKind,
    variants!(ROOM_KINDS, RoomKind),
    column!(ROOM_KINDS, 1),
    column!(ROOM_KINDS, 2)
);
table_enum!(
    Anchor,
    variants!(ANCHORS, Anchor),
    column!(ANCHORS, 1),
    column!(ANCHORS, 2)
);
table_enum!(Family, Family::ALL, Family::NAMES, Family::IDS);
