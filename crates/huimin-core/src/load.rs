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
        with_values(pack::parse_yaml_with, text, file, values, values_file)
    }

    /// Compiles a JSON pack with the JSON values file of its deployment
    /// ([`Policy::from_yaml_with_values`]); `values_file` names it in errors.
    pub fn from_json_with_values(
        text: &str,
        file: &str,
        values: &str,
        values_file: &str,
    ) -> Result<Policy, Error> {
        with_values(pack::parse_json_with, text, file, values, values_file)
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

    /// The policy a reform makes of this one: `text` is the reform (YAML or JSON, see
    /// [`pack::Reform`]), named `file` in errors. The reformed policy has the reform's id, name
    /// and citations, and is compiled and linted afresh within this policy's limits; a problem
    /// names the file it is in, the base's or the reform's, and its line there.
    pub fn reformed(&self, text: &str, file: &str) -> Result<Policy, Error> {
        let limits = self.limits;
        let origin = self.origin.then(text, file);
        let relocated = |mut e: PackErrors| {
            for x in &mut e.0 {
                origin.relocate(x);
            }
            e
        };
        let before = self.origin.lines();
        let base_file = &origin
            .files
            .first()
            .map(|(_, f)| f.clone())
            .unwrap_or_default();
        if text.len() > limits.max_pack_bytes {
            return Err(pack::too_big(&text.len().to_string(), &limits, file).into());
        }
        // The reform is read as the lines after its base's, so that every place in it is told
        // apart from the base's by its line number alone.
        let padded = "\n".repeat(before as usize) + text;
        // A problem the reader could not place (line 0: JSON read without positions) is the
        // reform's: its own problems are all that reading and applying it can find.
        let unplaced = |mut e: PackErrors| {
            for x in e.0.iter_mut().filter(|x| x.line == 0) {
                x.file = file.to_owned();
            }
            relocated(e)
        };
        let reform = pack::parse_reform(&padded, base_file, &limits).map_err(unplaced)?;
        let mut p = self.pack.clone();
        p.apply_reform(&reform, base_file, &limits)
            .map_err(unplaced)?;
        unstamped(&mut p);
        let mut policy = compiled(p, &origin.text, base_file, &limits).map_err(relocated)?;
        for w in &mut policy.warnings {
            origin.relocate(w);
        }
        policy.origin = std::sync::Arc::new(origin);
        Ok(policy)
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

/// A pack read by `parse`, with its deployment's values applied, compiled within the default
/// [`Limits`].
fn with_values(
    parse: fn(&str, &str, &Limits) -> Result<pack::Pack, PackErrors>,
    text: &str,
    file: &str,
    values: &str,
    values_file: &str,
) -> Result<Policy, Error> {
    let limits = Limits::default();
    let mut pack = parse(text, file, &limits)?;
    let v = pack::parse_values(values, values_file, &limits)?;
    pack.apply_values(&v, values_file)?;
    unstamped(&mut pack);
    Ok(compiled(pack, text, file, &limits)?)
}

/// A pack changed on loading (values, a reform): with the lints, which check it as changed, the
/// stamp of the file is dropped; without them it stays, and no longer matches the rules.
fn unstamped(_pack: &mut pack::Pack) {
    #[cfg(feature = "lint")]
    {
        _pack.checked = None;
    }
}

/// Reads a pack, reform or values file of at most `max_pack_bytes` (a pipe or a device, which
/// reports no length, is read only up to one byte past it).
pub fn read_bounded(path: &Path, limits: &Limits) -> Result<String, Error> {
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

/// Compiles a read pack, then lints it, or in a build without the lints reads what they found
/// from its `checked` stamp: errors refuse it, warnings go with it.
fn compiled(
    pack: pack::Pack,
    text: &str,
    file: &str,
    limits: &Limits,
) -> Result<Policy, PackErrors> {
    let mut policy = crate::compile::compile(pack, text, file, limits)?;
    let found = linted(file, &policy)?;
    policy.warnings.extend(found);
    crate::error::in_source_order(&mut policy.warnings);
    Ok(policy)
}

/// The lints' warnings. A `checked` stamp that does not match is one more: the form's module
/// would refuse the pack.
#[cfg(feature = "lint")]
fn linted(file: &str, policy: &Policy) -> Result<Vec<PackError>, PackErrors> {
    let mut found = crate::lint::check(file, policy)?;
    let why = policy.pack.checked.as_ref().and_then(|c| {
        stale(c, policy).or_else(|| {
            (c.warnings != as_stamped(&found)).then(|| {
                "its `checked` stamp's warnings are not the ones the lints give on these rules"
                    .to_owned()
            })
        })
    });
    if let Some(why) = why {
        found.push(stamp_problem(
            file,
            policy,
            Severity::Warning,
            "stale_check",
            why,
        ));
    }
    Ok(found)
}

/// The warnings of the lints `huimin compile` ran, from the pack's `checked` stamp, which must
/// be this version's and of these rules: without the lints, a pack they did not pass is refused.
#[cfg(not(feature = "lint"))]
fn linted(file: &str, policy: &Policy) -> Result<Vec<PackError>, PackErrors> {
    let refuse = |code, why| {
        PackErrors(vec![stamp_problem(
            file,
            policy,
            Severity::Error,
            code,
            why,
        )])
    };
    let Some(c) = policy.pack.checked.as_ref() else {
        return Err(refuse(
            "unchecked",
            "this build reads only packs checked by `huimin compile` (it does not lint them), and this pack has no `checked` stamp".to_owned(),
        ));
    };
    if let Some(why) = stale(c, policy) {
        return Err(refuse("stale_check", why));
    }
    c.warnings
        .iter()
        .map(|w| {
            let Some(code) = LINT_WARNINGS.iter().copied().find(|k| *k == w.code) else {
                return Err(refuse(
                    "stale_check",
                    format!(
                        "its `checked` stamp holds a warning this version does not know (`{}`)",
                        w.code
                    ),
                ));
            };
            Ok(PackError {
                hint: w.hint.clone(),
                ..crate::pack::Pos::default().problem(
                    file,
                    Severity::Warning,
                    code,
                    w.message.clone(),
                )
            })
        })
        .collect()
}

/// The codes of the lints' warnings, as a stamp names them (`huimin compile` refuses to stamp
/// another).
const LINT_WARNINGS: &[&str] = &[
    "never_matches",
    "no_citation",
    "not_checked",
    "period",
    "unreachable",
    "vocabulary",
];

/// The lints' warnings as a stamp keeps them: without their place.
#[cfg(feature = "lint")]
fn as_stamped(found: &[PackError]) -> Vec<pack::CheckedWarning> {
    found
        .iter()
        .map(|w| pack::CheckedWarning {
            code: w.code.to_owned(),
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
        .collect()
}

/// Why a `checked` stamp is not of this version's lints on these rules, if it is not.
fn stale(c: &pack::Checked, policy: &Policy) -> Option<String> {
    if c.engine != crate::VERSION {
        return Some(format!(
            "its `checked` stamp is of huimin {}, this is huimin {}: run `huimin compile` of this version again",
            c.engine,
            crate::VERSION
        ));
    }
    (c.fingerprint != policy.fingerprint()).then(|| {
        "its rules are not the ones `huimin compile` checked (changed since, or given values here): its `checked` stamp is of other rules".to_owned()
    })
}

/// A problem with the `checked` stamp, placed at the pack's id, with the command that makes one.
fn stamp_problem(
    file: &str,
    policy: &Policy,
    severity: Severity,
    code: &'static str,
    message: String,
) -> PackError {
    PackError {
        hint: Some(
            "`huimin compile <pack.yaml> [--values <values.yaml>] -o <pack.json>` checks a pack and writes it with its stamp"
                .to_owned(),
        ),
        ..crate::pack::Pos::of(&policy.pack.id).problem(file, severity, code, message)
    }
}

impl Policy {
    /// What `huimin compile` writes: [`Policy::canonical`] with the `checked` stamp of this
    /// version's lints (their warnings, and the fingerprint of the rules they passed), which a
    /// build without the lints (the browser's form module) requires.
    #[cfg(feature = "lint")]
    pub fn checked_json(&self) -> Result<String, PackErrors> {
        /// The canonical pack, then its stamp.
        #[derive(serde::Serialize)]
        struct Stamped<'a> {
            #[serde(flatten)]
            pack: &'a pack::Pack,
            checked: pack::Checked,
        }
        let internal = |message| {
            PackErrors(vec![crate::pack::Pos::default().problem(
                "",
                Severity::Error,
                "internal",
                message,
            )])
        };
        // The lints of the rules as their JSON is read, as a build without them will read it:
        // the lint of the source text (YAML 1.1 traps) has nothing to say of JSON.
        let canonical = self.canonical();
        let read = pack::parse_json_with(&canonical, "", &self.limits)?;
        let again = crate::compile::compile(read, &canonical, "", &self.limits)?;
        let warnings = crate::lint::check("", &again)?;
        if let Some(w) = warnings.iter().find(|w| !LINT_WARNINGS.contains(&w.code)) {
            return Err(internal(format!(
                "the lint warning `{}` is not among the codes a stamp may hold",
                w.code
            )));
        }
        let checked = pack::Checked {
            engine: crate::VERSION.to_owned(),
            fingerprint: self.fingerprint().to_owned(),
            warnings: as_stamped(&warnings),
        };
        let stamped = Stamped {
            pack: &self.pack,
            checked,
        };
        serde_json::to_string(&stamped).map_err(|e| internal(e.to_string()))
    }
}
