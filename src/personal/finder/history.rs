//! The finder history file: where a session started, every pair the listener answered, the
//! tingle moments it counted, and the favourite it kept. Saved beside the preset the session
//! made, so a therapist can carry on next time or start another client from this profile.
//!
//! ```json
//! {
//!   "tingle_finder": 1,
//!   "layer": 1,
//!   "dimensions": [{"id": "sound_1", "choices": 22}, {"id": "c1_1"}],
//!   "start": [3, 0.25],
//!   "best": [5, 0.6],
//!   "choices": [{"a": [3, 0.25], "b": [5, 0.6], "pick": "b"}],
//!   "evidence": [[3, 0.3]]
//! }
//! ```
//!
//! A point lists one value per dimension: a knob's position in the finder's safe range
//! (0 ..= 1), a list's entry by index. A bad file is refused with the field named.

use super::search::{Choice, Finder, Pick};
use super::space::{Dimension, Kind, Point, Space};
use crate::engine::LAYERS;
use crate::personal::file::{Field, FileError};
use serde_json::{Value, json};

/// The format version this build writes and the newest it reads.
pub const VERSION: u64 = 1;
/// The key holding the version.
const VERSION_KEY: &str = "tingle_finder";
/// A pick's name in the file.
const PICKS: [(Pick, &str); 3] = [(Pick::A, "a"), (Pick::B, "b"), (Pick::Neither, "neither")];

/// A finder session as saved.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The layer the session tuned (0-based; written 1-based).
    pub layer: usize,
    /// The searched dimensions.
    pub space: Space,
    /// Where the session started.
    pub start: Point,
    /// The favourite it kept.
    pub best: Point,
    /// Every answered pair, oldest first.
    pub choices: Vec<Choice>,
    /// Settings of tingle moments counted as evidence.
    pub evidence: Vec<Point>,
}

impl History {
    /// The history of `finder`'s session on layer `layer` (0-based).
    pub fn of(finder: &Finder, layer: usize) -> Self {
        Self {
            layer,
            space: finder.space().clone(),
            start: finder.start().clone(),
            best: finder.best().clone(),
            choices: finder.choices().to_vec(),
            evidence: finder.evidence().to_vec(),
        }
    }

    /// A session that carries on from this history, its random choices seeded by `seed`.
    pub fn resume(self, seed: u64) -> Finder {
        Finder::resume(self.space, self.start, self.choices, self.evidence, seed)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let dimensions: Vec<Value> = self
            .space
            .dimensions()
            .iter()
            .map(|d| match d.kind {
                Kind::Continuous => json!({ "id": d.id }),
                Kind::Choice(count) => json!({ "id": d.id, "choices": count }),
            })
            .collect();
        let choices: Vec<Value> = self
            .choices
            .iter()
            .map(|c| json!({ "a": c.a, "b": c.b, "pick": pick_name(c.pick) }))
            .collect();
        let root = json!({
            VERSION_KEY: VERSION,
            "layer": self.layer + 1,
            "dimensions": dimensions,
            "start": self.start,
            "best": self.best,
            "choices": choices,
            "evidence": self.evidence,
        });
        serde_json::to_string_pretty(&root).expect("a history is plain JSON")
    }

    /// Reads a history file; a bad one is refused with the field named.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let value = Field::parse(text)?;
        let root = Field::root(&value);
        root.check_version(VERSION_KEY, VERSION)?;
        let layer = root.key("layer")?.whole(1, LAYERS as u64)? as usize - 1;
        let dimensions = root
            .key("dimensions")?
            .items()?
            .iter()
            .map(dimension)
            .collect::<Result<Vec<_>, _>>()?;
        if dimensions.is_empty() {
            return Err(root.key("dimensions")?.error("no dimensions"));
        }
        let space = Space::new(dimensions);
        let point_at = |field: &Field| point(field, &space);
        let choices = root
            .key("choices")?
            .items()?
            .iter()
            .map(|c| {
                Ok(Choice {
                    a: point_at(&c.key("a")?)?,
                    b: point_at(&c.key("b")?)?,
                    pick: pick(&c.key("pick")?)?,
                })
            })
            .collect::<Result<Vec<_>, FileError>>()?;
        let evidence = root
            .key("evidence")?
            .items()?
            .iter()
            .map(point_at)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            layer,
            start: point_at(&root.key("start")?)?,
            best: point_at(&root.key("best")?)?,
            space,
            choices,
            evidence,
        })
    }
}

/// A dimension from its entry.
fn dimension(field: &Field) -> Result<Dimension, FileError> {
    /// Most entries a list dimension may have (the sound list is the longest, by far).
    const MOST_CHOICES: u64 = 1024;
    let id = field.key("id")?.text()?;
    if id.is_empty() {
        return Err(field.key("id")?.error("empty"));
    }
    let kind = match field.optional("choices")? {
        None => Kind::Continuous,
        Some(count) => Kind::Choice(count.whole(2, MOST_CHOICES)? as usize),
    };
    Ok(Dimension {
        id: id.to_owned(),
        kind,
    })
}

/// A point of `space` from its list of values.
fn point(field: &Field, space: &Space) -> Result<Point, FileError> {
    let items = field.items()?;
    if items.len() != space.dimensions().len() {
        return Err(field.error(format!(
            "{} values for {} dimensions",
            items.len(),
            space.dimensions().len()
        )));
    }
    items
        .iter()
        .zip(space.dimensions())
        .map(|(item, d)| {
            let value = item.number()? as f32;
            if d.kind.holds(value) {
                Ok(value)
            } else {
                Err(item.error(format!("{value} is out of range for {}", d.id)))
            }
        })
        .collect()
}

/// A pick from its name.
fn pick(field: &Field) -> Result<Pick, FileError> {
    let name = field.text()?;
    PICKS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(p, _)| *p)
        .ok_or_else(|| {
            field.error(format!(
                "expected \"a\", \"b\" or \"neither\", found \"{name}\""
            ))
        })
}

/// A pick's name in the file.
fn pick_name(pick: Pick) -> &'static str {
    PICKS
        .iter()
        .find(|(p, _)| *p == pick)
        .map(|(_, n)| *n)
        .expect("every pick has a name")
}
