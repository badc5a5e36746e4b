//! The octave bands acoustics measures in (ISO 266 nominal centres, 125 Hz to 8 kHz): a room's
//! reverberation times, a head's diffuse-field coherence.

/// Number of octave bands.
pub const BANDS: usize = 7;
/// Centre frequencies of the octave bands (Hz).
pub const CENTRES_HZ: [f32; BANDS] = [125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0];

/// The lower and upper edges (Hz) of band `band`: half an octave either side of its centre.
pub fn edges_hz(band: usize) -> (f32, f32) {
    let centre = CENTRES_HZ[band];
    (
        centre / std::f32::consts::SQRT_2,
        centre * std::f32::consts::SQRT_2,
    )
}
