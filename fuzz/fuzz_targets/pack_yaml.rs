//! The YAML pack reader and compiler: any text either loads or is rejected with located
//! errors; a pack that loads is evaluated and checked.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = huimin_core::Policy::from_yaml(text, "fuzz.yaml") {
        huimin_fuzz::exercise(&policy, data.len() as u64);
    }
});
