//! The assets a stack needs published before it is deployed, as the AWS CDK's default
//! synthesizer lists them: a `cdk:asset-manifest` artifact per stack (the stack depends on it),
//! whose file (`<Stack>.assets.json`, the cdk-assets schema) names each asset's source in the
//! assembly and its destinations (bucket and key, placeholders such as `${AWS::AccountId}`
//! included).
//!
//! Files are read here; publishing is deploy's. Kinds that cannot be published (container
//! images, files made by a command) are kept as [`UnsupportedAsset`]s, not refused here: `diff`
//! and `simulate` do not need them, and `deploy` refuses them, all at once, before anything
//! changes.

use std::path::{Path, PathBuf};

use crate::assembly::error::{read_json, AssemblyError, Field};

/// How a file asset's source becomes the object uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packaging {
    /// The file as it is.
    File,
    /// A directory, zipped (or a file that already is a ZIP archive, uploaded as it is).
    Zip,
}

/// Where a file asset goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetDestination {
    /// The destination's id in the manifest.
    pub id: String,
    /// The bucket, with placeholders (`cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}`).
    pub bucket_name: String,
    /// The object key.
    pub object_key: String,
    /// The bucket's region, when the manifest says (else the stack's).
    pub region: Option<String>,
    /// The role the AWS CDK CLI assumes to publish, when the manifest names one.
    pub assume_role_arn: Option<String>,
}

/// A file asset: a file or directory of the assembly, uploaded to S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAsset {
    /// The asset's id (the source's hash, for the AWS CDK).
    pub id: String,
    /// A name for messages (`displayName`, else the id).
    pub display_name: String,
    /// Its source, absolute (the manifest's path is relative to the assembly directory).
    pub path: PathBuf,
    /// How it is packaged.
    pub packaging: Packaging,
    /// Where it goes.
    pub destinations: Vec<AssetDestination>,
}

/// An asset deploy cannot publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedAsset {
    /// The asset's id.
    pub id: String,
    /// The manifest that lists it.
    pub manifest: PathBuf,
    /// What it is: "a container image asset", "a file asset built by a command"...
    pub kind: String,
}

/// A stack's assets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    /// What deploy publishes.
    pub files: Vec<FileAsset>,
    /// What it refuses.
    pub unsupported: Vec<UnsupportedAsset>,
}

impl Assets {
    /// Whether there is nothing to publish or refuse.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.unsupported.is_empty()
    }
}

/// Reads the asset manifest `file` of the assembly in `dir` into `assets`.
pub(crate) fn read(dir: &Path, file: &str, assets: &mut Assets) -> Result<(), AssemblyError> {
    let path = dir.join(file);
    let (_, value) = read_json(&path)?;
    let root = Field::root(&path, &value);
    if let Some(files) = root.get("files")? {
        for (id, asset) in files.members()? {
            let source = asset.required("source")?;
            if source.get("executable")?.is_some() {
                assets.unsupported.push(UnsupportedAsset {
                    id: id.to_string(),
                    manifest: path.clone(),
                    kind: "a file asset built by a command (source.executable)".into(),
                });
                continue;
            }
            let packaging = match source.get("packaging")? {
                None => Packaging::File,
                Some(p) => match p.string()? {
                    "file" => Packaging::File,
                    "zip" => Packaging::Zip,
                    other => {
                        return Err(p.error(format!("packaging {other:?} is not one of \"file\", \"zip\"")));
                    }
                },
            };
            let mut destinations = Vec::new();
            for (dest_id, d) in asset.required("destinations")?.members()? {
                let optional = |key| -> Result<Option<String>, AssemblyError> {
                    d.get(key)?.map(|v| v.string().map(str::to_string)).transpose()
                };
                destinations.push(AssetDestination {
                    id: dest_id.to_string(),
                    bucket_name: d.required("bucketName")?.string()?.to_string(),
                    object_key: d.required("objectKey")?.string()?.to_string(),
                    region: optional("region")?,
                    assume_role_arn: optional("assumeRoleArn")?,
                });
            }
            let display_name = match asset.get("displayName")? {
                Some(n) => n.string()?.to_string(),
                None => id.to_string(),
            };
            assets.files.push(FileAsset {
                id: id.to_string(),
                display_name,
                path: dir.join(source.required("path")?.string()?),
                packaging,
                destinations,
            });
        }
    }
    if let Some(images) = root.get("dockerImages")? {
        for (id, _) in images.members()? {
            assets.unsupported.push(UnsupportedAsset {
                id: id.to_string(),
                manifest: path.clone(),
                kind: "a container image asset (dockerImages)".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_assets_are_read_and_other_kinds_kept_aside() {
        let dir = std::env::temp_dir().join(format!("assets-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = json!({
            "version": "48.0.0",
            "files": {
                "abc": {
                    "displayName": "Handler Code",
                    "source": {"path": "asset.abc", "packaging": "zip"},
                    "destinations": {"current_account-current_region": {
                        "bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
                        "objectKey": "abc.zip",
                        "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-publishing"
                    }}
                },
                "tpl": {
                    "source": {"path": "S.template.json", "packaging": "file"},
                    "destinations": {"d": {"bucketName": "b", "objectKey": "tpl.json", "region": "eu-west-1"}}
                },
                "built": {"source": {"executable": ["make"]}, "destinations": {}}
            },
            "dockerImages": {"img": {"source": {"directory": "asset.img"}, "destinations": {}}}
        });
        std::fs::write(dir.join("S.assets.json"), manifest.to_string()).unwrap();
        let mut assets = Assets::default();
        read(&dir, "S.assets.json", &mut assets).unwrap();
        assert_eq!(assets.files.len(), 2);
        let code = &assets.files[0];
        assert_eq!(
            (code.display_name.as_str(), code.packaging, code.path.clone()),
            ("Handler Code", Packaging::Zip, dir.join("asset.abc"))
        );
        assert_eq!(code.destinations[0].object_key, "abc.zip");
        assert!(code.destinations[0].assume_role_arn.is_some());
        assert_eq!(assets.files[1].destinations[0].region.as_deref(), Some("eu-west-1"));
        let kinds: Vec<(&str, &str)> = assets.unsupported.iter().map(|u| (u.id.as_str(), u.kind.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("built", "a file asset built by a command (source.executable)"),
                ("img", "a container image asset (dockerImages)")
            ]
        );

        std::fs::write(
            dir.join("Bad.assets.json"),
            json!({"files": {"x": {"source": {"path": "p", "packaging": "tar"}, "destinations": {}}}}).to_string(),
        )
        .unwrap();
        let err = read(&dir, "Bad.assets.json", &mut Assets::default()).unwrap_err().to_string();
        assert!(err.contains("Bad.assets.json") && err.contains("packaging \"tar\""), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
