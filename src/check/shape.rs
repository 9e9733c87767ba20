//! Rows that are no person: Excel's total and subtotal rows, a header repeated inside the data, notes and
//! titles, and a second table under the salespeople. Each is told apart by its shape, before any cell is
//! read as a salesperson's, so none becomes a user.

use crate::bc::{fields_for_header, header_key, ColumnMap, Field};
use crate::diagnostic::{rules, ColumnRef, Diagnostic, Location, Rule};
use crate::normalize::salesperson::SkipReason;
use crate::read::RawRow;

/// The labels of total and subtotal rows, lower-cased: Excel's table total row and the totals people type,
/// in the languages Business Central ships.
const TOTAL_WORDS: &[&str] = &[
    // en
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub-total",
    "sub total",
    "sum",
    "overall total",
    // nl
    "totaal",
    "totalen",
    "eindtotaal",
    "subtotaal",
    "totaal generaal",
    "som",
    // fr
    "total général",
    "totaux",
    "sous-total",
    "sous total",
    "somme",
    // de
    "summe",
    "gesamt",
    "gesamtsumme",
    "ergebnis",
    "gesamtergebnis",
    "zwischensumme",
    "teilsumme",
    // es
    "total general",
    "totales",
    "suma",
    "suma total",
    // it
    "totale",
    "totali",
    "totale complessivo",
    "totale generale",
    "subtotale",
    "somma",
    // da, nb, sv
    "i alt",
    "total i alt",
    "sum i alt",
    "totalt",
    "delsum",
    "summa",
    "delsumma",
    "totalsumma",
    "summa totalt",
    // fi
    "yhteensä",
    "kaikki yhteensä",
    "välisumma",
    "kokonaissumma",
    // is
    "samtals",
    "alls",
    "samtala",
    "heildarsumma",
    "millisumma",
    // cs
    "celkem",
    "celkový součet",
    "mezisoučet",
    "součet",
    // ru, pl
    "итого",
    "итог",
    "всего",
    "общий итог",
    "промежуточный итог",
    "suma",
    "razem",
    "ogółem",
    "total geral",
    // What Excel's Subtotal command writes for its other functions ("BE Count", "Grand Count").
    "count",
    "grand count",
    "average",
    "grand average",
    "max",
    "grand max",
    "min",
    "grand min",
    "anzahl",
    "gesamtanzahl",
    "mittelwert",
    "endsumme",
    "aantal",
    "gemiddelde",
    "moyenne",
    "cuenta",
    "promedio",
    "conteggio",
    "media",
    "antal",
    "gennemsnit",
    "medel",
    "lukumäärä",
    "keskiarvo",
    "počet",
    "průměr",
    "resultat",
    "sum of",
];

/// Spreadsheet functions whose result only a total row holds, as Excel names them in the languages above
/// (upper-cased).
const TOTAL_FUNCTIONS: &[&str] = &[
    "SUBTOTAL",
    "AGGREGATE",
    "SUM",
    "SUBTOTAAL",
    "AGGREGAAT",
    "SOM",
    "SOUS.TOTAL",
    "AGREGAT",
    "SOMME",
    "TEILERGEBNIS",
    "AGGREGAT",
    "SUMME",
    "SUBTOTALES",
    "AGREGAR",
    "SUMA",
    "SUBTOTALE",
    "AGGREGA",
    "SOMMA",
    "SUMMA",
    "DELSUMMA",
    "MÄNGDER",
    "SUMMA.OSA",
    "KOOSTE",
    "SAMTALS",
    "SOUČET",
    "ПРОМЕЖУТОЧНЫЕ.ИТОГИ",
    "СУММ",
    "SUMY.CZĘŚCIOWE",
];

/// What the rows so far tell about the rows to come.
#[derive(Debug, Default)]
pub struct Shape {
    /// Salesperson rows seen.
    data_rows: u64,
    /// Whether every salesperson's Code so far was in upper case, as Business Central writes codes.
    codes_upper: bool,
    /// An empty row came after the salespeople.
    gap: bool,
    /// The header row of a second table the rows are in, until the next empty row.
    other_table: Option<u64>,
}

