//! The scene browser in the editor's title bar: factory scenes by category and the user's
//! presets, previous/next, the loaded scene's name (marked when changed since), and saving,
//! renaming and deleting user presets.
//!
//! A scene loads as one host gesture: every parameter it changes is begun, then set, then
//! ended, so the host records (and can undo) the whole load as one step.

use super::{gesture, theme};
use crate::params::TingleParams;
use crate::scene::factory::{self, FactoryScene};
use crate::scene::library::{Library, UserPreset};
use crate::scene::{SceneInfo, Source};
use egui::{RichText, Ui};
use nice_plug::prelude::*;

/// Mark after the name of a scene changed since it was loaded.
const MODIFIED_MARK: &str = " *";
/// Hint shown before any scene was picked.
const PICK_HINT: &str = "Pick a scene to start";
/// Width of the name field (points).
const NAME_FIELD_WIDTH: f32 = 160.0;

/// What the name field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editing {
    /// Saving the current state as a new preset.
    SaveAs,
    /// Renaming the loaded user preset.
    Rename,
    /// Asking before deleting the loaded user preset (the text is unused).
    ConfirmDelete,
}

/// The browser's state between frames.
pub struct Browser {
    library: Library,
    /// The factory scenes with their descriptions, read once.
    factory: Vec<(&'static FactoryScene, SceneInfo)>,
    /// The user presets as last listed.
    user: Vec<UserPreset>,
    /// Whether `user` needs listing again.
    stale: bool,
    /// The loaded scene: where from, its name and its normalized values.
    loaded: Option<Loaded>,
    /// The session's scene key `loaded` was made for.
    loaded_key: String,
    /// The name field's text and purpose.
    editing: Option<(Editing, String)>,
    /// The last error or confirmation.
    message: Option<String>,
}

/// A loaded scene, to show its name and tell whether it was changed.
struct Loaded {
    source: Source,
    name: String,
    values: Vec<f32>,
}

impl Browser {
    /// A browser of the factory scenes and of the presets in `library`.
    pub fn new(library: Library) -> Self {
        Self {
            library,
            factory: factory::SCENES
                .iter()
                .filter_map(|s| s.read().ok().map(|r| (s, r.info)))
                .collect(),
            user: Vec::new(),
            stale: true,
            loaded: None,
            loaded_key: String::new(),
            editing: None,
            message: None,
        }
    }

    /// The loaded scene's name, if any.
    pub fn loaded_name(&self) -> Option<&str> {
        self.loaded.as_ref().map(|l| l.name.as_str())
    }

    /// The last message shown (an error, or what was saved).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Brings `loaded` in line with the session's scene key (a reopened session, or the
    /// instrument's default scene).
    fn sync(&mut self, params: &TingleParams) {
        let key = params.scene.read().map(|k| k.clone()).unwrap_or_default();
        if key == self.loaded_key {
            return;
        }
        self.loaded = Source::from_key(&key).and_then(|source| {
            let (info, scene) = source.read().ok()?;
            Some(Loaded {
                source,
                name: info.name,
                values: values(&scene),
            })
        });
        self.loaded_key = key;
    }

    /// Every scene in browsing order: factory scenes, then user presets.
    fn sources(&self) -> Vec<Source> {
        factory::SCENES
            .iter()
            .map(Source::Factory)
            .chain(
                self.user
                    .iter()
                    .filter(|p| p.error.is_none())
                    .map(|p| Source::User(p.path.clone())),
            )
            .collect()
    }

    /// The user presets' folder.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Lists the user presets again at the next frame (one was saved elsewhere).
    pub fn refresh(&mut self) {
        self.stale = true;
    }

    /// Loads `source` into the live parameters (one host gesture) and remembers it.
    pub(super) fn load(
        &mut self,
        source: Source,
        params: &TingleParams,
        setter: &ParamSetter,
    ) -> Option<SceneInfo> {
        match source.read() {
            Ok((info, scene)) => {
                apply(&scene, params, setter);
                let key = source.key();
                if let Ok(mut saved) = params.scene.write() {
                    saved.clone_from(&key);
                }
                self.loaded = Some(Loaded {
                    source,
                    name: info.name.clone(),
                    values: values(&scene),
                });
                self.loaded_key = key;
                self.message = None;
                Some(info)
            }
            Err(e) => {
                self.message = Some(format!("Not loaded (nothing changed): {e}"));
                None
            }
        }
    }

