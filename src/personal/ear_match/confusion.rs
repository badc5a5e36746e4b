//! How wrong one answer is: its angular error and whether it is a front-back or an up-down
//! confusion, by the rules of the localisation literature (Wightman & Kistler 1989,
//! Middlebrooks 1999).
//!
//! - **Front-back confusion**: the answer lies closer (great circle) to the target's mirror
//!   image about the frontal plane (the vertical plane through both ears) than to the target
//!   itself, i.e. on the other side of that plane. It is counted only for targets more than
//!   [`CONFUSION_MARGIN_DEG`] off the frontal plane: near the ears (azimuth ±90) and overhead
//!   front and back lie so close together that a small error would cross the plane.
//! - **Up-down confusion**: the same about the horizontal plane through both ears, counted
//!   only for targets more than [`CONFUSION_MARGIN_DEG`] above or below it.
//!
//! An answer can be both. The angular error counts either way: the rules only name the kind.

use super::sphere::Heading;

/// Targets closer than this (degrees) to a mirror plane count no confusion about that plane.
pub const CONFUSION_MARGIN_DEG: f32 = 15.0;

/// The judgement of one answer against its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// Great-circle angle between the target and the answer (degrees, 0 ..= 180).
    pub error_deg: f32,
    /// Whether the answer is a front-back confusion; `None` for a target within
    /// [`CONFUSION_MARGIN_DEG`] of the frontal plane (it counts none).
    pub front_back: Option<bool>,
    /// Whether the answer is an up-down confusion; `None` for a target within
    /// [`CONFUSION_MARGIN_DEG`] of the horizontal plane (it counts none).
    pub up_down: Option<bool>,
}

/// Judges `answer` (where the listener pointed) against `target` (where the tap played).
pub fn judge(target: Heading, answer: Heading) -> Judgement {
    let error_deg = target.angle_to(answer);
    let confused = |margin_deg: f32, mirror: Heading| {
        (margin_deg > CONFUSION_MARGIN_DEG).then(|| answer.angle_to(mirror) < error_deg)
    };
    Judgement {
        error_deg,
        front_back: confused(target.off_frontal_plane_deg(), target.mirrored_front_back()),
        up_down: confused(target.off_horizontal_plane_deg(), target.mirrored_up_down()),
    }
}
