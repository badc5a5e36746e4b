//! Scenes: the plugin's whole parameter state as a readable JSON file, with a name, a category
//! and a one-line description. Factory scenes, user presets and the offline renderer's input
//! are all scenes.
//!
//! The current format (version 2) reads like this:
//!
//! ```json
//! {
//!   "tingle_scene": 2,
//!   "name": "Glass taps",
//!   "category": "Relax",
//!   "description": "Slow taps on a glass, close to the right ear.",
//!   "params": {
//!     "seed": 7,
//!     "layer_1": {"on": true, "family": "tap", "variant": "glass", "hardness": 0.8,
//!                 "az": 60, "dist_m": 0.4}
//!   }
//! }
//! ```
//!
//! Keys are the parameters' stable ids (`az`, `mix`, `rate`, ... see [`crate::params`]). A layer's
//! parameters sit in a `layer_N` object (N = 1 ..= 8) without their suffix, or flat with it
//! (`"variant_1": "glass"`). Enums are written by id and read by id or name in any letter case
//! (`"ear2ear"`, `"Ear to Ear"`); the variant by its name (or its index); a layer's four
//! character controls by the family's control names in snake case (`hardness`, `drop_size`) or
//! as `c1` .. `c4`; a distance in metres as `dist_m` (the `dist` id holds log10 metres). A value
//! is a plain number, boolean or string, or the tagged form the plugin's own state uses
//! (`{"f32": 1.5}`). Parameters a scene leaves out take their defaults, so a scene is always a
//! complete state.
//!
//! A Sample layer's sound files are a list of paths (files or folders) under `samples` in its
//! `layer_N` object (`"samples": ["/home/me/sounds/taps"]`); relative paths are relative to
//! the scene file's folder where a file is read (the renderer), as given otherwise.
//!
//! Version 1 (no `tingle_scene` key) is the flat form with numeric variants and no metadata; it
//! loads with its meaning unchanged. A newer version than this build reads, or any bad field,
//! gives a [`SceneError`] naming the field, and the caller keeps its current state.

pub mod factory;
pub mod host_presets;
pub mod library;
pub mod vst3_preset;

use crate::binaural::distance::{MAX_DISTANCE_M, MIN_DISTANCE_M};
use crate::engine::LAYERS;
use crate::params::{LayerParams, SoundChoice, TingleParams, parse_variant, state_of};
use crate::triggers::Family;
use nice_plug::params::InternalParamMut;
use nice_plug::prelude::*;
use serde_json::{Map, Number, Value};
use std::fmt;

/// The scene format this build writes, and the newest it reads.
pub const VERSION: u64 = 2;
/// The key holding the format version (absent in version 1).
pub const VERSION_KEY: &str = "tingle_scene";
/// Key of the parameter object.
const PARAMS_KEY: &str = "params";
/// Prefix of a layer's parameter object (`layer_1` .. `layer_8`).
const LAYER_PREFIX: &str = "layer_";
/// Id of the distance parameter (log10 metres).
const DISTANCE_ID: &str = "dist";
/// Alias of the distance in metres.
const DISTANCE_M_KEY: &str = "dist_m";
/// Key of a layer's family in a scene.
const FAMILY_ID: &str = "family";
/// Key of a layer's variant in a scene (its name, or its index in version 1).
const VARIANT_ID: &str = "variant";
/// Id of a layer's sound parameter (family and variant in one list).
const SOUND_ID: &str = "sound";
/// Id of a layer's switch.
const ENABLED_ID: &str = "on";
/// Key of a layer's sound files (the Sample family).
const SAMPLES_KEY: &str = "samples";
/// Ids of a layer's character controls, in slot order.
const CHARACTER_IDS: [&str; 4] = ["c1", "c2", "c3", "c4"];

/// Why a scene could not be loaded. Every message names the offending field.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneError(String);

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SceneError {}

/// A scene's name, category and description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SceneInfo {
    /// Shown in the browser and the editor's title bar.
    pub name: String,
    /// The browser's group ("Relax", "Sleep", ..., "User").
    pub category: String,
    /// One line on what it is for.
    pub description: String,
}

/// A loaded scene: its description and a full set of parameters.
pub struct Scene {
    /// Name, category and description (empty in a version 1 file).
    pub info: SceneInfo,
    /// Every parameter: the scene's values, defaults for the rest.
    pub params: TingleParams,
}

