//! The head's orientation as a unit quaternion in Tingle's frame (x to the right, y ahead,
//! z up, as [`Position::to_vector`] gives), and the yaw, pitch and roll a user sets.
//!
//! A rotation `R` maps the head's own frame into the world's: a world-locked source at world
//! vector `v` is heard at `R⁻¹ v`. Yaw, pitch and roll apply in that order about the head's own
//! axes (intrinsic z, x', y''): yaw turns the face to the right, pitch tilts it up, roll tilts
//! the head towards the right shoulder, all in degrees.

use crate::binaural::Position;

/// A rotation: a unit quaternion `w + xi + yj + zk`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rotation {
    /// Scalar part: cos(angle / 2).
    pub w: f32,
    /// Vector part along x (to the right).
    pub x: f32,
    /// Vector part along y (ahead).
    pub y: f32,
    /// Vector part along z (up).
    pub z: f32,
}

impl Default for Rotation {
    fn default() -> Self {
        Self::IDENTITY
    }
}

/// Yaw, pitch and roll in degrees (see the module's conventions).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YawPitchRoll {
    /// Turn of the face to the right (degrees, -180 ..= 180).
    pub yaw_deg: f32,
    /// Tilt of the face upwards (degrees, -90 ..= 90).
    pub pitch_deg: f32,
    /// Tilt of the head towards the right shoulder (degrees, -180 ..= 180; -90 ..= 90 as a
    /// parameter).
    pub roll_deg: f32,
}

impl Rotation {
    /// No rotation: the head looks ahead, upright.
    pub const IDENTITY: Self = Self {
        w: 1.0,
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    /// A turn by `angle_deg` (degrees, right-handed) about the unit `axis`.
    pub fn about(axis: [f32; 3], angle_deg: f32) -> Self {
        let (s, c) = (0.5 * angle_deg.to_radians()).sin_cos();
        Self {
            w: c,
            x: axis[0] * s,
            y: axis[1] * s,
            z: axis[2] * s,
        }
    }

    /// The head turned by `ypr` (yaw, then pitch, then roll about the head's own axes).
    pub fn from_ypr(ypr: YawPitchRoll) -> Self {
        // Turning to the right is a negative (clockwise from above) turn about z; pitching up a
        // positive turn about x (ahead towards up); rolling right a positive turn about y (up
        // towards the right).
        Self::about([0.0, 0.0, 1.0], -ypr.yaw_deg)
            .then_local(Self::about([1.0, 0.0, 0.0], ypr.pitch_deg))
            .then_local(Self::about([0.0, 1.0, 0.0], ypr.roll_deg))
    }

    /// The yaw, pitch and roll of this orientation ([`Rotation::from_ypr`] turned round; at
    /// pitch ±90 the roll is taken as 0 and the yaw carries the whole turn).
    pub fn to_ypr(self) -> YawPitchRoll {
        let ahead = self.rotate([0.0, 1.0, 0.0]);
        let right = self.rotate([1.0, 0.0, 0.0]);
        let up = self.rotate([0.0, 0.0, 1.0]);
        let pitch = ahead[2].clamp(-1.0, 1.0).asin();
        if ahead[0].hypot(ahead[1]) < 1e-6 {
            // Looking straight up or down: the face's turn shows in where the top of the head
            // points.
            let towards = if ahead[2] > 0.0 { -1.0 } else { 1.0 };
            return YawPitchRoll {
                yaw_deg: (towards * up[0]).atan2(towards * up[1]).to_degrees(),
                pitch_deg: pitch.to_degrees(),
                roll_deg: 0.0,
            };
        }
        YawPitchRoll {
            yaw_deg: ahead[0].atan2(ahead[1]).to_degrees(),
            pitch_deg: pitch.to_degrees(),
            roll_deg: (-right[2]).atan2(up[2]).to_degrees(),
        }
    }

    /// This rotation followed by `local`, a turn about the axes this one leaves the head with
    /// (the quaternion product `self · local`).
    pub fn then_local(self, local: Self) -> Self {
        let (a, b) = (self, local);
        Self {
            w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
        }
    }

    /// The opposite turn.
    pub fn inverse(self) -> Self {
        Self {
            w: self.w,
            x: -self.x,
            y: -self.y,
            z: -self.z,
        }
    }

    /// `v` turned by this rotation.
    pub fn rotate(self, v: [f32; 3]) -> [f32; 3] {
        // v + 2 u × (u × v + w v), with u the vector part.
        let u = [self.x, self.y, self.z];
        let cross = |a: [f32; 3], b: [f32; 3]| {
            [
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        };
        let c = cross(u, v);
        let t = [
            c[0] + self.w * v[0],
            c[1] + self.w * v[1],
            c[2] + self.w * v[2],
        ];
        let d = cross(u, t);
        [v[0] + 2.0 * d[0], v[1] + 2.0 * d[1], v[2] + 2.0 * d[2]]
    }

    /// Where a source at `p` (in the frame this rotation maps from) is in the frame it maps
    /// to. The distance is kept.
    pub fn rotate_position(self, p: Position) -> Position {
        Position::from_vector(self.rotate(p.to_vector()), p.distance_m)
    }

    /// The same rotation with unit length (NaN-free: a degenerate one becomes the identity).
    pub fn normalised(self) -> Self {
        let n = (self.w * self.w + self.x * self.x + self.y * self.y + self.z * self.z).sqrt();
        if !n.is_finite() || n < 1e-6 {
            return Self::IDENTITY;
        }
        Self {
            w: self.w / n,
            x: self.x / n,
            y: self.y / n,
            z: self.z / n,
        }
    }

    /// The angle (degrees, 0 ..= 180) of the turn from this orientation to `other`.
    pub fn angle_to_deg(self, other: Self) -> f32 {
        // From the turn between them, sin and cos of half the angle: exact near 0, where the
        // acos of a dot product loses a few hundredths of a degree to f32 rounding.
        let d = self.inverse().then_local(other);
        let sin_half = (d.x * d.x + d.y * d.y + d.z * d.z).sqrt();
        2.0 * sin_half.atan2(d.w.abs()).to_degrees()
    }

    /// The orientation `t` (0 ..= 1) of the way from this one to `other`, along the shorter
    /// way (normalised linear interpolation: close to the great arc for the small steps it
    /// smooths).
    pub fn towards(self, other: Self, t: f32) -> Self {
        let dot = self.w * other.w + self.x * other.x + self.y * other.y + self.z * other.z;
        let o = if dot < 0.0 {
            Self {
                w: -other.w,
                x: -other.x,
                y: -other.y,
                z: -other.z,
            }
        } else {
            other
        };
        Self {
            w: self.w + t * (o.w - self.w),
            x: self.x + t * (o.x - self.x),
            y: self.y + t * (o.y - self.y),
            z: self.z + t * (o.z - self.z),
        }
        .normalised()
    }

    /// Whether this is (within float rounding) no rotation at all.
    pub fn is_identity(self) -> bool {
        self.w.abs() >= 1.0 - 1e-7
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f32; 3], b: [f32; 3]) -> bool {
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-5)
    }

