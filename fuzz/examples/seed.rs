//! Writes the seed corpora of the fuzz targets from `fixtures/` into `fuzz/corpus/<target>/`
//! (generated, not committed): the packs as YAML and as JSON, every expression they contain,
//! and the participants of the conformance cases.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const BOOL_KEYS: [&str; 2] = ["when", "unless"];
const NUM_KEYS: [&str; 9] = [
    "amount", "rate", "quantity", "cap", "floor", "ceiling", "percent", "count", "value",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut packs: Vec<PathBuf> = fs::read_dir(root.join("fixtures/policies"))
        .expect("fixtures/policies")
        .map(|e| e.expect("entry").path())
        .collect();
    packs.sort();
    let mut exprs = BTreeSet::new();
    for (i, path) in packs.iter().enumerate() {
        let text = fs::read_to_string(path).expect("pack");
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name");
        write(
            &out.join("pack_yaml"),
            &format!("{name}.yaml"),
            text.as_bytes(),
        );
        let value: serde_json::Value = serde_saphyr::from_str(&text).expect("yaml");
        let json = serde_json::to_string_pretty(&value).expect("json");
        write(
            &out.join("pack_json"),
            &format!("{name}.json"),
            json.as_bytes(),
        );
        collect(&value, &mut exprs);
        let cases = root.join("fixtures/cases").join(name);
        for case in fs::read_dir(&cases).into_iter().flatten().flatten() {
            let Ok(text) = fs::read_to_string(case.path()) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            if let Some(p) = v.get("participant") {
                let mut bytes = vec![u8::try_from(i).expect("pack count"), 0];
                bytes.extend(p.to_string().as_bytes());
                let file = case.file_name().to_string_lossy().into_owned();
                write(&out.join("participant"), &format!("{name}-{file}"), &bytes);
            }
        }
    }
    for (k, (slot, source)) in exprs.iter().enumerate() {
        let mut bytes = vec![*slot];
        bytes.extend(source.as_bytes());
        write(&out.join("expr"), &format!("fixture-{k:04}"), &bytes);
    }
    println!(
        "seeded {} packs and {} expressions into {}",
        packs.len(),
        exprs.len(),
        out.display()
    );
}

/// Every expression-valued entry: conditions go to slot 0, numbers to slot 4 (see expr.rs).
fn collect(v: &serde_json::Value, into: &mut BTreeSet<(u8, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let text = match x {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    serde_json::Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                match text {
                    Some(t) if BOOL_KEYS.contains(&k.as_str()) => {
                        into.insert((0, t));
                    }
                    Some(t) if NUM_KEYS.contains(&k.as_str()) => {
                        into.insert((4, t));
                    }
                    _ => collect(x, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect(x, into)),
        _ => {}
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}
