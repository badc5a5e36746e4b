//! CLAP preset discovery (Tingle's patch): a preset-discovery factory with one provider per
//! plugin that declares presets through [`ClapPlugin::clap_preset_provider()`], and the
//! `preset-load` extension's plugin side, which loads a preset as a [`PluginState`].
//!
//! A host indexes presets without instantiating a plugin: it asks the factory for its providers,
//! lets each declare its file type and locations (`init`), and then asks for the presets at each
//! location (`get_metadata`): once for presets inside the plugin, once per file for a folder.
//! To load one, the host calls `preset-load.from_location` on a plugin instance with the same
//! location and the preset's load key.

use clap_sys::factory::preset_discovery::{
    CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT, CLAP_PRESET_DISCOVERY_IS_USER_CONTENT,
    CLAP_PRESET_DISCOVERY_LOCATION_FILE, CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN,
    clap_preset_discovery_factory, clap_preset_discovery_filetype, clap_preset_discovery_indexer,
    clap_preset_discovery_location, clap_preset_discovery_location_kind,
    clap_preset_discovery_metadata_receiver, clap_preset_discovery_provider,
    clap_preset_discovery_provider_descriptor,
};
use clap_sys::universal_plugin_id::clap_universal_plugin_id;
use clap_sys::version::CLAP_VERSION;
use std::ffi::{CStr, CString, c_char, c_void};
use std::marker::PhantomData;
use std::path::PathBuf;

use super::ClapPlugin;

/// What a plugin's preset-discovery provider tells the host's indexer.
#[derive(Debug, Clone)]
pub struct ClapPresetProvider {
    /// The provider's name, shown by hosts (e.g. "Tingle scenes").
    pub name: String,
    /// The file type of the plugin's preset files, if it stores presets as files.
    pub file_type: Option<ClapPresetFileType>,
    /// Where the presets are: inside the plugin, and/or in folders.
    pub locations: Vec<ClapPresetLocation>,
}

/// A preset file type.
#[derive(Debug, Clone)]
pub struct ClapPresetFileType {
    /// The type's name, e.g. "Tingle scene".
    pub name: String,
    /// The file extension without the dot, e.g. "json".
    pub extension: String,
}

/// A place presets are kept.
#[derive(Debug, Clone)]
pub struct ClapPresetLocation {
    /// The location's name, shown by hosts (e.g. "Factory scenes").
    pub name: String,
    /// Inside the plugin, or a folder (or file) on disk.
    pub place: PresetPlace,
    /// Whether the presets there ship with the plugin or were made by the user.
    pub content: PresetContent,
}

/// Where a preset is, as the host names it when it asks for metadata or loads a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetPlace {
    /// Inside the plugin; the preset is named by its load key.
    Plugin,
    /// A folder when declared; a single preset file when the host asks about one or loads it.
    Path(PathBuf),
}

/// Who made the presets at a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetContent {
    /// Shipped with the plugin.
    Factory,
    /// Made by the user.
    User,
}

/// One preset, as listed to the host.
#[derive(Debug, Clone)]
pub struct ClapPreset {
    /// The preset's name.
    pub name: String,
    /// The key that names the preset inside its location (required for presets inside the
    /// plugin; `None` for a file that holds one preset).
    pub load_key: Option<String>,
    /// A one-line description, if any.
    pub description: Option<String>,
    /// Feature tags for the host's browser (e.g. "ambient").
    pub features: Vec<String>,
    /// Factory or user content.
    pub content: PresetContent,
}

impl PresetContent {
    /// The CLAP flag for this content.
    fn flag(self) -> u32 {
        match self {
            PresetContent::Factory => CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT,
            PresetContent::User => CLAP_PRESET_DISCOVERY_IS_USER_CONTENT,
        }
    }
}

impl PresetPlace {
    /// The place a host names with a location kind and path.
    ///
    /// # Safety
    /// `location` must be null or a valid C string.
    pub(crate) unsafe fn from_raw(
        kind: clap_preset_discovery_location_kind,
        location: *const c_char,
    ) -> Option<Self> {
        match kind {
            CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN => Some(PresetPlace::Plugin),
            CLAP_PRESET_DISCOVERY_LOCATION_FILE if !location.is_null() => {
                let path = unsafe { CStr::from_ptr(location) }.to_str().ok()?;
                Some(PresetPlace::Path(PathBuf::from(path)))
            }
            _ => None,
        }
    }
}

/// Reads an optional C string.
///
/// # Safety
/// `text` must be null or a valid C string.
pub(crate) unsafe fn optional_str<'a>(text: *const c_char) -> Option<&'a str> {
    if text.is_null() {
        None
    } else {
        unsafe { CStr::from_ptr(text) }.to_str().ok()
    }
}

