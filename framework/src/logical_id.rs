//! Logical IDs, computed exactly as AWS CDK does, so templates can move between the two tools.

use md5::{Digest, Md5};

const HIDDEN_ID: &str = "Default";
const HIDDEN_FROM_HUMAN_ID: &str = "Resource";
const HASH_LEN: usize = 8;
const MAX_HUMAN_LEN: usize = 240;
const MAX_ID_LEN: usize = 255;

/// The logical ID for a construct whose path below the stack is `components`.
///
/// ```
/// use framework::logical_id;
/// assert_eq!(logical_id(&["SM", "Resource"]).unwrap(), "SM934E715A");
/// assert_eq!(logical_id(&["LogGroupName"]).unwrap(), "LogGroupName");
/// ```
pub fn logical_id(components: &[&str]) -> Option<String> {
    let components: Vec<&str> = components.iter().copied().filter(|c| *c != HIDDEN_ID).collect();
    if components.is_empty() {
        return None;
    }
    if components.len() == 1 {
        let top = remove_non_alphanumeric(components[0]);
        if top.len() <= MAX_ID_LEN {
            return Some(top);
        }
    }
    let hash = path_hash(&components);
    let mut deduped: Vec<&str> = Vec::with_capacity(components.len());
    for c in &components {
        if deduped.last().is_none_or(|prev: &&str| !prev.ends_with(c)) {
            deduped.push(c);
        }
    }
    let mut human: String =
        deduped.iter().filter(|c| **c != HIDDEN_FROM_HUMAN_ID).map(|c| remove_non_alphanumeric(c)).collect();
    human.truncate(MAX_HUMAN_LEN);
    Some(human + &hash)
}

fn path_hash(components: &[&str]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut md5 = Md5::new();
    for (i, c) in components.iter().enumerate() {
        if i > 0 {
            md5.update(b"/");
        }
        md5.update(c.as_bytes());
    }
    let digest = md5.finalize();
    let mut hex = String::with_capacity(HASH_LEN);
    for b in &digest[..HASH_LEN / 2] {
        hex.push(HEX[usize::from(b >> 4)] as char);
        hex.push(HEX[usize::from(b & 0xf)] as char);
    }
    hex
}

fn remove_non_alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// True when `id` is a valid CloudFormation logical ID (alphanumeric, 1-255 characters).
pub fn is_valid_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdk_vectors() {
        assert_eq!(logical_id(&["SM", "Resource"]).unwrap(), "SM934E715A");
        assert_eq!(logical_id(&["Rule", "Resource"]).unwrap(), "Rule4C995B7F");
        assert_eq!(logical_id(&["Role", "Resource"]).unwrap(), "Role1ABCC5F0");
        assert_eq!(
            logical_id(&["MyProject", "EventsRole", "DefaultPolicy", "Resource"]).unwrap(),
            "MyProjectEventsRoleDefaultPolicy397DCBF8"
        );
    }

    #[test]
    fn single_component_is_used_verbatim_without_non_alphanumerics() {
        assert_eq!(logical_id(&["My-Bucket_1"]).unwrap(), "MyBucket1");
        assert_eq!(logical_id(&["Default", "Topic"]).unwrap(), "Topic");
    }

    #[test]
    fn default_is_hidden_and_dupes_are_skipped() {
        // "Default" dropped before hashing: same id as without it.
        assert_eq!(logical_id(&["A", "Default", "Resource"]), logical_id(&["A", "Resource"]));
        // "RoleRole" is not repeated: the second component is skipped in the human part.
        let id = logical_id(&["MyRole", "Role", "Resource"]).unwrap();
        assert!(id.starts_with("MyRole") && !id.starts_with("MyRoleRole"), "{id}");
        assert_eq!(id.len(), "MyRole".len() + 8);
        assert!(logical_id(&[]).is_none());
        assert!(logical_id(&["Default"]).is_none());
    }

    #[test]
    fn human_part_is_truncated() {
        let long = "x".repeat(300);
        let id = logical_id(&[&long, "Resource"]).unwrap();
        assert_eq!(id.len(), 240 + 8);
    }

    #[test]
    fn validity() {
        assert!(is_valid_logical_id("Role1ABCC5F0"));
        assert!(!is_valid_logical_id("a-b"));
        assert!(!is_valid_logical_id(""));
    }
}
