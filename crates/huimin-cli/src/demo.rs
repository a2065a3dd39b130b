//! `huimin demo`: the seed packs over sample families, side by side, then a simulation.

use crate::output::step_text;
use crate::{say, Fail};
use chrono::NaiveDate;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use huimin_core::pack::ProgramKind;
use huimin_core::{Decision, Participant, Policy, Value};

include!(concat!(env!("OUT_DIR"), "/seed_packs.rs"));

/// A sample household: a name, field values and statuses; each pack reads what it needs.
struct Sample {
    name: &'static str,
    fields: &'static [(&'static str, &'static str)],
    tags: &'static [&'static str],
}

/// The family the demo explains step by step.
const XIAOMING: Sample = Sample {
    name: "小明 grade 3, 60 h, dual-worker",
    fields: &[
        ("stage", "primary"),
        ("grade", "3"),
        ("age", "9"),
        ("class_hours", "60"),
        ("class_hours_semester", "240"),
        ("days", "20"),
        ("applied", "true"),
    ],
    tags: &["dual_worker"],
};

const CHILDREN: &[Sample] = &[
    XIAOMING,
    Sample {
        name: "小红 grade 7, 40 h, 低保",
        fields: &[
            ("stage", "junior"),
            ("grade", "7"),
            ("age", "13"),
            ("class_hours", "40"),
            ("class_hours_semester", "160"),
            ("class_hours_semester", "160"),
            ("days", "16"),
            ("applied", "true"),
        ],
        tags: &["dibao"],
    },
    Sample {
        name: "小刚 grade 2, 24 h, 建档立卡, left-behind",
        fields: &[
            ("stage", "primary"),
            ("grade", "2"),
            ("age", "8"),
            ("class_hours", "24"),
            ("class_hours_semester", "96"),
            ("class_hours_semester", "96"),
            ("days", "12"),
            ("applied", "true"),
        ],
        tags: &["jianka", "left_behind"],
    },
    Sample {
        name: "小丽 grade 5, 35 h, migrant, remote",
        fields: &[
            ("stage", "primary"),
            ("grade", "5"),
            ("age", "11"),
            ("class_hours", "35"),
            ("class_hours_semester", "140"),
            ("class_hours_semester", "140"),
            ("days", "18"),
            ("applied", "true"),
            ("remote", "true"),
        ],
        tags: &["migrant", "remote"],
    },
];

const ELDERS: &[Sample] = &[
    Sample {
        name: "张奶奶 82, 低保, fully disabled",
        fields: &[
            ("age", "82"),
            ("self_care", "fully_disabled"),
            ("living_situation", "with_family"),
            ("local_hukou", "true"),
            ("local_hukou", "true"),
            ("local_residence", "true"),
            ("self_care", "partly_disabled"),
            ("family_caregiver", "true"),
            ("disability_grade", "1"),
        ],
        tags: &["dibao"],
    },
    Sample {
        name: "李爷爷 68, self-reliant, lives alone",
        fields: &[
            ("age", "68"),
            ("self_care", "able"),
            ("living_situation", "alone"),
            ("local_hukou", "true"),
            ("local_hukou", "true"),
            ("local_residence", "true"),
            ("self_care", "able"),
            ("family_caregiver", "false"),
        ],
        tags: &[],
    },
    Sample {
        name: "王奶奶 75, partly disabled, 特困",
        fields: &[
            ("age", "75"),
            ("self_care", "partly_disabled"),
            ("living_situation", "with_family"),
            ("local_hukou", "true"),
            ("local_hukou", "true"),
            ("local_residence", "true"),
            ("self_care", "partly_disabled"),
            ("family_caregiver", "true"),
            ("disability_grade", "3"),
        ],
        tags: &["tekun", "sanwu"],
    },
];

/// The sample as a participant of `policy`: only the fields and tags the pack knows.
fn participant(policy: &Policy, s: &Sample) -> Participant {
    let schema = policy.input_schema();
    let mut p = Participant::new().id(s.name);
    for (k, v) in s.fields {
        if schema.fields.iter().any(|f| f.name == *k) {
            p = p.with(*k, Value::Text((*v).to_owned()));
        }
    }
    for t in s.tags {
        if schema.tags.iter().any(|x| x.id == *t) {
            p = p.tag(*t);
        }
    }
    p
}

fn as_of(policy: &Policy) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 10, 1)
        .unwrap_or_default()
        .max(policy.valid_from())
}

