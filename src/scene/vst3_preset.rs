//! The factory scenes as VST3 preset files (`.vstpreset`), which VST3 hosts list from
//! `~/.vst3/presets/<vendor>/<plugin>/` (Linux; the VST3 SDK names the other systems' folders).
//! `cargo xtask bundle` writes them beside the bundles.
//!
//! The format (Steinberg's `PresetFile`): a 48-byte header ("VST3", version 1, the plugin's
//! class id as 32 hex digits, the offset of the chunk list), the chunks' data, and the chunk
//! list ("List", a count, then each chunk's id, offset and size). Tingle writes one chunk,
//! "Comp": the component state exactly as the plugin saves it (nice-plug's JSON), so loading a
//! preset is loading a saved state.

use super::{Source, factory};
use nice_plug::prelude::PluginState;

/// The file's magic.
const MAGIC: &[u8; 4] = b"VST3";
/// The format version.
const FORMAT_VERSION: i32 = 1;
/// Bytes of the header: magic, version, class id (32 hex digits), chunk list offset.
const HEADER_BYTES: usize = 4 + 4 + 32 + 8;
/// The chunk list's id.
const LIST_ID: &[u8; 4] = b"List";
/// The component state chunk's id.
const COMPONENT_ID: &[u8; 4] = b"Comp";
/// The file extension.
pub const EXTENSION: &str = "vstpreset";

/// A `.vstpreset` file holding `state` for the plugin with VST3 class id `class_id`.
pub fn encode(class_id: &[u8; 16], state: &PluginState) -> Vec<u8> {
    let component = serde_json::to_vec(state).unwrap_or_default();
    let list_offset = HEADER_BYTES + component.len();
    let mut file = Vec::with_capacity(list_offset + 32);
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    for byte in class_id {
        file.extend_from_slice(format!("{byte:02X}").as_bytes());
    }
    file.extend_from_slice(&(list_offset as i64).to_le_bytes());
    file.extend_from_slice(&component);
    file.extend_from_slice(LIST_ID);
    file.extend_from_slice(&1i32.to_le_bytes());
    file.extend_from_slice(COMPONENT_ID);
    file.extend_from_slice(&(HEADER_BYTES as i64).to_le_bytes());
    file.extend_from_slice(&(component.len() as i64).to_le_bytes());
    file
}

/// Every factory scene as a preset file: its name (the file's stem) and contents, for the
/// plugin with class id `class_id`. A preset restores the whole scene, and remembers it as the
/// loaded scene.
pub fn factory_presets(class_id: &[u8; 16]) -> Vec<(String, Vec<u8>)> {
    factory::SCENES
        .iter()
        .filter_map(|scene| {
            let (info, state) = Source::Factory(scene).state().ok()?;
            Some((info.name, encode(class_id, &state)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nice_plug::prelude::Params;

    /// Reads the little-endian i64 at `at`.
    fn i64_at(bytes: &[u8], at: usize) -> usize {
        i64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
    }

    /// A preset file reads back as the SDK reads it: the header names the class, the list
    /// points at one "Comp" chunk, and that chunk is the state, whole.
    #[test]
    fn a_preset_file_holds_the_state_where_the_header_says() {
        let class_id = *b"TingleBinauralAS";
        let presets = factory_presets(&class_id);
        assert_eq!(presets.len(), factory::SCENES.len());
        let (name, file) = presets
            .iter()
            .find(|(name, _)| name == "Rain on a Window")
            .expect("the scene's preset");
        assert_eq!(&file[0..4], b"VST3", "{name}");
        assert_eq!(i32::from_le_bytes(file[4..8].try_into().unwrap()), 1);
        assert_eq!(&file[8..40], b"54696E676C6542696E617572616C4153");
        let list = i64_at(file, 40);
        assert_eq!(&file[list..list + 4], b"List");
        assert_eq!(
            i32::from_le_bytes(file[list + 4..list + 8].try_into().unwrap()),
            1
        );
        assert_eq!(&file[list + 8..list + 12], b"Comp");
        let (offset, size) = (i64_at(file, list + 12), i64_at(file, list + 20));
        assert_eq!(offset + size, list);
        assert_eq!(file.len(), list + 28);
        let state: PluginState = serde_json::from_slice(&file[offset..offset + size]).unwrap();
        assert_eq!(state.fields["scene"], "\"factory/rain-on-a-window\"");
        let scene = factory::find("rain-on-a-window").unwrap().read().unwrap();
        assert_eq!(state.params.len(), scene.params.param_map().len());
    }
}
