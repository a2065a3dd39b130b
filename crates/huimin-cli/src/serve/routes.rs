//! The service's endpoints. Bodies and answers are the core's FFI JSON (the same shapes as
//! Python, WASM and the CLI); every decision carries its receipt (pack, fingerprint, engine,
//! as_of). Errors are the core's error JSON, or for a request the service refuses, the same
//! shape with kind `request` and the limit named.
// A refusal is the response itself (128 bytes), returned once per request: boxing it would
// only add an allocation.
#![allow(clippy::result_large_err)]

use super::packs::{Loaded, Served};
use super::{App, Limits};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use huimin_core::{ffi, Error};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// A JSON answer with its status.
fn answer(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A request the service refuses: the core's error JSON (`{message, error: {kind, errors}}`),
/// kind `request`.
pub fn refused(status: StatusCode, code: &str, zh: &str, en: &str) -> Response {
    let body = json!({
        "message": en,
        "error": {
            "kind": "request",
            "errors": [{ "path": "", "code": code, "message": { "zh": zh, "en": en } }],
        },
    });
    answer(status, body.to_string())
}

/// The status for a core error: bad input 400, a pack that cannot decide 422, a bug 500.
fn failed(e: &Error) -> Response {
    let status = match e {
        Error::Input { .. } => StatusCode::BAD_REQUEST,
        Error::Eval(_) | Error::Pack(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    };
    answer(status, ffi::error_json(e))
}

fn no_pack(id: &str) -> Response {
    refused(
        StatusCode::NOT_FOUND,
        "unknown_pack",
        &format!("没有政策包“{id}”（GET /packs 列出全部）"),
        &format!("no pack `{id}` (GET /packs lists them)"),
    )
}

/// The body as UTF-8 text of at most `limits.max_body_bytes`, or the refusal naming that
/// limit, or saying it is not UTF-8 (never read with characters replaced).
async fn body(req: Request, limits: &Limits) -> Result<String, Response> {
    let max = limits.max_body_bytes;
    let bytes = axum::body::to_bytes(req.into_body(), max)
        .await
        .map_err(|_| {
            refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                &format!("请求体超过上限 max_body_bytes = {max} 字节"),
                &format!("the request body is over the limit max_body_bytes = {max} bytes"),
            )
        })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        refused(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            &format!("请求体不是 UTF-8 编码（第 {at} 字节处）"),
            &format!("the request body is not UTF-8 (at byte {at})"),
        )
    })
}

/// The version of the packs this request answers from, and the pack `id` in it.
fn pack(app: &App, id: &str) -> Result<(Arc<Served>, Arc<huimin_core::Policy>), Response> {
    let served = app.served();
    let policy = served.packs.get(id).map(|l| l.policy.clone());
    policy.map(|p| (served, p)).ok_or_else(|| no_pack(id))
}

/// What a request on one pack brings: the version of the packs it is answered from, the pack,
/// its `as_of` and its body (within the limit) — or the refusal.
struct Call {
    served: Arc<Served>,
    policy: Arc<huimin_core::Policy>,
    as_of: String,
    body: String,
}

async fn call(app: &App, id: &str, when: &When, req: Request) -> Result<Call, Response> {
    let (served, policy) = pack(app, id)?;
    let as_of = when.as_of()?.to_owned();
    let body = body(req, &app.limits).await?;
    Ok(Call {
        served,
        policy,
        as_of,
        body,
    })
}

/// The query parameters; a misspelt one is refused, never ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    as_of: Option<String>,
    #[serde(default)]
    explain: Option<bool>,
    #[serde(default)]
    place: Option<String>,
    /// For a simulation: another served pack to compare with (a reform, a new version).
    #[serde(default)]
    reform: Option<String>,
}

impl When {
    /// `as_of`, required: an answer on "today" would change from day to day.
    fn as_of(&self) -> Result<&str, Response> {
        self.as_of.as_deref().ok_or_else(|| {
            refused(
                StatusCode::BAD_REQUEST,
                "missing_as_of",
                "缺少查询参数 as_of（YYYY-MM-DD）",
                "the query parameter as_of (YYYY-MM-DD) is missing",
            )
        })
    }
}

pub async fn health() -> Response {
    answer(
        StatusCode::OK,
        json!({ "status": "ok", "engine": huimin_core::VERSION }).to_string(),
    )
}

/// Ready once packs are loaded; `degraded` (still 200: the last good versions serve) when a
/// pack file does not load, naming it and why.
pub async fn ready(State(app): State<App>) -> Response {
    let s = app.served();
    let status = if s.packs.is_empty() {
        "no_packs"
    } else if s.broken.is_empty() {
        "ready"
    } else {
        "degraded"
    };
    let code = if s.packs.is_empty() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let packs: Vec<_> = s.packs.values().map(summary).collect();
    let body = json!({
        "status": status,
        "generation": s.generation,
        "packs": packs,
        "broken": s.broken,
    });
    answer(code, body.to_string())
}

fn summary(l: &Loaded) -> serde_json::Value {
    json!({
        "id": l.policy.id(),
        "fingerprint": l.policy.fingerprint(),
        "file": l.file.display().to_string(),
        "values": l.values.as_ref().map(|v| v.display().to_string()),
    })
}

/// A pack's identity ([`ffi::Info`]) with its fingerprint.
fn identity(p: &huimin_core::Policy) -> serde_json::Value {
    let mut info = serde_json::to_value(ffi::info_of(p)).unwrap_or_default();
    if let Some(o) = info.as_object_mut() {
        o.insert("fingerprint".into(), p.fingerprint().into());
    }
    info
}

