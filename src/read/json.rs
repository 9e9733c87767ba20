//! Business Central API v2 JSON (`salespeoplePurchasers`): a bare array of objects, or an OData answer
//! `{"value": [...]}`. The header is every property name, in the order first seen; a row's number is the
//! object's 1-based position in the array.
//!
//! The file is read object by object, twice: once for the property names and the limits (objects, names,
//! a name given twice in one object), once for the rows, which a reader thread hands on as the pipeline
//! takes them. Neither pass holds more than one object.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc::sync_channel;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{InputFormat, InputTable, Limits, RawRow};
use crate::error::{Error, Result};

/// Properties the API adds that are not salesperson data; they are left out rather than reported.
const API_BOOKKEEPING: [&str; 3] = ["@odata.etag", "id", "lastModifiedDateTime"];

/// Rows read ahead by the reader thread.
const ROWS_IN_FLIGHT: usize = 64;

const HELP: &str =
    "give the answer of the Business Central API v2 salespeoplePurchasers endpoint, as returned";

/// A property's value: JSON's plain values only.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    /// A number as JSON writes it.
    Number(String),
    Text(String),
}

impl Scalar {
    /// The value as the text of a cell: strings as they are, booleans TRUE/FALSE, null empty.
    fn cell_text(&self) -> String {
        match self {
            Scalar::Null => String::new(),
            Scalar::Bool(true) => "TRUE".into(),
            Scalar::Bool(false) => "FALSE".into(),
            Scalar::Number(n) | Scalar::Text(n) => n.clone(),
        }
    }
}

/// One salesperson: its properties in the order given.
type Object = Vec<(String, Scalar)>;

/// Why reading stopped, other than broken JSON.
enum Stopped {
    Limit {
        what: String,
        flag: &'static str,
    },
    /// The pipeline stopped taking rows.
    Done,
}

pub fn open(path: &Path, limits: &Limits) -> Result<InputTable> {
    let mut header: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for_each_object(path, limits, &mut |index, object| {
        if index > limits.rows {
            let what = format!("the array has more than {} salespeople", limits.rows);
            return Err(Stopped::Limit {
                what,
                flag: "--max-rows",
            });
        }
        for (key, _) in object {
            if !API_BOOKKEEPING.contains(&key.as_str()) && seen.insert(key.clone()) {
                header.push(key);
            }
        }
        if header.len() > limits.columns {
            let what = format!(
                "element {index} brings the property names to {}, more than the {} column limit",
                header.len(),
                limits.columns
            );
            return Err(Stopped::Limit {
                what,
                flag: "--max-columns",
            });
        }
        Ok(())
    })?;
    Ok(InputTable {
        file: path.display().to_string(),
        format: InputFormat::Json,
        sheet: None,
        // The header is the objects' property names; there is no header line.
        header_row: 0,
        rows: stream_rows(path, header.clone(), *limits),
        header,
        header_invalid_cells: Vec::new(),
        stream: None,
    })
}

/// The rows, read again by a thread and handed on as they are taken.
fn stream_rows(
    path: &Path,
    header: Vec<String>,
    limits: Limits,
) -> Box<dyn Iterator<Item = Result<RawRow>> + Send> {
    let (sender, receiver) = sync_channel(ROWS_IN_FLIGHT);
    let owned_path = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("json-reader".into())
        .spawn(move || {
            let read = for_each_object(&owned_path, &limits, &mut |index, object| {
                let row = raw_row(index, &header, object);
                sender.send(Ok(row)).map_err(|_| Stopped::Done)
            });
            if let Err(error) = read {
                let _ = sender.send(Err(error));
            }
        });
    match spawned {
        Ok(_) => Box::new(std::iter::from_fn(move || receiver.recv().ok())),
        Err(e) => Box::new(std::iter::once(Err(Error::io(path, e)))),
    }
}

