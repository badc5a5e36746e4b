//! EBU R128 measurement of a render, with the `ebur128` crate: integrated loudness and sample
//! peak (the level the limiter's ceiling holds; a true peak would cost an oversampling filter,
//! a few percent of an hour-long render).

use ebur128::{EbuR128, Mode};

/// What a render measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Integrated loudness (LUFS; -inf for silence).
    pub integrated_lufs: f64,
    /// Sample peak of the louder channel (dBFS).
    pub peak_db: f64,
}

/// Measures a stereo render block by block.
pub struct Meter {
    meter: EbuR128,
}

impl Meter {
    /// A meter for stereo audio at `sample_rate` (Hz).
    pub fn new(sample_rate: u32) -> Result<Self, String> {
        let mode = Mode::I | Mode::SAMPLE_PEAK;
        let meter = EbuR128::new(u32::from(super::output::CHANNELS), sample_rate, mode)
            .map_err(|e| format!("cannot measure loudness at {sample_rate} Hz: {e}"))?;
        Ok(Self { meter })
    }

    /// Adds a block of stereo frames.
    pub fn add(&mut self, left: &[f32], right: &[f32]) -> Result<(), String> {
        self.meter
            .add_frames_planar_f32(&[left, right])
            .map_err(|e| format!("loudness measurement: {e}"))
    }

    /// The measurement of everything added.
    pub fn measurement(&self) -> Result<Measurement, String> {
        let fail = |e: ebur128::Error| format!("loudness measurement: {e}");
        let integrated_lufs = self.meter.loudness_global().map_err(fail)?;
        let peak = (0..u32::from(super::output::CHANNELS))
            .map(|channel| self.meter.sample_peak(channel))
            .try_fold(0.0f64, |max, peak| peak.map(|p| max.max(p)))
            .map_err(fail)?;
        let peak_db = 20.0 * peak.log10();
        Ok(Measurement {
            integrated_lufs,
            peak_db,
        })
    }
}