pub async fn list(State(app): State<App>) -> Response {
    let s = app.served();
    let packs: Vec<serde_json::Value> = s.packs.values().map(|l| identity(&l.policy)).collect();
    answer(StatusCode::OK, serde_json::Value::from(packs).to_string())
}

pub async fn info(State(app): State<App>, Path(id): Path<String>) -> Response {
    match pack(&app, &id) {
        Ok((_, p)) => answer(StatusCode::OK, identity(&p).to_string()),
        Err(r) => r,
    }
}

pub async fn schema(State(app): State<App>, Path(id): Path<String>) -> Response {
    match pack(&app, &id) {
        Ok((_, p)) => answer(StatusCode::OK, ffi::input_schema(&p)),
        Err(r) => r,
    }
}

pub async fn validate(State(app): State<App>, Path(id): Path<String>, req: Request) -> Response {
    let (_, p) = match pack(&app, &id) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match body(req, &app.limits).await {
        Ok(b) => answer(StatusCode::OK, ffi::validate(&p, &b)),
        Err(r) => r,
    }
}

/// One participant (the body) as of `as_of`; with the explanation unless `explain=false`.
pub async fn evaluate(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(when): Query<When>,
    req: Request,
) -> Response {
    let c = match call(&app, &id, &when, req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match ffi::evaluate(&c.policy, &c.body, &c.as_of, when.explain.unwrap_or(true)) {
        Ok(d) => answer(StatusCode::OK, d),
        Err(e) => failed(&e),
    }
}

/// Participants as JSON lines (the body), at most `max_batch_rows`: one answer line each, in
/// order, streamed as they are decided — the decision (without explanation unless
/// `explain=true`), or `{"line": N, "error": …}` for a line that cannot be.
pub async fn batch(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(when): Query<When>,
    req: Request,
) -> Response {
    let Call {
        policy: p,
        as_of,
        body: text,
        ..
    } = match call(&app, &id, &when, req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = rows(&text, &app.limits) {
        return r;
    }
    let explain = when.explain.unwrap_or(false);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(64);
    tokio::task::spawn_blocking(move || {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let out = match ffi::evaluate(&p, line, &as_of, explain) {
                Ok(d) => d,
                Err(e) => format!("{{\"line\":{},\"error\":{}}}", n + 1, ffi::error_json(&e)),
            };
            if tx.blocking_send(Ok(out + "\n")).is_err() {
                return; // the client went away
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        ))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The body's non-empty lines, or the refusal when there are more than `max_batch_rows`.
fn rows(text: &str, limits: &Limits) -> Result<usize, Response> {
    let rows = text.lines().filter(|l| !l.trim().is_empty()).count();
    let max = limits.max_batch_rows;
    if rows > max {
        return Err(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_rows",
            &format!("请求有 {rows} 行，超过上限 max_batch_rows = {max}"),
            &format!("the request has {rows} rows, over the limit max_batch_rows = {max}"),
        ));
    }
    Ok(rows)
}

/// The totals of participants (JSON lines, at most `max_batch_rows`) under the pack and,
/// with `reform=ID`, another served pack: the core's report (winners and losers included). A
/// line that cannot be read or decided is counted and named (`line N`); the rest go on.
pub async fn simulate(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(when): Query<When>,
    req: Request,
) -> Response {
    let Call {
        served,
        policy: base,
        as_of,
        body: text,
    } = match call(&app, &id, &when, req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let reform = match &when.reform {
        Some(r) => match served.packs.get(r) {
            Some(l) => Some(l.policy.clone()),
            None => return no_pack(r),
        },
        None => None,
    };
    let as_of = match ffi::as_of(&as_of) {
        Ok(d) => d,
        Err(e) => return failed(&e),
    };
    if let Err(r) = rows(&text, &app.limits) {
        return r;
    }
    let run = tokio::task::spawn_blocking(move || {
        let mut people = Vec::new();
        let mut bad = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match ffi::participant(line) {
                Ok(p) => people.push(p),
                Err(errors) => bad.push((n + 1, Error::Input { errors })),
            }
        }
        let mut policies: Vec<&huimin_core::Policy> = vec![&base];
        policies.extend(reform.as_deref());
        let mut t = huimin_core::tally_people(&policies, &people, as_of, &|_| true)?
            .ok_or_else(|| ffi::internal("a simulation stopped without being asked"))?;
        for (n, e) in bad {
            t.add_error(&Vec::new(), &format!("line {n}"), &e);
        }
        Ok::<_, Error>(ffi::to_json(&t.report()))
    })
    .await;
    match run {
        Ok(Ok(report)) => answer(StatusCode::OK, report),
        Ok(Err(e)) => failed(&e),
        Err(_) => failed(&ffi::internal("the simulation's task failed")),
    }
}

/// A household (the body) under every program in force on `as_of` (of one `place`).
pub async fn screen(State(app): State<App>, Query(when): Query<When>, req: Request) -> Response {
    let served = app.served();
    let as_of = match when.as_of() {
        Ok(d) => d.to_owned(),
        Err(r) => return r,
    };
    let b = match body(req, &app.limits).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match ffi::screen(&served.registry, &b, &as_of, when.place.as_deref()) {
        Ok(s) => answer(StatusCode::OK, s),
        Err(e) => failed(&e),
    }
}

/// Reloads the packs now; only from the loopback interface.
pub async fn reload(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !peer.ip().is_loopback() {
        return refused(
            StatusCode::FORBIDDEN,
            "admin_loopback_only",
            "重新加载只接受本机（loopback）请求",
            "reloading is accepted from the loopback interface only",
        );
    }
    app.reload().await;
    ready(State(app)).await
}

/// The OpenAPI document of these endpoints.
pub async fn openapi() -> Response {
    answer(StatusCode::OK, super::openapi::document().to_string())
}
