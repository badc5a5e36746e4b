//! The master chain, the last stages of every block: output gain -> gentle mode -> session
//! timer fade -> hearing-safety limiter.

use super::tempo::Transport;
use super::timer::{SessionTimer, TimerSettings};
use crate::dsp::gentle::Gentle;
use crate::dsp::limiter::{DEFAULT_CEILING_DB, Limiter};
use crate::dsp::math::db_to_gain;
use crate::dsp::ramp::Ramp;

/// The master chain's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MasterSettings {
    /// Gain after the mix (dB).
    pub output_gain_db: f32,
    /// Whether the hearing-safety limiter runs.
    pub limiter: bool,
    /// Gentle mode: no sound jumps more than 12 dB above the running level (see
    /// [`crate::dsp::gentle`]).
    pub gentle: bool,
    /// The session timer.
    pub timer: TimerSettings,
}

impl Default for MasterSettings {
    /// Unity gain, the limiter on, gentle mode and the timer off.
    fn default() -> Self {
        Self {
            output_gain_db: 0.0,
            limiter: true,
            gentle: false,
            timer: TimerSettings::default(),
        }
    }
}

/// The master chain. Allocates only in [`MasterChain::new`].
pub struct MasterChain {
    settings: MasterSettings,
    output_gain: Ramp,
    gentle: Gentle,
    /// How much of gentle mode's gain applies, 0 (off) ..= 1 (on): switching glides.
    gentle_amount: Ramp,
    timer: SessionTimer,
    limiter: Limiter,
}

impl MasterChain {
    /// A chain at `sample_rate` (Hz) at [`MasterSettings::default`], whose gains glide over
    /// `glide` samples.
    pub fn new(sample_rate: f32, glide: u32) -> Self {
        Self {
            settings: MasterSettings::default(),
            output_gain: Ramp::new(1.0, glide),
            gentle: Gentle::new(sample_rate),
            gentle_amount: Ramp::new(0.0, glide),
            timer: SessionTimer::new(sample_rate),
            limiter: Limiter::new(sample_rate, DEFAULT_CEILING_DB),
        }
    }

    /// Takes new settings; the gains glide.
    pub fn set(&mut self, settings: &MasterSettings) {
        self.settings = *settings;
        self.output_gain
            .set_target(db_to_gain(settings.output_gain_db));
        self.gentle_amount
            .set_target(if settings.gentle { 1.0 } else { 0.0 });
        self.timer.set(&settings.timer);
    }

    /// Follows the host's song position (see [`SessionTimer::locate`]).
    pub fn locate(&mut self, transport: &Transport) {
        self.timer.locate(transport);
    }

    /// Moves the session time on by `samples` processed samples.
    pub fn advance(&mut self, samples: usize) {
        self.timer.advance(samples);
    }

    /// Whether the session has ended (see [`SessionTimer::has_ended`]).
    pub fn session_ended(&self) -> bool {
        self.timer.has_ended()
    }

    /// Seconds left in the session (0 once it ended), `None` while the timer is off.
    pub fn timer_remaining_s(&self) -> Option<f32> {
        self.timer.remaining_s()
    }

    /// Current limiter gain reduction (dB, >= 0).
    pub fn limiter_reduction_db(&self) -> f32 {
        self.limiter.reduction_db()
    }

    /// Processes `left` and `right` in place. `zeros`: every sample is zero, so the gains
    /// and followers only advance as they would over zeros (the same state, at next to no
    /// cost).
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32], zeros: bool) {
        if zeros {
            let n = left.len();
            self.output_gain.skip(n);
            self.gentle.skip(n);
            self.gentle_amount.skip(n);
        } else {
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let g = self.output_gain.advance();
                *l *= g;
                *r *= g;
                // Gentle mode's followers run even while it is off, so switching it on finds
                // them informed; its gain applies as far as it is switched on.
                let gentle = self.gentle.gain(*l, *r);
                let g = 1.0 + self.gentle_amount.advance() * (gentle - 1.0);
                *l *= g;
                *r *= g;
            }
        }
        self.timer.apply(left, right);
        if self.settings.limiter && !(zeros && self.limiter.is_at_rest()) {
            self.limiter.process_block(left, right);
        }
    }

    /// Forgets the signal (after non-finite audio): the limiter and gentle mode's followers.
    pub fn silence(&mut self) {
        self.limiter.reset();
        self.gentle.reset();
    }

    /// [`MasterChain::silence`], and the gains and the timer's fade jump to their targets.
    pub fn reset(&mut self) {
        self.silence();
        self.output_gain.jump(self.output_gain.target());
        self.gentle_amount.jump(self.gentle_amount.target());
        self.timer.settle();
    }
}
