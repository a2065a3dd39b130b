#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The real `huimin serve` (issue 22), started on a loopback port of its choosing: answers
//! with receipts that reproduce them, errors with the core's codes, limits named, a broken
//! pack that leaves the last good version serving, a reload that swaps a new version in, and a
//! clean stop on SIGTERM. Every amount is Wanzhou's, by hand: 3.00 yuan a class-hour, at
//! most 170 a month (150 in the changed version), 低保 waived.

use huimin_core::{Participant, Policy};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const AS_OF: &str = "2021-03-01";

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_huimin"))
            .args(["serve", "--packs"])
            .arg(dir)
            .args(["--bind", "127.0.0.1:0"])
            .args(extra)
            .env("HUIMIN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// The status and JSON of a request (any status).
    fn call(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let req = ureq::request(method, &format!("{}{path}", self.base));
        let res = if method == "GET" {
            req.call()
        } else {
            req.send_string(body)
        };
        let res = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = res.status();
        let text = res.into_string().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn evaluate(&self, participant: &str) -> (u16, Value) {
        self.call(
            "POST",
            &format!("/packs/chongqing-wanzhou-2020/evaluate?as_of={AS_OF}&explain=false"),
            participant,
        )
    }

    fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn wanzhou_text() -> String {
    std::fs::read_to_string(fixtures().join("policies/chongqing-wanzhou-2020.yaml")).unwrap()
}

const KID: &str = r#"{"stage":"primary","grade":3,"class_hours":60}"#;

#[test]
fn serve_answers_with_receipts_refuses_clearly_and_reloads_atomically() {
    let dir = tempdir("serve");
    let pack = dir.join("chongqing-wanzhou-2020.yaml");
    std::fs::write(&pack, wanzhou_text()).unwrap();
    let s = Server::start(&dir, &["--max-body-bytes", "2000", "--max-batch-rows", "3"]);

    let (status, ready) = s.call("GET", "/ready", "");
    assert_eq!((status, ready["status"].as_str()), (200, Some("ready")));

    // 60 class-hours × 3.00 = 180.00, capped at 170.00.
    let (status, d) = s.evaluate(KID);
    assert_eq!(status, 200);
    assert_eq!(d["net_fee"], "170.00");
    let original = Policy::from_path(&pack).unwrap();
    assert_eq!(d["fingerprint"], original.fingerprint());
    assert_eq!(d["engine"], huimin_core::VERSION);
    // The receipt reproduces the answer with the library: the same JSON.
    let kid = Participant::from_json_value(&serde_json::from_str(KID).unwrap()).unwrap();
    let again = original
        .evaluate_with(
            &kid,
            d["as_of"].as_str().unwrap().parse().unwrap(),
            huimin_core::EvalOptions { explain: false },
        )
        .unwrap();
    assert_eq!(again.to_json(), d);

    // Bad input: the core's error JSON, the same as every binding's.
    let bad = r#"{"stage":"primary","grade":3,"class_hours":-1}"#;
    let (status, e) = s.evaluate(bad);
    assert_eq!(status, 400);
    let want = huimin_core::ffi::evaluate(&original, bad, AS_OF, false).unwrap_err();
    assert_eq!(
        e,
        serde_json::from_str::<Value>(&huimin_core::ffi::error_json(&want)).unwrap()
    );
    assert_eq!(e["error"]["errors"][0]["code"], "out_of_range");
    let (status, e) = s.call("POST", "/packs/nowhere/evaluate?as_of=2021-03-01", KID);
    assert_eq!(
        (status, e["error"]["errors"][0]["code"].as_str()),
        (404, Some("unknown_pack"))
    );
    let (status, e) = s.call("POST", "/packs/chongqing-wanzhou-2020/evaluate", KID);
    assert_eq!(
        (status, e["error"]["errors"][0]["code"].as_str()),
        (400, Some("missing_as_of"))
    );
    // A misspelt query parameter is refused, not ignored; a body that is not UTF-8 (低保 in
    // GBK) too, never read with its characters replaced.
    let (status, e) = s.call(
        "POST",
        &format!("/packs/chongqing-wanzhou-2020/evaluate?as_of={AS_OF}&explian=false"),
        KID,
    );
    assert_eq!(status, 400);
    assert!(e.to_string().contains("explian"), "{e}");
    let gbk = ureq::post(&format!(
        "{}/packs/chongqing-wanzhou-2020/evaluate?as_of={AS_OF}",
        s.base
    ))
    .send_bytes(b"{\"stage\":\"primary\",\"tags\":[\"\xb5\xcd\xb1\xa3\"]}");
    match gbk {
        Err(ureq::Error::Status(400, r)) => {
            let t = r.into_string().unwrap();
            assert!(t.contains("not_utf8"), "{t}")
        }
        other => panic!("{other:?}"),
    }

    // Limits are named.
    let (status, e) = s.evaluate(&format!("{{\"note\":\"{}\"}}", "x".repeat(3000)));
    assert_eq!(status, 413);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("max_body_bytes = 2000"),
        "{e}"
    );
    let four = [KID; 4].join("\n");
    let (status, e) = s.call(
        "POST",
        &format!("/packs/chongqing-wanzhou-2020/batch?as_of={AS_OF}"),
        &four,
    );
    assert_eq!(status, 413);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("max_batch_rows = 3"),
        "{e}"
    );

    // A batch: one answer line per participant, in order; a bad line is that line's error.
    let lines = format!(
        "{KID}\n{{\"grade\":\"x\"}}\n{}",
        r#"{"stage":"primary","grade":3,"class_hours":40,"tags":["dibao"]}"#
    );
    let (status, out) = s.call(
        "POST",
        &format!("/packs/chongqing-wanzhou-2020/batch?as_of={AS_OF}"),
        &lines,
    );
    assert_eq!(status, 200);
    let out: Vec<Value> = out
        .as_str()
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["net_fee"], "170.00");
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[1]["error"]["error"]["kind"], "input");
    assert_eq!(out[2]["net_fee"], "0.00"); // 低保: 120.00 waived

    // A broken pack leaves the last good version serving, and readiness says so.
    std::fs::write(
        &pack,
        wanzhou_text().replace("monthly_cap:", "monthly_cap: ["),
    )
    .unwrap();
    let (status, r) = s.call("POST", "/admin/reload", "");
    assert_eq!((status, r["status"].as_str()), (200, Some("degraded")));
    assert!(
        r["broken"][0]["error"]
            .as_str()
            .unwrap()
            .contains("chongqing-wanzhou-2020.yaml:"),
        "{r}"
    );
    let (_, d) = s.evaluate(KID);
    assert_eq!(
        (d["net_fee"].as_str(), d["fingerprint"].as_str()),
        (Some("170.00"), Some(original.fingerprint()))
    );

    // A good new version is swapped in whole: the cap is 150 now, under a new fingerprint.
    let text = wanzhou_text().replace(
        "values: [ { from: 2020-09-01, value: 170, cite: fee } ]",
        "values: [ { from: 2020-09-01, value: 150, cite: fee } ]",
    );
    assert_ne!(text, wanzhou_text());
    std::fs::write(&pack, &text).unwrap();
    let (_, r) = s.call("POST", "/admin/reload", "");
    assert_eq!(r["status"], "ready");
    let (_, d) = s.evaluate(KID);
    let changed = Policy::from_yaml(&text, "x.yaml").unwrap();
    assert_eq!(
        (d["net_fee"].as_str(), d["fingerprint"].as_str()),
        (Some("150.00"), Some(changed.fingerprint()))
    );

    // A simulation against another served pack: today 170.00 + 0.00 (低保), the cap-150
    // version 150.00 + 0.00; one winner, one unchanged; the unreadable line is counted.
    std::fs::write(
        dir.join("wanzhou-cap150.yaml"),
        text.replace("id: chongqing-wanzhou-2020", "id: wanzhou-cap150"),
    )
    .unwrap();
    std::fs::write(&pack, wanzhou_text()).unwrap();
    let (_, r) = s.call("POST", "/admin/reload", "");
    assert_eq!(
        (r["status"].as_str(), r["packs"].as_array().map(Vec::len)),
        (Some("ready"), Some(2))
    );
    let people = format!(
        "{KID}\n{}\n{{\"grade\":",
        r#"{"stage":"primary","grade":3,"class_hours":40,"tags":["dibao"]}"#
    );
    let (status, rep) = s.call(
        "POST",
        &format!("/packs/chongqing-wanzhou-2020/simulate?as_of={AS_OF}&reform=wanzhou-cap150"),
        &people,
    );
    assert_eq!(status, 200, "{rep}");
    let total = &rep["total"];
    assert_eq!(total["scenarios"][0]["net_fee"], "170.00");
    assert_eq!(total["scenarios"][1]["net_fee"], "150.00");
    assert_eq!(
        (
            total["changes"][0]["winners"].as_str(),
            total["changes"][0]["unchanged"].as_str()
        ),
        (Some("1"), Some("1"))
    );
    assert_eq!(
        (rep["rows"].as_u64(), rep["errors"].as_u64()),
        (Some(3), Some(1))
    );
    assert!(
        rep["first_errors"][0]
            .as_str()
            .unwrap()
            .starts_with("line 3"),
        "{rep}"
    );

    // SIGTERM: drained and stopped cleanly.
    assert!(s.stop().success());
}

