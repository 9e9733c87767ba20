//! Turning values as typed in Business Central into the values Microsoft 365 gets.

pub mod names;
pub mod salesperson;
pub mod text;
pub mod username;

pub use names::{split_full_name, PersonName};
pub use text::clean_text;
pub use username::{build_alias, Transliteration, UserNamePattern};
