//! A value stepped a control period at a time through a block and kept per period, so that
//! every reader in the block (each placer asking at its own offsets) sees the same values.
//!
//! The periods run from the block's start; the last one may end inside the block (the state
//! then ends the block exactly at its end), and the periods reaching past the block's end are
//! stepped on a copy of the state, so the next block moves on from exactly where this one ended.

/// Per control period of a block, the value a stepped state reached at the period's end.
/// Allocates only in [`PeriodTrack::new`].
#[derive(Debug, Clone)]
pub struct PeriodTrack<T> {
    /// The control period (samples).
    period: usize,
    /// `track[k]`: the value `k + 1` control periods after the block's start.
    track: Vec<T>,
    /// Entries of `track` laid this block (0: none, the state did not move).
    filled: usize,
}

impl<T: Copy> PeriodTrack<T> {
    /// A track for blocks of up to `max_block` samples in periods of `period` samples, filled
    /// with `value`. Allocates.
    pub fn new(max_block: usize, period: usize, value: T) -> Self {
        let period = period.max(1);
        Self {
            period,
            // Up to a period past the block's end.
            track: vec![value; max_block.div_ceil(period) + 1],
            filled: 0,
        }
    }

    /// The control period (samples).
    pub fn period(&self) -> usize {
        self.period
    }

    /// Forgets this block's values: every reader sees the state as it is.
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Steps `state` through a block of `n` samples a period at a time, `step(state, from, to)`
    /// moving it from sample `from` to sample `to` of the block and returning the value
    /// reached; keeps the value at the end of each whole period, and of the periods reaching a
    /// period past the block's end (stepped on a copy: `state` ends at sample `n`).
    pub fn lay<S: Clone>(
        &mut self,
        n: usize,
        state: &mut S,
        mut step: impl FnMut(&mut S, usize, usize) -> T,
    ) {
        let mut at = 0;
        let mut k = 0;
        while at < n {
            let to = (at + self.period).min(n);
            let value = step(state, at, to);
            if to == at + self.period {
                self.track[k] = value;
                k += 1;
            }
            at = to;
        }
        let mut ahead = state.clone();
        let mut grid = k * self.period;
        while k < self.track.len() && grid < n + self.period {
            let to = grid + self.period;
            self.track[k] = step(&mut ahead, grid.max(n), to);
            grid = to;
            k += 1;
        }
        self.filled = k;
    }

    /// The value at the end of the control period that holds `offset` samples into the block
    /// (`None` when nothing was laid this block).
    pub fn at(&self, offset: usize) -> Option<T> {
        (self.filled > 0).then(|| {
            let period_end = offset.div_ceil(self.period).max(1);
            self.track[(period_end - 1).min(self.filled - 1)]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter stepped by the samples it moves: each whole period's end holds the samples up
    /// to it, the periods past the block continue from the block's end, and the state ends the
    /// block at exactly `n`.
    #[test]
    fn periods_hold_their_end_values_and_the_state_ends_the_block() {
        let mut track = PeriodTrack::new(100, 32, 0usize);
        let mut state = 0usize;
        track.lay(100, &mut state, |s, from, to| {
            *s += to - from;
            *s
        });
        assert_eq!(state, 100);
        assert_eq!(track.at(1), Some(32));
        assert_eq!(track.at(32), Some(32));
        assert_eq!(track.at(33), Some(64));
        assert_eq!(track.at(96), Some(96));
        // The period holding sample 100 ends at 128, stepped on from 100 on a copy.
        assert_eq!(track.at(100), Some(128));
        assert_eq!(track.at(129), Some(160));
        track.clear();
        assert_eq!(track.at(1), None);
    }
}
