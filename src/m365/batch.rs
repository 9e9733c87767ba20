//! Import files: at most 249 users each, one country a file, and how they are named.

use std::collections::BTreeMap;

use crate::m365::format::MAX_USERS_PER_FILE;

/// One import file: users of one country, at most 249.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub file_name: String,
    pub country: Option<String>,
    /// How many users it holds.
    pub users: usize,
}

/// The import files for the written users of each country (`None`: no country), in order of country:
/// at most 249 users a file, numbered when a country needs more than one.
pub fn batches(written_by_country: &BTreeMap<Option<String>, usize>) -> Vec<Batch> {
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

/// Which import file each written user goes into: the country's files in turn, 249 users each.
#[derive(Debug, Default)]
pub struct BatchCursor {
    /// Per country: the index of its first file, and the users given a file so far.
    countries: BTreeMap<Option<String>, (usize, usize)>,
}

impl BatchCursor {
    pub fn new(batches: &[Batch]) -> Self {
        let mut countries = BTreeMap::new();
        for (i, batch) in batches.iter().enumerate() {
            countries.entry(batch.country.clone()).or_insert((i, 0));
        }
        BatchCursor { countries }
    }

    /// The import file of the next written user of `country`: users fill the country's files in order.
    pub fn assign(&mut self, country: Option<String>) -> Option<usize> {
        let (first, seen) = self.countries.get_mut(&country)?;
        let index = *first + *seen / MAX_USERS_PER_FILE;
        *seen += 1;
        Some(index)
    }
}
