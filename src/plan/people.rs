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

use crate::diagnostic::{rules, Diagnostic, Location};
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::Salesperson;

/// One salesperson record of a person: which company, which Code, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub company: String,
    pub code: String,
    pub location: Location,
}

/// A person as later records find them: the first record's values, which the user gets.
#[derive(Debug, Clone)]
struct Person {
    first: Membership,
    name: String,
    job_title: String,
    /// Folded e-mail; empty when the first record has none.
    email: String,
    /// The companies the person has a record in.
    companies: Vec<u32>,
    upn: Option<UserPrincipalName>,
    /// The first record was rejected after all: later records do not join it.
    rejected: bool,
}

/// The people of a run, with their salesperson records.
#[derive(Debug, Default)]
pub struct People {
    on: bool,
    companies: HashMap<String, u32>,
    persons: Vec<Person>,
    by_email: HashMap<String, u32>,
    by_upn: HashMap<String, u32>,
    /// Per person, the records after the first, in input order.
    joined: BTreeMap<u32, Vec<Membership>>,
}

/// How a record was found to be a person already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Email,
    Name,
}

/// Case and accents folded, white space collapsed: how e-mails and names of two companies compare.
pub fn fold(text: &str) -> String {
    let folded: String = deunicode::deunicode(text).to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl People {
    /// Keeps people from now on: the run's rows can be of more than one company.
    pub fn start(&mut self) {
        self.on = true;
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    fn company_id(&mut self, company: &str) -> u32 {
        let next = self.companies.len() as u32;
        *self.companies.entry(fold(company)).or_insert(next)
    }

    /// The person of another company with this salesperson's e-mail, whom the record may join.
    pub fn by_email(&mut self, sp: &Salesperson) -> Option<u32> {
        if !self.on || sp.email.is_empty() || !sp.email_valid {
            return None;
        }
        let id = *self.by_email.get(&fold(&sp.email))?;
        let company = self.company_id(&sp.company);
        self.joinable(id, company).then_some(id)
    }

    /// The person holding the user name `key` (lower-cased) whom this salesperson, whose user name is
    /// built from the same name, may join: same name, another company, and no other e-mail.
    pub fn by_built_name(&mut self, key: &str, sp: &Salesperson) -> Option<u32> {
        if !self.on {
            return None;
        }
        let id = *self.by_upn.get(key)?;
        let company = self.company_id(&sp.company);
        let person = &self.persons[id as usize];
        let email = if sp.email_valid {
            fold(&sp.email)
        } else {
            String::new()
        };
        let other_email = !email.is_empty() && !person.email.is_empty() && email != person.email;
        let same_name = fold(&person.name) == fold(&sp.name);
        (same_name && !other_email && self.joinable(id, company)).then_some(id)
    }

    fn joinable(&self, id: u32, company: u32) -> bool {
        let person = &self.persons[id as usize];
        !person.rejected && !person.companies.contains(&company)
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
        let company = self.company_id(&sp.company);
        let email = match sp.email_valid {
            true => fold(&sp.email),
            false => String::new(),
        };
        if !email.is_empty() {
            self.by_email.entry(email.clone()).or_insert(id);
        }
        self.persons.push(Person {
            first: membership(sp, location),
            name: sp.name.clone(),
            job_title: sp.job_title.clone(),
            email,
            companies: vec![company],
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
            self.by_upn.entry(upn.key()).or_insert(id);
        }
    }

    pub fn upn(&self, id: u32) -> Option<&UserPrincipalName> {
        self.persons.get(id as usize)?.upn.as_ref()
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
        let company = self.company_id(&sp.company);
        let person = &mut self.persons[id as usize];
        person.companies.push(company);
        let first = &person.first;
        let by = match how {
            Match::Email => "the same e-mail",
            Match::Name => "the same name and user name",
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
        self.joined
            .entry(id)
            .or_default()
            .push(membership(sp, location));
        found
    }

    /// Takes back the record read at `location` from the person it joined.
    pub fn leave(&mut self, id: u32, location: &Location) {
        if let Some(joined) = self.joined.get_mut(&id) {
            if let Some(k) = joined.iter().position(|m| m.location == *location) {
                let gone = joined.remove(k);
                let company = fold(&gone.company);
                if let (Some(&c), Some(person)) = (
                    self.companies.get(&company),
                    self.persons.get_mut(id as usize),
                ) {
                    person.companies.retain(|&x| x != c);
                }
            }
        }
    }

    /// Every record of a person, the first first.
    pub fn members(&self, id: u32) -> Vec<Membership> {
        let Some(person) = self.persons.get(id as usize) else {
            return Vec::new();
        };
        let mut all = vec![person.first.clone()];
        all.extend(self.joined.get(&id).into_iter().flatten().cloned());
        all
    }

    /// Where the person's first record is: for the records that joined it.
    pub fn first(&self, id: u32) -> Option<&Membership> {
        Some(&self.persons.get(id as usize)?.first)
    }
}

fn membership(sp: &Salesperson, location: &Location) -> Membership {
    Membership {
        company: sp.company.clone(),
        code: sp.code.clone(),
        location: location.clone(),
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
