//! Resource-matching helpers that both the action checks and the resource
//! checks use, kept apart so neither of them depends on the other.

use crate::wildcard::{self, Case};

/// `*`, `**`: every resource.
pub(super) fn is_every_resource(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '*')
}

/// Whether `general` covers `specific` as a resource. Resource ids are
/// case-sensitive. Whether `*` crosses `/` in a resource is undocumented, and
/// Alibaba's own policies list `acs:kms:*:*:*` next to `acs:kms:*:*:*/*` (and
/// OSS buckets next to their objects), so a pattern only covers values with as
/// many `/` as itself, unless it is `*`.
pub(super) fn covers_resource(general: &str, specific: &str) -> bool {
    let slashes = |s: &str| s.matches('/').count();
    (is_every_resource(general) || slashes(general) == slashes(specific))
        && wildcard::covers(general, specific, Case::Sensitive)
}
