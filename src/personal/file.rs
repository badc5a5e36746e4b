//! Reading the personal tools' JSON files (the finder history, the tingle log) with errors that
//! name the field (`choices[3].pick: expected "a", "b" or "neither", found "c"`).

use serde_json::Value;
use std::fmt;

/// Why a file was refused; the message names the field.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError(pub String);

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FileError {}

/// A value in a file, with the path that leads to it.
pub struct Field<'a> {
    path: String,
    value: &'a Value,
}

impl<'a> Field<'a> {
    /// The whole file, parsed (refused if it is not JSON).
    pub fn parse(text: &str) -> Result<Value, FileError> {
        serde_json::from_str(text).map_err(|e| FileError(format!("not valid JSON: {e}")))
    }

    /// The root of a parsed file.
    pub fn root(value: &'a Value) -> Self {
        Self {
            path: String::new(),
            value,
        }
    }

    /// This field's path (`choices[3].pick`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// An error about this field.
    pub fn error(&self, what: impl fmt::Display) -> FileError {
        let path = if self.path.is_empty() {
            "file"
        } else {
            &self.path
        };
        FileError(format!("{path}: {what}"))
    }

    /// Member `name` of this object (refused if missing).
    pub fn key(&self, name: &str) -> Result<Field<'a>, FileError> {
        self.optional(name)?
            .ok_or_else(|| self.child_path(name).error("missing"))
    }

    /// Member `name` of this object, if present.
    pub fn optional(&self, name: &str) -> Result<Option<Field<'a>>, FileError> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.error(format!("expected an object, found {}", self.value)))?;
        Ok(object.get(name).map(|value| Field {
            path: self.child_path(name).path,
            value,
        }))
    }

    /// The items of this array.
    pub fn items(&self) -> Result<Vec<Field<'a>>, FileError> {
        let array = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected a list, found {}", self.value)))?;
        Ok(array
            .iter()
            .enumerate()
            .map(|(i, value)| Field {
                path: format!("{}[{i}]", self.path),
                value,
            })
            .collect())
    }

    /// The members of this object, in file order, each with its name.
    pub fn members(&self) -> Result<Vec<(String, Field<'a>)>, FileError> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.error(format!("expected an object, found {}", self.value)))?;
        Ok(object
            .iter()
            .map(|(name, value)| {
                let path = self.child_path(name).path;
                (name.clone(), Field { path, value })
            })
            .collect())
    }

    /// This field as a number.
    pub fn number(&self) -> Result<f64, FileError> {
        self.value
            .as_f64()
            .ok_or_else(|| self.error(format!("expected a number, found {}", self.value)))
    }

    /// This field as a whole number within `min ..= max`.
    pub fn whole(&self, min: u64, max: u64) -> Result<u64, FileError> {
        self.value
            .as_u64()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| {
                self.error(format!(
                    "expected a whole number from {min} to {max}, found {}",
                    self.value
                ))
            })
    }

    /// This field as text.
    pub fn text(&self) -> Result<&'a str, FileError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error(format!("expected text, found {}", self.value)))
    }

    /// Checks the file's format version under `key`: present and at most `newest`.
    pub fn check_version(&self, key: &str, newest: u64) -> Result<(), FileError> {
        let version = self.key(key)?;
        version.whole(1, u64::MAX)?;
        if version.whole(1, newest).is_err() {
            return Err(version.error(format!(
                "version {} is newer than this Tingle reads ({newest})",
                version.value
            )));
        }
        Ok(())
    }

    fn child_path(&self, name: &str) -> Field<'a> {
        Field {
            path: if self.path.is_empty() {
                name.to_owned()
            } else {
                format!("{}.{name}", self.path)
            },
            value: self.value,
        }
    }
}