/// A C string for text that may contain a NUL (dropped, as no host could show it).
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// The provider id of plugin `P`: its CLAP id with `.presets` appended.
fn provider_id<P: ClapPlugin>() -> String {
    format!("{}.presets", P::CLAP_ID)
}

/// One provider in the factory: its descriptor and how to create it.
pub struct ProviderEntry {
    descriptor: clap_preset_discovery_provider_descriptor,
    // The descriptor points into these.
    _id: CString,
    _name: CString,
    _vendor: CString,
    create: unsafe fn(
        *const clap_preset_discovery_indexer,
        *const clap_preset_discovery_provider_descriptor,
    ) -> *const clap_preset_discovery_provider,
}

// SAFETY: the descriptor's pointers point into the entry's own immutable strings.
unsafe impl Send for ProviderEntry {}
unsafe impl Sync for ProviderEntry {}

impl ProviderEntry {
    /// The provider of plugin `P`, or `None` if it declares no presets.
    pub fn for_plugin<P: ClapPlugin>() -> Option<Self> {
        let provider = P::clap_preset_provider()?;
        let id = c_string(&provider_id::<P>());
        let name = c_string(&provider.name);
        let vendor = c_string(P::VENDOR);
        Some(Self {
            descriptor: clap_preset_discovery_provider_descriptor {
                clap_version: CLAP_VERSION,
                id: id.as_ptr(),
                name: name.as_ptr(),
                vendor: vendor.as_ptr(),
            },
            _id: id,
            _name: name,
            _vendor: vendor,
            create: Provider::<P>::create,
        })
    }
}

/// The preset-discovery factory: every provider of the library's plugins.
#[repr(C)]
pub struct PresetDiscoveryFactory {
    // Must stay the first field: the host's factory pointer is cast back to `Self`.
    raw: clap_preset_discovery_factory,
    providers: Vec<ProviderEntry>,
}

impl PresetDiscoveryFactory {
    /// A factory with these providers (the `None`s of plugins without presets left out).
    pub fn new(providers: impl IntoIterator<Item = Option<ProviderEntry>>) -> Self {
        Self {
            raw: clap_preset_discovery_factory {
                count: Some(Self::count),
                get_descriptor: Some(Self::get_descriptor),
                create: Some(Self::create),
            },
            providers: providers.into_iter().flatten().collect(),
        }
    }

    /// Whether any plugin declares presets (a factory without providers is not offered).
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    /// The pointer handed to the host.
    pub fn as_raw(&self) -> *const c_void {
        &self.raw as *const _ as *const c_void
    }

    /// # Safety
    /// `factory` must be the pointer returned by [`Self::as_raw()`] of a live factory.
    unsafe fn from_raw<'a>(factory: *const clap_preset_discovery_factory) -> &'a Self {
        unsafe { &*(factory as *const Self) }
    }

    unsafe extern "C" fn count(factory: *const clap_preset_discovery_factory) -> u32 {
        check_null_ptr!(0, factory);
        unsafe { Self::from_raw(factory) }.providers.len() as u32
    }

    unsafe extern "C" fn get_descriptor(
        factory: *const clap_preset_discovery_factory,
        index: u32,
    ) -> *const clap_preset_discovery_provider_descriptor {
        check_null_ptr!(std::ptr::null(), factory);
        match unsafe { Self::from_raw(factory) }
            .providers
            .get(index as usize)
        {
            Some(entry) => &entry.descriptor,
            None => std::ptr::null(),
        }
    }

    unsafe extern "C" fn create(
        factory: *const clap_preset_discovery_factory,
        indexer: *const clap_preset_discovery_indexer,
        provider_id: *const c_char,
    ) -> *const clap_preset_discovery_provider {
        check_null_ptr!(std::ptr::null(), factory, indexer, provider_id);
        let wanted = unsafe { CStr::from_ptr(provider_id) };
        let factory = unsafe { Self::from_raw(factory) };
        for entry in &factory.providers {
            if unsafe { CStr::from_ptr(entry.descriptor.id) } == wanted {
                return unsafe { (entry.create)(indexer, &entry.descriptor) };
            }
        }
        std::ptr::null()
    }
}

/// A provider instance for plugin `P`.
#[repr(C)]
struct Provider<P: ClapPlugin> {
    // Must stay the first field: the host's provider pointer is cast back to `Self`.
    raw: clap_preset_discovery_provider,
    indexer: *const clap_preset_discovery_indexer,
    _plugin: PhantomData<P>,
}

