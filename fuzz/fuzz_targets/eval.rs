//! Evaluation: random participants (mostly well-formed, some not) against every fixture pack
//! on random dates; the row and columnar engines must agree and each decision must add up.
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let packs = huimin_fuzz::fixture_packs();
    let Ok(policy) = u.choose(packs) else {
        return;
    };
    let Ok(as_of) = huimin_fuzz::as_of(&mut u, policy) else {
        return;
    };
    let mut people = Vec::new();
    while people.len() < 8 {
        match huimin_fuzz::participant(&mut u, policy) {
            Ok(p) => people.push(p),
            Err(_) => break,
        }
    }
    huimin_fuzz::check_agreement(policy, &people, as_of);
});
