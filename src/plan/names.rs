//! User names built from salespeople's names, numbered when taken.

use rustc_hash::FxHashMap as HashMap;

use crate::bc::Field;
use crate::check::set::{describe, hash_key as alias_key, At, FirstSeen, RowPos, Sources};
use crate::diagnostic::{rules, Diagnostic, Location, Severity};
use crate::m365::existing::ExistingUser;
use crate::m365::UserPrincipalName;
use crate::normalize::username::{build_alias_within, Alias};
use crate::plan::keys::{
    another_users_address, existing_diagnostic, existing_upn, holds_sales_licence, upn_rule,
    KeySets,
};
use crate::plan::people::{Match, People};
use crate::plan::{Entry, Outcome, PlanOptions};

/// Builds the user names of salespeople whose Email gives none, in input order, avoiding every user name
/// taken from an Email ([`KeySets`], complete before the first name is built) and every name built before.
#[derive(Debug)]
pub struct NameBuilder {
    built: FirstSeen,
    /// Per unnumbered user name, the first number whose user name may be free: linear clash numbering.
    next_free: HashMap<(u64, u64), u32>,
}

impl Default for NameBuilder {
    fn default() -> Self {
        NameBuilder {
            built: FirstSeen::new(None),
            next_free: HashMap::default(),
        }
    }
}

/// The user name chosen for a row, and the existing user it turned out to be.
struct Choice {
    candidate: String,
    /// The number added, when the plain user name was taken.
    suffix: Option<u32>,
    existing: Option<ExistingUser>,
    /// The user name is another company's record of this very person's: the record joins that person.
    person: Option<u32>,
    /// The user name is an address of an existing user of another name.
    clash: Option<ExistingUser>,
}

/// What building one row's user name needs to know.
struct Build<'a> {
    entry: &'a Entry,
    keys: &'a KeySets,
    options: &'a PlanOptions,
    first_domain: &'a str,
    /// The whole user name may have 79 characters: a long domain leaves less than 50 before "@".
    room: usize,
}

impl Build<'_> {
    /// The part before "@", numbered with `suffix`; the unnumbered one may have been built ahead by
    /// the reading thread.
    fn alias(&self, suffix: Option<u32>) -> Option<String> {
        let sp = &self.entry.salesperson;
        if suffix.is_none() {
            match &sp.alias {
                Alias::Built(alias) => return Some(alias.clone()),
                Alias::NoLetters => return None,
                Alias::NotBuilt => {}
            }
        }
        let options = self.options;
        build_alias_within(
            &options.user_name,
            &sp.person.first,
            &sp.person.last,
            options.transliteration,
            suffix,
            self.room,
        )
    }

    fn name_location(&self, sources: &Sources) -> Location {
        sources.inputs[self.entry.input]
            .columns
            .locate(Field::Name, &self.entry.location)
    }
}

impl NameBuilder {
    /// Gives `entry` (which [`Entry::needs_built_name`]) a user name built from its name, numbered when
    /// the plain one is taken; or rejects it when none can be built.
    pub fn build(
        &mut self,
        entry: &mut Entry,
        keys: &KeySets,
        people: &mut People,
        options: &PlanOptions,
        sources: &Sources,
    ) {
        let build = Build {
            entry,
            keys,
            options,
            first_domain: options.domains.first().map(String::as_str).unwrap_or(""),
            room: options.alias_spec().room,
        };
        let name_location = build.name_location(sources);
        let Some(choice) = self.choose(&build, people) else {
            let message = format!(
                "Name \"{}\" has no letter or digit to build a user name from",
                entry.salesperson.name
            );
            reject(entry, &rules::NO_USER_NAME, name_location, message);
            return;
        };
        if let Some(id) = choice.person {
            join_by_name(entry, id, people, options.strict);
            return;
        }
        if let Some(user) = &choice.clash {
            let at = crate::check::set::At {
                pos: RowPos {
                    input: entry.input,
                    row: entry.location.row.unwrap_or(0),
                },
                row: &name_location,
                column: name_location.column.as_ref(),
            };
            let address = choice.candidate.as_str();
            let found = another_users_address(&entry.salesperson, user, options, at, address);
            entry.diagnostics.push(found);
            entry.outcome = Outcome::Rejected;
            return;
        }
        match UserPrincipalName::parse(&choice.candidate, &options.domains) {
            Ok(name) => {
                let numbered = choice
                    .suffix
                    .map(|_| self.numbered(&build, &name, sources, name_location));
                self.give(
                    entry,
                    name,
                    choice.existing,
                    numbered,
                    sources,
                    options.strict,
                );
            }
            Err(problem) => {
                let message = format!("the user name built from the Name {problem}");
                reject(entry, upn_rule(&problem), name_location, message);
            }
        }
    }