/// Where a loaded scene came from, as remembered with the session (`factory/gentle-start`,
/// `user//home/me/.local/share/tingle/presets/rain.json`).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A factory scene.
    Factory(&'static factory::FactoryScene),
    /// A user preset's file.
    User(std::path::PathBuf),
}

/// Prefix of a factory scene's key.
const FACTORY_KEY: &str = "factory/";
/// Prefix of a user preset's key.
const USER_KEY: &str = "user/";

impl Source {
    /// The key saved with the session.
    pub fn key(&self) -> String {
        match self {
            Source::Factory(scene) => format!("{FACTORY_KEY}{}", scene.file),
            Source::User(path) => format!("{USER_KEY}{}", path.display()),
        }
    }

    /// The source a saved key names (`None` for an empty or unknown key).
    pub fn from_key(key: &str) -> Option<Source> {
        if let Some(file) = key.strip_prefix(FACTORY_KEY) {
            factory::find(file).map(Source::Factory)
        } else {
            key.strip_prefix(USER_KEY)
                .map(|path| Source::User(path.into()))
        }
    }

    /// Reads the scene.
    pub fn read(&self) -> Result<(SceneInfo, TingleParams), String> {
        match self {
            Source::Factory(scene) => scene
                .read()
                .map(|s| (s.info, s.params))
                .map_err(|e| format!("{}: {e}", scene.file)),
            Source::User(path) => library::load_file(path),
        }
    }

    /// The scene as a complete saved state that remembers this source as the loaded scene
    /// (what a host preset loads), with its name, category and description.
    pub fn state(&self) -> Result<(SceneInfo, PluginState), String> {
        let (info, params) = self.read()?;
        if let Ok(mut key) = params.scene.write() {
            *key = self.key();
        }
        Ok((info, state_of(&params)))
    }
}

/// Reads a scene into a fresh set of parameters (the metadata dropped).
pub fn load(json: &str) -> Result<TingleParams, SceneError> {
    read(json).map(|scene| scene.params)
}

/// Reads a scene of any supported version.
pub fn read(json: &str) -> Result<Scene, SceneError> {
    let root: Value =
        serde_json::from_str(json).map_err(|e| SceneError(format!("not valid JSON: {e}")))?;
    let Some(root) = root.as_object() else {
        return Err(SceneError("a scene is a JSON object".into()));
    };
    check_version(root)?;
    let text = |key: &str| match root.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(SceneError(format!("{key}: expected text, found {other}"))),
    };
    let info = SceneInfo {
        name: text("name")?,
        category: text("category")?,
        description: text("description")?,
    };
    let Some(values) = root.get(PARAMS_KEY).and_then(Value::as_object) else {
        return Err(SceneError("missing the \"params\" object".into()));
    };
    let params = TingleParams::default();
    Reader::new(&params).apply(values)?;
    Ok(Scene { info, params })
}

/// Refuses a version this build cannot read.
fn check_version(root: &Map<String, Value>) -> Result<(), SceneError> {
    match root.get(VERSION_KEY) {
        None => Ok(()),
        Some(v) => match v.as_u64() {
            Some(1..=VERSION) => Ok(()),
            Some(version) if version > VERSION => Err(SceneError(format!(
                "{VERSION_KEY}: this scene was made by a newer Tingle (format {version}); \
                 this version reads formats 1 to {VERSION}"
            ))),
            _ => Err(SceneError(format!(
                "{VERSION_KEY}: expected a format number from 1 to {VERSION}, found {v}"
            ))),
        },
    }
}

/// Applies scene values to a parameter set.
struct Reader<'a> {
    params: &'a TingleParams,
    map: Vec<(String, ParamPtr, String)>,
}

impl<'a> Reader<'a> {
    fn new(params: &'a TingleParams) -> Self {
        Self {
            params,
            map: params.param_map(),
        }
    }

