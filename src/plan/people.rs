//! One Microsoft 365 user per person. A person who sells for several Business Central companies has a
//! salesperson record (company, Code) in each: those records share one user, coupled once in each
//! company. Two records of different companies are one person when they have the same e-mail (case and
//! accents folded), or the same name that builds the same user name.
//!
//! Only runs whose rows can be of more than one company keep anything here; a run of one company's
//! export keeps nothing.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::check::set::hash_key as key;
use crate::diagnostic::{rules, Diagnostic, Location};
use crate::m365::existing::fold;
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::Salesperson;

/// One salesperson record of a person: which company, which Code, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub company: String,
    pub code: String,
    pub location: Location,
}

/// A record as kept: its company and place as small numbers, so that a run of many companies' rows keeps
/// little per row.
#[derive(Debug, Clone)]
struct Record {
    company: u32,
    code: Box<str>,
    /// Index into [`People::places`]: the file and sheet.
    place: u32,
    row: Option<u64>,
}

/// A person as later records find them: the first record's values, which the user gets.
#[derive(Debug, Clone)]
struct Person {
    first: Record,
    name: Box<str>,
    job_title: Box<str>,
    /// The folded e-mail's hash; 0 when the first record has none.
    email: u64,
    upn: Option<UserPrincipalName>,
    /// The first record was rejected after all: later records do not join it.
    rejected: bool,
}

/// The people of a run, with their salesperson records. Keys are kept as 128-bit hashes, as the duplicate
/// checks keep theirs (`check::set`).
#[derive(Debug, Default)]
pub struct People {
    on: bool,
    /// Company ids by folded name, and each company's name as first seen.
    company_ids: HashMap<String, u32>,
    companies: Vec<String>,
    /// The files (and sheets) records were read from.
    places: Vec<(std::sync::Arc<str>, Option<String>)>,
    persons: Vec<Person>,
    by_email: HashMap<(u64, u64), u32>,
    by_upn: HashMap<(u64, u64), u32>,
    /// The persons of each folded name, in order.
    by_name: HashMap<(u64, u64), Vec<u32>>,
    /// Per person, the records after the first, in input order.
    joined: BTreeMap<u32, Vec<Record>>,
}

/// How a record was found to be a person already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Email,
    Name,
    /// Two addresses of one existing user.
    ExistingUser,
}

/// The salesperson's folded e-mail, when it has a valid one.
fn email_of(sp: &Salesperson) -> Option<String> {
    (sp.email_valid && !sp.email.is_empty()).then(|| fold(&sp.email))
}

impl People {
    /// Keeps people from now on: the run's rows can be of more than one company.
    pub fn start(&mut self) {
        self.on = true;
    }

    fn company_id(&mut self, company: &str) -> u32 {
        let folded = fold(company);
        if let Some(&id) = self.company_ids.get(&folded) {
            return id;
        }
        let id = self.companies.len() as u32;
        self.companies.push(company.to_string());
        self.company_ids.insert(folded, id);
        id
    }

    fn record(&mut self, sp: &Salesperson, location: &Location) -> Record {
        let place = match (self.places.iter())
            .rposition(|(file, sheet)| **file == *location.file && *sheet == location.sheet)
        {
            Some(i) => i as u32,
            None => {
                self.places
                    .push((location.file.clone(), location.sheet.clone()));
                (self.places.len() - 1) as u32
            }
        };
        Record {
            company: self.company_id(&sp.company),
            code: sp.code.as_str().into(),
            place,
            row: location.row,
        }
    }

    fn membership(&self, record: &Record) -> Membership {
        let (file, sheet) = &self.places[record.place as usize];
        Membership {
            company: self.companies[record.company as usize].clone(),
            code: record.code.to_string(),
            location: Location {
                file: file.clone(),
                sheet: sheet.clone(),
                row: record.row,
                column: None,
            },
        }
    }

    /// The person of another company with this salesperson's e-mail, whom the record may join.
    pub fn by_email(&mut self, sp: &Salesperson) -> Option<u32> {
        if !self.on {
            return None;
        }
        let id = *self.by_email.get(&key(&email_of(sp)?))?;
        let company = self.company_id(&sp.company);
        self.joinable(id, company).then_some(id)
    }

    /// The person holding the user name `upn` (lower-cased) whom this salesperson, whose user name is
    /// built from the same name, may join: same name, another company, and no other e-mail.
    pub fn by_built_name(&mut self, upn: &str, sp: &Salesperson) -> Option<u32> {
        if !self.on {
            return None;
        }
        // The user name is the person's, or the person's e-mail (their user name may be another).
        let id = *(self.by_upn.get(&key(upn))).or_else(|| self.by_email.get(&key(&fold(upn))))?;
        let company = self.company_id(&sp.company);
        let person = &self.persons[id as usize];
        let email = email_of(sp).map_or(0, |e| key(&e).1);
        let other_email = email != 0 && person.email != 0 && email != person.email;
        let same_name = fold(&person.name) == fold(&sp.name);
        (same_name && !other_email && self.joinable(id, company)).then_some(id)
    }

