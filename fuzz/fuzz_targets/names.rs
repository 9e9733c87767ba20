//! Any text as a Business Central Name: cleaning and the first/last split never panic, and the split
//! loses no word.
#![no_main]

use bc2m365::normalize::{clean_text, split_full_name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let name = clean_text(text);
    let person = split_full_name(&name);
    let words = |s: &str| s.split([' ', ',']).filter(|w| !w.is_empty()).count();
    assert_eq!(words(&person.first) + words(&person.last), words(&name), "{name:?} -> {person:?}");
});
