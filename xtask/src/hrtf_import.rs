//! `cargo xtask import-hrtf`: converts a measured HRIR set (SOFA, SimpleFreeFieldHRIR) into
//! Tingle's compact embedded asset, with the library's own reader and conversion
//! (`tingle::binaural::sofa`, method described there) and asset writer (`HrtfSet::to_bytes`,
//! layout in `tingle::binaural::hrtf`): the plugin loads a user's SOFA file the same way.

use std::path::Path;
use tingle::binaural::sofa;

/// The MIT KEMAR normal-pinna set as committed (from Debian's `libmysofa1` package).
pub const DEFAULT_SOFA_PATH: &str = "assets/source/MIT_KEMAR_normal_pinna.sofa";
/// The asset the plugin embeds.
pub const DEFAULT_ASSET_PATH: &str = "assets/kemar_minphase.hrtf";

/// Converts `sofa_path` into the asset at `out_path` and prints a short summary.
pub fn run(sofa_path: &str, out_path: &str) -> Result<(), String> {
    let set = sofa::load(Path::new(sofa_path)).map_err(|e| format!("{sofa_path}: {e}"))?;
    let out = set.to_bytes();
    std::fs::write(out_path, &out).map_err(|e| format!("cannot write {out_path}: {e}"))?;
    println!(
        "wrote {out_path}: {} taps at {} Hz, measured at {} m, {} bytes, max |ITD| {:.0} us",
        set.taps(),
        set.sample_rate(),
        set.measurement_distance_m(),
        out.len(),
        set.max_itd() * 1e6
    );
    Ok(())
}