    /// Applies every value of the `params` object; families first, since variant and control
    /// names depend on them.
    fn apply(&self, values: &Map<String, Value>) -> Result<(), SceneError> {
        let mut entries = Vec::new();
        for (key, value) in values {
            match layer_number(key) {
                Some(layer) => {
                    let Some(object) = value.as_object() else {
                        return Err(SceneError(format!(
                            "params.{key}: expected an object of the layer's parameters, \
                             found {value}"
                        )));
                    };
                    for (inner, value) in object {
                        if inner == SAMPLES_KEY {
                            self.choose_samples(layer, &format!("params.{key}.{inner}"), value)?;
                            continue;
                        }
                        entries.push((
                            format!("params.{key}.{inner}"),
                            inner.clone(),
                            Some(layer),
                            value,
                        ));
                    }
                }
                None => entries.push((format!("params.{key}"), key.clone(), None, value)),
            }
        }
        // Split flat layer keys (`variant_2`) into their base and layer.
        let entries: Vec<_> = entries
            .into_iter()
            .map(|(field, key, layer, value)| match layer {
                Some(layer) => (field, key, layer, value),
                None => match split_layer_suffix(&key) {
                    Some((base, layer)) => (field, base.to_owned(), layer, value),
                    None => (field, key, 0, value),
                },
            })
            .collect();
        let (families, others): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|(_, key, layer, _)| *layer > 0 && key == FAMILY_ID);
        for (field, key, layer, value) in families.iter().chain(others.iter()) {
            self.apply_one(field, key, *layer, value)?;
        }
        Ok(())
    }

    /// Sets layer `layer`'s (1-based) sound files from `value`, a list of paths (`field`
    /// names it in errors).
    fn choose_samples(&self, layer: usize, field: &str, value: &Value) -> Result<(), SceneError> {
        let paths = value
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(std::path::PathBuf::from))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                SceneError(format!(
                    "{field}: expected a list of file paths, found {value}"
                ))
            })?;
        if !(1..=LAYERS).contains(&layer) {
            return Err(SceneError(format!("{field}: no such layer")));
        }
        self.params.samples.choose(layer - 1, paths);
        Ok(())
    }

    /// Whether `id` is a parameter id.
    fn is_id(&self, id: &str) -> bool {
        self.map.iter().any(|(known, _, _)| known == id)
    }

    /// The parameter with id `id`.
    fn ptr(&self, id: &str) -> Option<ParamPtr> {
        self.map
            .iter()
            .find(|(known, _, _)| known == id)
            .map(|(_, ptr, _)| *ptr)
    }

    /// Applies one value; `layer` is 1 ..= 8 for a layer's parameter (`key` without suffix),
    /// 0 for the others.
    fn apply_one(
        &self,
        field: &str,
        key: &str,
        layer: usize,
        value: &Value,
    ) -> Result<(), SceneError> {
        let fail = |why: String| SceneError(format!("{field}: {why}"));
        let value = untagged(value);
        let id = |base: &str| match layer {
            0 => base.to_owned(),
            n => format!("{base}_{n}"),
        };
        if key == DISTANCE_M_KEY {
            let ptr = self
                .ptr(&id(DISTANCE_ID))
                .ok_or_else(|| fail("unknown parameter".into()))?;
            let metres = value
                .as_f64()
                .ok_or_else(|| fail(format!("expected metres, found {value}")))?;
            let range = f64::from(MIN_DISTANCE_M)..=f64::from(MAX_DISTANCE_M);
            if !range.contains(&metres) {
                return Err(fail(format!(
                    "{value} m is outside {MIN_DISTANCE_M}..{MAX_DISTANCE_M} m"
                )));
            }
            let log_metres = f64::from(log10_metres(metres));
            // SAFETY: `ptr` points into `self.params`, alive for `self`'s lifetime.
            return unsafe { apply(ptr, &Value::from(log_metres)) }.map_err(fail);
        }
        if layer > 0 {
            let family = self.params.layers[layer - 1].sound.value().family;
            // Family and variant are written as two keys; both set the layer's one Sound. The
            // families are applied first (see `apply`), so a variant reads in its family.
            let sound = match (key, value) {
                (FAMILY_ID, Value::String(text)) => {
                    let chosen = parse_family(text).ok_or_else(|| {
                        fail(format!(
                            "unknown choice \"{text}\": one of {}",
                            Family::NAMES.join(", ")
                        ))
                    })?;
                    Some(SoundChoice::new(chosen, 0))
                }
                // By name, or (version 1) by index.
                (VARIANT_ID, Value::String(_) | Value::Number(_)) => {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    let index = parse_variant(family, &text).ok_or_else(|| {
                        fail(format!(
                            "\"{text}\" is not a variant of {}: one of {}",
                            family.info().name,
                            family.info().variants.join(", ")
                        ))
                    })?;
                    Some(SoundChoice::new(family, index))
                }
                (FAMILY_ID, _) => return Err(fail(format!("expected a name, found {value}"))),
                _ => None,
            };
            if let Some(sound) = sound {
                return self.apply_one(field, SOUND_ID, layer, &Value::from(sound.id()));
            }
            if let Some(slot) = control_slot(family, key) {
                return self.apply_one(field, CHARACTER_IDS[slot], layer, value);
            }
        }
        let ptr = self.ptr(&id(key)).ok_or_else(|| {
            fail(if layer > 0 && !self.is_layer_id(key) {
                let family = self.params.layers[layer - 1].sound.value().family;
                format!(
                    "unknown parameter (a layer's ids, or {}'s controls: {})",
                    family.info().name,
                    control_keys(family).join(", ")
                )
            } else {
                "unknown parameter".into()
            })
        })?;
        // SAFETY: as above.
        unsafe { apply(ptr, value) }.map_err(fail)
    }

    /// Whether `base` is a layer parameter's id (without the suffix).
    fn is_layer_id(&self, base: &str) -> bool {
        self.is_id(&format!("{base}_1"))
    }
}

