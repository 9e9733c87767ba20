//! Rendering diagnostics and summaries for people and scripts.

pub mod text;
