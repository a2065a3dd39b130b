//! `huimin eval --what-if GOAL` and `huimin eval --partial`: for each participant of a file,
//! the minimal changes that reach a goal, or a half-filled form's range of answers — the core's
//! JSON (`--format json`, one object a line) or its sentences.

use crate::input::Source;
use crate::{say, Fail, Format};
use chrono::NaiveDate;
use huimin_core::{Goal, Policy, WhatIfOptions};

/// What to ask of each participant.
pub(crate) enum Ask {
    /// The changes that reach a goal, changing at most so many inputs.
    WhatIf(Goal, WhatIfOptions),
    /// The range of answers over these unknown inputs (none: the required ones not given).
    Partial(Vec<String>),
}

/// Answers `ask` for every participant of `source`; exit 1 when a record has an error.
pub(crate) fn run(
    policy: &Policy,
    source: Source,
    as_of: NaiveDate,
    ask: &Ask,
    format: Format,
) -> Result<u8, Fail> {
    let mut failed = false;
    let read = source.each(1, 64, &mut |records| {
        for rec in records {
            let answer = rec
                .participant
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|p| {
                    match ask {
                        // As text: each suggestion on a line of its own, else the summary.
                        Ask::WhatIf(goal, opts) => {
                            policy.what_would_change(p, as_of, goal, *opts).map(|w| {
                                let mut lines: Vec<_> =
                                    w.suggestions.iter().map(|s| s.says.clone()).collect();
                                if lines.is_empty() || !w.complete {
                                    lines.insert(0, w.says.clone());
                                }
                                (serde_json::to_value(&w), lines)
                            })
                        }
                        Ask::Partial(unknown) => policy
                            .evaluate_partial(p, as_of, unknown)
                            .map(|x| (serde_json::to_value(&x), vec![x.says.clone()])),
                    }
                });
            match (answer, format) {
                (Ok((json, _)), Format::Json) => {
                    let json = json.map_err(|e| Fail::io("output", e))?;
                    say!("{json}")?;
                }
                (Ok((_, lines)), _) => {
                    say!("{}", rec.name())?;
                    for l in lines {
                        say!("  • {}\n    {}", l.zh, l.en)?;
                    }
                }
                (Err(e), Format::Json) => {
                    failed = true;
                    say!("{}", huimin_core::ffi::error_json(&e))?;
                }
                (Err(e), _) => {
                    failed = true;
                    say!("{}: {e}", rec.name())?;
                }
            }
        }
        Ok(())
    });
    read?;
    Ok(u8::from(failed))
}
