//! Loading a pack: read its text within the [`Limits`] (size, nesting, node and rule counts),
//! compile it, lint it. Every `Policy::from_*` is here.

use crate::error::{Error, PackError, PackErrors, Severity};
use crate::limits::Limits;
use crate::pack;
use crate::policy::Policy;
use std::io::Read;
use std::path::Path;

impl Policy {
    /// Compiles a YAML pack within the default [`Limits`]. `file` names it in error messages.
    pub fn from_yaml(text: &str, file: &str) -> Result<Policy, Error> {
        Policy::from_yaml_with_limits(text, file, &Limits::default())
    }

    /// Compiles a JSON pack within the default [`Limits`]. `file` names it in error messages.
    pub fn from_json(text: &str, file: &str) -> Result<Policy, Error> {
        Policy::from_json_with_limits(text, file, &Limits::default())
    }

    /// Reads and compiles a pack file within the default [`Limits`]; `.json` files are read
    /// as JSON, others as YAML.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, Error> {
        Policy::from_path_with_limits(path, &Limits::default())
    }

    /// Compiles a YAML pack within `limits`. `file` names it in error messages.
    pub fn from_yaml_with_limits(text: &str, file: &str, limits: &Limits) -> Result<Policy, Error> {
        let pack = pack::parse_yaml_with(text, file, limits)?;
        Ok(compiled(pack, text, file, limits)?)
    }

    /// Compiles a JSON pack within `limits`. `file` names it in error messages.
    pub fn from_json_with_limits(text: &str, file: &str, limits: &Limits) -> Result<Policy, Error> {
        let pack = pack::parse_json_with(text, file, limits)?;
        Ok(compiled(pack, text, file, limits)?)
    }

    /// Compiles a YAML (or JSON) pack with the values file of its deployment, which gives the
    /// values the pack leaves to an authority (`set_by`); `values_file` names it in errors.
    pub fn from_yaml_with_values(
        text: &str,
        file: &str,
        values: &str,
        values_file: &str,
    ) -> Result<Policy, Error> {
        let limits = Limits::default();
        let mut pack = pack::parse_yaml_with(text, file, &limits)?;
        let v = pack::parse_values(values, values_file, &limits)?;
        pack.apply_values(&v, values_file)?;
        Ok(compiled(pack, text, file, &limits)?)
    }

    /// Reads and compiles a pack file with the values file of its deployment
    /// ([`Policy::from_yaml_with_values`]); both are read within the default [`Limits`].
    pub fn from_path_with_values(
        path: impl AsRef<Path>,
        values: impl AsRef<Path>,
    ) -> Result<Policy, Error> {
        let limits = Limits::default();
        let (path, values) = (path.as_ref(), values.as_ref());
        let text = read_bounded(path, &limits)?;
        let values_text = read_bounded(values, &limits)?;
        Policy::from_yaml_with_values(
            &text,
            &path.display().to_string(),
            &values_text,
            &values.display().to_string(),
        )
    }

    /// Reads and compiles a pack file within `limits`; `.json` files are read as JSON,
    /// others as YAML. A file larger than `max_pack_bytes` is not read.
    pub fn from_path_with_limits(path: impl AsRef<Path>, limits: &Limits) -> Result<Policy, Error> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = read_bounded(path, limits)?;
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            Policy::from_json_with_limits(&text, &file, limits)
        } else {
            Policy::from_yaml_with_limits(&text, &file, limits)
        }
    }
}

/// Reads a pack or values file of at most `max_pack_bytes` (a pipe or a device, which reports
/// no length, is read only up to one byte past it).
fn read_bounded(path: &Path, limits: &Limits) -> Result<String, Error> {
    let file = path.display().to_string();
    let io = |message: String| {
        Error::Pack(PackErrors(vec![PackError {
            file: file.clone(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            code: "io",
            message,
            hint: None,
        }]))
    };
    let len = std::fs::metadata(path)
        .map_err(|e| io(e.to_string()))?
        .len();
    if usize::try_from(len).map_or(true, |n| n > limits.max_pack_bytes) {
        return Err(pack::too_big(&len.to_string(), limits, &file).into());
    }
    // A pipe or a device reports no length: read at most one byte past the limit.
    let cap = u64::try_from(limits.max_pack_bytes).map_or(u64::MAX, |m| m.saturating_add(1));
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap).read_to_string(&mut text))
        .map_err(|e| io(e.to_string()))?;
    if text.len() > limits.max_pack_bytes {
        let more = format!("more than {}", limits.max_pack_bytes);
        return Err(pack::too_big(&more, limits, &file).into());
    }
    Ok(text)
}

/// Compiles a read pack, then lints it: errors refuse it, warnings go with it.
fn compiled(
    pack: pack::Pack,
    text: &str,
    file: &str,
    limits: &Limits,
) -> Result<Policy, PackErrors> {
    let policy = crate::compile::compile(pack, text, file, limits)?;
    crate::lint::check(file, policy)
}
