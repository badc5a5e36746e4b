//! A set's filter pair at any direction, interpolated between its measured directions the way
//! the placer interpolates them ([`HrtfSet::weights`]).

use super::sphere::Heading;
use crate::binaural::hrtf::HrtfSet;
use crate::dsp::simd::SimdPath;

/// The two ears' minimum-phase filters and the interaural time difference at one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPair {
    /// Left ear filter in time order ([`HrtfSet::taps`] long, at the set's sample rate).
    pub left: Vec<f32>,
    /// Right ear filter in time order ([`HrtfSet::taps`] long, at the set's sample rate).
    pub right: Vec<f32>,
    /// Interaural time difference (s): left ear delay minus right ear delay (positive for a
    /// source on the right).
    pub itd_s: f32,
}

/// `set`'s filter pair at `heading` (elevation clamped to the set's measured range).
pub fn pair_at(set: &HrtfSet, heading: Heading) -> FilterPair {
    let weights = set.weights(heading.azimuth_deg, heading.elevation_deg);
    let (mut left, mut right) = (vec![0.0; set.taps()], vec![0.0; set.taps()]);
    let itd_s = set.interpolate_reversed(SimdPath::detect(), &weights, &mut left, &mut right);
    left.reverse();
    right.reverse();
    FilterPair { left, right, itd_s }
}