    /// Loads the scene `step` places after (or before) the loaded one, wrapping around.
    fn step(&mut self, step: isize, params: &TingleParams, setter: &ParamSetter) {
        let sources = self.sources();
        let current = self
            .loaded
            .as_ref()
            .and_then(|l| sources.iter().position(|s| *s == l.source));
        let len = sources.len() as isize;
        let next = match current {
            Some(i) => (i as isize + step).rem_euclid(len),
            None if step > 0 => 0,
            None => len - 1,
        };
        if let Some(source) = sources.into_iter().nth(next as usize) {
            self.load(source, params, setter);
        }
    }
}

/// Every parameter's normalized value, in the parameter map's order.
fn values(params: &TingleParams) -> Vec<f32> {
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers point into `params`, borrowed for this call.
        .map(|(_, ptr, _)| unsafe { ptr.unmodulated_normalized_value() })
        .collect()
}

/// Sets the live parameters to `scene`'s values (and its layers' sound files) as one gesture.
fn apply(scene: &TingleParams, live: &TingleParams, setter: &ParamSetter) {
    live.samples.copy_from(&scene.samples);
    let changes: Vec<(ParamPtr, f32)> = live
        .param_map()
        .into_iter()
        .zip(values(scene))
        // SAFETY: `ptr` points into `live`, borrowed for this call.
        .filter(|((_, ptr, _), v)| unsafe { ptr.unmodulated_normalized_value() } != *v)
        .map(|((_, ptr, _), v)| (ptr, v))
        .collect();
    gesture::one_gesture(setter, &changes);
}

/// Draws the browser row. Returns `true` when a scene was loaded this frame.
pub fn show(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    browser: &mut Browser,
) -> bool {
    browser.sync(params);
    if browser.stale {
        browser.user = browser.library.list();
        browser.stale = false;
    }
    let mut loaded = false;
    if ui.button("<").on_hover_text("Previous scene").clicked() {
        browser.step(-1, params, setter);
        loaded = true;
    }
    if ui.button(">").on_hover_text("Next scene").clicked() {
        browser.step(1, params, setter);
        loaded = true;
    }
    let title = match &browser.loaded {
        Some(l) => {
            let modified = values(params) != l.values;
            format!("{}{}", l.name, if modified { MODIFIED_MARK } else { "" })
        }
        None => "No scene".to_owned(),
    };
    ui.menu_button(RichText::new(title).strong(), |ui| {
        if let Some(source) = menu(ui, browser) {
            browser.load(source, params, setter);
            loaded = true;
            ui.close();
        }
    })
    .response
    .on_hover_text("Scenes: click to browse");
    if browser.loaded.is_none() {
        ui.label(RichText::new(PICK_HINT).color(theme::RING_TEXT));
    }
    user_actions(ui, params, browser);
    if let Some(message) = &browser.message {
        ui.label(RichText::new(message).small().color(theme::RING_TEXT));
    }
    loaded
}

/// The scene menu: one submenu per factory category, then the user presets. Returns the
/// scene clicked.
fn menu(ui: &mut Ui, browser: &Browser) -> Option<Source> {
    let mut picked = None;
    let scenes = &browser.factory;
    let mut categories: Vec<&str> = Vec::new();
    for (_, info) in scenes {
        if !categories.contains(&info.category.as_str()) {
            categories.push(&info.category);
        }
    }
    for category in categories {
        ui.menu_button(category, |ui| {
            for (scene, info) in scenes.iter().filter(|(_, i)| i.category == category) {
                if ui
                    .button(&info.name)
                    .on_hover_text(&info.description)
                    .clicked()
                {
                    picked = Some(Source::Factory(scene));
                }
            }
        });
    }
    ui.menu_button(crate::scene::library::USER_CATEGORY, |ui| {
        if browser.user.is_empty() {
            ui.label("No presets yet: “Save as” adds one.");
        }
        for preset in &browser.user {
            match &preset.error {
                None => {
                    if ui.button(&preset.name).clicked() {
                        picked = Some(Source::User(preset.path.clone()));
                    }
                }
                Some(e) => {
                    ui.label(RichText::new(format!("{} (unreadable)", preset.name)))
                        .on_hover_text(e);
                }
            }
        }
    });
    picked
}

/// Save as, rename and delete, with the name field when one of them is under way.
fn user_actions(ui: &mut Ui, params: &TingleParams, browser: &mut Browser) {
    let user_path = match &browser.loaded {
        Some(Loaded {
            source: Source::User(path),
            ..
        }) => Some(path.clone()),
        _ => None,
    };
    match browser.editing.take() {
        None => {
            if ui.button("Save as…").clicked() {
                let name = browser.loaded_name().unwrap_or_default().to_owned();
                browser.editing = Some((Editing::SaveAs, name));
            }
            if user_path.is_some() {
                if ui.button("Rename…").clicked() {
                    let name = browser.loaded_name().unwrap_or_default().to_owned();
                    browser.editing = Some((Editing::Rename, name));
                }
                if ui.button("Delete").clicked() {
                    browser.editing = Some((Editing::ConfirmDelete, String::new()));
                }
            }
        }
        Some((Editing::ConfirmDelete, text)) => {
            ui.label(format!(
                "Delete “{}”?",
                browser.loaded_name().unwrap_or_default()
            ));
            if ui.button("Delete preset").clicked() {
                if let Some(path) = &user_path {
                    match browser.library.delete(path) {
                        Ok(()) => {
                            browser.message = Some("Preset deleted.".into());
                            browser.loaded = None;
                        }
                        Err(e) => browser.message = Some(e),
                    }
                    browser.stale = true;
                }
            } else if !ui.button("Keep").clicked() {
                browser.editing = Some((Editing::ConfirmDelete, text));
            }
        }
        Some((editing, mut name)) => {
            ui.add(
                egui::TextEdit::singleline(&mut name)
                    .desired_width(NAME_FIELD_WIDTH)
                    .hint_text("Preset name"),
            );
            let verb = if editing == Editing::SaveAs {
                "Save"
            } else {
                "Rename"
            };
            if ui.button(verb).clicked() {
                let result = match (editing, &user_path) {
                    (Editing::Rename, Some(path)) => browser.library.rename(path, &name),
                    _ => browser.library.save(params, &name),
                };
                match result {
                    Ok(path) => {
                        browser.stale = true;
                        let source = Source::User(path);
                        let key = source.key();
                        if let Ok(mut saved) = params.scene.write() {
                            saved.clone_from(&key);
                        }
                        browser.loaded_key.clear();
                        browser.sync(params);
                        browser.message = Some(format!("Saved “{}”.", name.trim()));
                    }
                    Err(e) => {
                        browser.message = Some(e);
                        browser.editing = Some((editing, name));
                    }
                }
            } else if !ui.button("Cancel").clicked() {
                browser.editing = Some((editing, name));
            }
        }
    }
}
