//! Linear parameter ramps: every gain Tingle changes glides instead of stepping.

/// A value that glides linearly to its target over a fixed number of samples.
#[derive(Debug, Clone, Copy)]
pub struct Ramp {
    current: f32,
    target: f32,
    step: f32,
    remaining: u32,
    /// Length of a glide in samples (>= 1).
    length: u32,
}

impl Ramp {
    /// A ramp resting at `value` whose glides take `length` samples (at least 1).
    pub fn new(value: f32, length: u32) -> Self {
        Self {
            current: value,
            target: value,
            step: 0.0,
            remaining: 0,
            length: length.max(1),
        }
    }

    /// Starts a glide to `target` unless it is already the target.
    pub fn set_target(&mut self, target: f32) {
        if target != self.target {
            self.target = target;
            self.remaining = self.length;
            self.step = (target - self.current) / self.length as f32;
        }
    }

    /// Jumps to `value` at once (for resets, never while audible).
    pub fn jump(&mut self, value: f32) {
        self.current = value;
        self.target = value;
        self.remaining = 0;
    }

    /// The next sample's value.
    #[inline]
    pub fn advance(&mut self) -> f32 {
        if self.remaining > 0 {
            self.remaining -= 1;
            self.current = if self.remaining == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }

    /// The value the ramp is heading to.
    /// Advances `n` samples without reading the values: exactly as `n` calls of
    /// [`Ramp::advance`], and free once the target is reached.
    pub fn skip(&mut self, n: usize) {
        if self.remaining > 0 {
            for _ in 0..n {
                self.advance();
            }
        }
    }

    /// Whether the ramp has reached its target (it stays there until a new one is set).
    pub fn is_settled(&self) -> bool {
        self.remaining == 0
    }

    /// The value the ramp is heading for (or holds).
    pub fn target(&self) -> f32 {
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glides_linearly_and_lands_exactly() {
        let mut r = Ramp::new(0.0, 4);
        r.set_target(1.0);
        let v: Vec<f32> = (0..6).map(|_| r.advance()).collect();
        assert_eq!(v, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
    }
}
