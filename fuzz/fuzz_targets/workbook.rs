//! Any bytes as a workbook input (.xlsx): the reader must answer with rows or an error, never panic,
//! and refuse what exceeds its limits before loading it.
#![no_main]

use std::io::Write;

use bc2m365::plan::input::InputSettings;
use bc2m365::plan::{plan_inputs, PlanOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
    let mut file = tempfile::Builder::new().suffix(".xlsx").tempfile_in(dir).unwrap();
    file.write_all(data).unwrap();
    let options = PlanOptions {
        domains: vec!["contoso.com".into()],
        ..PlanOptions::default()
    };
    let dir = file.path().parent().unwrap().to_path_buf();
    let _ = plan_inputs(&[file.path().to_path_buf()], &InputSettings::default(), &options, &dir);
});
