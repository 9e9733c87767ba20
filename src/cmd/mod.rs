//! The commands, one module each with one entry point, `run`.

pub mod completions;
pub mod convert;
pub mod explain;
pub mod inspect;
pub mod template;
pub mod validate;
