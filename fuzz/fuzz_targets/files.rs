//! Participant files: any bytes as a participants file — CSV, JSON lines, a JSON array or one
//! object, with or without a byte-order mark, in UTF-8, UTF-16 or GBK — read by the CLI's own
//! reader (`crates/huimin-cli/src/input.rs`, compiled into this target as a module) and each
//! participant evaluated under a fixture pack. The reader must never panic, every record it
//! hands on names its place, and what it says it read is what it handed on.
//!
//! Input: one byte choosing the pack, one the file's extension and encoding, then the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/huimin-cli/src/input.rs"]
#[allow(dead_code)]
mod input;

/// The CLI's failure (what `input.rs` returns as `crate::Fail`): an exit code and a message.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Fail {
    pub(crate) fn io(what: &str, e: impl std::fmt::Display) -> Fail {
        Fail {
            code: 3,
            message: format!("{what}: {e}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [which, kind, bytes @ ..] = data else {
        return;
    };
    let ext = ["csv", "jsonl", "json", "txt"][usize::from(kind % 4)];
    let encoding = match kind / 4 % 4 {
        1 => Some(encoding_rs::GBK),
        2 => Some(encoding_rs::UTF_16LE),
        _ => None,
    };
    let path = std::env::temp_dir().join(format!("huimin-fuzz-files-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).expect("temp file");
    let packs = huimin_fuzz::fixture_packs();
    let policy = &packs[usize::from(*which) % packs.len()];
    // A file whose encoding cannot be told is refused before any record: that is fine.
    let Ok(source) = input::open(&path, encoding) else {
        return;
    };
    let mut handed = 0u64;
    let read = source.each(1, 64, &mut |records| {
        for r in &records {
            assert!(!r.at.is_empty(), "a record without its place");
            if let Ok(p) = &r.participant {
                let _ = policy.evaluate(p, policy.valid_from());
            }
        }
        handed += records.len() as u64;
        Ok(())
    });
    match read {
        Ok(n) => assert_eq!(n, handed, "records read and handed on"),
        Err(f) => assert!(!f.message.is_empty() && f.code != 0, "{f:?}"),
    }
});
