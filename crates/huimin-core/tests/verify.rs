#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `verify` (issue 23, item 2): every seed pack's properties hold for every participant; a
//! false property gives the counterexample worked out by hand; what `verify` proves agrees with
//! the exact engine on sampled participants; limits and bad properties get clear answers.

use huimin_core::model::FieldType;
use huimin_core::verify::{self, Options, Outcome, PropertyFile, PropertySource};
use huimin_core::{Participant, Policy, Value};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

fn root(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Every seed pack's properties file, with its pack (deployed with the file's values) and each
/// property's reform.
fn seeds() -> Vec<(String, Policy, PropertyFile, PathBuf)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root("fixtures/properties"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let id = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let props = PropertyFile::parse(&std::fs::read_to_string(&file).unwrap(), &id).unwrap();
        let pack = root(&format!("fixtures/policies/{id}.yaml"));
        let policy = match &props.values {
            Some(v) => Policy::from_path_with_values(&pack, file.with_file_name(v)).unwrap(),
            None => Policy::from_path(&pack).unwrap(),
        };
        out.push((id, policy, props, file));
    }
    out
}

fn reform_of(base: &Policy, file: &Path, p: &PropertySource) -> Option<Policy> {
    let r = file.with_file_name(p.reform.as_ref()?);
    Some(
        base.reformed(&std::fs::read_to_string(&r).unwrap(), "reform")
            .unwrap(),
    )
}

fn opts(props: &PropertyFile) -> Options {
    Options {
        from: props.from,
        ..Options::default()
    }
}

fn wanzhou() -> Policy {
    Policy::from_path(root("fixtures/policies/chongqing-wanzhou-2020.yaml")).unwrap()
}

fn property(given: Option<&str>, holds: &str) -> PropertySource {
    PropertySource {
        id: "p".into(),
        says: None,
        given: given.map(str::to_owned),
        holds: holds.into(),
        reform: None,
        increase: None,
    }
}

