//! Views of the manifest for people who work in Excel or from a checklist: `role-assignments.csv`,
//! `coupling.csv` and `next-steps.txt`. Each is made from the manifest alone, so none can name a user,
//! licence, role or coupling the manifest does not hold.

use std::fmt::Write as _;

use crate::manifest::{Manifest, SalespersonRecord, SpecialAccount};

pub const ROLE_ASSIGNMENTS: &str = "role-assignments.csv";
pub const COUPLING: &str = "coupling.csv";
pub const NEXT_STEPS: &str = "next-steps.txt";

/// A CSV as Excel opens it without asking: UTF-8 with BOM, CRLF, quotes only where needed.
fn excel_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(header);
        for row in rows {
            let _ = writer.write_record(row);
        }
        let _ = writer.flush();
    }
    out
}

/// The salespeople who get a licence, roles and coupling from this run: new and existing users.
fn with_account(manifest: &Manifest) -> impl Iterator<Item = &SalespersonRecord> {
    manifest
        .salespeople
        .iter()
        .filter(|s| s.status == "written" || s.status == "existing")
}

fn upn(s: &SalespersonRecord) -> &str {
    s.upn.as_deref().unwrap_or_default()
}

/// One row per account to license and give roles: the administrator, the integration user, each salesperson.
pub fn role_assignments(manifest: &Manifest) -> Vec<u8> {
    let header = [
        "Account",
        "BC code",
        "User",
        "Display name",
        "Licence",
        "Usage location",
        "Security roles",
        "Business unit",
        "User status",
    ];
    let mut rows = Vec::new();
    let specials = [
        ("administrator", &manifest.accounts.administrator),
        ("integration user", &manifest.accounts.integration_user),
    ];
    for (kind, account) in specials {
        if let Some(a) = account {
            rows.push(vec![
                kind.to_string(),
                String::new(),
                a.upn.clone(),
                String::new(),
                a.licence.clone(),
                String::new(),
                a.roles.join("; "),
                String::new(),
                match a.exists {
                    Some(true) => "existing",
                    Some(false) => "to create",
                    None => "",
                }
                .to_string(),
            ]);
        }
    }
    for s in with_account(manifest) {
        rows.push(vec![
            "salesperson".to_string(),
            s.code.clone(),
            upn(s).to_string(),
            s.name.clone().unwrap_or_default(),
            s.licence.clone().unwrap_or_default(),
            s.usage_location.clone().unwrap_or_default(),
            s.roles.join("; "),
            s.business_unit.clone().unwrap_or_default(),
            match &s.import_file {
                Some(file) => format!("new ({file})"),
                None => s.status.to_string(),
            },
        ]);
    }
    excel_csv(&header, &rows)
}

/// One row per salesperson to couple in Business Central.
pub fn coupling(manifest: &Manifest) -> Vec<u8> {
    let header = [
        "BC code",
        "BC name",
        "Sales user",
        "BC email now",
        "BC email after first sync",
        "Note",
    ];
    let rows: Vec<Vec<String>> = with_account(manifest)
        .filter_map(|s| {
            let c = s.coupling.as_ref()?;
            Some(vec![
                c.bc_code.clone(),
                s.name.clone().unwrap_or_default(),
                c.sales_user.clone(),
                c.bc_email_now.clone(),
                c.bc_email_after_sync.clone(),
                c.note.clone().unwrap_or_default(),
            ])
        })
        .collect();
    excel_csv(&header, &rows)
}

fn special_line(out: &mut String, a: &SpecialAccount) {
    let _ = writeln!(out, "   User: {}", a.upn);
    match a.exists {
        Some(true) => {
            let _ = writeln!(out, "   It already exists in the tenant.");
        }
        Some(false) => {
            let _ = writeln!(
                out,
                "   It is not in the existing users: create it (admin center > Users > Active users > Add a user)."
            );
        }
        None => {}
    }
    let _ = writeln!(out, "   Licence: {}", a.licence);
    let _ = writeln!(out, "   Security roles in Sales: {}", a.roles.join(", "));
}

