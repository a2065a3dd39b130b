#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! What the YAML, JSON and date readers report reaches a pack author in plain words: no option
//! names of the library (`DuplicateKeyPolicy`, `from_str_multiple`), no Rust types
//! (`Option<String>`), no bare "input is out of range".

use huimin_core::{Error, Participant, Policy};
use std::path::PathBuf;

fn wanzhou() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/policies/chongqing-wanzhou-2020.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// The first error of a pack that does not load, as `line:column: message`.
fn refused(yaml: &str) -> String {
    match Policy::from_yaml(yaml, "pack.yaml") {
        Err(Error::Pack(e)) => {
            let first = &e.0[0];
            format!("{}:{}: {}", first.line, first.column, first.message)
        }
        Err(e) => panic!("not a pack error: {e}"),
        Ok(_) => panic!("loaded"),
    }
}

#[test]
fn a_key_given_twice_is_named_without_the_library_option() {
    let msg = refused(&format!("{}\nid: again\n", wanzhou()));
    assert!(
        msg.ends_with(":1: `id` is given twice in this mapping; which value is meant?"),
        "{msg}"
    );
}

#[test]
fn a_second_yaml_document_is_explained() {
    let msg = refused(&format!("{}\n---\nid: x\n", wanzhou()));
    assert!(
        msg.ends_with(
            "the file holds more than one YAML document (a `---` line after the first part); \
             a pack or a program is one document"
        ),
        "{msg}"
    );
}

#[test]
fn a_date_out_of_range_or_malformed_says_what_a_date_is() {
    let yaml = wanzhou();
    assert!(yaml.contains("valid_from: 2020-09-01\n"));
    let msg = refused(&yaml.replacen("valid_from: 2020-09-01", "valid_from: 2020-02-30", 1));
    assert_eq!(
        msg,
        "12:13: no such date: the month or the day is out of range (a date is YYYY-MM-DD)"
    );
    let msg = refused(&yaml.replacen("valid_from: 2020-09-01", "valid_from: 12", 1));
    assert_eq!(
        msg,
        "12:13: not a date: a date is written YYYY-MM-DD, e.g. 2021-09-01"
    );
}

#[test]
fn a_list_where_text_belongs_names_no_rust_type() {
    let yaml = wanzhou();
    let issuer = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("issuer:"))
        .unwrap();
    let msg = refused(&yaml.replacen(issuer, "    issuer: [1, 2]", 1));
    assert!(
        msg.ends_with("expected text, not a list or a mapping"),
        "{msg}"
    );
}

#[test]
fn a_participant_id_or_tags_of_the_wrong_shape_say_what_they_should_be() {
    let v = serde_json::json!({ "id": ["a"], "tags": 5 });
    let errors = Participant::from_json_value(&v).unwrap_err();
    let got: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.path.clone(), e.message.en.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("id".to_owned(), "an id is text or a number".to_owned()),
            (
                "tags".to_owned(),
                "tags are a list of texts, or one text separated by ;".to_owned()
            ),
        ]
    );
}

#[test]
fn assumed_says_what_it_may_be() {
    let yaml = wanzhou();
    let start = yaml.find("    assumed:\n      zh: ").unwrap();
    let end = start + yaml[start..].find("    values:").unwrap();
    let bad = format!(
        "{}    assumed: yes please\n{}",
        &yaml[..start],
        &yaml[end..]
    );
    let msg = refused(&bad);
    assert!(
        msg.ends_with("`assumed` is true, false, or why, in both languages: {zh: …, en: …}"),
        "{msg}"
    );
}
