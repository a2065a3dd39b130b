//! Participant input: any JSON is read, validated against a fixture pack, evaluated, and
//! checked; what it writes reads back to a participant with the same decision.
//!
//! Input: one byte choosing the pack, one byte choosing the date, then JSON text.
#![no_main]
use chrono::Days;
use huimin_core::Participant;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [which, day, json @ ..] = data else {
        return;
    };
    let packs = huimin_fuzz::fixture_packs();
    let policy = &packs[usize::from(*which) % packs.len()];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let people: Vec<Participant> = match &value {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| Participant::from_json_value(v).ok())
            .collect(),
        v => Participant::from_json_value(v).into_iter().collect(),
    };
    let as_of = policy.valid_from() + Days::new(u64::from(*day) * 16);
    for p in &people {
        let _ = policy.validate(p);
        if let Ok(d) = policy.evaluate(p, as_of) {
            let back = Participant::from_json_value(&p.to_json_value()).expect("round trip");
            assert_eq!(Ok(d), policy.evaluate(&back, as_of), "JSON round trip");
        }
    }
    huimin_fuzz::check_agreement(policy, &people, as_of);
});
