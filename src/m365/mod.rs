//! Everything the tool knows about Microsoft 365's bulk-import format, and nothing else.

pub mod batch;
pub mod countries;
pub mod entra;
pub mod existing;
pub mod format;
pub mod licences;
pub mod upn;

pub use format::{
    ImportColumn, ImportHeader, ImportRow, HEADER, LEGACY_HEADER, MAX_USERS_PER_FILE,
};
pub use upn::{UpnProblem, UserPrincipalName};
