//! The expression language: any text in any expression slot of a pack is parsed and
//! type-checked (or rejected with a located error); a pack that compiles is evaluated for
//! random participants on random dates and checked.
//!
//! Input: one byte choosing the slot, the expression's text up to a NUL byte, then the bytes
//! that draw the participants. Seeds are plain `<slot byte><expression>` files.
#![no_main]
use arbitrary::Unstructured;
use huimin_core::Policy;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// Condition slots, then number slots.
const SLOTS: [&str; 9] = [
    "eligibility",
    "reduction_when",
    "subsidy_when",
    "uplift_when",
    "fee_amount",
    "reduction_percent",
    "subsidy_amount",
    "uplift_percent",
    "subsidy_ceiling",
];

fn pack(slot: &str, source: &str) -> serde_json::Value {
    let at = |s: &str, default: &str| {
        if s == slot {
            source.to_owned()
        } else {
            default.to_owned()
        }
    };
    let label = json!({"zh": "标签", "en": "label"});
    json!({
        "id": "fuzz", "name": label, "kind": "other", "jurisdiction": label,
        "valid_from": "2020-01-01", "period": "month",
        "payers": {"city": label, "district": label, "parents": label},
        "fee_payer": "parents",
        "inputs": {
            "class_hours": {}, "age": {}, "stage": {}, "birth_date": {}, "hukou_district": {},
            "income": {"type": "decimal", "label": label, "default": "0"},
            "flag": {"type": "boolean", "label": label, "default": "false"},
            "note": {"type": "text", "label": label, "default": ""}
        },
        "tags": {"dibao": label, "jianka": label, "remote": label},
        "parameters": {
            "rate": {"values": [{"from": "2020-01-01", "value": "3.00"}, {"from": "2021-01-01", "value": "3.50"}]},
            "monthly_cap": {"values": [{"from": "2019-01-01", "value": "170"}]},
            "late": {"values": [{"from": "2022-06-01", "value": "0.333333"}]}
        },
        "splits": {"shared": {"parts": {"city": 6, "district": 4}}},
        "eligibility": [{"id": "e", "label": label, "when": at("eligibility", "true")}],
        "fees": [{"id": "f", "label": label, "amount": at("fee_amount", "min(rate * class_hours, monthly_cap)")}],
        "reductions": {"stacking": "add", "rules": [
            {"id": "r", "label": label, "when": at("reduction_when", "has(dibao)"), "percent": at("reduction_percent", "50")}
        ]},
        "subsidies": {"stacking": "highest", "rules": [{
            "id": "s", "label": label, "when": at("subsidy_when", "stage == 'primary'"),
            "amount": at("subsidy_amount", "rate * 10"),
            "uplift": {"when": at("uplift_when", "has(remote)"), "percent": at("uplift_percent", "20")},
            "ceiling": at("subsidy_ceiling", "1000"), "split": "shared"
        }]}
    })
}

fuzz_target!(|data: &[u8]| {
    let [slot, rest @ ..] = data else {
        return;
    };
    let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    let Ok(source) = std::str::from_utf8(&rest[..end]) else {
        return;
    };
    let slot = SLOTS[usize::from(*slot) % SLOTS.len()];
    let text = pack(slot, source).to_string();
    let Ok(policy) = Policy::from_json(&text, "fuzz.json") else {
        return;
    };
    let mut u = Unstructured::new(rest.get(end + 1..).unwrap_or_default());
    let Ok(as_of) = huimin_fuzz::as_of(&mut u, &policy) else {
        return;
    };
    let mut people = Vec::new();
    while people.len() < 4 {
        match huimin_fuzz::participant(&mut u, &policy) {
            Ok(p) => people.push(p),
            Err(_) => break,
        }
    }
    huimin_fuzz::check_agreement(&policy, &people, as_of);
    huimin_fuzz::exercise(&policy, rest.len() as u64);
});
