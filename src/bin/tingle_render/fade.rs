//! Fades at the start and the end of a render: raised-cosine curves, from silence at the first
//! frame and to silence at the last.

use std::f64::consts::PI;

/// The fade-in and fade-out of a render of a known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fades {
    /// Length of the fade-in (frames, 0 = none).
    fade_in: u64,
    /// Length of the fade-out (frames, 0 = none).
    fade_out: u64,
    /// Length of the whole render (frames).
    total: u64,
}

impl Fades {
    /// Fades of `fade_in` and `fade_out` frames for a render `total` frames long; `None` if
    /// together they are longer than the render.
    pub fn new(fade_in: u64, fade_out: u64, total: u64) -> Option<Self> {
        (fade_in.checked_add(fade_out)? <= total).then_some(Self {
            fade_in,
            fade_out,
            total,
        })
    }

    /// No fades for a render of `total` frames.
    pub fn none(total: u64) -> Self {
        Self {
            fade_in: 0,
            fade_out: 0,
            total,
        }
    }

    /// Fades a block of stereo frames that starts at frame `start` of the render.
    pub fn apply(&self, start: u64, left: &mut [f32], right: &mut [f32]) {
        let end = start + left.len() as u64;
        let fade_out_start = self.total.saturating_sub(self.fade_out);
        if start >= self.fade_in && end <= fade_out_start {
            return;
        }
        for (frame, (l, r)) in (start..).zip(left.iter_mut().zip(right.iter_mut())) {
            let gain = self.gain(frame);
            *l *= gain;
            *r *= gain;
        }
    }

    /// The gain of frame `frame`: 0 at the first and the last frame under a fade, rising along
    /// a raised cosine to 1 where the fade ends.
    fn gain(&self, frame: u64) -> f32 {
        let from_end = self.total.saturating_sub(frame + 1);
        let mut gain = 1.0;
        if frame < self.fade_in {
            gain *= raised_cosine(frame as f64 / self.fade_in as f64);
        }
        if from_end < self.fade_out {
            gain *= raised_cosine(from_end as f64 / self.fade_out as f64);
        }
        gain as f32
    }
}

/// Half a cosine period from 0 at `x` = 0 to 1 at `x` = 1, flat at both ends.
fn raised_cosine(x: f64) -> f64 {
    0.5 - 0.5 * (PI * x).cos()
}
