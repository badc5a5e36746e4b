//! Writes the factory scenes as VST3 presets for both plugins into
//! `target/bundled/vst3-presets/<vendor>/<plugin>/<scene>.vstpreset`: the layout of a VST3 host's
//! user preset folder (`~/.vst3/presets/` on Linux), so installing is one copy.

use nice_plug::prelude::Vst3Plugin;
use std::fs;
use std::path::{Path, PathBuf};
use tingle::scene::vst3_preset::{EXTENSION, factory_presets};
use tingle::{TinglePlacerVst3, TingleVst3};

/// Where the presets go, beside the bundles.
const PRESETS_DIR: &str = "target/bundled/vst3-presets";

/// Writes every factory scene for both VST3 plugins.
pub fn write_all() -> nice_plug_xtask::Result<()> {
    let root = Path::new(PRESETS_DIR);
    let written = write_for::<TingleVst3>(root)? + write_for::<TinglePlacerVst3>(root)?;
    eprintln!("Wrote {written} VST3 presets to {}", root.display());
    Ok(())
}

/// Writes plugin `P`'s presets; returns how many.
fn write_for<P: Vst3Plugin>(root: &Path) -> nice_plug_xtask::Result<usize> {
    let dir: PathBuf = root.join(P::VENDOR).join(P::NAME);
    fs::create_dir_all(&dir)?;
    let presets = factory_presets(&P::VST3_CLASS_ID);
    for (name, bytes) in &presets {
        fs::write(dir.join(format!("{name}.{EXTENSION}")), bytes)?;
    }
    Ok(presets.len())
}
