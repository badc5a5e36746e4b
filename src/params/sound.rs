//! A layer's Sound parameter: one list of every family's variants ("Tap: Wood" .. "Tone:
//! Sine"). A host reads a list parameter's names once, when it loads the plugin; a list that
//! never changes is one every host can show and set by name, where a variant list that followed
//! the family would keep showing the first family's names.

use crate::triggers::Family;
use nice_plug::prelude::*;
use std::sync::LazyLock;

/// A trigger family and one of its variants: what a layer plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoundChoice {
    /// The family.
    pub family: Family,
    /// The variant: an index into the family's variants (0 ..= its count - 1).
    pub variant: usize,
}

/// Every sound, in the order the families and their variants are listed, with its name and
/// stable id.
struct Catalogue {
    sounds: Vec<SoundChoice>,
    names: Vec<&'static str>,
    ids: Vec<&'static str>,
}

/// Built once, on first use; the names and ids live as long as the process (hosts keep them).
static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let sounds: Vec<SoundChoice> = Family::ALL
        .iter()
        .flat_map(|&family| {
            (0..family.info().variants.len()).map(move |variant| SoundChoice { family, variant })
        })
        .collect();
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let names = sounds
        .iter()
        .map(|s| leak(format!("{}: {}", s.family.info().name, s.variant_name())))
        .collect();
    let ids = sounds
        .iter()
        .map(|s| {
            let variant = s.variant_name().to_lowercase().replace(' ', "-");
            leak(format!("{}/{variant}", Family::IDS[s.family.to_index()]))
        })
        .collect();
    Catalogue { sounds, names, ids }
});

impl SoundChoice {
    /// `family`'s variant `variant`, clamped to the family's variants (as the engine plays it).
    pub fn new(family: Family, variant: usize) -> Self {
        let count = family.info().variants.len();
        Self {
            family,
            variant: variant.min(count - 1),
        }
    }

    /// Every sound, in list order.
    pub fn all() -> &'static [SoundChoice] {
        &CATALOGUE.sounds
    }

    /// The variant's name within its family ("Droplet").
    pub fn variant_name(self) -> &'static str {
        self.family.info().variants[self.variant]
    }

    /// The name hosts show ("Water: Droplet").
    pub fn name(self) -> &'static str {
        CATALOGUE.names[self.to_index()]
    }

    /// The stable id a saved state keeps ("water/droplet").
    pub fn id(self) -> &'static str {
        CATALOGUE.ids[self.to_index()]
    }
}

impl Enum for SoundChoice {
    fn variants() -> &'static [&'static str] {
        &CATALOGUE.names
    }

    fn ids() -> Option<&'static [&'static str]> {
        Some(&CATALOGUE.ids)
    }

    fn to_index(self) -> usize {
        Self::all().iter().position(|s| *s == self).unwrap_or(0)
    }

    fn from_index(index: usize) -> Self {
        Self::all().get(index).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list holds every variant of every family once, names and ids unique, and each entry
    /// is found again by its name (what a host sets) and its id (what a state saves).
    #[test]
    fn every_variant_once_by_name_and_id() {
        let expected: usize = Family::ALL.iter().map(|f| f.info().variants.len()).sum();
        assert_eq!(SoundChoice::all().len(), expected);
        let names: std::collections::HashSet<_> = SoundChoice::variants().iter().collect();
        let ids: std::collections::HashSet<_> = SoundChoice::ids().unwrap().iter().collect();
        assert_eq!(names.len(), expected);
        assert_eq!(ids.len(), expected);
        for (index, &sound) in SoundChoice::all().iter().enumerate() {
            assert_eq!(SoundChoice::from_index(index), sound);
            assert_eq!(sound.to_index(), index);
            let by_name = SoundChoice::variants()
                .iter()
                .position(|n| *n == sound.name());
            let by_id = SoundChoice::ids()
                .unwrap()
                .iter()
                .position(|i| *i == sound.id());
            assert_eq!(by_name.map(SoundChoice::from_index), Some(sound));
            assert_eq!(by_id.map(SoundChoice::from_index), Some(sound));
        }
        let droplet = SoundChoice::new(Family::Water, 0);
        assert_eq!(droplet.name(), "Water: Droplet");
        assert_eq!(droplet.id(), "water/droplet");
        assert_eq!(SoundChoice::new(Family::Water, 2).name(), "Water: Rain bed");
        assert_eq!(SoundChoice::new(Family::Water, 2).id(), "water/rain-bed");
        assert_eq!(
            SoundChoice::new(Family::Tone, 9),
            SoundChoice::new(Family::Tone, 0)
        );
    }
}