    fn ypr(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> YawPitchRoll {
        YawPitchRoll {
            yaw_deg,
            pitch_deg,
            roll_deg,
        }
    }

    /// Each of the three turns moves the head's axes where the conventions say.
    #[test]
    fn yaw_pitch_and_roll_turn_the_head_as_named() {
        let right = Rotation::from_ypr(ypr(90.0, 0.0, 0.0));
        assert!(
            close(right.rotate([0.0, 1.0, 0.0]), [1.0, 0.0, 0.0]),
            "the face turns right"
        );
        let up = Rotation::from_ypr(ypr(0.0, 90.0, 0.0));
        assert!(
            close(up.rotate([0.0, 1.0, 0.0]), [0.0, 0.0, 1.0]),
            "the face looks up"
        );
        let roll = Rotation::from_ypr(ypr(0.0, 0.0, 90.0));
        assert!(
            close(roll.rotate([0.0, 0.0, 1.0]), [1.0, 0.0, 0.0]),
            "the crown tilts right"
        );
        // A world-locked source ahead is heard at the left ear once the head turned right.
        let heard = right.inverse().rotate_position(Position::default());
        assert!((heard.azimuth_deg + 90.0).abs() < 1e-3, "{heard:?}");
        assert!((heard.distance_m - 1.0).abs() < 1e-6);
    }

    /// Pitch and roll are about the head's own axes: pitching up after a yaw of 90 lifts the
    /// face where it now looks.
    #[test]
    fn the_turns_are_about_the_heads_own_axes() {
        let q = Rotation::from_ypr(ypr(90.0, 30.0, 0.0));
        let ahead = q.rotate([0.0, 1.0, 0.0]);
        let (s, c) = 30f32.to_radians().sin_cos();
        assert!(close(ahead, [c, 0.0, s]), "{ahead:?}");
    }

    /// Yaw, pitch and roll come back out of the rotation they make, over a grid of angles.
    #[test]
    fn ypr_round_trips() {
        for yaw in (-180..180).step_by(30) {
            for pitch in (-80..=80).step_by(20) {
                for roll in (-90..=90).step_by(30) {
                    let a = ypr(yaw as f32, pitch as f32, roll as f32);
                    let b = Rotation::from_ypr(a).to_ypr();
                    let wrap = |d: f32| (d + 540.0).rem_euclid(360.0) - 180.0;
                    assert!(wrap(a.yaw_deg - b.yaw_deg).abs() < 0.01, "{a:?} {b:?}");
                    assert!((a.pitch_deg - b.pitch_deg).abs() < 0.01, "{a:?} {b:?}");
                    assert!(wrap(a.roll_deg - b.roll_deg).abs() < 0.01, "{a:?} {b:?}");
                }
            }
        }
    }

    /// A rotation and its inverse cancel; the angle between two yaws is their difference; the
    /// way towards another orientation ends there.
    #[test]
    fn inverse_angle_and_interpolation() {
        let q = Rotation::from_ypr(ypr(37.0, -12.0, 21.0));
        let v = [0.3, -0.8, 0.5];
        assert!(close(q.inverse().rotate(q.rotate(v)), v));
        let a = Rotation::from_ypr(ypr(10.0, 0.0, 0.0));
        let b = Rotation::from_ypr(ypr(-25.0, 0.0, 0.0));
        assert!((a.angle_to_deg(b) - 35.0).abs() < 0.01);
        // Small angles come out exact, not lost to rounding.
        let tiny = Rotation::from_ypr(ypr(10.001, 0.0, 0.0));
        assert!(
            (a.angle_to_deg(tiny) - 0.001).abs() < 2e-4,
            "{}",
            a.angle_to_deg(tiny)
        );
        assert!((a.angle_to_deg(a.inverse()) - 20.0).abs() < 0.01);
        assert!(a.towards(b, 1.0).angle_to_deg(b) < 0.01);
        let half = a.towards(b, 0.5).to_ypr();
        assert!((half.yaw_deg + 7.5).abs() < 0.01, "{half:?}");
        assert!(Rotation::IDENTITY.is_identity() && !a.is_identity());
        let nan = Rotation {
            w: f32::NAN,
            ..Rotation::IDENTITY
        };
        assert_eq!(nan.normalised(), Rotation::IDENTITY);
    }
}
