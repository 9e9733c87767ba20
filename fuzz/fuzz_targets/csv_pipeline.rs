//! Any bytes as a CSV input, through the whole check: encoding and delimiter detection (or a forced
//! encoding or delimiter, chosen by the first byte), header recognition, row checks and the plan, then the
//! second pass over the rows, which must plan them as the first pass counted them (it fails otherwise).
#![no_main]

use std::io::Write;

use bc2m365::plan::input::InputSettings;
use bc2m365::plan::{plan_inputs, Item, PlanOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let mut settings = InputSettings::default();
    settings.read.encoding = match choice % 5 {
        1 => Some(encoding_rs::WINDOWS_1252),
        2 => Some(encoding_rs::UTF_16LE),
        3 => Some(encoding_rs::UTF_8),
        _ => None,
    };
    settings.read.delimiter = match (choice / 5) % 4 {
        1 => Some(b';'),
        2 => Some(b'\t'),
        _ => None,
    };
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile_in(scratch()).unwrap();
    file.write_all(body).unwrap();
    let options = PlanOptions {
        domains: vec!["contoso.com".into()],
        ..PlanOptions::default()
    };
    if let Ok(mut plan) = plan_inputs(&[file.path().to_path_buf()], &settings, &options, &scratch()) {
        let _ = bc2m365::report::text::render_sample(&plan.report, false, false);
        // Every row the plan counted comes back from its store, once.
        let rows = plan.summary.rows;
        let mut entries = 0u64;
        for item in plan.items() {
            match item {
                Ok(Item::Entry(_)) => entries += 1,
                Ok(Item::FileDiagnostic(_)) => {}
                Err(error) => panic!("the stored rows cannot be read back: {error}"),
            }
        }
        assert_eq!(entries, rows, "every planned row is stored once");
    }
});

/// A RAM-backed folder where there is one, so the fuzzer is not slowed by the disk.
fn scratch() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}
