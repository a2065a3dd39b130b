//! The packs a service answers from, and their reloading: every pack of the directory
//! compiled aside, swapped in whole only when it compiles and passes its lints; a pack that
//! does not leaves its last good version serving and is reported.

use huimin_core::{Policy, Registry};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a file looked like when read: its modification time and length, and its values
/// file's. A pack is compiled again only when this changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp(Vec<Option<(SystemTime, u64)>>);

impl Stamp {
    fn of(files: &[&Path]) -> Stamp {
        Stamp(
            files
                .iter()
                .map(|f| {
                    let m = std::fs::metadata(f).ok()?;
                    Some((m.modified().ok()?, m.len()))
                })
                .collect(),
        )
    }
}

/// One pack being served.
#[derive(Debug)]
pub struct Loaded {
    pub file: PathBuf,
    pub values: Option<PathBuf>,
    stamp: Stamp,
    pub policy: Arc<Policy>,
}

/// A pack file that did not load, with why; its last good version (if any) still serves.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    pub file: String,
    pub error: String,
}

/// One version of the served packs: immutable; a request holds one for its whole answer.
#[derive(Debug, Default)]
pub struct Served {
    /// By pack id.
    pub packs: BTreeMap<String, Loaded>,
    /// All of them, for screening a household under every program.
    pub registry: Registry,
    pub broken: Vec<Broken>,
    /// Counts the versions: 1 for the first load.
    pub generation: u64,
}

impl Served {
    /// The packs of `dir` (with their values from `values`), reusing from `old` every pack
    /// whose files did not change. `None` when nothing changed.
    pub fn reload(old: &Served, dir: &Path, values: Option<&Path>) -> Option<Served> {
        let files = match Registry::files(dir, values) {
            Ok(f) => f,
            Err(e) => {
                let broken = vec![Broken {
                    file: dir.display().to_string(),
                    error: e.to_string(),
                }];
                return (broken_files(old) != broken_files_of(&broken)).then(|| Served {
                    packs: old
                        .packs
                        .iter()
                        .map(|(k, v)| (k.clone(), v.again()))
                        .collect(),
                    registry: old.registry.clone(),
                    broken,
                    generation: old.generation + 1,
                });
            }
        };
        let before: BTreeMap<&Path, &Loaded> =
            old.packs.values().map(|l| (l.file.as_path(), l)).collect();
        let mut packs: BTreeMap<String, Loaded> = BTreeMap::new();
        let mut broken = Vec::new();
        let mut changed = files.len() != before.len();
        for (file, values) in files {
            let mut paths = vec![file.as_path()];
            paths.extend(values.as_deref());
            let stamp = Stamp::of(&paths);
            let prev = before.get(file.as_path());
            let loaded = match prev {
                Some(p) if p.stamp == stamp && p.values == values => Ok(p.again()),
                _ => {
                    changed = true;
                    load(&file, values.as_deref()).map(|policy| Loaded {
                        file: file.clone(),
                        values: values.clone(),
                        stamp,
                        policy: Arc::new(policy),
                    })
                }
            };
            let loaded = match loaded {
                Ok(l) => l,
                Err(error) => {
                    broken.push(Broken {
                        file: file.display().to_string(),
                        error,
                    });
                    match prev {
                        Some(p) => p.again(),
                        None => continue,
                    }
                }
            };
            let id = loaded.policy.id().to_owned();
            if let Some(other) = packs.get(&id) {
                broken.push(Broken {
                    file: file.display().to_string(),
                    error: format!(
                        "pack id `{id}` is already served from {}",
                        other.file.display()
                    ),
                });
                continue;
            }
            packs.insert(id, loaded);
        }
        if !changed && broken_files(old) == broken_files_of(&broken) {
            return None;
        }
        let registry = Registry::new(packs.values().map(|l| l.policy.as_ref().clone()).collect());
        Some(Served {
            packs,
            registry,
            broken,
            generation: old.generation + 1,
        })
    }
}

impl Loaded {
    /// The same pack, for the next version of the served set.
    fn again(&self) -> Loaded {
        Loaded {
            file: self.file.clone(),
            values: self.values.clone(),
            stamp: self.stamp.clone(),
            policy: self.policy.clone(),
        }
    }
}

fn broken_files(s: &Served) -> Vec<(String, String)> {
    broken_files_of(&s.broken)
}

fn broken_files_of(b: &[Broken]) -> Vec<(String, String)> {
    b.iter()
        .map(|b| (b.file.clone(), b.error.clone()))
        .collect()
}

/// A pack compiled and linted, or its errors as text (file:line:column each).
fn load(file: &Path, values: Option<&Path>) -> Result<Policy, String> {
    match values {
        Some(v) => Policy::from_path_with_values(file, v),
        None => Policy::from_path(file),
    }
    .map_err(|e| e.to_string())
}