fn raw_row(index: u64, header: &[String], object: Object) -> RawRow {
    let value_of = |key: &String| object.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    RawRow {
        row: index,
        cells: header
            .iter()
            .map(|key| value_of(key).map(Scalar::cell_text).unwrap_or_default())
            .collect(),
        invalid_cells: Vec::new(),
        unclosed_quote_until: None,
        number_cells: (header.iter().enumerate())
            .filter(|(_, key)| matches!(value_of(key), Some(Scalar::Number(_))))
            .map(|(i, _)| i)
            .collect(),
    }
}

/// Calls `each` with every salesperson object of the file and its 1-based position, one at a time.
fn for_each_object(
    path: &Path,
    limits: &Limits,
    each: &mut dyn FnMut(u64, Object) -> std::result::Result<(), Stopped>,
) -> Result<()> {
    let unreadable = |reason: String| Error::Unreadable {
        path: path.into(),
        format: "JSON",
        reason,
        help: HELP,
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = BufReader::new(file);
    if skip_bom_and_blanks(&mut reader).map_err(|e| Error::io(path, e))? {
        return Err(Error::EmptyInput { path: path.into() });
    }
    let stopped = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let top = Top(Elements {
        each,
        stopped: &stopped,
        columns: limits.columns,
    });
    let read =
        de::Deserializer::deserialize_any(&mut deserializer, top).and_then(|()| deserializer.end());
    match (read, stopped.into_inner()) {
        (_, Some(Stopped::Limit { what, flag })) => Err(super::limits::exceeded(path, what, flag)),
        (_, Some(Stopped::Done)) | (Ok(()), None) => Ok(()),
        (Err(error), None) if error.is_io() => Err(unreadable(format!(
            "not UTF-8 text or not readable ({error})"
        ))),
        (Err(error), None) => Err(unreadable(error.to_string())),
    }
}

/// Skips a byte-order mark and white space; whether nothing else is there.
fn skip_bom_and_blanks(reader: &mut impl BufRead) -> std::io::Result<bool> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(true);
        }
        let blanks = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let rest = blanks < buf.len();
        reader.consume(blanks);
        if rest {
            return Ok(false);
        }
    }
}

/// The elements of the salespeople array, each handed to `each` as it is read.
struct Elements<'a> {
    each: &'a mut dyn FnMut(u64, Object) -> std::result::Result<(), Stopped>,
    stopped: &'a RefCell<Option<Stopped>>,
    columns: usize,
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of salespeople")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut index = 0u64;
        loop {
            let seed = ObjectSeed {
                index: index + 1,
                stopped: self.stopped,
                columns: self.columns,
            };
            let Some(object) = seq.next_element_seed(seed)? else {
                return Ok(());
            };
            index += 1;
            if let Err(stopped) = (self.each)(index, object) {
                *self.stopped.borrow_mut() = Some(stopped);
                return Err(de::Error::custom("stopped"));
            }
        }
    }
}

/// The whole file: an array, or an object whose "value" is the array.
struct Top<'a>(Elements<'a>);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of salespeople, or an object with a \"value\" array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        self.0.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut elements = Some(self.0);
        while let Some(key) = map.next_key::<String>()? {
            match (key == "value", elements.take()) {
                (true, Some(elements)) => map.next_value_seed(ValueArray(elements))?,
                (_, kept) => {
                    elements = kept;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match elements {
            None => Ok(()),
            Some(_) => Err(de::Error::custom(
                "an object without a \"value\" array of salespeople",
            )),
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        Err(E::custom("neither an array nor an object"))
    }
}

/// The "value" of an OData answer, which must be the array.
struct ValueArray<'a>(Elements<'a>);

impl<'de> DeserializeSeed<'de> for ValueArray<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self.0)
    }
}

