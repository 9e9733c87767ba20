//! Checks on rows ([`row`]) and on the set of rows ([`set`]). What a problem is reported as lives in
//! [`crate::diagnostic`].

pub mod lookalike;
pub mod password;
pub mod row;
pub mod set;
pub mod shape;