    /// The first person of this salesperson's name, of another company and with no other e-mail, whose
    /// user name was built from that name: `alias@domain`, or numbered, `alias2@domain`.
    pub fn by_same_name(&mut self, sp: &Salesperson, alias: &str, domain: &str) -> Option<u32> {
        if !self.on {
            return None;
        }
        let company = self.company_id(&sp.company);
        let email = email_of(sp).map_or(0, |e| key(&e).1);
        let candidates = self.by_name.get(&key(&fold(&sp.name)))?;
        let built_from = |upn: &UserPrincipalName| {
            let upn = upn.key();
            let Some((local, at)) = upn.rsplit_once('@') else {
                return false;
            };
            let number = local.strip_prefix(alias.to_lowercase().as_str());
            at == domain && number.is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        };
        candidates.iter().copied().find(|&id| {
            let person = &self.persons[id as usize];
            let other_email = email != 0 && person.email != 0 && email != person.email;
            !other_email
                && self.joinable(id, company)
                && person.upn.as_ref().is_some_and(built_from)
        })
    }

    /// Whether a record of `company` may join the person: not rejected, and no record of that company yet.
    fn joinable(&self, id: u32, company: u32) -> bool {
        let person = &self.persons[id as usize];
        let joined = self.joined.get(&id).into_iter().flatten();
        !person.rejected
            && person.first.company != company
            && !joined.into_iter().any(|r| r.company == company)
    }

    /// Records a salesperson who starts a person; `upn` when already known.
    pub fn start_person(
        &mut self,
        sp: &Salesperson,
        location: &Location,
        upn: Option<&UserPrincipalName>,
    ) -> Option<u32> {
        if !self.on {
            return None;
        }
        let id = self.persons.len() as u32;
        let email = email_of(sp).map(|e| key(&e));
        if let Some(email) = email {
            self.by_email.entry(email).or_insert(id);
        }
        let first = self.record(sp, location);
        self.by_name
            .entry(key(&fold(&sp.name)))
            .or_default()
            .push(id);
        self.persons.push(Person {
            first,
            name: sp.name.as_str().into(),
            job_title: sp.job_title.as_str().into(),
            email: email.map_or(0, |e| e.1),
            upn: None,
            rejected: false,
        });
        if let Some(upn) = upn {
            self.set_upn(id, upn);
        }
        Some(id)
    }

    /// The person's user name, once known.
    pub fn set_upn(&mut self, id: u32, upn: &UserPrincipalName) {
        if let Some(person) = self.persons.get_mut(id as usize) {
            person.upn = Some(upn.clone());
            self.by_upn.entry(key(&upn.key())).or_insert(id);
            // A record of another company whose e-mail is the person's user name is the person too.
            self.by_email.entry(key(&fold(upn.as_str()))).or_insert(id);
        }
    }

    /// The person's user name, unless their first record was rejected after all.
    pub fn upn(&self, id: u32) -> Option<&UserPrincipalName> {
        let person = self.persons.get(id as usize)?;
        person.upn.as_ref().filter(|_| !person.rejected)
    }

    /// The record read at `location` was rejected after its first step: if it is the person's first
    /// record, no later one joins the person; if it joined the person, it leaves.
    pub fn forget(&mut self, id: u32, location: &Location) {
        let Some(person) = self.persons.get(id as usize) else {
            return;
        };
        match self.is_at(&person.first, location) {
            true => self.reject(id),
            false => self.leave(id, location),
        }
    }

    /// Whether `record` was read at `location`.
    fn is_at(&self, record: &Record, location: &Location) -> bool {
        let (file, sheet) = &self.places[record.place as usize];
        **file == *location.file && *sheet == location.sheet && record.row == location.row
    }

    /// The person whose user name is `upn` (lower-cased), and whether this salesperson may join them
    /// (false: that person has a record of the salesperson's company already).
    pub fn by_upn(&mut self, upn: &str, sp: &Salesperson) -> Option<(u32, bool)> {
        if !self.on {
            return None;
        }
        let id = *self.by_upn.get(&key(upn))?;
        if self.persons[id as usize].rejected {
            return None;
        }
        let company = self.company_id(&sp.company);
        Some((id, self.joinable(id, company)))
    }

    /// The person's first record was rejected: later records do not join it.
    pub fn reject(&mut self, id: u32) {
        if let Some(person) = self.persons.get_mut(id as usize) {
            person.rejected = true;
        }
    }

