//! Import files: at most 249 users each, one country a file, and how they are named; or, for Microsoft
//! Entra's bulk-create file, every country in one file, split only past its size.

use std::collections::BTreeMap;

use crate::m365::entra::{self, Target};
use crate::m365::format::MAX_USERS_PER_FILE;

/// One import file: users of one country, at most 249.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub file_name: String,
    pub country: Option<String>,
    /// How many users it holds.
    pub users: usize,
}

/// The files the written users go into, as `target` has them: see [`import_batches`] and [`entra_batches`].
pub fn batches(written_by_country: &BTreeMap<Option<String>, usize>, target: Target) -> Vec<Batch> {
    match target {
        Target::M365 => import_batches(written_by_country),
        Target::Entra => entra_batches(written_by_country.values().sum()),
    }
}

/// Microsoft Entra's bulk-create files: one for every user (each row carries its own usage location),
/// numbered only past [`entra::MAX_USERS_PER_FILE`].
fn entra_batches(users: usize) -> Vec<Batch> {
    let files = users.div_ceil(entra::MAX_USERS_PER_FILE);
    (0..files)
        .map(|n| Batch {
            file_name: entra::file_name(n, files),
            country: None,
            users: (users - n * entra::MAX_USERS_PER_FILE).min(entra::MAX_USERS_PER_FILE),
        })
        .collect()
}

/// The import files for the written users of each country (`None`: no country), in order of country:
/// at most 249 users a file, numbered when a country needs more than one.
fn import_batches(written_by_country: &BTreeMap<Option<String>, usize>) -> Vec<Batch> {
    let mut batches = Vec::new();
    for (country, &users) in written_by_country {
        let files = users.div_ceil(MAX_USERS_PER_FILE);
        for n in 0..files {
            let mut name = String::from("m365-users");
            if let Some(code) = country {
                name.push('-');
                name.push_str(code);
            }
            if files > 1 {
                name.push_str(&format!("-{:03}", n + 1));
            }
            name.push_str(".csv");
            batches.push(Batch {
                file_name: name,
                country: country.clone(),
                users: (users - n * MAX_USERS_PER_FILE).min(MAX_USERS_PER_FILE),
            });
        }
    }
    batches
}

/// Which import file each written user goes into: the country's files in turn, 249 users each (or,
/// for Microsoft Entra's file, every user in one sequence of files).
#[derive(Debug, Default)]
pub struct BatchCursor {
    /// Per country: the index of its first file, and the users given a file so far.
    countries: BTreeMap<Option<String>, (usize, usize)>,
    target: Target,
}

impl BatchCursor {
    pub fn new(batches: &[Batch], target: Target) -> Self {
        let mut countries = BTreeMap::new();
        for (i, batch) in batches.iter().enumerate() {
            countries.entry(batch.country.clone()).or_insert((i, 0));
        }
        BatchCursor { countries, target }
    }

    /// The import file of the next written user of `country`: users fill the country's files in order.
    pub fn assign(&mut self, country: Option<String>) -> Option<usize> {
        let (country, per_file) = match self.target {
            Target::M365 => (country, MAX_USERS_PER_FILE),
            Target::Entra => (None, entra::MAX_USERS_PER_FILE),
        };
        let (first, seen) = self.countries.get_mut(&country)?;
        let index = *first + *seen / per_file;
        *seen += 1;
        Some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entra_file_holds_every_country_and_is_split_only_past_its_size() {
        let by_country = BTreeMap::from([
            (Some("BE".to_string()), 30_000),
            (Some("NL".to_string()), 20_001),
            (None, 1),
        ]);
        let files = batches(&by_country, Target::Entra);
        let names: Vec<&str> = files.iter().map(|b| b.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "entra-users-001.csv",
                "entra-users-002.csv",
                "entra-users-003.csv"
            ]
        );
        let users: Vec<usize> = files.iter().map(|b| b.users).collect();
        assert_eq!(users, [25_000, 25_000, 2]);
        let mut cursor = BatchCursor::new(&files, Target::Entra);
        for _ in 0..24_999 {
            assert_eq!(cursor.assign(Some("BE".into())), Some(0));
        }
        assert_eq!(cursor.assign(Some("NL".into())), Some(0));
        assert_eq!(cursor.assign(None), Some(1));
        let one = batches(
            &BTreeMap::from([(Some("BE".to_string()), 3), (None, 2)]),
            Target::Entra,
        );
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].file_name.as_str(), one[0].users),
            ("entra-users.csv", 5)
        );
        // The admin center's files stay one country each.
        assert_eq!(batches(&by_country, Target::M365).len(), 121 + 81 + 1);
    }
}