#[test]
fn every_seed_pack_has_three_properties_and_they_hold() {
    let packs: Vec<String> = std::fs::read_dir(root("fixtures/policies"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let seeds = seeds();
    for id in &packs {
        let (_, _, props, _) = seeds
            .iter()
            .find(|(i, ..)| i == id)
            .unwrap_or_else(|| panic!("{id}: no fixtures/properties/{id}.yaml"));
        assert!(
            props.properties.len() >= 3,
            "{id}: fewer than three properties"
        );
    }
    for (id, policy, props, file) in &seeds {
        for p in &props.properties {
            let reformed = reform_of(policy, file, p);
            let v = verify::verify(policy, reformed.as_ref(), p, opts(props)).unwrap();
            assert!(
                matches!(v.outcome, Outcome::Holds),
                "{id} `{}`: {:?}",
                p.id,
                v.outcome
            );
            assert!(v.boxes >= v.cases && v.cases > 0, "{id} `{}`", p.id);
        }
    }
}

/// Wanzhou charges 3.00 a class-hour capped at 170. `net_fee < 170` fails first at 56.67
/// hours: 3 × 56.67 = 170.01, capped to 170.00, which is not below 170 (56.66 hours give
/// 169.98). Below that no pupil fails, so the counterexample is exactly 56.67 hours.
#[test]
fn a_false_property_gives_the_counterexample_worked_by_hand() {
    let p = wanzhou();
    let v = verify::verify(
        &p,
        None,
        &property(None, "net_fee < 170"),
        Options::default(),
    )
    .unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert_eq!(c.participant["class_hours"], "56.67");
    assert_eq!(c.participant["tags"], serde_json::json!([]));
    assert!(c.outputs.contains(&("net_fee".into(), "170.00".into())));
    assert!(c.outputs.contains(&("gross_fee".into(), "170.00".into())));
    assert_eq!(c.error, None);
    // Saved as a case, the counterexample is a real participant: the exact engine agrees.
    let person = Participant::from_json_value(&c.participant).unwrap();
    let d = p.evaluate(&person, c.as_of).unwrap();
    assert_eq!(d.net_fee.to_string(), "170.00");

    // With a reform: lowering the cap to 150 does not lower everyone's fee. A pupil of 0
    // hours pays 0.00 under both.
    let text = std::fs::read_to_string(root("fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml"))
        .unwrap();
    let cap150 = p.reformed(&text, "cap150.yaml").unwrap();
    let mut strictly = property(Some("eligible"), "new_net_fee < net_fee");
    strictly.reform = Some("cap150".into());
    let v = verify::verify(&p, Some(&cap150), &strictly, Options::default()).unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert_eq!(c.participant["class_hours"], "0");
    assert!(c.outputs.contains(&("new_net_fee".into(), "0.00".into())));
}

/// Shenzhen: at 60 a partly disabled local elder enters the program, and the care voucher is
/// 300: a service of 300.01 leaves 0.01 to pay, where below 60 (not in the program) they pay
/// nothing. "Growing older never costs more" fails, and 300.01 is the smallest such service.
#[test]
fn an_increase_property_fails_with_both_participants() {
    let p = Policy::from_path(root("fixtures/policies/shenzhen-homecare.yaml")).unwrap();
    let mut older = property(None, "new_net_fee <= net_fee");
    older.increase = Some("age".into());
    let v = verify::verify(&p, None, &older, Options::default()).unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    let age = |x: &serde_json::Value| x["age"].as_str().unwrap().parse::<u32>().unwrap();
    let more = c.increased.as_ref().unwrap();
    assert!(age(&c.participant) < 60 && age(more) == 60, "{c:?}");
    assert_eq!(more["service_cost"], "300.01");
    assert_eq!(more["self_care"], c.participant["self_care"]);
    for (k, want) in [
        ("net_fee", "0.00"),
        ("new_net_fee", "0.01"),
        ("new_subsidy_total", "300.00"),
    ] {
        assert!(
            c.outputs.contains(&(k.into(), want.into())),
            "{k}: {:?}",
            c.outputs
        );
    }
    // `increase` names a numeric input, and cannot be combined with a reform.
    older.increase = Some("local_hukou".into());
    let e = verify::verify(&p, None, &older, Options::default()).unwrap_err();
    assert!(e.contains("no numeric input"), "{e}");
    older.increase = Some("age".into());
    let e = verify::verify(&p, Some(&p), &older, Options::default()).unwrap_err();
    assert!(e.contains("cannot be combined"), "{e}");
}

/// At three places 3.5 × 0.001 = 0.0035, which rounds half up to 0.00 while the formula says
/// 0.0035: the fee equals rate × hours only to within half a fen.
#[test]
fn decimal_places_are_stated_and_change_the_answer() {
    let p = Policy::from_path(root("fixtures/policies/neimeng-school-2017.yaml")).unwrap();
    let exact = property(
        Some("eligible"),
        "gross_fee == rate_per_class_hour * class_hours_semester",
    );
    let at = |places| Options {
        places,
        ..Options::default()
    };
    let v = verify::verify(&p, None, &exact, at(3)).unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert_eq!(c.participant["class_hours_semester"], "0.001");
    assert!(v.domains.iter().any(|d| d.contains("steps of 0.001")));
    // At whole hours 3.5 × h has at most one place: exact.
    let v = verify::verify(&p, None, &exact, at(0)).unwrap();
    assert!(matches!(v.outcome, Outcome::Holds), "{:?}", v.outcome);
}

#[test]
fn past_the_budget_the_answer_is_not_decided_with_the_reason() {
    let p = wanzhou();
    let budget = |max_boxes| Options {
        max_boxes,
        ..Options::default()
    };
    // 256 cases of stages, tags and dates; each needs more than one box.
    let v = verify::verify(&p, None, &property(None, "net_fee <= 170"), budget(300)).unwrap();
    let Outcome::NotDecided { why } = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert!(why.contains("stopped after 300 boxes"), "{why}");
    let v = verify::verify(&p, None, &property(None, "net_fee <= 170"), budget(3)).unwrap();
    let Outcome::NotDecided { why } = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert!(why.contains("more than 3 cases"), "{why}");
    // A first date after the pack's validity leaves nothing to check: said, never "holds".
    let ended = demo_text()
        .replace(
            "school_district == home_district",
            "school_district == 'east'",
        )
        .replace(
            "valid_from: 2020-09-01",
            "valid_from: 2020-09-01\nvalid_until: 2021-08-31",
        );
    let ended = Policy::from_yaml(&ended, "demo.yaml").unwrap();
    let late = Options {
        from: chrono::NaiveDate::from_ymd_opt(2022, 1, 1),
        ..Options::default()
    };
    let v = verify::verify(&ended, None, &property(None, "net_fee <= 100"), late).unwrap();
    let Outcome::NotDecided { why } = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert!(why.contains("no date to check"), "{why}");
    // Decimal places past the pack format's limit are refused, not a panic.
    let fine = Options {
        places: 30,
        ..Options::default()
    };
    let e = verify::verify(&p, None, &property(None, "net_fee <= 170"), fine).unwrap_err();
    assert!(e.contains("--places 30"), "{e}");
}

#[test]
fn a_property_that_does_not_compile_names_itself_and_the_name() {
    let p = wanzhou();
    let e = verify::verify(
        &p,
        None,
        &property(None, "net_fe <= 170"),
        Options::default(),
    )
    .unwrap_err();
    assert!(e.contains("property `p`") && e.contains("net_fe"), "{e}");
    let e =
        verify::verify(&p, None, &property(None, "net_fee + 1"), Options::default()).unwrap_err();
    assert!(e.contains("expected a condition"), "{e}");
    // `new_…` outputs exist only with a reform.
    let e = verify::verify(
        &p,
        None,
        &property(None, "new_net_fee <= 170"),
        Options::default(),
    )
    .unwrap_err();
    assert!(e.contains("new_net_fee"), "{e}");
    let e = PropertyFile::parse("properties:\n  - id: x\n    hold: net_fee >= 0\n", "p.yaml")
        .unwrap_err();
    assert!(e.contains("hold"), "{e}");
}

/// A small deterministic generator (no dependency for a test's sampling).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// What `verify` proves for all participants holds for each of 300 sampled ones per pack,
/// by the exact engine.
#[test]
fn what_verify_proves_the_exact_engine_confirms_on_samples() {
    let mut rng = Lcg(23);
    for (id, policy, props, file) in seeds() {
        let schema = policy.input_schema();
        let from = props
            .from
            .unwrap_or(huimin_core::ffi::info_of(&policy).valid_from);
        let reforms: Vec<Option<Policy>> = props
            .properties
            .iter()
            .map(|p| reform_of(&policy, &file, p))
            .collect();
        for _ in 0..300 {
            let mut person = Participant::new();
            for f in &schema.fields {
                let v = match f.ty {
                    FieldType::Boolean => Value::Bool(rng.next(2) == 1),
                    FieldType::Choice => Value::Text(
                        f.choices[rng.next(f.choices.len() as u64) as usize]
                            .id
                            .clone(),
                    ),
                    FieldType::Integer | FieldType::Decimal => {
                        let lo: Decimal = f.min.as_deref().unwrap_or("0").parse().unwrap();
                        let hi: Decimal = f.max.as_deref().unwrap_or("2000").parse().unwrap();
                        let hi = hi.min(lo + Decimal::from(2000));
                        let places = if f.ty == FieldType::Integer { 0 } else { 2 };
                        let span = ((hi - lo) * Decimal::new(10i64.pow(places), 0))
                            .trunc()
                            .to_string()
                            .parse::<u64>()
                            .unwrap();
                        Value::Number(lo + Decimal::new(rng.next(span + 1) as i64, places))
                    }
                    FieldType::Text => Value::Text("other".into()),
                    FieldType::Date => Value::Text("2000-01-01".into()),
                };
                person = person.with(f.name.clone(), v);
            }
            for t in &schema.tags {
                if rng.next(3) == 0 {
                    person = person.tag(t.id.clone());
                }
            }
            for (p, reformed) in props.properties.iter().zip(&reforms) {
                if p.increase.is_some() {
                    continue; // two participants: `check_one` takes one
                }
                let one = verify::check_one(&policy, reformed.as_ref(), p, &person, from)
                    .unwrap_or_else(|e| panic!("{id} `{}`: {e}", p.id));
                assert_ne!(
                    one.holds,
                    Some(false),
                    "{id} `{}` fails for {:?}: {:?}",
                    p.id,
                    person.to_json_value(),
                    one.outputs
                );
            }
        }
    }
}

/// Free text is tried only at the values it is compared with; compared with another input,
/// those would not cover every case, and the answer says so rather than guessing.
#[test]
fn text_compared_with_another_input_is_not_decided_with_the_reason() {
    let p = Policy::from_yaml(&demo_text(), "demo.yaml").unwrap();
    let v = verify::verify(
        &p,
        None,
        &property(None, "net_fee <= 100"),
        Options::default(),
    )
    .unwrap();
    let Outcome::NotDecided { why } = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert!(why.contains("text or date input"), "{why}");
    // Compared with a fixed value, it is decided: 100 in the east district, nothing elsewhere
    // (the counterexample to "everyone pays 100" is a district compared with nothing).
    let text = demo_text().replace(
        "school_district == home_district",
        "school_district == 'east'",
    );
    let q = Policy::from_yaml(&text, "demo.yaml").unwrap();
    let v = verify::verify(
        &q,
        None,
        &property(None, "net_fee <= 100"),
        Options::default(),
    )
    .unwrap();
    assert!(matches!(v.outcome, Outcome::Holds), "{:?}", v.outcome);
    let v = verify::verify(
        &q,
        None,
        &property(None, "net_fee == 100"),
        Options::default(),
    )
    .unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert_eq!(c.participant["school_district"], "other");
}

fn demo_text() -> String {
    r#"
id: demo
name: { zh: 示例, en: Demo }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { parents: { zh: 家长, en: Parents } }
fee_payer: parents
inputs:
  school_district: { type: text }
  home_district: { type: text }
eligibility:
  - { id: local, label: { zh: 本区, en: Local }, when: "school_district == home_district" }
fees:
  - { id: service, label: { zh: 服务费, en: Service fee }, amount: "100" }
"#
    .to_owned()
}
