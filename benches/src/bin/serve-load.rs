//! Load and faults against the real `huimin serve` (issue 22): evaluate requests at rising
//! concurrency for a bounded time each, while the pack is rewritten every second — a version
//! with the cap at 170, a broken one, one at 150, a broken one, and round again — and the
//! service reloads every 200 ms. Every answer must carry the fingerprint of a version that was
//! valid, and the amount that version gives (170.00 or 150.00 for 60 class-hours), to the fen.
//! Prints throughput, p50 / p99 latency, refusals and wrong answers per level; exits 1 on any
//! wrong answer. Loopback only; stops by itself.
//!
//! `serve-load <huimin binary> [seconds per level, default 5] [levels, default 1,4,16,64]`

use huimin_core::Policy;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const KID: &str = r#"{"stage":"primary","grade":3,"class_hours":60}"#;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(huimin) = args.get(1) else {
        eprintln!("usage: serve-load <huimin binary> [seconds per level] [levels]");
        return std::process::ExitCode::from(2);
    };
    let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let levels: Vec<usize> = args
        .get(3)
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 4, 16, 64]);
    match run(huimin, Duration::from_secs_f64(seconds), &levels) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => {
            eprintln!("serve-load: {e}");
            std::process::ExitCode::from(3)
        }
    }
}

fn run(huimin: &str, each: Duration, levels: &[usize]) -> Result<bool, String> {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/policies/chongqing-wanzhou-2020.yaml"
    );
    let v170 = std::fs::read_to_string(root).map_err(|e| e.to_string())?;
    let cap = "values: [ { from: 2020-09-01, value: 170, cite: fee } ]";
    let v150 = v170.replace(
        cap,
        "values: [ { from: 2020-09-01, value: 150, cite: fee } ]",
    );
    let broken = v170.replace("monthly_cap:", "monthly_cap: [");
    let fingerprint = |t: &str| Policy::from_yaml(t, "x.yaml").map(|p| p.fingerprint().to_owned());
    let valid: Vec<(String, &str)> = vec![
        (fingerprint(&v170).map_err(|e| e.to_string())?, "170.00"),
        (fingerprint(&v150).map_err(|e| e.to_string())?, "150.00"),
    ];

    let dir = std::env::temp_dir().join(format!("huimin-serve-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let pack = dir.join("chongqing-wanzhou-2020.yaml");
    std::fs::write(&pack, &v170).map_err(|e| e.to_string())?;
    let mut child = Command::new(huimin)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--watch",
            "0.2",
            "--concurrency",
            "512",
            "--packs",
        ])
        .arg(&dir)
        .env("HUIMIN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
    }
    let Some(addr) = line.trim().strip_prefix("listening on ").map(str::to_owned) else {
        let _ = child.kill();
        return Err(format!(
            "{huimin} serve did not start (it printed {line:?})"
        ));
    };
    let url = format!(
        "http://{addr}/packs/chongqing-wanzhou-2020/evaluate?as_of=2021-03-01&explain=false"
    );

    // The pack rewritten every second, valid and broken versions alternating.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, pack) = (stop.clone(), pack.clone());
        let versions = [v170.clone(), broken.clone(), v150, broken];
        std::thread::spawn(move || {
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(1));
                k = (k + 1) % versions.len();
                if let Some(v) = versions.get(k) {
                    let _ = std::fs::write(&pack, v);
                }
            }
        })
    };

    println!("| clients | requests | per second | p50 ms | p99 ms | refused | wrong | from cap 170 / cap 150 |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut all_right = true;
    for &n in levels {
        let deadline = Instant::now() + each;
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let (url, valid) = (url.clone(), valid.clone());
                std::thread::spawn(move || {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(10))
                        .build();
                    let (mut lat, mut refused, mut wrong) = (Vec::new(), 0u64, 0u64);
                    let mut by_version = [0u64; 2];
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        match agent.post(&url).send_string(KID) {
                            Ok(r) => {
                                let d: serde_json::Value = r
                                    .into_string()
                                    .ok()
                                    .and_then(|t| serde_json::from_str(&t).ok())
                                    .unwrap_or_default();
                                lat.push(t.elapsed());
                                let fp = d
                                    .get("fingerprint")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or_default();
                                let fee = d
                                    .get("net_fee")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or_default();
                                match valid.iter().position(|(f, n)| f == fp && *n == fee) {
                                    Some(k) => {
                                        if let Some(c) = by_version.get_mut(k) {
                                            *c += 1;
                                        }
                                    }
                                    None => wrong += 1,
                                }
                            }
                            Err(_) => refused += 1,
                        }
                    }
                    (lat, refused, wrong, by_version)
                })
            })
            .collect();
        let (mut lat, mut refused, mut wrong, mut versions) = (Vec::new(), 0, 0, [0u64; 2]);
        for h in handles {
            if let Ok((l, r, w, v)) = h.join() {
                lat.extend(l);
                refused += r;
                wrong += w;
                versions[0] += v[0];
                versions[1] += v[1];
            }
        }
        lat.sort();
        let pct = |p: usize| {
            lat.get((lat.len().saturating_sub(1)) * p / 100)
                .map_or(0.0, |d| d.as_secs_f64() * 1e3)
        };
        println!(
            "| {n} | {} | {:.0} | {:.2} | {:.2} | {refused} | {wrong} | {} / {} |",
            lat.len(),
            lat.len() as f64 / each.as_secs_f64(),
            pct(50),
            pct(99),
            versions[0],
            versions[1]
        );
        all_right &= wrong == 0;
    }
    stop.store(true, Ordering::Relaxed);
    let _ = writer.join();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().map_err(|e| e.to_string())?;
    println!("stopped on SIGTERM: {status}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(all_right && status.success())
}
