//! User presets: scene files in the platform's user data folder (on Linux
//! `~/.local/share/tingle/presets`, on macOS `~/Library/Application Support/audio.Tingle.Tingle/presets`,
//! on Windows `%APPDATA%\Tingle\Tingle\data\presets`). They are ordinary scene files: a preset
//! saved in the plugin renders with `tingle-render`, and a scene file copied into the folder
//! shows up in the editor's browser.

use super::{SceneError, SceneInfo, read, write};
use crate::params::TingleParams;
use std::fs;
use std::path::{Path, PathBuf};

/// Category written into user presets.
pub const USER_CATEGORY: &str = "User";
/// Extension of scene files.
pub const EXTENSION: &str = "json";
/// Name of the presets folder inside the user data folder.
const PRESETS_FOLDER: &str = "presets";
/// Longest preset name kept (characters).
const MAX_NAME_CHARS: usize = 64;

/// A preset file found in the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPreset {
    /// The name shown (the scene's name, or the file's stem when the scene has none).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Why the file cannot be loaded, if it cannot.
    pub error: Option<String>,
}

/// The user preset folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    dir: Option<PathBuf>,
}

/// `folder` inside Tingle's user data folder (none if the platform has no home).
pub fn data_folder(folder: &str) -> Option<PathBuf> {
    directories::ProjectDirs::from("audio", "Tingle", "Tingle")
        .map(|dirs| dirs.data_dir().join(folder))
}

impl Library {
    /// The library in the platform's user data folder (none if the platform has no home).
    pub fn standard() -> Self {
        Self {
            dir: data_folder(PRESETS_FOLDER),
        }
    }

    /// A library in `dir` (tests, or a folder of the user's choice).
    pub fn in_folder(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    /// The folder, if there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The presets in the folder, by name (an empty list if the folder does not exist yet).
    pub fn list(&self) -> Vec<UserPreset> {
        let Some(entries) = self.dir.as_ref().and_then(|d| fs::read_dir(d).ok()) else {
            return Vec::new();
        };
        let mut presets: Vec<UserPreset> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
            .map(|path| {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match load_file(&path) {
                    Ok((info, _)) if !info.name.is_empty() => UserPreset {
                        name: info.name,
                        path,
                        error: None,
                    },
                    Ok(_) => UserPreset {
                        name: stem,
                        path,
                        error: None,
                    },
                    Err(e) => UserPreset {
                        name: stem,
                        path,
                        error: Some(e),
                    },
                }
            })
            .collect();
        presets.sort_by_key(|p| p.name.to_lowercase());
        presets
    }

    /// Saves `params` as the preset `name` (replacing a preset of that name); returns its file.
    pub fn save(&self, params: &TingleParams, name: &str) -> Result<PathBuf, String> {
        let name = clean_name(name)?;
        let dir = self
            .dir
            .as_ref()
            .ok_or("this system has no user data folder")?;
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(format!("{}.{EXTENSION}", file_stem(&name)));
        let info = SceneInfo {
            name,
            category: USER_CATEGORY.into(),
            description: String::new(),
        };
        fs::write(&path, write(params, &info))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    /// Renames the preset in `path` to `name` (its file follows); returns the new file.
    pub fn rename(&self, path: &Path, name: &str) -> Result<PathBuf, String> {
        let (mut info, params) = load_file(path)?;
        info.name = clean_name(name)?;
        let new_path = path.with_file_name(format!("{}.{EXTENSION}", file_stem(&info.name)));
        if new_path != path && new_path.exists() {
            return Err(format!("a preset named \"{}\" exists already", info.name));
        }
        fs::write(&new_path, write(&params, &info))
            .map_err(|e| format!("cannot write {}: {e}", new_path.display()))?;
        if new_path != path {
            fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
        Ok(new_path)
    }

    /// Deletes the preset in `path`.
    pub fn delete(&self, path: &Path) -> Result<(), String> {
        fs::remove_file(path).map_err(|e| format!("cannot delete {}: {e}", path.display()))
    }
}

/// Reads a scene file.
pub fn load_file(path: &Path) -> Result<(SceneInfo, TingleParams), String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    read(&text)
        .map(|scene| (scene.info, scene.params))
        .map_err(|e: SceneError| format!("{}: {e}", path.display()))
}

/// A preset name, trimmed and checked.
fn clean_name(name: &str) -> Result<String, String> {
    let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
    if name.chars().any(|c| c.is_alphanumeric()) {
        Ok(name)
    } else {
        Err("a preset name needs a letter or a digit".into())
    }
}

/// A file name for a preset name: letters and digits, other runs as one `-`, lower case.
fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    stem.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty folder under the system's temporary folder.
    fn temp_folder(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tingle-library-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saves_lists_renames_and_deletes() {
        let dir = temp_folder("cycle");
        let library = Library::in_folder(&dir);
        assert!(library.list().is_empty(), "no folder yet, no presets");
        let params = TingleParams::default();
        let path = library.save(&params, "  My Rain / Night  ").expect("saved");
        assert_eq!(path.file_name().unwrap(), "my-rain-night.json");
        fs::write(dir.join("broken.json"), "{\"params\": {\"az\": 999}}").unwrap();
        let list = library.list();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "broken");
        assert!(list[0].error.as_deref().unwrap().contains("params.az"));
        assert_eq!(list[1].name, "My Rain / Night");
        let renamed = library.rename(&path, "Rain").expect("renamed");
        assert!(!path.exists());
        assert_eq!(load_file(&renamed).unwrap().0.name, "Rain");
        assert!(library.rename(&renamed, "Broken").is_err(), "taken");
        library.delete(&renamed).expect("deleted");
        assert_eq!(library.list().len(), 1);
        assert!(library.save(&params, " / ").is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
