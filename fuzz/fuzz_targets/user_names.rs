//! Any first and last name, any pattern and style: a built user name is always one Microsoft accepts.
#![no_main]

use bc2m365::m365::UserPrincipalName;
use bc2m365::normalize::{build_alias, Transliteration, UserNamePattern};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, u8, u8)| {
    let (first, last, pattern_choice, suffix) = input;
    let patterns = ["{first}.{last}", "{f}{last}", "{first}_{l}", "{last}-{first}"];
    let Ok(pattern) = UserNamePattern::parse(patterns[pattern_choice as usize % patterns.len()]) else {
        return;
    };
    let style = if pattern_choice % 2 == 0 { Transliteration::Basic } else { Transliteration::German };
    let suffix = (suffix > 1).then_some(suffix as u32);
    if let Some(alias) = build_alias(&pattern, first, last, style, suffix) {
        let upn = format!("{alias}@contoso.com");
        assert!(
            UserPrincipalName::parse(&upn, &["contoso.com".to_string()]).is_ok(),
            "{first:?} {last:?} -> {upn:?}"
        );
    }
});
