//! Why an assembly directory could not be read, naming the file and, inside it, the field.
//!
//! Reading walks the JSON through [`Field`], a cursor that knows its own path
//! (`artifacts.Demo.properties.templateFile`, `artifacts.Demo.metadata["/Demo/Role"][0].data`), so
//! every shape error says exactly where it is without each caller spelling the path out.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use crate::validation::json_kind as kind;

/// Why [`CloudAssembly::read`](crate::CloudAssembly::read) failed.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    /// A file of the assembly could not be read.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// A file of the assembly is not JSON.
    #[error("{} is not valid JSON: {source}", file.display())]
    Json {
        /// The file.
        file: PathBuf,
        /// Where the JSON breaks.
        #[source]
        source: serde_json::Error,
    },
    /// A field is missing, has the wrong type, or names something that is not there.
    #[error("{}: {field}: {problem}", file.display())]
    Field {
        /// The file.
        file: PathBuf,
        /// The field's path inside the file, e.g. `artifacts.Demo.properties.templateFile`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl AssemblyError {
    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            AssemblyError::Read { file, .. } | AssemblyError::Json { file, .. } | AssemblyError::Field { file, .. } => {
                file
            }
        }
    }
}

/// Reads and parses a JSON file of the assembly: its text and its value.
pub(crate) fn read_json(file: &Path) -> Result<(String, Json), AssemblyError> {
    let text = std::fs::read_to_string(file).map_err(|source| AssemblyError::Read { file: file.into(), source })?;
    let value = serde_json::from_str(&text).map_err(|source| AssemblyError::Json { file: file.into(), source })?;
    Ok((text, value))
}

/// A JSON value inside an assembly file, with its path there (for errors).
#[derive(Clone, Copy)]
pub(crate) struct Field<'a> {
    file: &'a Path,
    parent: Option<&'a Field<'a>>,
    key: Key<'a>,
    value: &'a Json,
}

#[derive(Clone, Copy)]
enum Key<'a> {
    Root,
    Name(&'a str),
    Index(usize),
}

impl<'a> Field<'a> {
    /// The whole content of `file`.
    pub fn root(file: &'a Path, value: &'a Json) -> Field<'a> {
        Field { file, parent: None, key: Key::Root, value }
    }

    /// The field's path: `a.b["/x/y"][0]`.
    pub fn path(&self) -> String {
        let mut out = self.parent.map(Field::path).unwrap_or_default();
        match self.key {
            Key::Root => {}
            Key::Name(name)
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-:".contains(c)) =>
            {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Key::Name(name) => out.push_str(&format!("[{}]", Json::String(name.to_string()))),
            Key::Index(i) => out.push_str(&format!("[{i}]")),
        }
        out
    }

    /// An error about this field.
    pub fn error(&self, problem: impl Into<String>) -> AssemblyError {
        let field = match self.path() {
            path if path.is_empty() => "(top level)".to_string(),
            path => path,
        };
        AssemblyError::Field { file: self.file.into(), field, problem: problem.into() }
    }

    /// The member `key` of this object, if present.
    pub fn get(&'a self, key: &'a str) -> Result<Option<Field<'a>>, AssemblyError> {
        Ok(self.object()?.get(key).map(|value| Field {
            file: self.file,
            parent: Some(self),
            key: Key::Name(key),
            value,
        }))
    }

    /// The member `key` of this object, which must be present.
    pub fn required(&'a self, key: &'a str) -> Result<Field<'a>, AssemblyError> {
        self.get(key)?.ok_or_else(|| {
            Field { file: self.file, parent: Some(self), key: Key::Name(key), value: &Json::Null }.error("missing")
        })
    }

    /// The members of this object, in file order.
    pub fn members(&'a self) -> Result<impl Iterator<Item = (&'a str, Field<'a>)>, AssemblyError> {
        Ok(self.object()?.iter().map(move |(k, value)| {
            (k.as_str(), Field { file: self.file, parent: Some(self), key: Key::Name(k), value })
        }))
    }

    /// The items of this array, in order.
    pub fn items(&'a self) -> Result<impl Iterator<Item = Field<'a>>, AssemblyError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected an array, found {}", kind(self.value))))?;
        Ok(items.iter().enumerate().map(move |(i, value)| Field {
            file: self.file,
            parent: Some(self),
            key: Key::Index(i),
            value,
        }))
    }

    /// This value as a string.
    pub fn string(&self) -> Result<&'a str, AssemblyError> {
        self.value.as_str().ok_or_else(|| self.error(format!("expected a string, found {}", kind(self.value))))
    }

    /// This value as a boolean.
    pub fn boolean(&self) -> Result<bool, AssemblyError> {
        self.value.as_bool().ok_or_else(|| self.error(format!("expected true or false, found {}", kind(self.value))))
    }

    fn object(&self) -> Result<&'a Map<String, Json>, AssemblyError> {
        self.value.as_object().ok_or_else(|| self.error(format!("expected an object, found {}", kind(self.value))))
    }
}
