//! A scene render's sound files (the Sample family): the scene's and those of the `--samples`
//! flags, loaded before rendering; any file that cannot be used stops the render with a
//! message naming it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tingle::engine::{Engine, LAYERS};
use tingle::params::TingleParams;
use tingle::samples::loader::sample_queue;
use tingle::samples::set::load_all;
use tingle::samples::{Delivery, SampleSet};

/// Each layer's loaded sounds (0-based layer), for the layers that have files.
pub type LayerSounds = Vec<(usize, Arc<SampleSet>)>;

/// Loads the sound files of `scene` (relative paths against `scene_dir`), each layer named in
/// `flags` (`N=PATH`, N = 1 ..= 8, repeatable; a layer's flags replace the scene's files) taking
/// those instead, at `sample_rate` (Hz).
pub fn load(
    scene: &TingleParams,
    scene_dir: &Path,
    flags: &[String],
    sample_rate: u32,
) -> Result<LayerSounds, String> {
    let mut chosen: Vec<Vec<PathBuf>> = (0..LAYERS)
        .map(|layer| {
            let files = scene.samples.chosen(layer);
            files.iter().map(|f| scene_dir.join(f)).collect()
        })
        .collect();
    let mut flagged = [false; LAYERS];
    for flag in flags {
        let (layer, path) = parse_flag(flag)?;
        if !flagged[layer] {
            chosen[layer].clear();
            flagged[layer] = true;
        }
        chosen[layer].push(path);
    }
    let mut sounds = Vec::new();
    for (layer, files) in chosen.iter().enumerate() {
        if files.is_empty() {
            continue;
        }
        let set =
            load_all(files, sample_rate as f32).map_err(|e| format!("layer {}: {e}", layer + 1))?;
        sounds.push((layer, Arc::new(set)));
    }
    Ok(sounds)
}

/// The layer (0-based) and path of a `--samples N=PATH` flag.
fn parse_flag(flag: &str) -> Result<(usize, PathBuf), String> {
    let error = || format!("--samples {flag}: expected LAYER=PATH with LAYER 1..{LAYERS}");
    let (layer, path) = flag.split_once('=').ok_or_else(error)?;
    let layer: usize = layer.trim().parse().map_err(|_| error())?;
    if !(1..=LAYERS).contains(&layer) || path.is_empty() {
        return Err(error());
    }
    Ok((layer - 1, PathBuf::from(path)))
}

/// Hands `sounds` to `engine` (before its first block).
pub fn connect(engine: &mut Engine, sounds: &LayerSounds) {
    if sounds.is_empty() {
        return;
    }
    let (mut outbox, inbox) = sample_queue();
    for (layer, set) in sounds {
        // The queue holds a set for every layer.
        let _ = outbox.send(Delivery {
            layer: *layer,
            set: set.clone(),
        });
    }
    engine.connect_samples(inbox);
}