/// One element of the array, which must be an object of plain values, each name once.
struct ObjectSeed<'a> {
    index: u64,
    stopped: &'a RefCell<Option<Stopped>>,
    columns: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Object;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Object, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "element {} of the array to be an object (a salesperson)",
            self.index
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Object, A::Error> {
        let index = self.index;
        let mut object = Object::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!(
                    "element {index}: \"{key}\" is given twice (which value holds?)"
                )));
            }
            if object.len() >= self.columns {
                let what = format!(
                    "element {index} has more than {} properties, the column limit",
                    self.columns
                );
                *self.stopped.borrow_mut() = Some(Stopped::Limit {
                    what,
                    flag: "--max-columns",
                });
                return Err(de::Error::custom("stopped"));
            }
            let value = map.next_value_seed(ScalarSeed { index, key: &key })?;
            object.push((key, value));
        }
        Ok(object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<Object, A::Error> {
        Err(self.not_an_object("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Object, E> {
        Err(self.not_an_object("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Object, E> {
        Err(self.not_an_object("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Object, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Object, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Object, E> {
        Err(self.not_an_object("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Object, E> {
        Err(self.not_an_object("null"))
    }
}

impl ObjectSeed<'_> {
    fn not_an_object<E: de::Error>(&self, kind: &str) -> E {
        E::custom(format!(
            "element {} of the array is not an object (a salesperson) but {kind}",
            self.index
        ))
    }
}

/// A property's value, which must be plain: an object or an array in it is refused with its place.
struct ScalarSeed<'a> {
    index: u64,
    key: &'a str,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_> {
    type Value = Scalar;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed<'_> {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value for \"{}\"", self.key)
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Number(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar, E> {
        let text = serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string());
        Ok(Scalar::Number(text))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> std::result::Result<Scalar, A::Error> {
        Err(self.not_a_value("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<Scalar, A::Error> {
        Err(self.not_a_value("an array"))
    }
}

impl ScalarSeed<'_> {
    fn not_a_value<E: de::Error>(&self, kind: &str) -> E {
        E::custom(format!(
            "element {}: \"{}\" holds {kind}, not a value",
            self.index, self.key
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(json: &str, limits: &Limits) -> Result<(Vec<String>, Vec<Vec<String>>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, json).unwrap();
        let table = open(&path, limits)?;
        let rows = table
            .rows
            .map(|r| r.map(|r| r.cells))
            .collect::<Result<_>>()?;
        Ok((table.header, rows))
    }

    #[test]
    fn an_odata_answer_and_a_bare_array_read_alike() {
        let limits = Limits::default();
        let odata = r#"{"@odata.context":"x","value":[{"id":"1","code":"AV","displayName":"An","commission":12.5},{"code":"B","blocked":false}]}"#;
        let (header, rows) = table(odata, &limits).unwrap();
        assert_eq!(header, ["code", "displayName", "commission", "blocked"]);
        assert_eq!(
            rows,
            [vec!["AV", "An", "12.5", ""], vec!["B", "", "", "FALSE"]]
        );
        let bare =
            r#"[{"code":"AV","displayName":"An","commission":12.5},{"code":"B","blocked":false}]"#;
        assert_eq!(table(bare, &limits).unwrap().1, rows);
    }

    #[test]
    fn a_name_given_twice_in_an_object_is_refused() {
        let error = table(
            r#"[{"code":"A"},{"code":"B","code":"C"}]"#,
            &Limits::default(),
        );
        let message = error.err().unwrap().to_string();
        assert!(
            message.contains("element 2: \"code\" is given twice"),
            "{message}"
        );
    }

    #[test]
    fn limits_are_counted_as_the_objects_arrive() {
        let limits = Limits {
            rows: 3,
            columns: 4,
            ..Limits::default()
        };
        let many = format!("[{}{{}}]", "{},".repeat(10));
        let error = table(&many, &limits).err().unwrap().to_string();
        assert!(error.contains("more than 3 salespeople"), "{error}");
        let keys = (0..6)
            .map(|i| format!("{{\"k{i}\":1}}"))
            .collect::<Vec<_>>();
        let wide = Limits {
            rows: 100,
            ..limits
        };
        let error = table(&format!("[{}]", keys.join(",")), &wide);
        let error = error.err().unwrap().to_string();
        assert!(
            error.contains("element 5 brings the property names to 5"),
            "{error}"
        );
    }
}
