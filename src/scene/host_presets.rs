//! The scenes as host presets: what the CLAP preset-discovery provider lists (the factory scenes
//! and the user's presets folder) and the state a host loads for one.
//!
//! The factory scenes are offered as files: the provider writes the embedded scenes into
//! Tingle's data folder (`factory-scenes/`, rewritten only where a file differs), so a host
//! indexes them like any preset file, one preset per file. (A single location inside the
//! plugin holding all twenty, keyed by file name, is the fallback where there is no data
//! folder: clap-validator 0.4.1 deadlocks on a location holding more than one preset.) A file
//! there loads as the factory scene it is; any other file as a user preset. Loading restores
//! the whole state (every parameter, the scene remembered as loaded), so a preset chosen in the
//! host's browser sounds as it does when chosen in the editor.

use super::library::{self, Library, data_folder};
use super::{SceneInfo, Source, factory};
use nice_plug::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The provider's name in hosts' preset browsers.
const PROVIDER_NAME: &str = "Tingle scenes";
/// The preset file type's name.
const FILE_TYPE_NAME: &str = "Tingle scene";
/// The location holding the factory scenes.
const FACTORY_LOCATION: &str = "Factory scenes";
/// The location holding the user's presets.
const USER_LOCATION: &str = "User presets";
/// The folder in Tingle's data folder the factory scenes are written to.
const FACTORY_FOLDER: &str = "factory-scenes";

/// The factory scenes' folder, written once per process (`None` if there is no data folder or
/// it cannot be written).
fn factory_folder() -> Option<&'static Path> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let dir = data_folder(FACTORY_FOLDER)?;
            write_factory_scenes(&dir).ok()?;
            Some(dir)
        })
        .as_deref()
}

/// Writes every factory scene into `dir` as `<file>.json`, leaving files that already hold it.
fn write_factory_scenes(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    for scene in factory::SCENES {
        let path = scene_path(dir, scene);
        if fs::read_to_string(&path).ok().as_deref() != Some(scene.json) {
            fs::write(&path, scene.json)?;
        }
    }
    Ok(())
}

/// Where `scene` is written in `dir`.
fn scene_path(dir: &Path, scene: &factory::FactoryScene) -> PathBuf {
    dir.join(format!("{}.{}", scene.file, library::EXTENSION))
}

/// The factory scene a file in the factory folder holds.
fn factory_scene_at(path: &Path) -> Option<&'static factory::FactoryScene> {
    let dir = factory_folder()?;
    factory::SCENES
        .iter()
        .find(|scene| scene_path(dir, scene) == path)
}

/// What the provider declares: the scene file type, the factory scenes (their folder, or inside
/// the plugin), and the user presets folder when it exists (a host cannot index a folder that is
/// not there).
pub fn provider() -> ClapPresetProvider {
    let mut locations = vec![ClapPresetLocation {
        name: FACTORY_LOCATION.to_owned(),
        place: factory_folder().map_or(PresetPlace::Plugin, |dir| PresetPlace::Path(dir.into())),
        content: PresetContent::Factory,
    }];
    if let Some(dir) = Library::standard().dir().filter(|d| d.is_dir()) {
        locations.push(ClapPresetLocation {
            name: USER_LOCATION.to_owned(),
            place: PresetPlace::Path(dir.to_owned()),
            content: PresetContent::User,
        });
    }
    ClapPresetProvider {
        name: PROVIDER_NAME.to_owned(),
        file_type: Some(ClapPresetFileType {
            name: FILE_TYPE_NAME.to_owned(),
            extension: library::EXTENSION.to_owned(),
        }),
        locations,
    }
}

/// The presets at `place`: every factory scene inside the plugin, or the one scene in a file
/// (a factory scene's file, or a user preset; none if the file is not a scene).
pub fn list(place: &PresetPlace) -> Vec<ClapPreset> {
    match place {
        PresetPlace::Plugin => factory::SCENES
            .iter()
            .filter_map(|scene| {
                let info = scene.read().ok()?.info;
                Some(preset(info, Some(scene.file), PresetContent::Factory))
            })
            .collect(),
        PresetPlace::Path(path) => match factory_scene_at(path) {
            Some(scene) => scene
                .read()
                .map(|s| vec![preset(s.info, None, PresetContent::Factory)])
                .unwrap_or_default(),
            None => user_preset(path).into_iter().collect(),
        },
    }
}

