//! A registry of packs, loaded once: the packs of a deployment, each with the values its
//! authorities set, selected by date and kind.

use crate::error::{Error, PackError, PackErrors, Severity};
use crate::pack::ProgramKind;
use crate::policy::Policy;
use chrono::NaiveDate;
use std::path::Path;

/// Packs loaded once. Two versions of one program (one `valid_until` the day before the
/// other's `valid_from`) resolve by date: [`Registry::in_force`] gives the one in force.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    packs: Vec<Policy>,
}

impl Registry {
    /// A registry of compiled packs, in the order given.
    pub fn new(packs: Vec<Policy>) -> Registry {
        Registry { packs }
    }

    /// Every `*.yaml` pack of `dir`, in file-name order; a pack `<id>.yaml` takes its values
    /// from `values/<id>.yaml` or, failing that, `values/<id>.example.yaml` (whose answers say
    /// they rest on examples), when `values` is given. The first pack that does not load is the
    /// error, naming its file.
    pub fn from_dir(dir: &Path, values: Option<&Path>) -> Result<Registry, Error> {
        let mut packs = Vec::new();
        for (path, deployment) in Registry::files(dir, values)? {
            packs.push(match deployment {
                Some(v) => Policy::from_path_with_values(&path, &v)?,
                None => Policy::from_path(&path)?,
            });
        }
        Ok(Registry { packs })
    }

    /// The files [`Registry::from_dir`] reads: every `*.yaml` pack of `dir` in file-name order,
    /// each with its values file when `values` has one (`<id>.yaml`, else
    /// `<id>.example.yaml`).
    pub fn files(
        dir: &Path,
        values: Option<&Path>,
    ) -> Result<Vec<(std::path::PathBuf, Option<std::path::PathBuf>)>, Error> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| {
                Error::Pack(PackErrors(vec![PackError {
                    file: dir.display().to_string(),
                    line: 0,
                    column: 0,
                    severity: Severity::Error,
                    code: "io",
                    message: format!("cannot read the packs directory: {e}"),
                    hint: None,
                }]))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        Ok(files
            .into_iter()
            .map(|path| {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_owned();
                let deployment = values.and_then(|v| {
                    [format!("{stem}.yaml"), format!("{stem}.example.yaml")]
                        .into_iter()
                        .map(|n| v.join(n))
                        .find(|p| p.is_file())
                });
                (path, deployment)
            })
            .collect())
    }

    /// Every pack.
    pub fn packs(&self) -> &[Policy] {
        &self.packs
    }

    /// The packs in force on `as_of`, of `kind` when given, in the registry's order.
    pub fn in_force(
        &self,
        as_of: NaiveDate,
        kind: Option<ProgramKind>,
    ) -> impl Iterator<Item = &Policy> {
        self.packs.iter().filter(move |p| {
            p.valid_from() <= as_of
                && p.valid_until().is_none_or(|u| as_of <= u)
                && kind.is_none_or(|k| p.kind() == k)
        })
    }
}
