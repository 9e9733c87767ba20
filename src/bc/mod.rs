//! What Business Central exports: the fields of table 13 "Salesperson/Purchaser" and their captions.

pub mod fields;

pub use fields::{fields_for_header, header_key, recognise_header, ColumnMap, Field, HeaderMap};
