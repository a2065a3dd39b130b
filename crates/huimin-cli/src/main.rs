//! `huimin`: check policy packs, evaluate participants, simulate budgets, audit programs, run
//! the demo.
//!
//! Exit codes: 0 success; 1 a pack or a participant had errors (reported on stderr or in the
//! output); 2 bad command line; 3 a file could not be read or written.
#![forbid(unsafe_code)]

mod audit;
mod demo;
mod input;
mod new;
mod output;
mod screen;
mod serve;
mod simulate;
mod test;
mod verify;
mod whatif;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use huimin_core::{EvalOptions, Goal, Policy, WhatIfOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "huimin",
    version,
    about = "惠民 huimin — exact, explainable rules for subsidised public services"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and validate packs; print every problem with file:line:column.
    Check {
        /// Pack files (YAML or JSON).
        #[arg(required = true)]
        packs: Vec<PathBuf>,
        /// Also print warnings (rules and values without citations, gaps in dated values, rules that can never apply).
        #[arg(long)]
        warnings: bool,
        /// Also say how populations run: on the fixed-point lanes, or why every row goes to the exact engine.
        #[arg(long)]
        explain_plan: bool,
        /// Check with the values file of the deployment: the numbers the pack leaves to an authority (`set_by`).
        #[arg(long)]
        values: Option<PathBuf>,
        /// The base pack of a reform file (default: `<base id>.yaml` beside it or in ../policies/, else the seed pack).
        #[arg(long)]
        base: Option<PathBuf>,
    },
    /// Write a pack, with its deployment's values and a reform's changes applied, as its
    /// canonical JSON with the `checked` stamp of the lints that passed it: what the browser
    /// package (built without YAML; its form module without the lints) loads, with the same
    /// fingerprint and the same answers.
    Compile {
        /// The pack or reform file (YAML or JSON).
        pack: PathBuf,
        /// The values file of the deployment: the numbers the pack leaves to an authority (`set_by`).
        #[arg(long)]
        values: Option<PathBuf>,
        /// The base pack of a reform file (default: `<base id>.yaml` beside it or in ../policies/, else the seed pack).
        #[arg(long)]
        base: Option<PathBuf>,
        /// Where to write it (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// What a reform or a new version changes of a pack: parameters, rules and settings
    /// added, removed or changed, with both values and the clauses they cite.
    Diff {
        /// The pack (or reform) compared against.
        before: PathBuf,
        /// A reform of it, or another pack (a new version).
        after: PathBuf,
        /// Output format (`table` is text).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// The values file of the deployment, for both.
        #[arg(long)]
        values: Option<PathBuf>,
    },
    /// Evaluate participants (JSON, JSON lines or CSV) under a pack.
    Eval {
        /// The pack.
        pack: PathBuf,
        /// The participants file; `-` reads standard input.
        participants: PathBuf,
        /// Evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = as_of)]
        as_of: Option<NaiveDate>,
        /// Print the explanation steps with their citations.
        #[arg(long)]
        explain: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// The participants file's text encoding when it is not UTF-8 (gbk, gb18030, utf-16le…).
        #[arg(long, value_parser = input::encoding)]
        encoding: Option<&'static encoding_rs::Encoding>,
        /// The values file of the deployment: the numbers the pack leaves to an authority (`set_by`).
        #[arg(long)]
        values: Option<PathBuf>,
        /// Instead of the decision, what would reach this goal: `eligible`, `pay_less`,
        /// `receive_more` or `group:ID` (the minimal changes of inputs, cited).
        #[arg(long, value_name = "GOAL", conflicts_with_all = ["explain", "partial"])]
        what_if: Option<String>,
        /// With --what-if: the most inputs one change may touch (1 to 4).
        #[arg(long, default_value_t = 2, requires = "what_if", value_parser = clap::value_parser!(u8).range(1..=4))]
        max_changes: u8,
        /// Instead of the decision, a half-filled form's range of answers over the inputs not
        /// given (or those of --unknown), and which of them still matter.
        #[arg(long, conflicts_with = "explain")]
        partial: bool,
        /// With --partial: the unknown inputs and tags, comma-separated.
        #[arg(long, value_delimiter = ',', requires = "partial")]
        unknown: Vec<String>,
    },
    /// Evaluate a whole population under a pack and its reforms at once, and print the totals:
    /// by group (--by), weighed (--weight), with winners and losers under each reform.
    Simulate {
        /// The pack.
        pack: PathBuf,
        /// The population file (Parquet, JSON, JSON lines or CSV).
        #[arg(long, conflicts_with = "synthetic")]
        population: Option<PathBuf>,
        /// A synthetic population of this many participants instead.
        #[arg(long)]
        synthetic: Option<usize>,
        /// Seed of the synthetic population.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// A reform to compare against the baseline: a reform file of the pack, or another pack
        /// (repeat for several, run in the same pass).
        #[arg(long)]
        reform: Vec<PathBuf>,
        /// Columns to total by (district, school, grade…), comma-separated or repeated.
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// The column of each row's weight (an exact decimal of at most 6 places).
        #[arg(long)]
        weight: Option<String>,
        /// Columns copied into the per-participant results (--out), comma-separated or repeated.
        #[arg(long, value_delimiter = ',', requires = "out")]
        keep: Vec<String>,
        /// Write each participant's results under every scenario, and each reform's change, to
        /// this file (.parquet or .csv) as the run goes.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Columns the packs do not read: refused (the default) or left unread (`ignore`).
        #[arg(long, value_enum, default_value_t = ExtraColumns::Refuse)]
        extra: ExtraColumns,
        /// Evaluation date, YYYY-MM-DD (required: a run on "today" would change day by day).
        #[arg(long, value_parser = as_of)]
        as_of: NaiveDate,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// The population file's text encoding when it is not UTF-8 (gbk, gb18030, utf-16le…).
        #[arg(long, value_parser = input::encoding, requires = "population")]
        encoding: Option<&'static encoding_rs::Encoding>,
        /// The values file of the deployment: the numbers the pack leaves to an authority (`set_by`).
        #[arg(long)]
        values: Option<PathBuf>,
        /// The reforms' values file (default: the pack's).
        #[arg(long, requires = "reform")]
        reform_values: Option<PathBuf>,
    },
    /// The demo: the seed packs over sample families, then a 100 000-student simulation.
    Demo {
        /// Students in the simulation.
        #[arg(long, default_value_t = 100_000)]
        students: usize,
    },
    /// Audit a program file: staff pay, money and payer split, compliance findings.
    Audit {
        /// The program file (YAML or JSON); it names its pack.
        program: PathBuf,
        /// Output format (`csv` lists the findings).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Screen a household: every program in force for every member, with what the family
    /// pays, what is paid for it, why not, or what is still needed; yearly totals.
    Screen {
        /// The household (JSON: {"id", "members": [participant, …]}).
        household: PathBuf,
        /// The date to screen on.
        #[arg(long)]
        as_of: NaiveDate,
        /// A directory of packs (default: the embedded seed packs with their example values).
        #[arg(long)]
        packs: Option<PathBuf>,
        /// A directory of values files, `<pack id>.yaml` or `<pack id>.example.yaml`.
        #[arg(long, requires = "packs")]
        values: Option<PathBuf>,
        /// Only the programs of this place (its jurisdiction contains it: `万州`, `Nanjing`).
        #[arg(long = "where")]
        place: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Serve the packs of a directory over HTTP (loopback by default): evaluate, validate,
    /// batches of JSON lines, screening, pack info and input schemas; every decision with its
    /// receipt. Reloads on SIGHUP, `POST /admin/reload` or --watch; stops on SIGINT/SIGTERM
    /// after the requests in flight.
    Serve {
        /// The directory of packs (`*.yaml`).
        #[arg(long)]
        packs: PathBuf,
        /// A directory of values files, `<pack id>.yaml` or `<pack id>.example.yaml`.
        #[arg(long)]
        values: Option<PathBuf>,
        /// The address to listen on (port 0: any free port, printed on start).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Also reload every this many seconds (only changed packs are compiled).
        #[arg(long)]
        watch: Option<f64>,
        /// The largest request body, in bytes.
        #[arg(long, default_value_t = 4 << 20)]
        max_body_bytes: usize,
        /// The most participants in one batch request.
        #[arg(long, default_value_t = 100_000)]
        max_batch_rows: usize,
        /// The most seconds a request may take.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// The most requests handled at once (more are refused with 503).
        #[arg(long, default_value_t = 256)]
        concurrency: usize,
    },
    /// Run a pack's conformance cases (JSON or YAML): each expected field compared, and with
    /// --coverage the rules no case exercises. Exit 1 when a case fails.
    Test {
        /// The pack.
        pack: PathBuf,
        /// Case files or directories (default: cases/<pack id>/ beside the pack's directory).
        cases: Vec<PathBuf>,
        /// List the rules no case applies and the requirements no case fails.
        #[arg(long)]
        coverage: bool,
    },
    /// Check a pack's properties for every participant (case-splitting the rules over the
    /// inputs' declared ranges, not sampling), with a counterexample when one fails. Exit 1
    /// when a property fails or is not decided.
    Verify {
        /// The pack.
        pack: PathBuf,
        /// Properties files (default: properties/<pack id>.yaml beside the pack's directory).
        properties: Vec<PathBuf>,
        /// Decimal places decimal inputs are checked at.
        #[arg(long, default_value_t = 2)]
        places: u32,
        /// The most boxes one property may run before answering "not decided".
        #[arg(long, default_value_t = 200_000)]
        max_boxes: usize,
        /// Print the verdicts as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Start a pack: `<dir>/policies/<id>.yaml` with its clauses to fill in and every number
    /// marked as an example, a first case in `<dir>/cases/<id>/`, and the schema for editors.
    New {
        /// after_school, elderly_care, health_contract or other.
        kind: String,
        /// The pack's id (lowercase, digits, `-`, `_`).
        #[arg(long)]
        id: String,
        /// Where to write (default: the current directory).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Print the shared vocabulary: the statuses and standard fields every pack names alike,
    /// with the registry names read as them.
    Vocabulary,
    /// Print the JSON Schema of the pack format.
    Schema {
        /// The schema of the program file instead.
        #[arg(long, conflicts_with = "values")]
        program: bool,
        /// The schema of a values file instead.
        #[arg(long, conflicts_with = "reform")]
        values: bool,
        /// The schema of a reform file instead.
        #[arg(long, conflicts_with = "program")]
        reform: bool,
        /// The schema of a properties file (`huimin verify`) instead.
        #[arg(long, conflicts_with_all = ["program", "values", "reform"])]
        properties: bool,
    },
}

/// What a population run does with columns the packs do not read.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtraColumns {
    /// Refused, naming each (a misspelt column is never silently unread).
    Refuse,
    /// Left unread (a registry's other columns).
    Ignore,
}

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned text for a terminal.
    Table,
    /// JSON: decisions in the core's documented shape.
    Json,
    /// CSV: one row per participant.
    Csv,
}

/// A failure: what to print and the exit code.
struct Fail {
    code: u8,
    message: String,
}

impl Fail {
    /// A pack that does not load: exit 1, or 3 when its file cannot be read at all.
    fn pack(e: huimin_core::Error) -> Fail {
        Fail {
            code: if unreadable(&e) { 3 } else { 1 },
            message: e.to_string(),
        }
    }
    fn io(what: &str, e: impl std::fmt::Display) -> Fail {
        Fail {
            code: 3,
            message: format!("{what}: {e}"),
        }
    }
}

/// Whether an error is a file that could not be read (code `io`), not a problem in it.
fn unreadable(e: &huimin_core::Error) -> bool {
    matches!(e, huimin_core::Error::Pack(p) if p.0.iter().any(|x| x.code == "io"))
}

/// Writes a line to standard output. A closed pipe or a full disk is exit 3 with a message,
/// never a panic (which is what `println!` does).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(|e| $crate::Fail::io("output", e))
    }};
}
pub(crate) use say;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("huimin: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// `--as-of`, read as every binding reads it ([`huimin_core::ffi::as_of`]).
fn as_of(text: &str) -> Result<NaiveDate, String> {
    huimin_core::ffi::as_of(text).map_err(|e| e.to_string())
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn run(cmd: Command) -> Result<u8, Fail> {
    match cmd {
        Command::Check {
            packs,
            warnings,
            explain_plan,
            values,
            base,
        } => check(
            &packs,
            warnings,
            explain_plan,
            values.as_deref(),
            base.as_deref(),
        ),
        Command::Compile {
            pack,
            values,
            base,
            output,
        } => compile(&pack, values.as_deref(), base.as_deref(), output.as_deref()),
        Command::Diff {
            before,
            after,
            format,
            values,
        } => {
            let a = load(&before, values.as_deref())?;
            let b = against(&a, &after, values.as_deref())?;
            let d = a.diff(&b);
            match format {
                Format::Json => {
                    let s = serde_json::to_string_pretty(&d).map_err(|e| Fail::io("diff", e))?;
                    say!("{s}")?;
                }
                Format::Table | Format::Csv => say!("{}", d.to_string().trim_end())?,
            }
            Ok(0)
        }
        Command::Eval {
            pack,
            participants,
            as_of,
            explain,
            format,
            encoding,
            values,
            what_if,
            max_changes,
            partial,
            unknown,
        } => {
            let policy = load(&pack, values.as_deref())?;
            let source = input::open(&participants, encoding)?;
            let as_of = as_of.unwrap_or_else(today);
            let ask = match (what_if, partial) {
                (Some(goal), _) => Some(whatif::Ask::WhatIf(
                    Goal::parse(&goal).map_err(|e| Fail {
                        code: 2,
                        message: e.to_string(),
                    })?,
                    WhatIfOptions {
                        max_changes: usize::from(max_changes),
                        ..WhatIfOptions::default()
                    },
                )),
                (None, true) => Some(whatif::Ask::Partial(unknown)),
                (None, false) => None,
            };
            if let Some(ask) = ask {
                return whatif::run(&policy, source, as_of, &ask, format);
            }
            let options = EvalOptions { explain };
            let mut out = output::Decisions::start(&policy, format, explain)?;
            let mut failed = false;
            // A table is laid out a slice at a time: one table for a file of up to a slice.
            let first = if format == Format::Table {
                EVAL_SLICE
            } else {
                1
            };
            let read = source.each(first, EVAL_SLICE, &mut |records| {
                let results: Vec<_> = records
                    .par_iter()
                    .map(|rec| match &rec.participant {
                        Ok(p) => policy.evaluate_with(p, as_of, options),
                        Err(e) => Err(e.clone()),
                    })
                    .collect();
                failed |= results.iter().any(Result::is_err);
                out.write(&records, &results)
            });
            out.finish()?;
            read?;
            Ok(u8::from(failed))
        }
        Command::Simulate {
            pack,
            population,
            synthetic,
            seed,
            reform,
            by,
            weight,
            keep,
            out,
            extra,
            as_of,
            format,
            encoding,
            values,
            reform_values,
        } => {
            let policy = load(&pack, values.as_deref())?;
            let reforms = reform
                .iter()
                .map(|r| against(&policy, r, reform_values.as_deref().or(values.as_deref())))
                .collect::<Result<Vec<_>, _>>()?;
            let all: Vec<&Policy> = std::iter::once(&policy).chain(&reforms).collect();
            let population = match (population, synthetic) {
                (Some(path), _) => simulate::Population::File(path, encoding),
                (None, Some(n)) => simulate::Population::Synthetic(n, seed),
                (None, None) => {
                    return Err(Fail {
                        code: 2,
                        message: "give --population FILE or --synthetic N".into(),
                    })
                }
            };
            let cols = huimin_arrow::RunColumns {
                by: &by,
                keep: &keep,
                weight: weight.as_deref(),
            };
            let out = out.map(simulate::Out::new).transpose()?;
            let extra = match extra {
                ExtraColumns::Refuse => huimin_arrow::Extra::Refuse,
                ExtraColumns::Ignore => huimin_arrow::Extra::Ignore,
            };
            simulate::run(&all, population, as_of, cols, extra, out, format)
        }
        Command::Demo { students } => demo::run(students),
        Command::Audit { program, format } => audit::run(&program, format),
        Command::Test {
            pack,
            cases,
            coverage,
        } => test::run(&pack, &cases, coverage),
        Command::Screen {
            household,
            as_of,
            packs,
            values,
            place,
            format,
        } => screen::run(
            &household,
            as_of,
            packs.as_deref(),
            values.as_deref(),
            place.as_deref(),
            format,
        ),
        Command::Verify {
            pack,
            properties,
            places,
            max_boxes,
            json,
        } => verify::run(
            &pack,
            &properties,
            huimin_core::verify::Options {
                places,
                max_boxes,
                from: None,
            },
            json,
        ),
        Command::New { kind, id, dir } => new::run(&kind, &id, &dir),
        Command::Serve {
            packs,
            values,
            bind,
            watch,
            max_body_bytes,
            max_batch_rows,
            timeout,
            concurrency,
        } => {
            let seconds = |s: f64, what: &str| {
                Duration::try_from_secs_f64(s)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| format!("--{what} must be a positive number of seconds"))
            };
            let limits = seconds(timeout, "timeout").map(|timeout| serve::Limits {
                max_body_bytes,
                max_batch_rows,
                timeout,
                concurrency: concurrency.max(1),
            });
            let watch = watch.map(|w| seconds(w, "watch")).transpose();
            match (limits, watch) {
                (Ok(limits), Ok(watch)) => serve::run(packs, values, bind, watch, limits),
                (Err(message), _) | (_, Err(message)) => Err(Fail { code: 2, message }),
            }
        }
        Command::Vocabulary => {
            use huimin_core::model::{FIELD_ALIASES, STANDARD_FIELDS, STANDARD_TAGS};
            say!("statuses 身份标签 (tags):")?;
            for t in STANDARD_TAGS {
                let implies = if t.implies.is_empty() {
                    String::new()
                } else {
                    format!("  ⇒ {}", t.implies.join(", "))
                };
                say!("  {:<28} {} / {}{implies}", t.id, t.zh, t.en)?;
                say!("  {:<28} also: {}", "", t.aliases.join("、"))?;
            }
            say!("\nstandard fields 标准字段 (inputs: {{}}):")?;
            for f in STANDARD_FIELDS {
                let aliases: Vec<&str> = FIELD_ALIASES
                    .iter()
                    .filter(|(_, n)| *n == f.name)
                    .map(|(a, _)| *a)
                    .collect();
                let also = if aliases.is_empty() {
                    String::new()
                } else {
                    format!("  also: {}", aliases.join("、"))
                };
                say!("  {:<28} {:?}  {} / {}{also}", f.name, f.ty, f.zh, f.en)?;
            }
            Ok(0)
        }
        Command::Schema {
            program,
            values,
            reform,
            properties,
        } => {
            let schema = if properties {
                huimin_core::verify::properties_schema()
            } else if program {
                huimin_core::program::json_schema()
            } else if values {
                huimin_core::pack::values_schema()
            } else if reform {
                huimin_core::pack::reform_schema()
            } else {
                huimin_core::pack::json_schema()
            };
            let s = serde_json::to_string_pretty(&schema).map_err(|e| Fail::io("schema", e))?;
            say!("{s}")?;
            Ok(0)
        }
    }
}

/// A pack, with the values file of its deployment when one is given; or a reform (a file
/// with `base:`), applied to its base: `base` when given, else the pack `<base id>.yaml`
/// beside it or in `../policies/`, else the embedded seed pack of that id.
fn open(
    path: &Path,
    values: Option<&Path>,
    base: Option<&Path>,
) -> Result<Policy, huimin_core::Error> {
    let text = huimin_core::load::read_bounded(path, &huimin_core::Limits::default())?;
    let Some(id) = huimin_core::pack::reform_base(&text) else {
        return match values {
            Some(v) => Policy::from_path_with_values(path, v),
            None => Policy::from_path(path),
        };
    };
    let file = path.display().to_string();
    let base = match base {
        Some(b) => open(b, values, None)?,
        None => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let beside = [
                dir.join(format!("{id}.yaml")),
                dir.join(format!("{id}.json")),
                dir.join("../policies").join(format!("{id}.yaml")),
            ];
            match beside.iter().find(|p| p.is_file() && p.as_path() != path) {
                Some(p) => open(p, values, None)?,
                None => seed(&id, values, &file)?,
            }
        }
    };
    base.reformed(&text, &file)
}