    /// Tries the plain user name, then the numbered ones from the first that may be free, until one is
    /// free (or is this very salesperson's existing user); `None` when the names hold no letter.
    fn choose(&mut self, build: &Build<'_>, people: &mut People) -> Option<Choice> {
        let mut suffix = None;
        // The unnumbered user name's key, and whether every candidate tried so far is taken for everyone.
        let mut unnumbered: Option<(u64, u64)> = None;
        let mut all_taken = true;
        loop {
            let alias = build.alias(suffix)?;
            if suffix.is_none() {
                // Another company's record of this very person, whose user name was built from the name.
                let sp = &build.entry.salesperson;
                if let Some(id) = people.by_same_name(sp, &alias, build.first_domain) {
                    return Some(Choice {
                        candidate: format!("{alias}@{}", build.first_domain),
                        suffix,
                        existing: None,
                        person: Some(id),
                        clash: None,
                    });
                }
                let key = alias_key(&alias);
                unnumbered = Some(key);
                // Numbers below the first free one are taken: start there, so numbering stays linear.
                if let Some(&next) = self.next_free.get(&key) {
                    suffix = Some(next);
                    continue;
                }
            }
            let candidate = format!("{alias}@{}", build.first_domain);
            let key = candidate.to_lowercase();
            let taken = build.keys.explicit.contains(&key) || self.built.contains(&key);
            if let Some(id) = people
                .by_built_name(&key, &build.entry.salesperson)
                .filter(|_| taken)
            {
                return Some(Choice {
                    candidate,
                    suffix,
                    existing: None,
                    person: Some(id),
                    clash: None,
                });
            }
            if taken && all_taken {
                if let (Some(unnumbered), Some(n)) = (unnumbered, suffix) {
                    self.next_free.insert(unnumbered, n + 1);
                }
            } else {
                all_taken = false;
            }
            let existing = match taken {
                true => Holder::SomeoneElse,
                false => self.existing_holder(build, &key),
            };
            let (existing, clash) = match existing {
                Holder::Free => (None, None),
                Holder::ThisSalesperson(user) => (Some(user), None),
                Holder::AnotherUsersAddress(user) => (None, Some(user)),
                Holder::SomeoneElse => {
                    suffix = Some(suffix.map_or(2, |n| n + 1));
                    continue;
                }
            };
            return Some(Choice {
                candidate,
                suffix,
                existing,
                person: None,
                clash,
            });
        }
    }

    /// Whether an existing user holds the user name `key`: a user of that name and the same display
    /// name is this salesperson, created earlier.
    fn existing_holder(&self, build: &Build<'_>, key: &str) -> Holder {
        let Some(existing) = build.options.existing.as_ref() else {
            return Holder::Free;
        };
        let sp = &build.entry.salesperson;
        let is_this =
            |user: &ExistingUser| user.may_be(&sp.company, &sp.code) && user.is_named(&sp.name);
        if let Some(user) = existing.by_upn(key) {
            return match is_this(user) {
                true => Holder::ThisSalesperson(user.clone()),
                false => Holder::SomeoneElse,
            };
        }
        match existing.holder_of_address(key) {
            Some(user) if is_this(user) => Holder::ThisSalesperson(user.clone()),
            Some(user) => Holder::AnotherUsersAddress(user.clone()),
            None => Holder::Free,
        }
    }