/// The layer number of a `layer_N` key.
fn layer_number(key: &str) -> Option<usize> {
    key.strip_prefix(LAYER_PREFIX)
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=LAYERS).contains(n))
}

/// `("variant", 2)` from `"variant_2"`.
fn split_layer_suffix(key: &str) -> Option<(&str, usize)> {
    let (base, n) = key.rsplit_once('_')?;
    let n = n
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=LAYERS).contains(n))?;
    Some((base, n))
}

/// A control's scene key: its name in snake case ("Drop size" -> `drop_size`).
fn control_key(name: &str) -> String {
    name.to_lowercase().replace(' ', "_")
}

/// The scene keys of `family`'s four controls.
fn control_keys(family: Family) -> Vec<String> {
    family
        .info()
        .controls
        .iter()
        .map(|c| control_key(c.name))
        .collect()
}

/// Which of `family`'s controls `key` names by its snake-case name.
fn control_slot(family: Family, key: &str) -> Option<usize> {
    control_keys(family).iter().position(|k| k == key)
}

/// The tags of a value in the framework's saved-state form (`ParamValue`, snake case).
const VALUE_TAGS: [&str; 4] = ["f32", "i32", "bool", "string"];

/// The plain value inside a tagged one (`{"f32": 1.5}` -> `1.5`); any other object is left as
/// it is (and then refused by the field it was given to).
fn untagged(value: &Value) -> &Value {
    match value.as_object() {
        Some(tagged) if tagged.len() == 1 => match tagged.iter().next() {
            Some((tag, inner)) if VALUE_TAGS.contains(&tag.as_str()) => inner,
            _ => value,
        },
        _ => value,
    }
}

/// The family a text names: its id or name, in any letter case and spacing.
fn parse_family(text: &str) -> Option<Family> {
    let text = folded(text);
    Family::ALL
        .iter()
        .zip(Family::IDS.iter().zip(Family::NAMES))
        .find(|(_, (id, name))| folded(id) == text || folded(name) == text)
        .map(|(family, _)| *family)
}