fn cell(r: &Result<Decision, huimin_core::Error>) -> Cell {
    let text = match r {
        Ok(d) if !d.eligible => "not eligible 不符合".to_owned(),
        Ok(d) => {
            let star = |field: &str| {
                if d.estimated.iter().any(|f| f == field) {
                    "*"
                } else {
                    ""
                }
            };
            let mut s = format!("pays {}{}", d.net_fee, star("net_fee"));
            if !d.reduction_total.amount().is_zero() {
                s.push_str(&format!(
                    " (−{}{})",
                    d.reduction_total,
                    star("reduction_total")
                ));
            }
            if !d.subsidy_total.amount().is_zero() {
                s.push_str(&format!(
                    "\nsubsidy {}{}",
                    d.subsidy_total,
                    star("subsidy_total")
                ));
            }
            s
        }
        Err(huimin_core::Error::Input { errors }) => format!(
            "needs {}",
            errors
                .iter()
                .map(|e| e.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Err(e) => format!("error: {e}"),
    };
    Cell::new(text).set_alignment(CellAlignment::Right)
}

/// The embedded seed packs, each with its example values file when it has one.
pub(crate) fn seed_policies() -> Result<Vec<Policy>, Fail> {
    let mut policies = Vec::new();
    for (file, text) in SEED_PACKS {
        let policy = match SEED_VALUES.iter().find(|(pack, _, _)| pack == file) {
            Some((_, name, values)) => Policy::from_yaml_with_values(text, file, values, name),
            None => Policy::from_yaml(text, file),
        };
        policies.push(policy.map_err(Fail::pack)?);
    }
    Ok(policies)
}

pub(crate) fn run(students: usize) -> Result<u8, Fail> {
    let policies = seed_policies()?;
    say!("惠民 huimin — {} seed policy packs, evaluated exactly, with the clause each amount comes from.\n", policies.len())?;

    let groups: [(&str, ProgramKind, &[Sample]); 2] = [
        (
            "After-school care 课后服务 — what each family pays per charging period",
            ProgramKind::AfterSchool,
            CHILDREN,
        ),
        (
            "Home elderly care 居家养老 — subsidies due",
            ProgramKind::ElderlyCare,
            ELDERS,
        ),
    ];
    for (title, kind, samples) in groups {
        let ps: Vec<&Policy> = policies.iter().filter(|p| p.kind() == kind).collect();
        if ps.is_empty() {
            continue;
        }
        say!("{title}")?;
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        let mut header = vec!["pack (period)".to_owned()];
        header.extend(samples.iter().map(|s| s.name.to_owned()));
        t.set_header(header);
        for p in ps {
            let mut row = vec![Cell::new(format!(
                "{}\n{} ({})",
                p.id(),
                p.name().zh,
                p.period().label().en
            ))];
            row.extend(
                samples
                    .iter()
                    .map(|s| cell(&p.evaluate(&participant(p, s), as_of(p)))),
            );
            t.add_row(row);
        }
        say!("{t}")?;
        say!("* 估算 estimate: rests on a number the source does not state (the pack's assumption, or an example value of a number an authority sets)\n")?;
    }

    screen_demo(&policies)?;

    if let Some(wz) = policies.iter().find(|p| p.id() == "chongqing-wanzhou-2020") {
        let kid = participant(wz, &XIAOMING);
        if let Ok(d) = wz.evaluate(&kid, as_of(wz)) {
            say!("Why? 依据 — {} under {}:", XIAOMING.name, wz.id())?;
            for (i, s) in d
                .steps
                .iter()
                .filter(|s| !matches!(s.kind, huimin_core::decision::StepKind::Priority))
                .enumerate()
            {
                say!("{}", step_text(i + 1, s))?;
            }
            say!()?;
        }
        say!("Simulation: {students} synthetic students under {} (seed 2024; rates in huimin_core::population)", wz.id())?;
        let started = std::time::Instant::now();
        crate::simulate::run(
            &[wz],
            crate::simulate::Population::Synthetic(students, 2024),
            as_of(wz),
            huimin_arrow::RunColumns::default(),
            huimin_arrow::Extra::Refuse,
            None,
            crate::Format::Table,
        )?;
        let secs = started.elapsed().as_secs_f64();
        say!(
            "The run above: {secs:.2} s in all (making the synthetic students, evaluating, \
             totalling and printing)."
        )?;
        // The engine's own speed, measured as benches/batch.rs measures it: the columnar
        // evaluation of students already in columns, on every core, outputs included.
        let people = huimin_core::population::synthetic(wz, students, 2024);
        let batch = huimin_core::batch::Batch::from_participants(&people);
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        let started = std::time::Instant::now();
        let out = wz
            .evaluate_batch_on(&batch, as_of(wz), threads)
            .map_err(|e| Fail {
                code: 1,
                message: e.to_string(),
            })?;
        let secs = started.elapsed().as_secs_f64();
        say!(
            "The engine alone: {} students evaluated in {:.1} ms on {threads} threads — {:.1} \
             million a second (columnar evaluation of students already in columns, every \
             output written; as benches/batch.rs measures it).",
            out.eligible.len(),
            secs * 1e3,
            out.eligible.len() as f64 / secs.max(1e-9) / 1e6
        )?;
    }
    Ok(0)
}

/// The screener for a sample household: a 低保 pupil and her grandmother, under every seed
/// program in force (as if the family lived in each place), with the example values.
fn screen_demo(policies: &[Policy]) -> Result<(), Fail> {
    let household = serde_json::json!({ "id": "wang", "members": [
        { "id": "小红 (child)", "stage": "primary", "grade": 3, "class_hours": 60, "class_hours_semester": 240,
          "applied": true, "months": 10, "approved": true, "days": 20, "basic_care": true, "tags": ["dibao"] },
        { "id": "奶奶 (grandma)", "age": 72, "local_hukou": true, "local_residence": true,
          "living_situation": "alone", "self_care": "partly_disabled", "family_caregiver": false,
          "household_signed": true, "tags": ["dibao"] }
    ] });
    let household = huimin_core::Household::from_json_value(&household)
        .map_err(|errors| Fail::pack(huimin_core::Error::Input { errors }))?;
    let registry = huimin_core::Registry::new(policies.to_vec());
    let day = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap_or_default();
    let s = registry.screen(&household, day).map_err(Fail::pack)?;
    say!("What can this family get? 这家人能享受什么 — huimin screen, a 低保 household on {day}, every seed program as if they lived in its place (example values where an authority sets the number):")?;
    say!("{}\n", crate::screen::table(&s))?;
    Ok(())
}
