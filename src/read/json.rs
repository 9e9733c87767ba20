//! Business Central API v2 JSON (`salespeoplePurchasers`): a bare array of objects, or an OData answer
//! `{"value": [...]}`. The header is every property name, in the order first seen; a row's number is the
//! object's 1-based position in the array.

use std::path::Path;

use serde_json::Value;

use super::{InputFormat, InputTable, RawRow};
use crate::error::{Error, Result};

/// Properties the API adds that are not salesperson data; they are left out rather than reported.
const API_BOOKKEEPING: [&str; 3] = ["@odata.etag", "id", "lastModifiedDateTime"];

pub fn open(path: &Path) -> Result<InputTable> {
    let unreadable = |reason: String| {
        Error::Unreadable {
        path: path.into(),
        format: "JSON",
        reason,
        help: "give the answer of the Business Central API v2 salespeoplePurchasers endpoint, as returned",
    }
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| unreadable(format!("not UTF-8 text ({e})")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::EmptyInput { path: path.into() });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| unreadable(e.to_string()))?;
    let objects = salesperson_objects(value).map_err(unreadable)?;
    let header = header_of(&objects);
    let rows: Vec<RawRow> = objects
        .iter()
        .enumerate()
        .map(|(i, object)| RawRow {
            row: i as u64 + 1,
            cells: header
                .iter()
                .map(|key| object.get(key).map(cell_text).unwrap_or_default())
                .collect(),
            invalid_cells: Vec::new(),
            unclosed_quote_until: None,
            sheet: None,
            number_cells: (header.iter().enumerate())
                .filter(|(_, key)| object.get(*key).is_some_and(Value::is_number))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect();
    Ok(InputTable {
        file: path.display().to_string(),
        format: InputFormat::Json,
        sheet: None,
        // The header is the objects' property names; there is no header line.
        header_row: 0,
        header,
        header_invalid_cells: Vec::new(),
        rows: Box::new(rows.into_iter().map(Ok)),
        stream: None,
    })
}

/// The salespeople of a bare array or an OData answer. Every element must be one salesperson: an object
/// of plain values. Anything else is refused with its place, never dropped or read as an empty row.
fn salesperson_objects(value: Value) -> std::result::Result<Vec<Value>, String> {
    let objects = match value {
        Value::Array(items) => items,
        Value::Object(mut answer) => match answer.remove("value") {
            Some(Value::Array(items)) => items,
            _ => return Err("an object without a \"value\" array of salespeople".into()),
        },
        _ => return Err("neither an array nor an object".into()),
    };
    for (i, object) in objects.iter().enumerate() {
        let Value::Object(map) = object else {
            return Err(format!(
                "element {} of the array is not an object (a salesperson) but {}",
                i + 1,
                kind_of(object)
            ));
        };
        if let Some((key, value)) = map
            .iter()
            .find(|(_, v)| matches!(v, Value::Object(_) | Value::Array(_)))
        {
            return Err(format!(
                "element {}: \"{key}\" holds {}, not a value",
                i + 1,
                kind_of(value)
            ));
        }
    }
    Ok(objects)
}

/// Every property name but the API's own, in the order first seen.
fn header_of(objects: &[Value]) -> Vec<String> {
    let mut header: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for map in objects.iter().filter_map(Value::as_object) {
        for key in map.keys() {
            if !API_BOOKKEEPING.contains(&key.as_str()) && seen.insert(key.as_str()) {
                header.push(key.clone());
            }
        }
    }
    header
}

/// A JSON value as the text of a cell: strings as they are, booleans TRUE/FALSE, null empty.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "TRUE".into(),
        Value::Bool(false) => "FALSE".into(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}