/// Folds a name for comparison: lower case, without spaces, hyphens or underscores ("Ear to
/// Ear", "ear-to-ear" and "EAR_TO_EAR" all give "eartoear"; "1/4." stays apart from "1/4").
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Sets the parameter behind `ptr` from `value`.
///
/// # Safety
/// `ptr` must point to a live parameter.
unsafe fn apply(ptr: ParamPtr, value: &Value) -> Result<(), String> {
    let number = || {
        value
            .as_f64()
            .ok_or_else(|| format!("expected a number, found {value}"))
    };
    let in_range = |plain: f32| -> Result<f32, String> {
        // SAFETY: guaranteed by the caller.
        let (lo, hi) = unsafe { (ptr.preview_plain(0.0), ptr.preview_plain(1.0)) };
        if plain.is_finite() && plain >= lo.min(hi) && plain <= lo.max(hi) {
            Ok(plain)
        } else {
            Err(format!("{value} is outside {lo}..{hi}"))
        }
    };
    let normalized = match (ptr, value) {
        (ParamPtr::BoolParam(_), _) => {
            let on = value
                .as_bool()
                .ok_or_else(|| format!("expected true or false, found {value}"))?;
            if on { 1.0 } else { 0.0 }
        }
        // SAFETY (this and the calls below): guaranteed by the caller.
        (ParamPtr::EnumParam(p), Value::String(text)) => unsafe {
            if (*p).set_from_id(text) {
                return Ok(());
            }
            enum_choice(ptr, text).ok_or_else(|| {
                format!(
                    "unknown choice \"{text}\": one of {}",
                    enum_choices(ptr).join(", ")
                )
            })?
        },
        (ParamPtr::EnumParam(_), _) => return Err(format!("expected a name, found {value}")),
        // The plain value itself, as the plugin's own state restores it (through the normalized
        // value a skewed range would not give back exactly the same number).
        (ParamPtr::FloatParam(p), _) => unsafe {
            (*p)._internal_set_plain_value(in_range(number()? as f32)?);
            return Ok(());
        },
        _ => {
            let v = number()?;
            if v.fract() != 0.0 {
                return Err(format!("expected a whole number, found {v}"));
            }
            unsafe { ptr.preview_normalized(in_range(v as f32)?) }
        }
    };
    // SAFETY: guaranteed by the caller.
    unsafe { ptr._internal_set_normalized_value(normalized) };
    Ok(())
}

/// The normalized value of the enum choice named `text` (by id or name, folded).
///
/// # Safety
/// `ptr` must point to a live enum parameter.
unsafe fn enum_choice(ptr: ParamPtr, text: &str) -> Option<f32> {
    let wanted = folded(text);
    // SAFETY: guaranteed by the caller.
    let steps = unsafe { ptr.step_count() }.unwrap_or(0);
    (0..=steps).find_map(|i| {
        let normalized = if steps == 0 {
            0.0
        } else {
            i as f32 / steps as f32
        };
        // SAFETY: guaranteed by the caller.
        let name = unsafe { ptr.normalized_value_to_string(normalized, false) };
        (folded(&name) == wanted).then_some(normalized)
    })
}

/// The names of an enum parameter's choices.
///
/// # Safety
/// `ptr` must point to a live enum parameter.
unsafe fn enum_choices(ptr: ParamPtr) -> Vec<String> {
    // SAFETY: guaranteed by the caller.
    let steps = unsafe { ptr.step_count() }.unwrap_or(0);
    (0..=steps)
        .map(|i| {
            let normalized = if steps == 0 {
                0.0
            } else {
                i as f32 / steps as f32
            };
            // SAFETY: guaranteed by the caller.
            unsafe { ptr.normalized_value_to_string(normalized, false) }
        })
        .collect()
}

