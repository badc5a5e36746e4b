//! The factory scenes: the JSON files in the repository's `scenes/` folder, embedded in the
//! plugin so that every instance has them.

use super::{Scene, SceneError, read};

/// A factory scene's file name and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactoryScene {
    /// File name in `scenes/`, without `.json`.
    pub file: &'static str,
    /// The scene's JSON.
    pub json: &'static str,
}

impl FactoryScene {
    /// Reads the scene.
    pub fn read(&self) -> Result<Scene, SceneError> {
        read(self.json)
    }
}

/// Embeds `scenes/<file>.json`.
macro_rules! factory {
    ($file:literal) => {
        FactoryScene {
            file: $file,
            json: include_str!(concat!("../../scenes/", $file, ".json")),
        }
    };
}

/// Every factory scene, in the browser's order (grouped by category in the editor).
pub const SCENES: &[FactoryScene] = &[
    factory!("gentle-start"),
    factory!("calm-tapping"),
    factory!("glass-and-ceramic"),
    factory!("grounding-taps"),
    factory!("brushing-close"),
    factory!("brush-on-mic"),
    factory!("paper-crinkle"),
    factory!("fireside-whispers"),
    factory!("whispers-in-motion"),
    factory!("ear-to-ear-tapping"),
    factory!("rain-on-a-window"),
    factory!("campfire-night"),
    factory!("pages-and-pencil"),
    factory!("library-rain"),
    factory!("rain-and-embers"),
    factory!("deep-rain"),
    factory!("midi-kit"),
    factory!("live-pads"),
    factory!("input-placement"),
    factory!("input-orbit"),
];

/// The instrument's default scene: its parameters' defaults (see [`crate::flavour`]).
pub const FIRST_SOUND: &str = "gentle-start";

/// The factory scene stored as `scenes/<file>.json`.
pub fn find(file: &str) -> Option<&'static FactoryScene> {
    SCENES.iter().find(|s| s.file == file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `scenes/` is embedded, and every scene reads with a name, a category and
    /// a description.
    #[test]
    fn every_scene_file_is_embedded_and_reads() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenes");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("the scenes folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
            .collect();
        files.sort();
        let mut embedded: Vec<String> = SCENES.iter().map(|s| s.file.to_owned()).collect();
        embedded.sort();
        assert_eq!(files, embedded);
        for scene in SCENES {
            let read = scene
                .read()
                .unwrap_or_else(|e| panic!("{}: {e}", scene.file));
            assert!(!read.info.name.is_empty(), "{}", scene.file);
            assert!(!read.info.category.is_empty(), "{}", scene.file);
            assert!(!read.info.description.is_empty(), "{}", scene.file);
        }
        assert!(find(FIRST_SOUND).is_some());
    }
}
