//! A recorded head-orientation track (`--head-track`): a CSV file of rows `time_s, yaw_deg,
//! pitch_deg, roll_deg`, as a head tracker's log would hold them, played to the engine as a
//! tracker would send them (each row holds until the next; the engine smooths the steps).

use std::path::Path;
use tingle::head::{Rotation, YawPitchRoll};

/// Columns of a row.
const COLUMNS: [&str; 4] = ["time_s", "yaw_deg", "pitch_deg", "roll_deg"];

/// The rows of a head track, in time order.
pub struct HeadRecording {
    /// (time in seconds from the render's start, the head's turn then).
    rows: Vec<(f64, Rotation)>,
}

impl HeadRecording {
    /// Reads `path`. A first line whose first field is not a number is taken as a header;
    /// every other line
    /// must hold four finite numbers with times in increasing order, else the error names the
    /// line and the column.
    pub fn read(path: &Path) -> Result<Self, String> {
        let fail = |e: String| format!("--head-track '{}': {e}", path.display());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(|e| fail(e.to_string()))?;
        let mut rows: Vec<(f64, Rotation)> = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|e| fail(e.to_string()))?;
            let line = record.position().map_or(index as u64 + 1, |p| p.line());
            let first = record.get(0).unwrap_or_default();
            if index == 0 && first.parse::<f64>().is_err() {
                continue;
            }
            if record.len() != COLUMNS.len() {
                return Err(fail(format!(
                    "line {line}: {} values, expected {} ({})",
                    record.len(),
                    COLUMNS.len(),
                    COLUMNS.join(", ")
                )));
            }
            let mut values = [0.0f64; 4];
            for ((value, field), column) in values.iter_mut().zip(record.iter()).zip(COLUMNS) {
                *value = field
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        fail(format!("line {line}: {column} '{field}' is not a number"))
                    })?;
            }
            if rows.last().is_some_and(|(t, _)| values[0] <= *t) {
                return Err(fail(format!("line {line}: time_s does not increase")));
            }
            let turn = YawPitchRoll {
                yaw_deg: values[1] as f32,
                pitch_deg: values[2] as f32,
                roll_deg: values[3] as f32,
            };
            rows.push((values[0], Rotation::from_ypr(turn)));
        }
        if rows.is_empty() {
            return Err(fail("no rows".into()));
        }
        Ok(Self { rows })
    }

    /// The head's turn at `time_s` (s): the last row at or before it (the first row before
    /// the track starts).
    pub fn at(&self, time_s: f64) -> Rotation {
        let after = self.rows.partition_point(|(t, _)| *t <= time_s);
        self.rows[after.saturating_sub(1)].1
    }
}
