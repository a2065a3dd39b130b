//! `huimin test PACK [CASES…] [--coverage]`: a pack author's cases, run and compared field by
//! field, with the rules no case exercises.

use crate::{say, Fail};
use huimin_core::cases::{Case, Coverage};
use huimin_core::Policy;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Case files: each path given (a file, or every `.json`/`.yaml` of a directory), or, when none
/// is, `cases/<pack id>/` beside the pack's directory (the fixtures' layout).
fn case_files(pack: &Path, id: &str, given: &[PathBuf]) -> Result<Vec<PathBuf>, Fail> {
    let default = pack
        .parent()
        .and_then(Path::parent)
        .map(|root| root.join("cases").join(id))
        .into_iter()
        .collect::<Vec<_>>();
    let roots = if given.is_empty() { &default } else { given };
    let mut files = Vec::new();
    for r in roots {
        if r.is_dir() {
            let dir = std::fs::read_dir(r).map_err(|e| Fail::io(&r.display().to_string(), e))?;
            let mut found: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "json" || x == "yaml" || x == "yml")
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(r.clone());
        }
    }
    Ok(files)
}

/// The values file a case names: beside the case, or in `values/` beside the pack's directory.
fn values_file(pack: &Path, case: &Path, name: &str) -> PathBuf {
    let beside = case.with_file_name(name);
    if beside.is_file() {
        return beside;
    }
    pack.parent()
        .and_then(Path::parent)
        .map_or(beside, |root| root.join("values").join(name))
}

/// Runs the cases; exit 0 when every case passes, 1 when one fails or cannot be read.
pub(crate) fn run(pack: &Path, given: &[PathBuf], coverage: bool) -> Result<u8, Fail> {
    let base = Policy::from_path(pack).map_err(Fail::pack)?;
    let files = case_files(pack, base.id(), given)?;
    let mut policies: BTreeMap<PathBuf, Policy> = BTreeMap::new();
    let mut cover = Coverage::default();
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).map_err(|e| Fail::io(&name, e))?;
        let case = match Case::parse(&text, &name) {
            Ok(c) => c,
            Err(e) => {
                failed += 1;
                say!("FAIL {name}\n  {e}")?;
                continue;
            }
        };
        let policy = match &case.values {
            None => &base,
            Some(v) => {
                let path = values_file(pack, file, v);
                if !policies.contains_key(&path) {
                    let p = Policy::from_path_with_values(pack, &path).map_err(Fail::pack)?;
                    policies.insert(path.clone(), p);
                }
                policies.get(&path).unwrap_or(&base)
            }
        };
        let (diffs, decision) = case.check(policy);
        if let Some(d) = &decision {
            cover.add(d);
        }
        if diffs.is_empty() {
            passed += 1;
            say!("pass {name}")?;
        } else {
            failed += 1;
            say!("FAIL {name}")?;
            for d in diffs {
                say!("  {d}")?;
            }
        }
    }
    say!("\n{passed} passed, {failed} failed 通过 {passed}，失败 {failed}")?;
    if coverage {
        let gaps = cover.gaps(&base);
        if gaps.is_empty() {
            say!("coverage 覆盖: every rule is applied by some case, every requirement failed by one")?;
        } else {
            say!("coverage 覆盖 — not exercised by any case:")?;
            for (stage, rule, what) in gaps {
                say!("  {stage} `{rule}`: {what}")?;
            }
        }
    }
    Ok(u8::from(failed > 0 || files.is_empty()))
}
