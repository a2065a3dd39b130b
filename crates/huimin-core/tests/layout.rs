#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The crate's stage table (in `src/lib.rs`) matches the source tree, and the imports follow it:
//! a module uses only modules above it in the table, and no two submodules of a module use each
//! other, directly or round a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules of the table, in its order.
fn table() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! | "))
        .filter_map(|row| row.split(" | ").nth(1))
        .filter_map(|cell| cell.strip_prefix('`')?.strip_suffix('`'))
        .map(str::to_owned)
        .collect()
}

/// The top-level modules in the tree: `name.rs` or `name/mod.rs`, besides `lib.rs`.
fn tree() -> BTreeSet<String> {
    std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (p.is_dir() || (p.extension()? == "rs" && name != "lib")).then_some(name)
        })
        .collect()
}

/// Every `.rs` file under `dir`, or the file itself.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(path).unwrap() {
        out.extend(files(&e.unwrap().path()));
    }
    out
}

/// The code of a file without comments (doc links name modules without importing them).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lower-case names that follow `prefix` in `text` (`crate::money::fixed` → `money`).
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn the_stage_table_lists_every_module_of_the_tree_once() {
    let listed = table();
    let set: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        set.len(),
        listed.len(),
        "a module is listed twice: {listed:?}"
    );
    assert_eq!(set, tree(), "the stage table and src/ differ");
}

#[test]
fn a_module_uses_only_modules_above_it_in_the_table() {
    let order = table();
    let rank: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut wrong = Vec::new();
    for (i, m) in order.iter().enumerate() {
        let path = if src().join(m).is_dir() {
            src().join(m)
        } else {
            src().join(format!("{m}.rs"))
        };
        for f in files(&path) {
            for used in names_after(&code(&f), "crate::") {
                if let Some(&j) = rank.get(used.as_str()) {
                    if j > i {
                        wrong.push(format!("{} uses `{used}`, below it", f.display()));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_submodules_import_each_other_round_a_loop() {
    for m in tree() {
        let dir = src().join(&m);
        if !dir.is_dir() {
            continue;
        }
        // Each submodule (file or folder) and the siblings it names through `super::`.
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_stem().unwrap().to_str().unwrap().to_owned();
            if name == "mod" {
                continue;
            }
            let mut named = BTreeSet::new();
            for f in files(&p) {
                named.extend(names_after(&code(&f), "super::"));
            }
            named.remove(&name);
            uses.insert(name, named);
        }
        let subs: BTreeSet<String> = uses.keys().cloned().collect();
        for u in uses.values_mut() {
            u.retain(|n| subs.contains(n));
        }
        // Depth-first search for a cycle.
        fn visit(
            n: &str,
            uses: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(k) = path.iter().position(|p| p == n) {
                let mut cycle = path[k..].to_vec();
                cycle.push(n.to_owned());
                return Some(cycle);
            }
            if done.contains(n) {
                return None;
            }
            path.push(n.to_owned());
            for next in uses.get(n).into_iter().flatten() {
                if let Some(c) = visit(next, uses, path, done) {
                    return Some(c);
                }
            }
            path.pop();
            done.insert(n.to_owned());
            None
        }
        let mut done = BTreeSet::new();
        for n in uses.keys() {
            let cycle = visit(n, &uses, &mut Vec::new(), &mut done);
            assert!(cycle.is_none(), "{m}/: import loop {:?}", cycle.unwrap());
        }
    }
}
