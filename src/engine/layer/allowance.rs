//! How a layer keeps within what the instance's voice budget allows it (see
//! [`crate::engine::budget`]): a limit on the voices it plays, sustained triggers that hand
//! their sound over to an older one instead of stacking voices, and masking of voices that
//! have fallen far below the layer's loudest or the instance's output.

use super::voice::VoiceState;
use super::{Layer, LayerSettings, VOICES_PER_LAYER};
use crate::dsp::math::db_to_gain;
use crate::engine::budget::{LAYER_MASK_DB, SUSTAINED_AT_ONCE};

/// Voices a layer asks the budget for beyond those it plays, so that it can grow.
const DEMAND_GROWTH: usize = 2;
/// Fade of a stolen voice that carries what it took over, while that glides into the newcomer
/// (s): about the carry's glide (see `voice::CARRY_GLIDE_S`).
const HANDOVER_FADE_S: f32 = 0.06;
/// Fade of a voice the budget stops (masked, or over a shrunken allowance) (s).
const BUDGET_FADE_S: f32 = 0.02;
/// A short trigger younger than this (s) still rings: a drip's largest bubble falls 60 dB in
/// about 120 ms, and its splash lands within 150 ms.
const STILL_RINGS_S: f32 = 0.2;
/// A voice is masked only once it is this old (s): its attack is never cut.
const MASK_MIN_AGE_S: f32 = 0.05;
/// A voice is masked only once its held level has fallen this far below its own peak (dB):
/// it is dying away, not building up (a stretch of rain fading in is never masked).
const MASK_PAST_PEAK_DB: f32 = -6.0;

impl Layer {
    /// Voices the layer asks the budget for this block (see
    /// [`crate::engine::budget::voices`]): its playing voices and room to grow, none when it
    /// is off and silent.
    pub fn voices_wanted(&self, settings: &LayerSettings) -> usize {
        if !settings.enabled && !self.is_sounding() {
            return 0;
        }
        (self.playing_voices() + DEMAND_GROWTH).min(VOICES_PER_LAYER)
    }

    /// Triggers played on an older voice of the layer struck again instead of a voice of their
    /// own, since the layer was made (see [`crate::triggers::TriggerSound::strike_again`]).
    pub fn struck_again(&self) -> u64 {
        self.struck_again
    }

    /// Voices playing their trigger (not fading, not ringing out).
    pub fn playing_voices(&self) -> usize {
        self.voices
            .iter()
            .filter(|v| v.state() == VoiceState::Playing)
            .count()
    }

    /// Most voices the layer may play at once for a trigger that is `sustained` or not.
    pub(super) fn voice_limit(&self, sustained: bool) -> usize {
        match self.allowance {
            Some(a) if sustained => SUSTAINED_AT_ONCE.min(a.voices),
            Some(a) => a.voices,
            None => VOICES_PER_LAYER,
        }
        .clamp(1, VOICES_PER_LAYER)
    }

    /// Hands a new sustained trigger's sound over to a playing voice that has at least half its
    /// length ahead, if there is one; returns whether one took it over. Of those, the one with
    /// the most left that carries less than its part of what [`VOICES_PER_LAYER`] stacked
    /// voices would give takes it: the layer's power fills up evenly to at most that, and once
    /// it is full the trigger adds nothing (as a sixteenth stacked voice stole the oldest).
    pub(super) fn hand_over(&mut self) -> bool {
        let most = VOICES_PER_LAYER as f32 / self.voice_limit(true) as f32;
        let can_take = |v: &super::Voice| v.state() == VoiceState::Playing && v.can_take_over();
        if !self.voices.iter().any(can_take) {
            return false;
        }
        let taker = self
            .voices
            .iter_mut()
            .filter(|v| can_take(v) && v.carried() < most)
            .max_by_key(|v| (v.samples_left(), v.order()));
        if let Some(voice) = taker {
            voice.take_over(most);
        }
        true
    }