#[test]
fn serve_refuses_to_start_without_a_pack() {
    let dir = tempdir("serve-empty");
    std::fs::write(dir.join("broken.yaml"), "id: [").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["serve", "--packs"])
        .arg(&dir)
        .args(["--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.yaml:1:"), "{err}");
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("huimin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The OpenAPI document is the committed `docs/openapi.json` (`HUIMIN_BLESS=1` rewrites it),
/// and the router serves every path it lists (no 404 or 405 for any).
#[test]
fn the_openapi_document_is_current_and_every_path_is_served() {
    let dir = tempdir("serve-openapi");
    std::fs::write(dir.join("chongqing-wanzhou-2020.yaml"), wanzhou_text()).unwrap();
    let s = Server::start(&dir, &[]);
    let (status, doc) = s.call("GET", "/openapi.json", "");
    assert_eq!(status, 200);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("HUIMIN_BLESS").is_some() {
        std::fs::write(&committed, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&committed).unwrap_or_default(),
        text,
        "docs/openapi.json is stale: HUIMIN_BLESS=1 cargo test -p huimin-cli --test serve"
    );
    assert!(doc["components"]["schemas"]["Decision"]["properties"]["fingerprint"].is_object());
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            let path = path.replace("{id}", "chongqing-wanzhou-2020");
            let (status, _) = s.call(&method.to_uppercase(), &path, "{}");
            assert!(status != 404 && status != 405, "{method} {path}: {status}");
        }
    }
    assert!(s.stop().success());
}

/// SIGTERM while a long batch is being answered: the answer is finished, every line of it,
/// before the service exits 0.
#[test]
fn sigterm_drains_the_requests_in_flight() {
    let dir = tempdir("serve-drain");
    std::fs::write(dir.join("chongqing-wanzhou-2020.yaml"), wanzhou_text()).unwrap();
    let s = Server::start(&dir, &[]);
    let n = 5_000;
    let body = vec![KID; n].join("\n");
    let url = format!(
        "{}/packs/chongqing-wanzhou-2020/batch?as_of={AS_OF}&explain=true",
        s.base
    );
    let client = std::thread::spawn(move || {
        let r = ureq::post(&url).send_string(&body).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut r.into_reader(), &mut text).unwrap();
        (text, std::time::Instant::now())
    });
    std::thread::sleep(std::time::Duration::from_millis(150));
    let signalled = std::time::Instant::now();
    let status = s.stop();
    let (out, done) = client.join().unwrap();
    assert!(status.success());
    // The answer was still being written when the signal came.
    assert!(
        done > signalled,
        "the batch finished before SIGTERM: make it longer"
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n);
    assert!(lines.iter().all(|l| l.contains("\"net_fee\":\"170.00\"")));
}
