//! Embeds every pack in `fixtures/policies/` and every example values file in `fixtures/values/`
//! into the binary, for `huimin demo`.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                // The seed programs only: bench-* packs are benchmark workloads.
                .filter(|n| n.ends_with(".yaml") && !n.starts_with("bench-"))
                .collect()
        })
        .unwrap_or_default();
    // A demo without its packs would say "0 seed policy packs" and show nothing: refuse.
    if names.is_empty() {
        println!("cargo:warning=no seed packs found in {}", dir.display());
        std::process::exit(1);
    }
    names.sort();
    let mut out = String::from("/// The seed packs, embedded: (file name, YAML text).\npub const SEED_PACKS: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    // The example values files of packs that leave numbers to an authority: (pack file, name, text).
    let values = dir.join("../values");
    println!("cargo:rerun-if-changed={}", values.display());
    let mut examples: Vec<String> = std::fs::read_dir(&values)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".example.yaml"))
                .collect()
        })
        .unwrap_or_default();
    examples.sort();
    out.push_str("/// Example values files, embedded: (pack file name, values file name, YAML text).\npub const SEED_VALUES: &[(&str, &str, &str)] = &[\n");
    for n in &examples {
        let path = values.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let pack = format!("{}.yaml", n.trim_end_matches(".example.yaml"));
        let _ = writeln!(
            out,
            "    ({pack:?}, {n:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("seed_packs.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
