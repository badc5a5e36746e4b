//! The instance's voice budget (issue 23): however many triggers a user asks for, one instance
//! renders at most [`INSTANCE_UNITS`] worth of voices at once. Each family's voice has a cost
//! ([`voice_cost`], measured); the budget is shared among the layers by what they ask for
//! ([`share`]), and each layer keeps within its share (see [`Allowance`]): it steals its
//! oldest short trigger with a fade, lets a sustained trigger take over a newer one's sound as
//! one denser sound, and stops rendering voices masked by louder ones.

use super::LAYERS;
use super::layer::VOICES_PER_LAYER;
use crate::triggers::Family;

/// Cost units one instance may spend on voices at once. A unit is about 0.1 % of one core at
/// 48 kHz (see [`voice_cost`]), so the budget holds an instance's voices to about 3 % of a core
/// whatever the scene.
pub const INSTANCE_UNITS: f32 = 30.0;

/// Voices of a sustained family a layer plays at once under the budget; a further trigger
/// hands its sound over to one of them (a denser, not a longer, fire or rain).
pub const SUSTAINED_AT_ONCE: usize = 4;

/// A layer's voices are masked (stop being rendered, with a fade) once their held level falls
/// this far below the layer's loudest voice (dB).
pub const LAYER_MASK_DB: f32 = -30.0;

/// A voice is masked once its held level falls this far below the instance's output (dB).
/// Lower than [`LAYER_MASK_DB`]: a voice's level is measured before it is placed, and placing
/// changes it by up to about 10 dB (distance and the near ear).
pub const OUTPUT_MASK_DB: f32 = -40.0;

/// A tone voice's cost (units), the cheapest of all.
const TONE_COST: f32 = 1.15;
/// Most voices the budget lets an instance play at once: its units over the cheapest voice's
/// cost.
pub const MOST_VOICES: usize = (INSTANCE_UNITS / TONE_COST) as usize;

/// A droplet voice's cost (units): its drip's bubbles and the drizzle it carries on for the
/// droplets before it cost about three times a stretch of rain.
const DROPLET_COST: f32 = 2.8;
/// Variant index of the droplet in the Water family.
const DROPLET_VARIANT: usize = 0;

/// What one playing voice of `family` costs, in units of about 0.1 % of one core at 48 kHz:
/// its synthesis, its own placer and room send, and what its stealing and hand-overs bring
/// with them (the placer's ring-out, the fades). Measured by `cargo bench --bench worst` on
/// the AVX2 path of an AMD EPYC, the slower of its two paths: each family's worst case under
/// the budget, its share of a core over the units it spent. (The Sample family, which the
/// bench cannot play without files, is costed as a tone's resampling plus margin.)
/// `variant` matters for water only (a droplet costs [`DROPLET_COST`]).
pub fn voice_cost(family: Family, variant: usize) -> f32 {
    match family {
        Family::Tap => 1.9,
        Family::Scratch => 1.6,
        Family::Paper => 2.0,
        Family::Water if variant == DROPLET_VARIANT => DROPLET_COST,
        Family::Water => 1.5,
        Family::Whisper => 1.8,
        Family::Fire => 1.55,
        Family::Tone => TONE_COST,
        Family::Sample => 1.5,
    }
}

/// What the budget allows one layer in one block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    /// Voices the layer may play at once (at least 1, at most its own limit); of a sustained
    /// family at most [`SUSTAINED_AT_ONCE`] of them.
    pub voices: usize,
    /// A voice whose held level is below this (linear, before placement) is masked.
    pub mask_floor: f32,
}

/// Voices each layer may play at once: `budget` cost units shared among layers that want
/// `wanted` voices costing `costs` units each ([`share`]), rounded down to whole voices (at
/// least one, at most [`VOICES_PER_LAYER`]), and what the rounding left handed out again a
/// voice at a time to the layers that want more, in layer order. Deterministic.
pub fn voices(wanted: &[usize; LAYERS], costs: &[f32; LAYERS], budget: f32) -> [usize; LAYERS] {
    let demands = std::array::from_fn(|i| wanted[i] as f32 * costs[i]);
    let shares = share(&demands, budget);
    let mut voices: [usize; LAYERS] =
        std::array::from_fn(|i| ((shares[i] / costs[i]) as usize).clamp(1, VOICES_PER_LAYER));
    let spent: f32 = voices.iter().zip(costs).map(|(&v, c)| v as f32 * c).sum();
    let mut left = budget - spent;
    let mut handed = true;
    while handed {
        handed = false;
        for i in 0..LAYERS {
            if voices[i] < wanted[i].min(VOICES_PER_LAYER) && costs[i] <= left {
                voices[i] += 1;
                left -= costs[i];
                handed = true;
            }
        }
    }
    voices
}

