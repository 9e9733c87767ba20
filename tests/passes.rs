//! The two passes over the rows: the first keeps keys and counts, the second reads the inputs again to
//! write the outputs. They must agree, and an input that changes between them must stop the run.

use std::path::Path;

use bc2m365::analysis::{analyse, Analysis, Item};
use bc2m365::input::InputSettings;
use bc2m365::plan::{Outcome, PlanOptions};

fn options() -> PlanOptions {
    PlanOptions {
        domains: vec!["contoso.com".to_string()],
        ..PlanOptions::default()
    }
}

fn export(path: &Path, rows: usize) {
    let mut text = String::from("Code,Name,E-Mail\r\n");
    for i in 0..rows {
        // Every third salesperson shares a name, so user names are numbered in the second pass too.
        let name = if i % 3 == 0 {
            "Jan Peeters".to_string()
        } else {
            format!("An Maes{i}")
        };
        text.push_str(&format!("S{i:04},{name},\r\n"));
    }
    std::fs::write(path, text).unwrap();
}

/// The rows of a second pass: outcome and user name of each.
fn second_pass(analysis: &Analysis) -> bc2m365::error::Result<Vec<(Outcome, Option<String>)>> {
    let mut rows = Vec::new();
    analysis.replay(&mut |item| {
        if let Item::Entry(entry) = item {
            rows.push((entry.outcome, entry.upn.map(|u| u.as_str().to_string())));
        }
        Ok(())
    })?;
    Ok(rows)
}

#[test]
fn every_second_pass_plans_the_rows_as_the_first_counted_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    export(&path, 300);
    let analysis = analyse(&[path], &InputSettings::default(), &options()).unwrap();
    let first = second_pass(&analysis).unwrap();
    assert_eq!(first.len(), 300);
    assert_eq!(
        first.iter().filter(|(o, _)| *o == Outcome::Written).count() as u64,
        analysis.summary.written
    );
    assert_eq!(first[3].1.as_deref(), Some("jan.peeters2@contoso.com"));
    // Reading the rows again gives the same plan, however often.
    assert_eq!(second_pass(&analysis).unwrap(), first);
}

#[test]
fn an_input_changed_between_the_passes_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    export(&path, 50);
    let analysis = analyse(
        std::slice::from_ref(&path),
        &InputSettings::default(),
        &options(),
    )
    .unwrap();
    // Another program saves the file while it is being converted: one more row.
    export(&path, 51);
    let error = second_pass(&analysis).unwrap_err().to_string();
    assert!(error.contains("export.csv"), "{error}");
    assert!(error.contains("changed while it was being read"), "{error}");

    // Same size, other content: the modification time or the counts tell.
    export(&path, 50);
    let analysis = analyse(
        std::slice::from_ref(&path),
        &InputSettings::default(),
        &options(),
    )
    .unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("S0001,", "S0000,");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, text).unwrap();
    let error = second_pass(&analysis).unwrap_err().to_string();
    assert!(error.contains("changed while it was being read"), "{error}");
}