/// The documented steps in order, with this run's files and names filled in.
pub fn next_steps(manifest: &Manifest) -> String {
    let mut out = String::new();
    let accounts = &manifest.accounts;
    let people: Vec<&SalespersonRecord> = with_account(manifest).collect();
    let new: Vec<&SalespersonRecord> = people
        .iter()
        .copied()
        .filter(|s| s.status == "written")
        .collect();
    let import_files: Vec<&str> = manifest
        .outputs
        .iter()
        .map(|o| o.file.as_str())
        .filter(|f| f.starts_with("m365-users"))
        .collect();

    let _ = writeln!(
        out,
        "Next steps: the user accounts for integrating Business Central with Dynamics 365 Sales"
    );
    let _ = writeln!(
        out,
        "(from Business Central's \"Setting up user accounts for integrating with Dynamics 365 Sales\")"
    );
    let _ = writeln!(
        out,
        "Written by {} with {ROLE_ASSIGNMENTS} and {COUPLING}; manifest.json holds the same, for scripts.\n",
        manifest.generator
    );

    let _ = writeln!(out, "1. The administrator (sets up the integration)");
    match &accounts.administrator {
        Some(a) => {
            let _ = writeln!(
                out,
                "   Add this user to Sales and promote it to administrator. Do not use it for synchronisation."
            );
            special_line(&mut out, a);
        }
        None => {
            let _ = writeln!(
                out,
                "   Not named in this run (--admin). Choose a Sales user with System Administrator, System Customizer\n   and at least one non-administrative role such as Sales Manager. Do not use it for synchronisation."
            );
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "2. The integration user (synchronises; never a salesperson)"
    );
    match &accounts.integration_user {
        Some(a) => {
            special_line(&mut out, a);
            let _ = writeln!(
                out,
                "   Enter it in Business Central's setup guide. Once connected, Business Central assigns it {};\n   then set its access mode to Non-interactive in Sales.",
                a.roles_assigned_by_bc.join(" and ")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "   Not named in this run (--integration-user). Create a dedicated account with a licence and one security\n   role; its changes are never synchronised, so it must not be a salesperson."
            );
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "3. Import the salespeople's users");
    if new.is_empty() {
        let _ = writeln!(out, "   No new users in this run.");
    } else {
        let _ = writeln!(
            out,
            "   Admin center > Users > Active users > More > Add multiple users; upload {}:",
            import_files.join(", then ")
        );
        for s in &new {
            let _ = writeln!(
                out,
                "   - {} ({}, {})",
                upn(s),
                s.code,
                s.import_file.as_deref().unwrap_or_default()
            );
        }
    }
    let existing: Vec<&&SalespersonRecord> =
        people.iter().filter(|s| s.status == "existing").collect();
    if !existing.is_empty() {
        let _ = writeln!(out, "   Already in the tenant, not imported again:");
        for s in existing {
            let _ = writeln!(out, "   - {} ({})", upn(s), s.code);
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "4. Assign the licence (each user needs a usage location first)"
    );
    let mut licences: Vec<&str> = people.iter().filter_map(|s| s.licence.as_deref()).collect();
    licences.sort_unstable();
    licences.dedup();
    if people.is_empty() {
        let _ = writeln!(out, "   No salespeople to license in this run.");
    }
    for licence in licences {
        let _ = writeln!(out, "   Licence {licence} to:");
        for s in people
            .iter()
            .filter(|s| s.licence.as_deref() == Some(licence))
        {
            let location = match s.usage_location.as_deref() {
                Some(code) => format!("usage location {code}"),
                None => "no usage location known: set one before assigning".to_string(),
            };
            let _ = writeln!(out, "   - {} ({location})", upn(s));
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "5. Give the salespeople their security roles in Sales");
    let _ = writeln!(
        out,
        "   Power Platform admin center > your environment > Users > Manage security roles:"
    );
    for s in &people {
        let unit = s
            .business_unit
            .as_deref()
            .map(|b| format!(" (business unit {b})"))
            .unwrap_or_default();
        let _ = writeln!(out, "   - {}: {}{unit}", upn(s), s.roles.join(", "));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "6. Couple the salespeople in Business Central");
    let _ = writeln!(
        out,
        "   Salespeople page > Dynamics 365 Sales > Couple (or match-based coupling on E-Mail = primary email):"
    );
    for s in &people {
        if let Some(c) = &s.coupling {
            let _ = writeln!(out, "   - {} -> {}", c.bc_code, c.sales_user);
            if let Some(note) = &c.note {
                let _ = writeln!(out, "     note: {note}");
            }
        }
    }
    let coupled: Vec<&SalespersonRecord> = manifest
        .salespeople
        .iter()
        .filter(|s| s.status == "coupled")
        .collect();
    if !coupled.is_empty() {
        let codes: Vec<&str> = coupled.iter().map(|s| s.code.as_str()).collect();
        let _ = writeln!(
            out,
            "   Already coupled, nothing to do: {}",
            codes.join(", ")
        );
    }
    let left: Vec<String> = manifest
        .salespeople
        .iter()
        .filter(|s| s.status == "skipped" || s.status == "rejected")
        .map(|s| format!("{} ({})", s.code, s.status))
        .collect();
    if !left.is_empty() {
        let _ = writeln!(
            out,
            "\nNot in these steps: {} (see manifest.json for why).",
            left.join(", ")
        );
    }
    out
}
