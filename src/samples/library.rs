//! The plugin's side of the user's sounds: which files each layer plays (saved with the
//! session), the loader that loads them in the background (started at the first activation),
//! and each layer's load state for the editor.

use super::loader::{LayerStatus, LoadState, SampleInbox, SampleLoader};
use nice_plug::params::persist::PersistentField;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

/// What each layer plays, as saved: per layer, the files and folders chosen.
pub type Chosen = Vec<Vec<PathBuf>>;

/// The files of every layer, saved with the session. Clones share it (the editor hands one to
/// a file dialog's thread).
#[derive(Clone)]
pub struct SampleLibrary(Arc<Shared>);

/// What the clones of a [`SampleLibrary`] share.
struct Shared {
    chosen: RwLock<Chosen>,
    loader: OnceLock<SampleLoader>,
}

impl SampleLibrary {
    /// Nothing chosen for any of `layers` layers; no loader yet.
    pub fn new(layers: usize) -> Self {
        Self(Arc::new(Shared {
            chosen: RwLock::new(vec![Vec::new(); layers]),
            loader: OnceLock::new(),
        }))
    }

    /// What layer `layer` plays (files or folders; empty if nothing or no such layer).
    pub fn chosen(&self, layer: usize) -> Vec<PathBuf> {
        self.0
            .chosen
            .read()
            .ok()
            .and_then(|c| c.get(layer).cloned())
            .unwrap_or_default()
    }

    /// Lets layer `layer` play `chosen` (files or folders; empty: nothing), loading them in
    /// the background if the plugin is active. The layer keeps its current sounds meanwhile.
    pub fn choose(&self, layer: usize, chosen: Vec<PathBuf>) {
        if let Ok(mut all) = self.0.chosen.write()
            && let Some(slot) = all.get_mut(layer)
        {
            *slot = chosen.clone();
        }
        if let Some(loader) = self.0.loader.get() {
            loader.load(layer, chosen);
        }
    }

    /// Connects a new engine at `sample_rate` (Hz): starts the loader at the first call, and
    /// every layer's sounds go to the returned inbox from now on (loaded anew if the rate
    /// changed). Call from `activate()`.
    pub fn connect(&self, sample_rate: f32) -> SampleInbox {
        let chosen = self.0.chosen.read().map(|c| c.clone()).unwrap_or_default();
        let loader = self.0.loader.get_or_init(|| {
            let loader = SampleLoader::start(chosen.len());
            for (layer, files) in chosen.iter().enumerate() {
                if !files.is_empty() {
                    loader.load(layer, files.clone());
                }
            }
            loader
        });
        loader.connect(sample_rate)
    }

    /// Layer `layer`'s sounds and load state, for the editor.
    pub fn status(&self, layer: usize) -> LayerStatus {
        match self.0.loader.get() {
            Some(loader) => loader.status(layer),
            None => {
                let chosen = self.chosen(layer);
                let state = if chosen.is_empty() {
                    LoadState::Empty
                } else {
                    LoadState::Loading
                };
                LayerStatus { chosen, state }
            }
        }
    }

    /// Takes every layer's files from `other` (a loaded scene); layers whose files changed
    /// load them.
    pub fn copy_from(&self, other: &SampleLibrary) {
        let new = other.0.chosen.read().map(|c| c.clone()).unwrap_or_default();
        self.replace(new);
    }

    /// Takes every layer's files from `new` (missing layers: none); layers whose files changed
    /// load them.
    fn replace(&self, new: Chosen) {
        let old = self.0.chosen.read().map(|c| c.clone()).unwrap_or_default();
        for (layer, before) in old.iter().enumerate() {
            let files = new.get(layer).cloned().unwrap_or_default();
            if files != *before {
                self.choose(layer, files);
            }
        }
    }
}

impl PersistentField<'_, Chosen> for SampleLibrary {
    /// A restored session's files: layers whose files changed load them.
    fn set(&self, new: Chosen) {
        self.replace(new);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&Chosen) -> R,
    {
        match self.0.chosen.read() {
            Ok(chosen) => f(&chosen),
            Err(_) => f(&Chosen::new()),
        }
    }
}