    /// Adds a record to a person; gives the findings that say so, and where the companies disagree.
    pub fn join(
        &mut self,
        id: u32,
        sp: &Salesperson,
        location: &Location,
        how: Match,
    ) -> Vec<Diagnostic> {
        let record = self.record(sp, location);
        let person = &self.persons[id as usize];
        let first = self.membership(&person.first);
        let by = match how {
            Match::Email => "the same e-mail",
            Match::Name => "the same name and user name",
            Match::ExistingUser => "addresses of the same existing user",
        };
        let mut found = vec![Diagnostic::new(
            &rules::SAME_PERSON,
            location.clone(),
            format!(
                "salesperson {} of {} is salesperson {} of {} ({}): {by}, so one user, coupled in both companies",
                sp.code, sp.company, first.code, first.company, describe(&first.location)
            ),
        )];
        let differs = [
            ("Name", &person.name, &sp.name),
            ("Job Title", &person.job_title, &sp.job_title),
        ];
        for (what, theirs, ours) in differs {
            if fold(theirs) != fold(ours) {
                found.push(
                    Diagnostic::new(
                        &rules::PERSON_DIFFERS,
                        location.clone(),
                        format!(
                            "{what} is \"{ours}\" here but \"{theirs}\" in {} ({}): the user gets \"{theirs}\"",
                            first.company,
                            describe(&first.location)
                        ),
                    )
                    .with_value(ours),
                );
            }
        }
        self.joined.entry(id).or_default().push(record);
        found
    }

    /// Takes back the record read at `location` from the person it joined.
    pub fn leave(&mut self, id: u32, location: &Location) {
        let Some(joined) = self.joined.get(&id) else {
            return;
        };
        if let Some(k) = joined.iter().position(|r| self.is_at(r, location)) {
            if let Some(joined) = self.joined.get_mut(&id) {
                joined.remove(k);
            }
        }
    }

    /// Every record of a person, the first first.
    pub fn members(&self, id: u32) -> Vec<Membership> {
        let Some(person) = self.persons.get(id as usize) else {
            return Vec::new();
        };
        let joined = self.joined.get(&id).into_iter().flatten();
        std::iter::once(&person.first)
            .chain(joined)
            .map(|r| self.membership(r))
            .collect()
    }

    /// The person's first record: for the records that joined it.
    pub fn first(&self, id: u32) -> Option<Membership> {
        Some(self.membership(&self.persons.get(id as usize)?.first))
    }
}

fn describe(location: &Location) -> String {
    crate::check::set::describe(location)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salesperson(company: &str, code: &str, name: &str, email: &str) -> Salesperson {
        Salesperson {
            company: company.into(),
            code: code.into(),
            name: name.into(),
            email: email.into(),
            email_valid: true,
            ..Salesperson::default()
        }
    }

    #[test]
    fn the_same_email_in_another_company_is_the_same_person_and_in_the_same_company_is_not() {
        let mut people = People::default();
        people.start();
        let here = Location::file("be.csv");
        let anna = salesperson("CRONUS BE", "AP", "Anna Peeters", "anna@cronus.be");
        let id = people.start_person(&anna, &here, None).unwrap();
        let again_be = salesperson("cronus be", "AP2", "Anna Peeters", "Anna@Cronus.be");
        assert_eq!(people.by_email(&again_be), None);
        let nl = salesperson("CRONUS NL", "AP", "Anna Peeters-Maes", "ANNA@cronus.be");
        assert_eq!(people.by_email(&nl), Some(id));
        let found = people.join(id, &nl, &Location::file("nl.csv"), Match::Email);
        let codes: Vec<_> = found.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["P001", "P002"]);
        assert!(found[1].message.contains("the user gets \"Anna Peeters\""));
        // A third company still may; the Dutch one no longer.
        assert_eq!(people.by_email(&nl), None);
        let de = salesperson("CRONUS DE", "AP", "Anna Peeters", "anna@cronus.be");
        assert_eq!(people.by_email(&de), Some(id));
        assert_eq!(people.members(id).len(), 2);
    }

    #[test]
    fn a_built_name_joins_only_the_same_name_without_another_email() {
        let mut people = People::default();
        people.start();
        let jan = salesperson("A", "J1", "Jan Peeters", "");
        let upn =
            UserPrincipalName::parse("jan.peeters@contoso.com", &["contoso.com".into()]).unwrap();
        let id = people
            .start_person(&jan, &Location::file("a.csv"), Some(&upn))
            .unwrap();
        let key = "jan.peeters@contoso.com";
        assert_eq!(
            people.by_built_name(key, &salesperson("B", "J", "Jan Peeters", "")),
            Some(id)
        );
        assert_eq!(
            people.by_built_name(key, &salesperson("B", "J", "Jan Maes", "")),
            None
        );
        assert_eq!(
            people.by_built_name(key, &salesperson("A", "J2", "Jan Peeters", "")),
            None
        );
        people.reject(id);
        assert_eq!(
            people.by_built_name(key, &salesperson("B", "J", "Jan Peeters", "")),
            None
        );
    }
}
