//! `huimin verify PACK [PROPERTIES…]`: each property checked for every participant, with a
//! counterexample, ready to save as a case, when one fails.

use crate::{say, Fail};
use huimin_core::verify::{self, Options, Outcome, PropertyFile};
use huimin_core::Policy;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The properties files: those given, or `properties/<pack id>.yaml` beside the pack's
/// directory (the fixtures' layout).
fn files(pack: &Path, id: &str, given: &[PathBuf]) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    pack.parent()
        .and_then(Path::parent)
        .map(|root| root.join("properties").join(format!("{id}.yaml")))
        .into_iter()
        .collect()
}

/// Checks every property; exit 0 when all hold, 1 when one fails or is not decided.
pub(crate) fn run(pack: &Path, given: &[PathBuf], opts: Options, json: bool) -> Result<u8, Fail> {
    let plain = Policy::from_path(pack).map_err(Fail::pack)?;
    let (mut held, mut failed, mut open) = (0, 0, 0);
    let mut all = Vec::new();
    for file in files(pack, plain.id(), given) {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| Fail::io(&name, e))?;
        let props = PropertyFile::parse(&text, &name).map_err(|m| Fail {
            code: 1,
            message: m,
        })?;
        let deployed;
        let base = match &props.values {
            None => &plain,
            Some(v) => {
                deployed = Policy::from_path_with_values(pack, file.with_file_name(v))
                    .map_err(Fail::pack)?;
                &deployed
            }
        };
        for p in &props.properties {
            let reformed = match &p.reform {
                None => None,
                Some(r) => {
                    let path = file.with_file_name(r);
                    let label = path.display().to_string();
                    let text = std::fs::read_to_string(&path).map_err(|e| Fail::io(&label, e))?;
                    Some(base.reformed(&text, &label).map_err(Fail::pack)?)
                }
            };
            let started = Instant::now();
            let opts = Options {
                from: props.from.or(opts.from),
                ..opts
            };
            let v = verify::verify(base, reformed.as_ref(), p, opts).map_err(|m| Fail {
                code: 1,
                message: format!("{name}: {m}"),
            })?;
            let took = started.elapsed();
            match &v.outcome {
                Outcome::Holds => held += 1,
                Outcome::Fails(_) => failed += 1,
                Outcome::NotDecided { .. } => open += 1,
            }
            if json {
                all.push(v);
                continue;
            }
            let says = p
                .says
                .as_ref()
                .map(|t| format!(" — {} / {}", t.zh, t.en))
                .unwrap_or_default();
            let head = format!("`{}`{says}", p.id);
            let size = format!(
                "{} cases, {} boxes, {:.1} ms",
                v.cases,
                v.boxes,
                took.as_secs_f64() * 1e3
            );
            match &v.outcome {
                Outcome::Holds => say!("holds 成立  {head}\n  ({size})")?,
                Outcome::NotDecided { why } => {
                    say!("NOT DECIDED 未判定  {head}\n  {why} ({size})")?
                }
                Outcome::Fails(c) => {
                    say!(
                        "FAILS 不成立  {head}\n  counterexample 反例 (as of {}):",
                        c.as_of
                    )?;
                    let case = serde_json::json!({"as_of": c.as_of, "participant": c.participant});
                    say!("    {case}")?;
                    if let Some(more) = &c.increased {
                        say!("    and with more 增加后: {more}")?;
                    }
                    match &c.error {
                        Some(e) => say!("    the pack gives an error 规则包报错: {e}")?,
                        None => {
                            let outs: Vec<String> =
                                c.outputs.iter().map(|(k, x)| format!("{k} {x}")).collect();
                            say!("    gives 结果: {}", outs.join(", "))?;
                        }
                    }
                }
            }
            for d in &v.domains {
                say!("  over 范围: {d}")?;
            }
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&all).map_err(|e| Fail::io("output", e))?;
        say!("{text}")?;
    } else {
        say!("\n{held} hold, {failed} fail, {open} not decided 成立 {held}，不成立 {failed}，未判定 {open}")?;
    }
    Ok(u8::from(failed > 0 || open > 0 || held == 0))
}