impl Shape {
    /// An empty row: it ends a second table, and may start one.
    pub fn empty_row(&mut self) {
        self.gap = self.data_rows > 0;
        self.other_table = None;
    }

    /// Why the row is no person, with the finding that says so; `None` for a salesperson's row.
    pub fn no_person(
        &mut self,
        raw: &RawRow,
        columns: &ColumnMap,
        header: &[String],
        base: &Location,
    ) -> Option<(SkipReason, Diagnostic)> {
        let row = Location {
            row: Some(raw.row),
            ..base.clone()
        };
        let found = self.classify(raw, columns, header, &row);
        self.gap = false;
        if found.is_none() {
            let code = cell(raw, columns, Field::Code);
            self.codes_upper = (self.data_rows == 0 || self.codes_upper) && !has_lower(code);
            self.data_rows += 1;
        }
        found
    }

    fn classify(
        &mut self,
        raw: &RawRow,
        columns: &ColumnMap,
        header: &[String],
        row: &Location,
    ) -> Option<(SkipReason, Diagnostic)> {
        // A row with an address where the salespeople have theirs is a salesperson again.
        if cell(raw, columns, Field::Email).contains('@') {
            self.other_table = None;
        }
        if let Some(start) = self.other_table {
            let message = format!("the row belongs to a second table, whose header is row {start}");
            return Some(finding(
                SkipReason::OtherTable,
                &rules::SKIPPED_OTHER_TABLE,
                row,
                message,
            ));
        }
        if repeats_header(raw, columns, header) {
            let message = "the row repeats the header: it is skipped".to_string();
            return Some(finding(
                SkipReason::HeaderRow,
                &rules::SKIPPED_HEADER_ROW,
                row,
                message,
            ));
        }
        if let Some(found) = total_row(raw, columns, row) {
            return Some(found);
        }
        let filled: Vec<usize> = (0..raw.cells.len())
            .filter(|&i| !raw.cells[i].trim().is_empty())
            .collect();
        if let [only] = filled.as_slice() {
            return note_row(raw, columns, header, *only, row);
        }
        let code = cell(raw, columns, Field::Code);
        if code.ends_with(':') && filled.len() <= 2 {
            // "Printed by: | ADMIN": a label and its value, not a Code and a Name.
            let message = format!("\"{code}\" is a label, not a salesperson's Code: a note");
            return Some(finding(
                SkipReason::NoteRow,
                &rules::SKIPPED_NOTE_ROW,
                row,
                message,
            ));
        }
        if self.gap && self.codes_upper && self.data_rows > 0 && looks_like_a_header(raw, code) {
            self.other_table = raw.row.into();
            let message = format!(
                "after an empty row, \"{code}\" is no Business Central code (the codes above are upper case): \
                 the row starts a second table, read up to the next empty row"
            );
            let found = finding(
                SkipReason::OtherTable,
                &rules::SKIPPED_OTHER_TABLE,
                row,
                message,
            );
            return Some(found);
        }
        None
    }
}

/// A row that could head a second table: two or more filled cells, a Code cell with lower-case letters
/// (no code Business Central writes), and no address or number anywhere, which a salesperson's row has.
fn looks_like_a_header(raw: &RawRow, code: &str) -> bool {
    let filled: Vec<&str> = (raw.cells.iter().map(|c| c.trim()))
        .filter(|c| !c.is_empty())
        .collect();
    filled.len() >= 2
        && has_lower(code)
        && filled
            .iter()
            .all(|c| !c.contains('@') && !c.chars().any(|ch| ch.is_ascii_digit()))
}

fn finding(
    reason: SkipReason,
    rule: &'static Rule,
    row: &Location,
    message: String,
) -> (SkipReason, Diagnostic) {
    (reason, Diagnostic::new(rule, row.clone(), message))
}