/// The user preset in a file (none if the file is not a scene), named by its file when the
/// scene has no name.
fn user_preset(path: &Path) -> Option<ClapPreset> {
    let (info, _) = library::load_file(path).ok()?;
    let mut preset = preset(info, None, PresetContent::User);
    if preset.name.is_empty() {
        preset.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    Some(preset)
}

/// The state that loads the preset at `place` (`load_key` naming a factory scene), or `None`
/// if there is no such scene.
pub fn state(place: &PresetPlace, load_key: Option<&str>) -> Option<PluginState> {
    let source = match place {
        PresetPlace::Plugin => Source::Factory(factory::find(load_key?)?),
        PresetPlace::Path(path) => match factory_scene_at(path) {
            Some(scene) => Source::Factory(scene),
            None => Source::User(path.clone()),
        },
    };
    source.state().ok().map(|(_, state)| state)
}

/// A preset entry for a scene.
fn preset(info: SceneInfo, load_key: Option<&str>, content: PresetContent) -> ClapPreset {
    ClapPreset {
        name: info.name,
        load_key: load_key.map(str::to_owned),
        description: Some(info.description).filter(|d| !d.is_empty()),
        features: Some(info.category.to_lowercase())
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{TingleParams, state_of};
    use nice_plug::plugin::ParamValue;

    /// Every factory scene is listed inside the plugin, by name with its file as load key, as
    /// factory content with its category as a feature.
    #[test]
    fn lists_every_factory_scene() {
        let presets = list(&PresetPlace::Plugin);
        assert_eq!(presets.len(), factory::SCENES.len());
        for (preset, scene) in presets.iter().zip(factory::SCENES) {
            let info = scene.read().unwrap().info;
            assert_eq!(preset.name, info.name);
            assert_eq!(preset.load_key.as_deref(), Some(scene.file));
            assert_eq!(preset.content, PresetContent::Factory);
            assert_eq!(preset.features, [info.category.to_lowercase()]);
        }
    }

    /// The factory location is the factory scenes' folder, holding every scene as a file that
    /// lists as that factory scene and loads it.
    #[test]
    fn the_factory_scenes_are_files_hosts_can_index() {
        let declared = provider();
        let factory_location = &declared.locations[0];
        assert_eq!(factory_location.content, PresetContent::Factory);
        let PresetPlace::Path(dir) = &factory_location.place else {
            panic!("this system has a data folder: {factory_location:?}");
        };
        for scene in factory::SCENES {
            let path = scene_path(dir, scene);
            assert_eq!(fs::read_to_string(&path).unwrap(), scene.json);
            let listed = list(&PresetPlace::Path(path.clone()));
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].name, scene.read().unwrap().info.name);
            assert_eq!(listed[0].content, PresetContent::Factory);
            let loaded = state(&PresetPlace::Path(path), None).unwrap();
            assert_eq!(
                loaded.fields["scene"],
                format!("{:?}", Source::Factory(scene).key())
            );
        }
    }

    /// A factory preset's state holds the scene's values for every parameter and remembers the
    /// scene; an unknown key loads nothing.
    #[test]
    fn a_factory_preset_loads_the_whole_scene() {
        let scene = factory::find("rain-on-a-window").unwrap();
        let expected = state_of(&scene.read().unwrap().params);
        let loaded = state(&PresetPlace::Plugin, Some(scene.file)).unwrap();
        assert_eq!(
            loaded.params.len(),
            TingleParams::default().param_map().len()
        );
        for (id, value) in &expected.params {
            assert_eq!(
                format!("{:?}", loaded.params[id]),
                format!("{value:?}"),
                "{id}"
            );
        }
        assert_eq!(loaded.fields["scene"], "\"factory/rain-on-a-window\"");
        assert!(state(&PresetPlace::Plugin, Some("no-such-scene")).is_none());
        assert!(state(&PresetPlace::Plugin, None).is_none());
    }

    /// A user preset file is one preset named as saved; it loads with its values and is
    /// remembered as the loaded user preset. A file that is not a scene lists nothing.
    #[test]
    fn a_user_preset_file_lists_and_loads() {
        let dir = std::env::temp_dir().join(format!("tingle-host-presets-{}", std::process::id()));
        let library = Library::in_folder(&dir);
        let params = TingleParams::default();
        let rate = params.layers[0].rate.unmodulated_plain_value();
        let path = library.save(&params, "Night taps").unwrap();
        let listed = list(&PresetPlace::Path(path.clone()));
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "Night taps");
        assert_eq!(listed[0].content, PresetContent::User);
        let loaded = state(&PresetPlace::Path(path.clone()), None).unwrap();
        assert!(matches!(loaded.params["rate_1"], ParamValue::F32(v) if v == rate));
        assert_eq!(
            loaded.fields["scene"],
            format!("{:?}", Source::User(path).key())
        );
        let junk = dir.join("junk.json");
        std::fs::write(&junk, "not a scene").unwrap();
        assert!(list(&PresetPlace::Path(junk)).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