    /// Plays a new trigger that no voice took over, `at` samples into the block at `intensity`
    /// (0 ..= 1), on the youngest playing voice, struck again, if its sound can (a droplet onto
    /// the same water: see [`crate::triggers::TriggerSound::strike_again`]) and if stealing
    /// the oldest would cut its ring (it started under [`STILL_RINGS_S`] ago); returns whether
    /// it did. At a few voices and hundreds of drips a second, stealing would cut every drip a
    /// few milliseconds in; at a few drips a second it takes a droplet whose drip has rung out,
    /// and every drip keeps its own place.
    pub(super) fn strike_again(&mut self, at: usize, intensity: f32) -> bool {
        let rings = (STILL_RINGS_S * self.sample_rate) as usize;
        let playing = |v: &&mut super::Voice| v.state() == VoiceState::Playing;
        let oldest_rings = self
            .voices
            .iter_mut()
            .filter(playing)
            .min_by_key(|v| v.order())
            .is_some_and(|v| v.age() < rings);
        oldest_rings
            && self
                .voices
                .iter_mut()
                .filter(playing)
                .max_by_key(|v| v.order())
                .is_some_and(|v| v.strike_again(at, intensity))
    }

    /// Fades the oldest playing voice out, to make room, from `at` samples into the block:
    /// over `len` samples, or under the budget over [`HANDOVER_FADE_S`] if it carries more than
    /// its own sound (what it took over glides into the newcomer meanwhile). Under the budget
    /// a voice engaged (see [`super::Voice::engaged`]) is never stolen. Returns the power the
    /// stolen voice carried (see [`super::Voice::carried`]), `None` if none could be stolen.
    pub(super) fn steal(&mut self, at: usize, len: usize) -> Option<f32> {
        let under_budget = self.allowance.is_some();
        let handover = ((HANDOVER_FADE_S * self.sample_rate) as usize).max(1);
        let oldest = self
            .voices
            .iter_mut()
            .filter(|v| v.state() == VoiceState::Playing && !(under_budget && v.engaged()))
            .min_by_key(|v| v.order())?;
        let carried = oldest.carried();
        oldest.fade_out(at, if carried > 1.0 { handover } else { len });
        Some(carried)
    }

    /// The budget's fade (samples).
    fn budget_fade(&self) -> usize {
        ((BUDGET_FADE_S * self.sample_rate) as usize).max(1)
    }

    /// Fades the oldest voices out until no more play than the allowance allows (it shrinks
    /// when other layers get busy).
    pub(super) fn keep_within_allowance(&mut self) {
        if self.allowance.is_none() {
            return;
        }
        let limit = self.voice_limit(false);
        let fade = self.budget_fade();
        for _ in limit..self.playing_voices() {
            self.steal(0, fade);
        }
    }

    /// Starts fading the voices that have died away far below the layer's loudest voice (by
    /// [`LAYER_MASK_DB`]) or below the allowance's mask floor: they are masked, and rendering
    /// them in full would buy nothing a listener hears.
    pub(super) fn mask_quiet_voices(&mut self) {
        let Some(allowance) = self.allowance else {
            return;
        };
        let playing = |v: &&mut super::Voice| v.state() == VoiceState::Playing;
        let loudest = self
            .voices
            .iter_mut()
            .filter(playing)
            .fold(0.0f32, |l, v| l.max(v.held()));
        let threshold = (loudest * db_to_gain(LAYER_MASK_DB)).max(allowance.mask_floor);
        let min_age = (MASK_MIN_AGE_S * self.sample_rate) as usize;
        let past_peak = db_to_gain(MASK_PAST_PEAK_DB);
        let fade = self.budget_fade();
        for voice in self.voices.iter_mut().filter(playing) {
            if voice.age() >= min_age
                && voice.held() < threshold
                && voice.held() < past_peak * voice.peak()
            {
                voice.fade_out(0, fade);
            }
        }
    }
}