/// The cleaned-up text of a field's cell, "" without the column.
fn cell<'a>(raw: &'a RawRow, columns: &ColumnMap, field: Field) -> &'a str {
    columns
        .column(field)
        .and_then(|c| raw.cells.get(c.index - 1))
        .map(|c| c.trim())
        .unwrap_or("")
}

fn has_lower(text: &str) -> bool {
    text.chars().any(char::is_lowercase)
}

fn has_letter(text: &str) -> bool {
    text.chars().any(char::is_alphabetic)
}

/// At least two of the row's cells are the headers of their columns again (or captions of the same
/// fields, as when two exports in two languages are pasted one under the other).
fn repeats_header(raw: &RawRow, columns: &ColumnMap, header: &[String]) -> bool {
    // A repeated header has its Code or Name caption in place: most rows are told apart by that alone.
    let captioned = |field: Field| {
        let text = cell(raw, columns, field);
        !text.is_empty() && fields_for_header(text).contains(&field)
    };
    if !captioned(Field::Code) && !captioned(Field::Name) {
        return false;
    }
    let repeated = raw
        .cells
        .iter()
        .enumerate()
        .filter(|(i, text)| {
            let key = header_key(text);
            if key.is_empty() {
                return false;
            }
            let own = header.get(*i).is_some_and(|h| header_key(h) == key);
            let field = columns
                .fields()
                .find(|(_, c)| c.index == i + 1)
                .map(|(f, _)| *f);
            own || field.is_some_and(|f| fields_for_header(text).contains(&f))
        })
        .count();
    repeated >= 2
}

/// A total phrase: a label of [`TOTAL_WORDS`], alone or followed by a colon or a count ("Total (4)");
/// with `beside`, also in front of or after what it totals ("Total Sales", "Summe Vertrieb", and Excel's
/// Subtotal command's "BE Total", "BE Ergebnis").
fn is_total_label(text: &str, beside: bool) -> bool {
    let lower = text.trim().to_lowercase();
    let label = lower
        .trim_end_matches(|c: char| c.is_ascii_digit() || " :()[].-".contains(c))
        .trim();
    if label.is_empty() {
        return false;
    }
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&str>> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| TOTAL_WORDS.iter().copied().collect());
    if words.contains(label) {
        return true;
    }
    // Beside what it totals: the words before a space or colon, or after a space, are a label.
    beside
        && label.char_indices().any(|(i, c)| {
            (c == ' ' || c == ':')
                && (words.contains(label[..i].trim_end())
                    || (c == ' ' && words.contains(&label[i + 1..])))
        })
}

/// A formula of a total row, shown as text: `=SUBTOTAL(103,[Name])`, `=SUMME(C2:C9)`.
fn is_total_formula(text: &str) -> bool {
    let Some(rest) = text.trim().strip_prefix('=') else {
        return false;
    };
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| *c != '(')
        .collect::<String>()
        .trim()
        .to_uppercase();
    rest.contains('(') && TOTAL_FUNCTIONS.contains(&name.as_str())
}