    /// The warning that the plain user name was taken, naming who holds it.
    fn numbered(
        &self,
        build: &Build<'_>,
        name: &UserPrincipalName,
        sources: &Sources,
        location: Location,
    ) -> Diagnostic {
        let base = build.alias(None).unwrap_or_default();
        let first_domain = build.first_domain;
        let base_key = format!("{base}@{first_domain}").to_lowercase();
        let existing = build.options.existing.as_ref();
        let holder = build
            .keys
            .explicit
            .get(&base_key, sources)
            .or_else(|| self.built.get(&base_key, sources))
            .map(|l| describe(&l))
            .or_else(|| {
                let user = existing?.by_upn(&base_key)?;
                Some(format!(
                    "an existing user, \"{}\" (in {})",
                    user.display_name, existing?.file
                ))
            })
            .unwrap_or_default();
        Diagnostic::new(
            &rules::USER_NAME_NUMBERED,
            location,
            format!("user name \"{base}@{first_domain}\" is taken, so \"{name}\" is used"),
        )
        .with_value(&build.entry.salesperson.name)
        .with_note(format!("taken by {holder}"))
    }

    /// Gives the entry its user name, and takes it for later rows.
    fn give(
        &mut self,
        entry: &mut Entry,
        name: UserPrincipalName,
        existing: Option<ExistingUser>,
        numbered: Option<Diagnostic>,
        sources: &Sources,
        strict: bool,
    ) {
        if let Some(warning) = numbered {
            entry.diagnostics.push(warning);
            // Under --strict a warning rejects the row: the admin decides which salesperson gets which.
            if strict {
                entry.outcome = Outcome::Rejected;
            }
        }
        let pos = RowPos {
            input: entry.input,
            row: entry.location.row.unwrap_or(0),
        };
        let at = At {
            pos,
            row: &entry.location,
            column: None,
        };
        let _ = self.built.check(
            &rules::DUPLICATE_USER_NAME,
            &name.key(),
            at,
            String::new,
            "",
            sources,
        );
        if let Some(user) = existing {
            let found = existing_diagnostic(&entry.salesperson.code, &user, entry.location.clone());
            entry.diagnostics.push(found);
            let found = holds_sales_licence(&user, &entry.location);
            entry.diagnostics.extend(found);
            entry.outcome = Outcome::Existing;
            entry.upn = Some(existing_upn(&user.upn).unwrap_or(name));
            entry.held = Some(Box::new(user.held));
        } else {
            entry.upn = Some(name);
        }
    }
}

/// Who holds a user name among the tenant's existing users.
enum Holder {
    Free,
    ThisSalesperson(ExistingUser),
    /// Another user's user name: the next number is tried.
    SomeoneElse,
    /// Another user's mail or proxy address: an error, as no number makes it this salesperson's.
    AnotherUsersAddress(ExistingUser),
}

/// The record is another company's record of the person who holds its built user name: it joins them.
fn join_by_name(entry: &mut Entry, id: u32, people: &mut People, strict: bool) {
    if let Some(first) = entry.person {
        // The record had started a person of its own; it is that other person's.
        people.reject(first);
    }
    let found = people.join(id, &entry.salesperson, &entry.location, Match::Name);
    // Under --strict the companies' disagreement (P002) rejects the later record.
    let rejected = strict && found.iter().any(|d| d.severity() > Severity::Info);
    entry.diagnostics.extend(found);
    if rejected {
        people.leave(id, &entry.location);
        entry.outcome = Outcome::Rejected;
        entry.person = None;
        return;
    }
    entry.upn = people.upn(id).cloned();
    entry.outcome = Outcome::SamePerson;
    entry.person = Some(id);
}

fn reject(entry: &mut Entry, rule: &'static rules::Rule, location: Location, message: String) {
    let found = Diagnostic::new(rule, location, message).with_value(&entry.salesperson.name);
    entry.diagnostics.push(found);
    entry.outcome = Outcome::Rejected;
}
