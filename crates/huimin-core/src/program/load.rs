//! Reading program files (YAML or JSON, by the same panic-free reader as packs, so every value
//! has a line and column) and the pack they name.

use super::calendar::MAX_TERM_DAYS;
use super::ProgramFile;
use crate::error::{Error, PackError, PackErrors, Severity};
use crate::pack::{self, Id, Pos};
use crate::policy::Policy;
use std::io::Read;
use std::path::Path;

/// Parses a YAML program file. `file` names it in error messages.
pub fn parse_yaml(text: &str, file: &str) -> Result<ProgramFile, Error> {
    let p = serde_saphyr::from_str::<ProgramFile>(text).map_err(|e| saphyr_error(&e, file))?;
    check(&p, file)?;
    Ok(p)
}

/// Parses a JSON program file. `file` names it in error messages.
pub fn parse_json(text: &str, file: &str) -> Result<ProgramFile, Error> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(one(
            file,
            Pos {
                line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                column: u32::try_from(e.column()).unwrap_or(u32::MAX),
            },
            "json",
            e.to_string(),
        ));
    }
    parse_yaml(text, file)
}

/// Reads a program file and compiles the pack it names (a path relative to the program file).
pub fn load(path: impl AsRef<Path>) -> Result<(ProgramFile, Policy), Error> {
    let path = path.as_ref();
    let file = path.display().to_string();
    // Read at most one byte past the limit, so that a pipe or a device cannot exhaust memory.
    let mut text = String::new();
    let cap = u64::try_from(pack::DEFAULT_MAX_PACK_BYTES).map_or(u64::MAX, |m| m.saturating_add(1));
    std::fs::File::open(path)
        .and_then(|f| f.take(cap).read_to_string(&mut text))
        .map_err(|e| one(&file, Pos::default(), "io", e.to_string()))?;
    if text.len() > pack::DEFAULT_MAX_PACK_BYTES {
        return Err(one(
            &file,
            Pos { line: 1, column: 1 },
            "limit",
            format!(
                "program file is more than {} bytes, the limit",
                pack::DEFAULT_MAX_PACK_BYTES
            ),
        ));
    }
    let program = if path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
    {
        parse_json(&text, &file)?
    } else {
        parse_yaml(&text, &file)?
    };
    let beside = |named: &Id, what: &str| {
        let p = path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&named.value);
        if p.is_file() {
            Ok(p)
        } else {
            Err(one(
                &file,
                Pos::of(named),
                "io",
                format!("{what} `{}` not found", p.display()),
            ))
        }
    };
    let pack_path = beside(&program.pack, "pack")?;
    let policy = match &program.values {
        Some(v) => Policy::from_path_with_values(&pack_path, beside(v, "values file")?)?,
        None => Policy::from_path(&pack_path)?,
    };
    Ok((program, policy))
}

/// One error at a place in the program file.
pub(crate) fn one(file: &str, pos: Pos, code: &'static str, message: String) -> Error {
    Error::Pack(PackErrors(vec![error_at(file, pos, code, message)]))
}

pub(crate) fn error_at(file: &str, pos: Pos, code: &'static str, message: String) -> PackError {
    pos.problem(file, Severity::Error, code, message)
}

fn saphyr_error(e: &serde_saphyr::Error, file: &str) -> Error {
    let pos = e
        .location()
        .map(|l| Pos {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
        })
        .unwrap_or_default();
    let msg = crate::pack::reader_message(&e.without_snippet().to_string());
    one(file, pos, "schema", msg)
}

/// Checks that need no pack: the term, unique ids, and references between groups, sessions
/// and staff.
fn check(p: &ProgramFile, file: &str) -> Result<(), Error> {
    let mut errors = Vec::new();
    let mut err = |pos: Pos, msg: String| errors.push(error_at(file, pos, "invalid", msg));
    let days = (p.term.to - p.term.from).num_days();
    if days < 0 {
        err(Pos::of(&p.id), "term: `to` is before `from`".into());
    } else if days > MAX_TERM_DAYS {
        err(
            Pos::of(&p.id),
            format!("term: {days} days; a term may last at most {MAX_TERM_DAYS}"),
        );
    }
    if p.term.periods == 0 {
        err(Pos::of(&p.id), "term: `periods` must be at least 1".into());
    }
    for c in &p.term.closed {
        if c.last() < c.from {
            err(
                Pos::of(&p.id),
                format!("term: closed range from {} ends before it starts", c.from),
            );
        }
    }
    unique("group", p.groups.iter().map(|g| &g.id), &mut err);
    unique("session", p.sessions.iter().map(|s| &s.id), &mut err);
    unique("staff", p.staff.iter().map(|s| &s.id), &mut err);
    unique("cost", p.costs.iter().map(|c| &c.id), &mut err);
    let mut ids: Vec<&str> = Vec::new();
    for g in &p.groups {
        for m in &g.participants {
            if let Some(id) = &m.participant.id {
                if ids.contains(&id.as_str()) {
                    err(
                        Pos::of(&g.id),
                        format!(
                            "group `{}`: participant id `{id}` is used twice",
                            g.id.value
                        ),
                    );
                }
                ids.push(id);
            }
        }
    }
    for s in &p.sessions {
        if s.end <= s.start {
            err(
                Pos::of(&s.id),
                format!(
                    "session `{}`: ends at {} before it starts at {}",
                    s.id.value, s.end, s.start
                ),
            );
        }
        if !p.groups.iter().any(|g| g.id.value == s.group.value) {
            err(
                Pos::of(&s.group),
                format!(
                    "session `{}`: `{}` is not a group",
                    s.id.value, s.group.value
                ),
            );
        }
        for st in &s.staff {
            if !p.staff.iter().any(|x| x.id.value == st.value) {
                err(
                    Pos::of(st),
                    format!("session `{}`: `{}` is not in `staff`", s.id.value, st.value),
                );
            }
        }
    }
    for s in &p.staff {
        if s.count == 0 {
            err(
                Pos::of(&s.id),
                format!("staff `{}`: `count` must be at least 1", s.id.value),
            );
        }
        if s.hours_per_session
            .as_ref()
            .is_some_and(|h| h.value.0.is_sign_negative())
        {
            err(
                Pos::of(&s.id),
                format!(
                    "staff `{}`: `hours_per_session` must not be negative",
                    s.id.value
                ),
            );
        }
    }
    for c in &p.collections {
        if c.covers.last() < c.covers.from {
            err(
                Pos::of(&c.participant),
                "collection: `covers` ends before it starts".into(),
            );
        }
        if !ids.contains(&c.participant.value.as_str()) {
            err(
                Pos::of(&c.participant),
                format!(
                    "collection: `{}` is no participant's id",
                    c.participant.value
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Pack(PackErrors(errors)))
    }
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a Id>, err: &mut impl FnMut(Pos, String)) {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        if seen.contains(&id.value.as_str()) {
            err(Pos::of(id), format!("duplicate {what} id `{}`", id.value));
        }
        seen.push(&id.value);
    }
}