/// A total or subtotal row: labelled so in its first filled cell or its Code (unless that is an upper-case
/// code beside a person's name), holding a total's formula, or holding no letter in any cell.
fn total_row(
    raw: &RawRow,
    columns: &ColumnMap,
    row: &Location,
) -> Option<(SkipReason, Diagnostic)> {
    let name = cell(raw, columns, Field::Name);
    let code = cell(raw, columns, Field::Code);
    // A Name is a label only whole: "Sum Li" is a person.
    let named_person = has_letter(name) && !is_total_label(name, false);
    let name_index = columns.column(Field::Name).map(|c| c.index - 1);
    let (first_index, first) = raw
        .cells
        .iter()
        .map(|c| c.trim())
        .enumerate()
        .find(|(_, c)| !c.is_empty())?;
    let candidates = [
        (first, Some(first_index) != name_index),
        (code, true),
        (name, false),
    ];
    let mut label = candidates
        .into_iter()
        .find(|(text, beside)| {
            // An upper-case Code beside a person's name is a salesperson's code, whatever it says.
            let code_like = !text.is_empty() && !has_lower(text) && *text == code;
            is_total_label(text, *beside) && !(code_like && named_person)
        })
        .map(|(text, _)| text.to_string());
    // With no Code, a subtotal's label may be in the Name ("BE Total", "Total Sales") or in the column it
    // groups by; with an address, the row is a salesperson missing a Code.
    if label.is_none() && code.is_empty() && cell(raw, columns, Field::Email).is_empty() {
        label = (raw.cells.iter().map(|c| c.trim()))
            .find(|c| is_total_label(c, true))
            .map(str::to_string);
    }
    let formula = raw.cells.iter().find(|c| is_total_formula(c)).cloned();
    let message = match (label, formula) {
        (Some(label), _) => format!("the row is a total (\"{label}\"), not a salesperson"),
        (None, Some(formula)) => {
            format!("the row holds a total's formula ({formula}), not a salesperson")
        }
        (None, None) if !raw.cells.iter().any(|c| has_letter(c)) => {
            "no cell of the row holds a letter: it is a total or a count, not a salesperson"
                .to_string()
        }
        (None, None) => return None,
    };
    Some(finding(
        SkipReason::TotalRow,
        &rules::SKIPPED_TOTAL_ROW,
        row,
        message,
    ))
}

/// A row with one value: a title or note, unless that value could be a salesperson's Code or Name (a
/// salesperson with the rest missing is reported as such).
fn note_row(
    raw: &RawRow,
    columns: &ColumnMap,
    header: &[String],
    index: usize,
    row: &Location,
) -> Option<(SkipReason, Diagnostic)> {
    let text = raw.cells[index].trim();
    let field = columns
        .fields()
        .find(|(_, c)| c.index == index + 1)
        .map(|(f, _)| *f);
    let plausible = match field {
        Some(Field::Code) => {
            text.chars().count() <= Field::Code.bc_max_chars().unwrap_or(20)
                && !text.ends_with(':')
                && !text.contains(char::is_whitespace)
        }
        Some(Field::Name) => !text.ends_with(':') && !text.chars().any(|c| c.is_ascii_digit()),
        _ => false,
    };
    if plausible {
        return None;
    }
    let at = Location {
        column: Some(ColumnRef {
            index: index + 1,
            header: header.get(index).cloned().unwrap_or_default(),
        }),
        ..row.clone()
    };
    let message = "the row holds one value that is no salesperson's: a note or a title".to_string();
    let found = Diagnostic::new(&rules::SKIPPED_NOTE_ROW, at, message).with_value(text);
    Some((SkipReason::NoteRow, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_labels_in_many_languages_and_forms() {
        for label in [
            "Total",
            "TOTAL",
            "Grand Total",
            "Totaal:",
            "Summe",
            "Ergebnis",
            "Totale",
            "I alt",
            "Summa",
            "Yhteensä",
            "Celkem",
            "Samtals",
            "Total (4)",
            "Total Sales",
            "Sous-total",
            "Итого",
        ] {
            assert!(is_total_label(label, true), "{label}");
        }
        for name in ["Totalis Maximus", "Sumner", "Anna", "Somers"] {
            assert!(!is_total_label(name, true), "{name}");
        }
        assert!(!is_total_label("Sum Li", false));
        assert!(!is_total_label("Jan Summe", false));
        assert!(is_total_label("BE Total", true));
        assert!(is_total_label("BE Ergebnis", true));
        assert!(!is_total_label("Totalis", true));
    }

    #[test]
    fn total_formulas() {
        assert!(is_total_formula("=SUBTOTAL(103,[Name])"));
        assert!(is_total_formula("=TEILERGEBNIS(109;C2:C9)"));
        assert!(is_total_formula("= sum(C2:C9)"));
        assert!(!is_total_formula("=HYPERLINK(\"x\")"));
        assert!(!is_total_formula("SUBTOTAL"));
    }
}