/// Shares `budget` cost units among layers asking for `demands` (units, >= 0): a layer that
/// asks for less than an equal share of what is left gets what it asks for, and the rest is
/// shared equally among the layers that ask for more (water filling). What nobody asked for
/// is shared equally among the layers that asked for anything, so a layer that suddenly needs
/// more (a chord of MIDI notes) has room when the instance is not busy. Deterministic.
pub fn share(demands: &[f32; LAYERS], budget: f32) -> [f32; LAYERS] {
    let mut order: [usize; LAYERS] = std::array::from_fn(|i| i);
    order.sort_by(|&a, &b| demands[a].total_cmp(&demands[b]));
    let mut shares = [0.0; LAYERS];
    let mut left = budget;
    for (k, &i) in order.iter().enumerate() {
        let equal = left / (LAYERS - k) as f32;
        shares[i] = demands[i].max(0.0).min(equal);
        left -= shares[i];
    }
    let asking = demands.iter().filter(|d| **d > 0.0).count();
    if asking > 0 && left > 0.0 {
        let extra = left / asking as f32;
        for (s, d) in shares.iter_mut().zip(demands) {
            if *d > 0.0 {
                *s += extra;
            }
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No voice costs less than a tone, so [`MOST_VOICES`] bounds what can play at once.
    #[test]
    fn a_tone_is_the_cheapest_voice() {
        for &family in Family::ALL {
            for variant in 0..family.info().variants.len() {
                assert!(
                    voice_cost(family, variant) >= TONE_COST,
                    "{family:?} {variant}"
                );
            }
        }
        assert_eq!(MOST_VOICES, 26);
    }

    #[test]
    fn light_layers_get_what_they_ask_and_heavy_ones_share_the_rest() {
        let demands = [1.0, 2.0, 100.0, 0.0, 50.0, 0.0, 0.0, 3.0];
        let shares = share(&demands, 40.0);
        // 1 + 2 + 3 asked for and given; 34 left for the two heavy layers.
        assert_eq!(shares, [1.0, 2.0, 17.0, 0.0, 17.0, 0.0, 0.0, 3.0]);
        let total: f32 = shares.iter().sum();
        assert!((total - 40.0).abs() < 1e-4);
    }

    #[test]
    fn the_shares_spend_the_budget_and_no_more() {
        let demands = [30.0, 5.0, 12.5, 7.0, 0.0, 60.0, 9.0, 1.0];
        let asked: f32 = demands.iter().sum();
        for budget in [1.0, 10.0, 40.0, 200.0] {
            let shares = share(&demands, budget);
            let total: f32 = shares.iter().sum();
            assert!((total - budget).abs() < 1e-3, "{total} against {budget}");
            // A layer that asks for nothing gets nothing.
            assert_eq!(shares[4], 0.0);
            for (s, d) in shares.iter().zip(&demands).filter(|(_, d)| **d > 0.0) {
                if asked <= budget {
                    // Everyone gets what they asked for, and an equal part of the rest.
                    let extra = (budget - asked) / 7.0;
                    assert!((*s - (*d + extra)).abs() < 1e-3, "{s} against {d}");
                } else if *s < *d {
                    // Whoever gets less than asked gets at least anyone else's share.
                    assert!(shares.iter().all(|o| *o <= *s + 1e-4), "{shares:?}");
                }
            }
        }
    }

    #[test]
    fn whole_voices_use_what_rounding_left() {
        let costs = [1.9, 1.6, 2.0, 2.8, 1.8, 1.55, 1.15, 1.5];
        let wanted = [16; LAYERS];
        let given = voices(&wanted, &costs, INSTANCE_UNITS);
        let spent: f32 = given.iter().zip(&costs).map(|(&v, c)| v as f32 * c).sum();
        // Within the budget, and less than the cheapest voice of it left unspent.
        assert!(spent <= INSTANCE_UNITS + 1e-4, "{spent} units");
        assert!(
            INSTANCE_UNITS - spent < 1.15,
            "{spent} units: rounding wasted the rest"
        );
        // A layer that wants less than a fair share gets it all; one that wants none still
        // may start one.
        let mut wanted = [16; LAYERS];
        wanted[2] = 2;
        wanted[5] = 0;
        let given = voices(&wanted, &costs, INSTANCE_UNITS);
        assert_eq!(given[2], 2);
        assert_eq!(given[5], 1);
    }
}