/// Writes `params` as a version 2 scene with `info`: every value that differs from its built-in
/// default,
/// each layer's in a `layer_N` object (with its family, variant and switch always written),
/// enums by id, the variant by name, character controls by their names, distances in metres.
/// Reading it back with [`read`] gives exactly the same values.
pub fn write(params: &TingleParams, info: &SceneInfo) -> String {
    let mut top = Map::new();
    let layer_ids: Vec<String> = LayerParams::new(0, None)
        .param_map()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut layers: Vec<Map<String, Value>> = vec![Map::new(); LAYERS];
    // What a scene leaves out reads as the built-in default, whatever `params`' own defaults
    // are (the instrument's are a scene's).
    let builtin = TingleParams::default();
    for ((id, ptr, _), (_, builtin_ptr, _)) in
        params.param_map().into_iter().zip(builtin.param_map())
    {
        let layer =
            split_layer_suffix(&id).filter(|(base, _)| layer_ids.iter().any(|known| known == base));
        // SAFETY: `ptr` points into `params` and `builtin_ptr` into `builtin`, both alive here.
        let (value, is_default) = unsafe {
            (
                ptr.unmodulated_normalized_value(),
                ptr.unmodulated_normalized_value() == builtin_ptr.unmodulated_normalized_value(),
            )
        };
        match layer {
            None if !is_default => {
                let (key, json) = unsafe { written(ptr, &id, value) };
                top.insert(key, json);
            }
            None => {}
            Some((base, n)) => {
                let layer_params = &params.layers[n - 1];
                if base == SOUND_ID {
                    // Written as the family and the variant's name, as people read it.
                    let sound = layer_params.sound.value();
                    let family_id = Family::IDS[sound.family.to_index()];
                    layers[n - 1].insert(FAMILY_ID.into(), Value::from(family_id));
                    let variant = sound.variant_name().to_lowercase();
                    layers[n - 1].insert(VARIANT_ID.into(), Value::from(variant));
                    continue;
                }
                if is_default && base != ENABLED_ID {
                    continue;
                }
                // SAFETY: as above.
                let (mut key, json) = unsafe { written(ptr, base, value) };
                let family = layer_params.sound.value().family;
                if let Some(slot) = CHARACTER_IDS.iter().position(|c| *c == base) {
                    key = control_key(family.info().controls[slot].name);
                }
                layers[n - 1].insert(key, json);
            }
        }
    }
    for (n, mut layer) in layers.into_iter().enumerate() {
        let samples = params.samples.chosen(n);
        if !samples.is_empty() {
            let paths = samples.iter().map(|p| Value::from(p.display().to_string()));
            layer.insert(SAMPLES_KEY.into(), Value::Array(paths.collect()));
        }
        let changed = layer.len() > 3 || params.layers[n].enabled.value();
        if changed {
            top.insert(format!("{LAYER_PREFIX}{}", n + 1), Value::Object(layer));
        }
    }
    let mut root = Map::new();
    root.insert(VERSION_KEY.into(), Value::from(VERSION));
    root.insert("name".into(), Value::from(info.name.clone()));
    root.insert("category".into(), Value::from(info.category.clone()));
    root.insert("description".into(), Value::from(info.description.clone()));
    root.insert(PARAMS_KEY.into(), Value::Object(top));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    text.push('\n');
    text
}

/// The key and JSON value a parameter is written as.
///
/// # Safety
/// `ptr` must point to a live parameter.
unsafe fn written(ptr: ParamPtr, id: &str, normalized: f32) -> (String, Value) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        match ptr {
            ParamPtr::BoolParam(_) => (id.to_owned(), Value::from(normalized > 0.5)),
            ParamPtr::EnumParam(p) => {
                let name = (*p)
                    .unmodulated_plain_id()
                    .map(str::to_owned)
                    .unwrap_or_else(|| ptr.normalized_value_to_string(normalized, false));
                (id.to_owned(), Value::from(name))
            }
            ParamPtr::IntParam(_) => (
                id.to_owned(),
                Value::from(ptr.preview_plain(normalized).round() as i64),
            ),
            ParamPtr::FloatParam(_) => {
                let plain = ptr.unmodulated_plain_value();
                match (id == DISTANCE_ID).then(|| metres_of(plain)).flatten() {
                    Some(metres) => (DISTANCE_M_KEY.to_owned(), metres),
                    None => (id.to_owned(), short_float(plain)),
                }
            }
        }
    }
}

/// The distance parameter's plain value (log10 metres) for `metres`.
fn log10_metres(metres: f64) -> f32 {
    metres.log10() as f32
}

/// A distance parameter's plain value `log_metres` as the fewest significant digits of metres
/// that read back as exactly the same value (`None` if none do).
fn metres_of(log_metres: f32) -> Option<Value> {
    /// Most significant digits tried.
    const MAX_DIGITS: usize = 12;
    let metres = 10f64.powf(f64::from(log_metres));
    (1..=MAX_DIGITS).find_map(|digits| {
        let rounded: f64 = format!("{metres:.*e}", digits - 1).parse().ok()?;
        (log10_metres(rounded) == log_metres)
            .then(|| Number::from_f64(rounded).map(Value::Number))
            .flatten()
    })
}

