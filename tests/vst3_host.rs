//! Loads the built plugin library (the lib's cdylib, as `tests/clap_host.rs` does) as a VST3
//! host does: `GetPluginFactory`, an instance of each plugin, and every parameter's info from
//! its edit controller. Hosts such as Ardour offer a list parameter's names only when its info
//! carries the `kIsList` flag (Tingle's nice-plug patch sets it on every enum).

use std::ffi::c_void;
use std::path::PathBuf;
use vst3::Steinberg::Vst::{
    IComponent, IEditController, IEditControllerTrait, ParameterInfo,
    ParameterInfo_::ParameterFlags_,
};
use vst3::Steinberg::{IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait, kResultOk};
use vst3::{ComPtr, Interface};

/// The instrument's and the Placer's VST3 class ids.
const CLASS_IDS: [&[u8; 16]; 2] = [b"TingleBinauralAS", b"TinglePlacerBnrl"];

/// The plugin library cargo built with this test (see `tests/clap_host.rs`).
fn plugin_library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("test executable has a parent folder");
    deps.join(format!(
        "{}tingle{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// A parameter's title, from UTF-16.
fn title(info: &ParameterInfo) -> String {
    let end = info
        .title
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(info.title.len());
    String::from_utf16_lossy(&info.title[..end])
}

/// Every parameter's title, flags and step count, for each plugin.
#[test]
fn enum_parameters_are_lists_and_others_are_not() {
    // The library stays loaded for the process (as in tests/clap_host.rs).
    // SAFETY: this crate's own cdylib, whose VST3 entry point nice-plug exports.
    let library = Box::leak(Box::new(
        unsafe { libloading::Library::new(plugin_library_path()) }.expect("loading the plugin"),
    ));
    // SAFETY: the VST3 entry point's signature.
    let get_factory: libloading::Symbol<unsafe extern "system" fn() -> *mut c_void> =
        unsafe { library.get(b"GetPluginFactory") }.expect("GetPluginFactory");
    // SAFETY: the entry point returns an owned reference to the factory.
    let factory = unsafe { ComPtr::from_raw(get_factory() as *mut IPluginFactory) }
        .expect("a plugin factory");
    for class_id in CLASS_IDS {
        let cid = class_id.map(|b| b as i8);
        let mut object: *mut c_void = std::ptr::null_mut();
        // SAFETY: valid class and interface ids and an out pointer.
        let result = unsafe {
            factory.createInstance(
                cid.as_ptr(),
                IComponent::IID.as_ptr() as *const i8,
                &mut object,
            )
        };
        assert_eq!(result, kResultOk);
        let component = unsafe { ComPtr::from_raw(object as *mut IComponent) }.unwrap();
        unsafe { component.initialize(std::ptr::null_mut()) };
        let controller: ComPtr<IEditController> = component.cast().expect("edit controller");
        let mut lists = Vec::new();
        for index in 0..unsafe { controller.getParameterCount() } {
            // SAFETY: a zeroed ParameterInfo is valid for the plugin to fill.
            let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { controller.getParameterInfo(index, &mut info) },
                kResultOk
            );
            let is_list = info.flags & ParameterFlags_::kIsList != 0;
            let name = title(&info);
            let is_enum = [
                "Motion",
                "Motion Note",
                "Ambient Bed",
                "L1 Sound",
                "L1 Rhythm",
            ]
            .contains(&name.as_str());
            if is_enum {
                assert!(
                    is_list && info.stepCount > 0,
                    "{name}: a list (flags {:#x})",
                    info.flags
                );
            }
            if ["Azimuth", "Seed", "L1 On", "L1 Level", "L1 Burst"].contains(&name.as_str()) {
                assert!(!is_list, "{name}: not a list");
            }
            if is_list {
                lists.push(name);
            }
        }
        // Every layer's Sound, Rhythm, Note and Scatter, and the global enums.
        assert!(lists.len() >= 8 * 4, "{lists:?}");
        unsafe { component.terminate() };
    }
}
