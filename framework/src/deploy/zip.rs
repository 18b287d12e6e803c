//! Deterministic ZIP archives of directories, for `zip`-packaged file assets.
//!
//! The same directory gives the same bytes on every machine and every run, so the archive's
//! content address (the object key the AWS CDK computed from the source) stays true and a
//! re-deploy finds the object already published. To that end: entries are the regular files
//! only (directories are implied by the paths), sorted by their `/`-separated relative path;
//! every timestamp is 1980-01-01 00:00 (the earliest a ZIP can hold, as the AWS CDK writes);
//! permissions are 0644, or 0755 for a file with any execute bit (what Lambda needs to run a
//! script); symbolic links are followed. Entries are deflated (method 8).
//!
//! No ZIP64: an archive of more than 65,535 files or over 4 GiB is an error (Lambda takes at
//! most 250 MB unzipped).

use std::path::{Path, PathBuf};

/// 1980-01-01 in MS-DOS date format: (year - 1980) << 9 | month << 5 | day.
const DOS_DATE: u16 = (1 << 5) | 1;
/// 00:00:00 in MS-DOS time format.
const DOS_TIME: u16 = 0;
/// Version 2.0 (deflate) needed to extract; made by Unix (3), version 3.0, so that the external
/// attributes are Unix modes.
const VERSION_NEEDED: u16 = 20;
const VERSION_MADE_BY: u16 = (3 << 8) | 30;
/// General purpose flag: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
const DEFLATE: u16 = 8;

/// The regular files under `dir`, as (relative path with `/`, absolute path), sorted. A link
/// back to a directory above it (a cycle) is an error.
fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), Vec::<PathBuf>::new())];
    while let Some((d, mut ancestors)) = pending.pop() {
        let real = std::fs::canonicalize(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        if ancestors.contains(&real) {
            return Err(format!("{} links back to a directory that contains it: a cycle", d.display()));
        }
        ancestors.push(real);
        let entries = std::fs::read_dir(&d).map_err(|e| format!("cannot list {}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", d.display()))?;
            let path = entry.path();
            // Followed: a link is archived as what it points to.
            let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if meta.is_dir() {
                pending.push((path, ancestors.clone()));
            } else if meta.is_file() {
                let relative = path.strip_prefix(dir).map_err(|e| format!("{}: {e}", path.display()))?;
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push((parts.join("/"), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

/// `n` as a 16-bit field; `0xFFFF` itself is ZIP64's marker, so it is refused too.
fn u16_of(n: usize, what: &str) -> Result<u16, String> {
    u16::try_from(n)
        .ok()
        .filter(|v| *v < u16::MAX)
        .ok_or_else(|| format!("{what} ({n}) is over what a ZIP without ZIP64 holds"))
}

/// `n` as a 32-bit field; `0xFFFFFFFF` itself is ZIP64's marker, so it is refused too.
fn u32_of(n: usize, what: &str) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|v| *v < u32::MAX)
        .ok_or_else(|| format!("{what} ({n} bytes) is over what a ZIP without ZIP64 holds (4 GiB)"))
}

/// The ZIP archive of `dir`'s files.
pub(crate) fn zip_directory(dir: &Path) -> Result<Vec<u8>, String> {
    let files = files(dir)?;
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    for (name, path) in &files {
        let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let crc = crc32fast::hash(&data);
        let deflated = miniz_oxide::deflate::compress_to_vec(&data, 6);
        let offset = u32_of(out.len(), "the archive")?;
        let (csize, usize_) = (u32_of(deflated.len(), name)?, u32_of(data.len(), name)?);
        let name_len = u16_of(name.len(), "a file name's length")?;
        let mode: u32 = if is_executable(path) { 0o100755 } else { 0o100644 };
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [VERSION_NEEDED, UTF8_NAMES, DEFLATE, DOS_TIME, DOS_DATE] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, csize, usize_] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&deflated);
        // Its central directory entry.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [VERSION_MADE_BY, VERSION_NEEDED, UTF8_NAMES, DEFLATE, DOS_TIME, DOS_DATE] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, csize, usize_] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        // Name length, extra length, comment length, disk number, internal attributes.
        for v in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&(mode << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let entries = u16_of(files.len(), "the number of files")?;
    let (cd_offset, cd_size) = (u32_of(out.len(), "the archive")?, u32_of(central.len(), "the directory")?);
    out.extend_from_slice(&central);
    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, entries, entries] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    /// Reads an archive back through its central directory: (name, mode, content).
    fn unzip(b: &[u8]) -> Vec<(String, u32, Vec<u8>)> {
        let end = b.len() - 22;
        assert_eq!(u32_at(b, end), 0x0605_4b50);
        let (count, mut at) = (u16_at(b, end + 10) as usize, u32_at(b, end + 16) as usize);
        let mut out = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(b, at), 0x0201_4b50);
            assert_eq!((u16_at(b, at + 12), u16_at(b, at + 14)), (DOS_TIME, DOS_DATE));
            let (crc, csize, name_len) = (u32_at(b, at + 16), u32_at(b, at + 20) as usize, u16_at(b, at + 28) as usize);
            let mode = u32_at(b, at + 38) >> 16;
            let local = u32_at(b, at + 42) as usize;
            let name = String::from_utf8(b[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(b, local), 0x0403_4b50);
            let data_at = local + 30 + u16_at(b, local + 26) as usize + u16_at(b, local + 28) as usize;
            let data = miniz_oxide::inflate::decompress_to_vec(&b[data_at..data_at + csize]).unwrap();
            assert_eq!(crc32fast::hash(&data), crc, "{name}");
            out.push((name, mode, data));
            at += 46 + name_len;
        }
        out
    }

    #[test]
    fn archives_are_deterministic_and_read_back() {
        let root = std::env::temp_dir().join(format!("zip-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("lib/deep")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(root.join("index.js"), "exports.handler = async () => 'hi';\n".repeat(20)).unwrap();
        std::fs::write(root.join("lib/deep/data.json"), "{}").unwrap();
        std::fs::write(root.join("run.sh"), "#!/bin/sh\necho hi\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join("run.sh"), std::fs::Permissions::from_mode(0o750)).unwrap();
        }
        let a = zip_directory(&root).unwrap();
        assert_eq!(a, zip_directory(&root).unwrap(), "the same bytes every time");
        let entries = unzip(&a);
        let names: Vec<&str> = entries.iter().map(|(n, ..)| n.as_str()).collect();
        assert_eq!(names, ["index.js", "lib/deep/data.json", "run.sh"], "files only, sorted, `/`-separated");
        assert_eq!(entries[1].2, b"{}");
        assert_eq!(entries[0].1, 0o100644);
        #[cfg(unix)]
        assert_eq!(entries[2].1, 0o100755, "an execute bit makes it 0755");
        assert!(a.len() < entries[0].2.len(), "deflated");
        // A touched file (new mtime, same content) changes nothing.
        std::fs::write(root.join("lib/deep/data.json"), "{}").unwrap();
        assert_eq!(a, zip_directory(&root).unwrap());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("lib/back")).unwrap();
            let err = zip_directory(&root).unwrap_err();
            assert!(err.contains("links back to a directory that contains it"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&root);
        let err = zip_directory(&root).unwrap_err();
        assert!(err.starts_with("cannot read "), "{err}");
        assert!(u16_of(65_535, "n").is_err() && u16_of(65_534, "n").is_ok(), "0xFFFF is ZIP64's marker");
    }
}
