//! Image sources of a shoebox room (Allen & Berkley 1979): every wall mirrors the source, and
//! each mirror image is heard as a reflection from its own direction, after the extra path the
//! sound travelled, weakened by the walls it touched and by the longer way.
//!
//! Along each axis the source at `s` in a room of length `L` has images at `-s` and `2L - s`
//! (one reflection, off the wall at 0 or at `L`) and at `s + 2L` and `s - 2L` (two, off both).
//! Combining the axes gives the 6 reflections of first order and the 18 of second order.
//! Outdoors only the ground (the floor) reflects.
//!
//! A source placed beyond the walls (further away than the room allows in its direction) is
//! heard from where it meets the wall, the extra way added to every path: its reflections
//! come late and weak, as sound from outside does.

use super::design::{RoomDesign, SPEED_OF_SOUND_M_S};
use crate::binaural::Position;

/// Most reflections a source has (first and second order).
pub const MAX_REFLECTIONS: usize = 24;
/// Nearest a source comes to a wall (m).
const WALL_MARGIN_M: f32 = 0.05;

/// One reflection of a source, heard at the listener.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reflection {
    /// How many surfaces it touched (1 or 2).
    pub order: u8,
    /// Length of its path from the source to the centre of the head (m).
    pub path_m: f32,
    /// Its delay after the direct sound (s, >= 0).
    pub delay_s: f32,
    /// Where it comes from, relative to the head: azimuth (degrees, 0 = front, positive to
    /// the right, -180 ..= 180).
    pub azimuth_deg: f32,
    /// Elevation (degrees, positive up, -90 ..= 90).
    pub elevation_deg: f32,
    /// The same direction as a unit vector (x right, y ahead, z up).
    pub unit: [f32; 3],
}

/// Per axis, the images' coordinates (as functions of the source's `s` and the room's `l`) and
/// how many reflections each took.
const AXIS_IMAGES: [(f32, f32, u8); 5] = [
    // (sign of s, multiple of l, reflections): coordinate = sign * s + multiple * l.
    (1.0, 0.0, 0),
    (-1.0, 0.0, 1),
    (-1.0, 2.0, 1),
    (1.0, 2.0, 2),
    (1.0, -2.0, 2),
];

/// The share (0 ..= 1) of the way from the listener to a source at `source` that lies inside
/// `design`'s room: 1 for a source inside, less for one beyond the walls (heard from where it
/// meets them).
pub fn reach(design: &RoomDesign, source: Position) -> f32 {
    let v = source.to_vector();
    let mut reach = 1.0f32;
    for (axis, &along) in v.iter().enumerate() {
        if design.ground_only && axis != 2 {
            continue;
        }
        let here = design.listener_m[axis];
        let lowest = WALL_MARGIN_M;
        let highest = design.dimensions_m[axis] - WALL_MARGIN_M;
        let to = here + along;
        if to < lowest {
            reach = reach.min((here - lowest) / (here - to));
        } else if to > highest && !design.ground_only {
            reach = reach.min((highest - here) / (to - here));
        }
    }
    reach
}

/// Writes the reflections of a source at `source` (relative to the head) in `design`'s room
/// into `out` and returns how many there are (first order first). Does not allocate.
pub fn reflections(
    design: &RoomDesign,
    source: Position,
    out: &mut [Reflection; MAX_REFLECTIONS],
) -> usize {
    let v = source.to_vector();
    let direct_m = source.distance_m.max(f32::MIN_POSITIVE);
    let reach = reach(design, source);
    let s: [f32; 3] = std::array::from_fn(|a| design.listener_m[a] + reach * v[a]);
    let beyond_m = direct_m * (1.0 - reach);
    let mut count = 0;
    let mut add = |image: [f32; 3], order: u8| {
        let d: [f32; 3] = std::array::from_fn(|a| image[a] - design.listener_m[a]);
        let image_m = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        let path_m = image_m + beyond_m;
        let Position {
            azimuth_deg,
            elevation_deg,
            ..
        } = Position::from_vector(d, image_m);
        let unit = d.map(|c| c / image_m.max(f32::MIN_POSITIVE));
        out[count] = Reflection {
            order,
            path_m,
            delay_s: ((path_m - direct_m) / SPEED_OF_SOUND_M_S).max(0.0),
            azimuth_deg,
            elevation_deg,
            unit,
        };
        count += 1;
    };
    let [w, l, h] = design.dimensions_m;
    if design.ground_only {
        add([s[0], s[1], -s[2]], 1);
        return count;
    }
    for order in 1..=2u8 {
        for &(sx, mx, nx) in &AXIS_IMAGES {
            for &(sy, my, ny) in &AXIS_IMAGES {
                for &(sz, mz, nz) in &AXIS_IMAGES {
                    if nx + ny + nz == order {
                        add(
                            [sx * s[0] + mx * w, sy * s[1] + my * l, sz * s[2] + mz * h],
                            order,
                        );
                    }
                }
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::design::{RoomKind, RoomSettings};

    fn living_room() -> RoomDesign {
        RoomDesign::new(&RoomSettings {
            kind: RoomKind::LivingRoom,
            ..RoomSettings::default()
        })
        .expect("a room")
    }

    #[test]
    fn a_shoebox_has_6_first_and_18_second_order_reflections() {
        let mut out = [Reflection::default(); MAX_REFLECTIONS];
        let n = reflections(&living_room(), Position::default(), &mut out);
        assert_eq!(n, MAX_REFLECTIONS);
        assert_eq!(out.iter().filter(|r| r.order == 1).count(), 6);
        assert_eq!(out.iter().filter(|r| r.order == 2).count(), 18);
        assert!(out.iter().all(|r| r.delay_s > 0.0 && r.path_m > 1.0));
    }

    /// The floor's reflection of a source 1 m ahead at ear height comes from below, after the
    /// extra path of a mirror 2 h below.
    #[test]
    fn the_floor_reflection_comes_from_below() {
        let design = living_room();
        let h = design.listener_m[2];
        let mut out = [Reflection::default(); MAX_REFLECTIONS];
        reflections(&design, Position::default(), &mut out);
        let floor = out
            .iter()
            .find(|r| r.order == 1 && r.elevation_deg < -45.0)
            .expect("a floor reflection");
        let path = (1.0f32 + 4.0 * h * h).sqrt();
        assert!((floor.path_m - path).abs() < 1e-4);
        assert!((floor.elevation_deg + (2.0 * h).atan2(1.0).to_degrees()).abs() < 0.01);
        assert!(floor.azimuth_deg.abs() < 0.01);
    }

    /// A source beyond the wall is heard from the wall, its reflections later by the way.
    #[test]
    fn a_source_outside_adds_its_way_to_every_path() {
        let design = living_room();
        let far = Position {
            distance_m: 10.0,
            ..Position::default()
        };
        let mut out = [Reflection::default(); MAX_REFLECTIONS];
        reflections(&design, far, &mut out);
        assert!(out.iter().all(|r| r.path_m >= 10.0 - 1e-3));
    }
}