/// The embedded seed pack `id`, with `values` or else its example values.
fn seed(id: &str, values: Option<&Path>, reform: &str) -> Result<Policy, huimin_core::Error> {
    let name = format!("{id}.yaml");
    let Some((file, text)) = demo::SEED_PACKS.iter().find(|(f, _)| *f == name) else {
        return Err(huimin_core::Error::Pack(huimin_core::error::PackErrors(vec![
            huimin_core::error::PackError {
                file: reform.to_owned(),
                line: 0,
                column: 0,
                severity: huimin_core::error::Severity::Error,
                code: "reform",
                message: format!(
                    "its base `{id}` is neither beside it ({id}.yaml), in ../policies/, nor a seed pack: give --base PACK"
                ),
                hint: None,
            },
        ])));
    };
    match (
        values,
        demo::SEED_VALUES.iter().find(|(pack, _, _)| pack == file),
    ) {
        (Some(v), _) => {
            let limits = huimin_core::Limits::default();
            let v_text = huimin_core::load::read_bounded(v, &limits)?;
            Policy::from_yaml_with_values(text, file, &v_text, &v.display().to_string())
        }
        (None, Some((_, name, v))) => Policy::from_yaml_with_values(text, file, v, name),
        (None, None) => Policy::from_yaml(text, file),
    }
}