impl<P: ClapPlugin> Provider<P> {
    /// Creates a provider; the host frees it with `destroy`.
    unsafe fn create(
        indexer: *const clap_preset_discovery_indexer,
        descriptor: *const clap_preset_discovery_provider_descriptor,
    ) -> *const clap_preset_discovery_provider {
        let provider = Box::new(Self {
            raw: clap_preset_discovery_provider {
                desc: descriptor,
                provider_data: std::ptr::null_mut(),
                init: Some(Self::init),
                destroy: Some(Self::destroy),
                get_metadata: Some(Self::get_metadata),
                get_extension: Some(Self::get_extension),
            },
            indexer,
            _plugin: PhantomData,
        });
        &Box::leak(provider).raw
    }

    /// # Safety
    /// `provider` must have been made by [`Self::create()`] and not destroyed.
    unsafe fn from_raw<'a>(provider: *const clap_preset_discovery_provider) -> &'a Self {
        unsafe { &*(provider as *const Self) }
    }

    /// Declares the file type and the locations to the indexer.
    unsafe extern "C" fn init(provider: *const clap_preset_discovery_provider) -> bool {
        check_null_ptr!(false, provider);
        let this = unsafe { Self::from_raw(provider) };
        let Some(declared) = P::clap_preset_provider() else {
            return false;
        };
        let indexer = unsafe { &*this.indexer };

        if let (Some(file_type), Some(declare)) = (&declared.file_type, indexer.declare_filetype)
        {
            let name = c_string(&file_type.name);
            let extension = c_string(&file_type.extension);
            let raw = clap_preset_discovery_filetype {
                name: name.as_ptr(),
                description: std::ptr::null(),
                file_extension: extension.as_ptr(),
            };
            if !unsafe { declare(indexer, &raw) } {
                return false;
            }
        }

        let Some(declare) = indexer.declare_location else {
            return false;
        };
        for location in &declared.locations {
            let name = c_string(&location.name);
            let path = match &location.place {
                PresetPlace::Plugin => None,
                PresetPlace::Path(path) => Some(c_string(&path.to_string_lossy())),
            };
            let raw = clap_preset_discovery_location {
                flags: location.content.flag(),
                name: name.as_ptr(),
                kind: match location.place {
                    PresetPlace::Plugin => CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN,
                    PresetPlace::Path(_) => CLAP_PRESET_DISCOVERY_LOCATION_FILE,
                },
                location: path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            };
            if !unsafe { declare(indexer, &raw) } {
                return false;
            }
        }
        true
    }

    unsafe extern "C" fn destroy(provider: *const clap_preset_discovery_provider) {
        check_null_ptr!((), provider);
        drop(unsafe { Box::from_raw(provider as *mut Self) });
    }

    /// Lists the presets at a location to the host's receiver.
    unsafe extern "C" fn get_metadata(
        provider: *const clap_preset_discovery_provider,
        location_kind: clap_preset_discovery_location_kind,
        location: *const c_char,
        receiver: *const clap_preset_discovery_metadata_receiver,
    ) -> bool {
        check_null_ptr!(false, provider, receiver);
        let Some(place) = (unsafe { PresetPlace::from_raw(location_kind, location) }) else {
            return false;
        };
        let receiver = unsafe { &*receiver };
        let Some(begin_preset) = receiver.begin_preset else {
            return false;
        };

        let abi = c"clap";
        let plugin_id = c_string(P::CLAP_ID);
        let universal_id = clap_universal_plugin_id {
            abi: abi.as_ptr(),
            id: plugin_id.as_ptr(),
        };
        for preset in P::clap_presets(&place) {
            let name = c_string(&preset.name);
            let load_key = preset.load_key.as_deref().map(c_string);
            let key_ptr = load_key.as_ref().map_or(std::ptr::null(), |k| k.as_ptr());
            if !unsafe { begin_preset(receiver, name.as_ptr(), key_ptr) } {
                break;
            }
            if let Some(add_plugin_id) = receiver.add_plugin_id {
                unsafe { add_plugin_id(receiver, &universal_id) };
            }
            if let Some(set_flags) = receiver.set_flags {
                unsafe { set_flags(receiver, preset.content.flag()) };
            }
            if let (Some(text), Some(set_description)) =
                (&preset.description, receiver.set_description)
            {
                let text = c_string(text);
                unsafe { set_description(receiver, text.as_ptr()) };
            }
            if let Some(add_feature) = receiver.add_feature {
                for feature in &preset.features {
                    let feature = c_string(feature);
                    unsafe { add_feature(receiver, feature.as_ptr()) };
                }
            }
        }
        true
    }

    unsafe extern "C" fn get_extension(
        _provider: *const clap_preset_discovery_provider,
        _extension_id: *const c_char,
    ) -> *const c_void {
        std::ptr::null()
    }
}