/// `value` as the shortest JSON number that reads back as the same `f32` ("0.7", not
/// "0.699999988079071").
fn short_float(value: f32) -> Value {
    let short = value.to_string().parse::<f64>().unwrap_or(f64::from(value));
    let exact = if short as f32 == value {
        short
    } else {
        f64::from(value)
    };
    Number::from_f64(exact).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::motion::MotionMode;
    use crate::triggers::Family;

    #[test]
    fn reads_plain_and_tagged_values() {
        let Ok(p) = load(
            r#"{"params": {"az": -45, "motion": "orbit", "on_2": true, "family_2": {"string": "tone"},
            "rate_2": {"f32": 4.5}, "burst_2": 3, "limiter": {"bool": true}}}"#,
        ) else {
            panic!("a valid scene")
        };
        assert_eq!(p.input.azimuth.value(), -45.0);
        assert_eq!(p.input.motion.value(), MotionMode::Orbit);
        assert!(p.layers[1].enabled.value());
        assert_eq!(p.layers[1].sound.value().family, Family::Tone);
        assert_eq!(p.layers[1].rate.value(), 4.5);
        assert_eq!(p.layers[1].burst.value(), 3);
    }

    #[test]
    fn reads_names_layer_objects_and_control_names() {
        let scene = read(
            r#"{"tingle_scene": 2, "name": "Test", "category": "Relax", "description": "d",
            "params": {"motion": "Ear to Ear", "dist_m": 0.5,
            "layer_3": {"on": true, "variant": "Glass", "family": "tap", "hardness": 0.8,
                        "c1": 0.25, "dist_m": 0.2, "scatter": "ear-to-ear"},
            "variant_4": "rain bed", "family_4": "water", "drop_size_4": 0.3}}"#,
        )
        .expect("a valid scene");
        assert_eq!(scene.info.name, "Test");
        let p = &scene.params;
        assert_eq!(p.input.motion.value(), MotionMode::EarToEar);
        assert!((p.input.distance_m() - 0.5).abs() < 1e-6);
        let l3 = &p.layers[2];
        assert!(l3.enabled.value());
        assert_eq!(l3.sound.value(), SoundChoice::new(Family::Tap, 1));
        assert_eq!(l3.character_2.value(), 0.8);
        assert_eq!(l3.character_1.value(), 0.25);
        assert!((l3.placement.distance_m() - 0.2).abs() < 1e-6);
        let l4 = &p.layers[3];
        assert_eq!(l4.sound.value(), SoundChoice::new(Family::Water, 2));
        assert_eq!(l4.character_1.value(), 0.3);
    }

    #[test]
    fn errors_name_the_field() {
        let err = |json: &str| read(json).err().expect("an error").to_string();
        assert!(err(r#"{"params": {"az": 400}}"#).starts_with("params.az: 400 is outside"));
        assert!(err(r#"{"params": {"az_9": 1}}"#).contains("params.az_9: unknown parameter"));
        assert!(err(r#"{"params": {"motion": "spin"}}"#).contains("params.motion: unknown choice"));
        assert!(err(r#"{"params": {"on_1": 3}}"#).contains("params.on_1: expected true or false"));
        assert!(
            err(r#"{"params": {"burst_1": 2.5}}"#).contains("params.burst_1: expected a whole")
        );
        assert!(err(r#"{"par": {}}"#).contains("missing the \"params\" object"));
        assert!(err("{").starts_with("not valid JSON"));
        assert!(
            err(r#"{"params": {"layer_2": {"variant": "kazoo"}}}"#)
                .starts_with("params.layer_2.variant: \"kazoo\" is not a variant of Tap")
        );
        assert!(
            err(r#"{"params": {"layer_2": {"sparkle": 1}}}"#)
                .starts_with("params.layer_2.sparkle: unknown parameter")
        );
        assert!(
            err(r#"{"params": {"layer_2": 5}}"#).starts_with("params.layer_2: expected an object")
        );
        assert!(err(r#"{"params": {"dist_m": 1e300}}"#).starts_with("params.dist_m:"));
        assert!(err(r#"{"params": {"rate_1": 1e300}}"#).starts_with("params.rate_1:"));
        assert!(err(r#"{"tingle_scene": 9, "params": {}}"#).contains("newer Tingle"));
        assert!(err(r#"{"tingle_scene": "two", "params": {}}"#).starts_with("tingle_scene:"));
        assert!(err(r#"{"name": 3, "params": {}}"#).starts_with("name: expected text"));
    }
}