fn load(pack: &Path, values: Option<&Path>) -> Result<Policy, Fail> {
    open(pack, values, None).map_err(Fail::pack)
}

/// What `path` makes of `base`: a reform of it applied to it, or another pack as it is.
fn against(base: &Policy, path: &Path, values: Option<&Path>) -> Result<Policy, Fail> {
    let text = huimin_core::load::read_bounded(path, base.limits()).map_err(Fail::pack)?;
    match huimin_core::pack::reform_base(&text) {
        Some(id) if id == base.id() => base
            .reformed(&text, &path.display().to_string())
            .map_err(Fail::pack),
        _ => load(path, values),
    }
}

fn check(
    packs: &[PathBuf],
    warnings: bool,
    explain_plan: bool,
    values: Option<&Path>,
    base: Option<&Path>,
) -> Result<u8, Fail> {
    let mut code = 0;
    for path in packs {
        match open(path, values, base) {
            Ok(p) => {
                let shown: Vec<_> = if warnings {
                    p.warnings().iter().collect()
                } else {
                    Vec::new()
                };
                for w in &shown {
                    eprintln!("{w}");
                }
                say!(
                    "ok  {}  {} ({} warning{})",
                    path.display(),
                    p.name(),
                    p.warnings().len(),
                    if p.warnings().len() == 1 { "" } else { "s" }
                )?;
                for (name, by, set) in p.set_by() {
                    let state = if set {
                        "given by the values file"
                    } else {
                        "no value: answers that need it are errors until a values file (--values) gives it"
                    };
                    say!("    set by {}: {name} — {state}", by.en)?;
                }
                if explain_plan {
                    let v = p.verdict();
                    if v.columnar {
                        say!("    plan: columnar (fixed-point lanes; a row they cannot finish exactly goes to the exact engine)")?;
                    } else {
                        say!("    plan: exact engine for every row, because:")?;
                        for r in &v.reasons {
                            say!("      - {r}")?;
                        }
                    }
                }
            }
            Err(e) => {
                code = code.max(if unreadable(&e) { 3 } else { 1 });
                eprintln!("{e}");
            }
        }
    }
    Ok(code)
}

fn compile(
    pack: &Path,
    values: Option<&Path>,
    base: Option<&Path>,
    output: Option<&Path>,
) -> Result<u8, Fail> {
    let p = open(pack, values, base).map_err(Fail::pack)?;
    let json = p.checked_json().map_err(|e| Fail::pack(e.into()))?;
    match output {
        Some(out) => {
            std::fs::write(out, json + "\n").map_err(|e| Fail::io(&out.display().to_string(), e))?
        }
        None => say!("{json}")?,
    }
    Ok(0)
}

/// Participants evaluated (and written) together by `eval`: all cores busy, memory flat.
const EVAL_SLICE: usize = 4096;

/// A progress bar on stderr, drawn only on a terminal and only for runs that last over a
/// second; `len` when the number of participants is known.
pub(crate) fn progress(what: &str, len: Option<u64>) -> indicatif::ProgressBar {
    let (bar, template) = match len {
        Some(n) => (
            indicatif::ProgressBar::with_draw_target(
                Some(n),
                indicatif::ProgressDrawTarget::stderr(),
            ),
            "{msg:>8} [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
        ),
        None => (
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr()),
            "{msg:>8} {spinner} {pos} participants {per_sec}",
        ),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}
