//! EBU R128 measurement of a render, with the `ebur128` crate: integrated loudness and, for
//! the written file, its sample peak (the level the limiter's ceiling holds; a true peak would
//! cost an oversampling filter, a few percent of an hour-long render).

use ebur128::{EbuR128, Mode};

/// What a render measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Integrated loudness (LUFS; -inf for silence).
    pub integrated_lufs: f64,
    /// Sample peak of the louder channel (dBFS), when measured.
    pub peak_db: Option<f64>,
}

/// Measures a stereo render block by block.
pub struct Meter {
    meter: EbuR128,
    /// Whether it measures the sample peak too.
    peaks: bool,
}

impl Meter {
    /// A meter for stereo audio at `sample_rate` (Hz): integrated loudness, and the sample
    /// peak if `peaks`.
    pub fn new(sample_rate: u32, peaks: bool) -> Result<Self, String> {
        let mode = if peaks {
            Mode::I | Mode::SAMPLE_PEAK
        } else {
            Mode::I
        };
        let meter = EbuR128::new(u32::from(super::output::CHANNELS), sample_rate, mode)
            .map_err(|e| format!("cannot measure loudness at {sample_rate} Hz: {e}"))?;
        Ok(Self { meter, peaks })
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
        let peak_db = if self.peaks {
            let peak = (0..u32::from(super::output::CHANNELS))
                .map(|channel| self.meter.sample_peak(channel))
                .try_fold(0.0f64, |max, peak| peak.map(|p| max.max(p)))
                .map_err(fail)?;
            Some(20.0 * peak.log10())
        } else {
            None
        };
        Ok(Measurement {
            integrated_lufs,
            peak_db,
        })
    }
}
