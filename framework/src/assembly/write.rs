//! Writing an assembly directory, touching only the files whose bytes change (so file watchers,
//! `make`-style tools and editors see only real changes) and removing templates of stacks that
//! are gone.

use std::io;
use std::path::Path;

use serde::Serialize;
use serde_json::json;

use crate::assembly::{to_json_text, CloudAssembly, StackArtifact, CLOUD_ASSEMBLY_VERSION};

impl CloudAssembly {
    /// Writes the assembly to `dir`: `manifest.json`, `tree.json`, `<Stack>.template.json` and
    /// the `cdk.out` marker. Templates of stacks no longer in the app are removed.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let keep: Vec<String> = self.stacks.iter().map(StackArtifact::template_file).collect();
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".template.json") && !keep.contains(&name) {
                std::fs::remove_file(dir.join(&name))?;
            }
        }
        for s in &self.stacks {
            write_if_changed(&dir.join(s.template_file()), s.template_text())?;
        }
        write_if_changed(&dir.join("manifest.json"), &to_json_text(&self.manifest()))?;
        // The tree is the biggest file of a large app: streamed, never held as one string.
        write_serialized_if_changed(&dir.join("tree.json"), &self.tree)?;
        write_if_changed(&dir.join("cdk.out"), &to_json_text(&json!({ "version": CLOUD_ASSEMBLY_VERSION })))?;
        Ok(())
    }
}

fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, text)
}

/// Writes `value` as [`to_json_text`] would, streaming it: first compared with the file's current
/// content (left untouched when equal), then written.
fn write_serialized_if_changed<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    fn serialize<T: Serialize, W: io::Write>(value: &T, w: W) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(w, serde_json::ser::PrettyFormatter::with_indent(b" "));
        value.serialize(&mut ser).map_err(io::Error::other)
    }
    if let Ok(old) = std::fs::File::open(path) {
        let mut same = io::BufWriter::with_capacity(
            1 << 16,
            SameAs { old: io::BufReader::new(old), theirs: Vec::new(), same: true },
        );
        serialize(value, &mut same)?;
        let mut same = same.into_inner().map_err(io::IntoInnerError::into_error)?;
        let mut rest = [0u8; 1];
        if same.same && io::Read::read(&mut same.old, &mut rest)? == 0 {
            return Ok(());
        }
    }
    let mut file = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
    serialize(value, &mut file)?;
    io::Write::flush(&mut file)
}

/// A writer that only checks whether what is written equals what `old` holds.
struct SameAs<R> {
    old: R,
    theirs: Vec<u8>,
    same: bool,
}

impl<R: io::Read> io::Write for SameAs<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.same {
            self.theirs.resize(buf.len(), 0);
            match io::Read::read_exact(&mut self.old, &mut self.theirs) {
                Ok(()) => self.same = self.theirs == buf,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.same = false,
                Err(e) => return Err(e),
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
