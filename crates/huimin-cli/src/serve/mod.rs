//! `huimin serve`: the packs of a directory behind HTTP, on loopback by default.
//!
//! - [`packs`]: the served versions of the packs and their atomic reloading;
//! - [`routes`]: the endpoints (the core's FFI JSON in and out, receipts in every decision);
//! - [`openapi`]: their OpenAPI document, schemas generated from the core's types.
//!
//! Limits (body size, batch rows, time per request, requests at once) are tower layers or
//! checks with safe defaults; a request over one gets a 4xx (or 503) naming it. Reloads come
//! from SIGHUP, `POST /admin/reload` (loopback peers only) and `--watch`; a request holds one
//! version of the packs from start to end. SIGINT or SIGTERM drains requests in flight, then
//! exits. Logs (tracing, to stderr) carry a request id and never a participant's data.

pub mod openapi;
mod packs;
mod routes;

use crate::Fail;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use packs::Served;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// The service's limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_batch_rows: usize,
    pub timeout: Duration,
    pub concurrency: usize,
}

/// What a handler sees: the current version of the packs, and the limits.
#[derive(Clone)]
pub struct App {
    current: Arc<RwLock<Arc<Served>>>,
    dir: Arc<PathBuf>,
    values: Arc<Option<PathBuf>>,
    pub limits: Limits,
}

impl App {
    /// The version of the packs to answer a request from (held to its end).
    pub fn served(&self) -> Arc<Served> {
        match self.current.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Compiles changed packs aside (off the async threads) and swaps the new version in.
    pub async fn reload(&self) {
        let (old, dir, values) = (self.served(), self.dir.clone(), self.values.clone());
        let next = tokio::task::spawn_blocking(move || {
            Served::reload(&old, &dir, values.as_ref().as_deref())
        })
        .await
        .ok()
        .flatten();
        if let Some(next) = next {
            for b in &next.broken {
                tracing::warn!(file = %b.file, error = %b.error, "pack not loaded; its last good version serves");
            }
            tracing::info!(
                generation = next.generation,
                packs = next.packs.len(),
                "packs loaded"
            );
            let next = Arc::new(next);
            match self.current.write() {
                Ok(mut cur) => *cur = next,
                Err(poisoned) => *poisoned.into_inner() = next,
            }
        }
    }
}

/// Request ids: a counter, `x-request-id` in and out.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&n.to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The router over `app`.
pub fn router(app: App) -> Router {
    let limits = app.limits;
    let api = Router::new()
        .route("/health", get(routes::health))
        .route("/ready", get(routes::ready))
        .route("/packs", get(routes::list))
        .route("/packs/{id}", get(routes::info))
        .route("/packs/{id}/schema", get(routes::schema))
        .route("/packs/{id}/validate", post(routes::validate))
        .route("/packs/{id}/evaluate", post(routes::evaluate))
        .route("/packs/{id}/batch", post(routes::batch))
        .route("/packs/{id}/simulate", post(routes::simulate))
        .route("/screen", post(routes::screen))
        .route("/admin/reload", post(routes::reload))
        .route("/openapi.json", get(routes::openapi))
        .with_state(app);
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    api.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), Counter::default()))
            .layer(
                TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // The method and path only: never a participant's data.
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(request_id))
            // A panic (a bug: there should be none) is a 500 with the core's internal error,
            // never a dropped connection.
            .layer(CatchPanicLayer::custom(|p: Box<dyn std::any::Any + Send>| {
                let e = huimin_core::ffi::internal(huimin_core::ffi::panic_message(p.as_ref()));
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    huimin_core::ffi::error_json(&e),
                )
                    .into_response()
            }))
            .layer(HandleErrorLayer::new(move |e: tower::BoxError| async move {
                overloaded(&e, limits)
            }))
            .load_shed()
            .concurrency_limit(limits.concurrency)
            .timeout(limits.timeout),
    )
}

/// The answer when a request is shed (too many at once) or runs out of time.
fn overloaded(e: &tower::BoxError, limits: Limits) -> Response {
    if e.is::<tower::timeout::error::Elapsed>() {
        let s = limits.timeout.as_secs_f64();
        routes::refused(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            &format!("请求超过时限 timeout = {s} 秒"),
            &format!("the request ran past the limit timeout = {s} s"),
        )
    } else if e.is::<tower::load_shed::error::Overloaded>() {
        let n = limits.concurrency;
        routes::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            &format!("同时处理的请求已达上限 concurrency = {n}，请稍后重试"),
            &format!("the limit concurrency = {n} requests at once is reached; retry later"),
        )
    } else {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

/// Runs the service until SIGINT or SIGTERM; prints `listening on ADDR` first on stdout.
/// Exit 1 when no pack loads, 3 when the address cannot be listened on.
pub fn run(
    dir: PathBuf,
    values: Option<PathBuf>,
    bind: SocketAddr,
    watch: Option<Duration>,
    limits: Limits,
) -> Result<u8, Fail> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUIMIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Fail {
            code: 3,
            message: format!("huimin serve: cannot start: {e}"),
        })?;
    runtime.block_on(serve(dir, values, bind, watch, limits))
}

async fn serve(
    dir: PathBuf,
    values: Option<PathBuf>,
    bind: SocketAddr,
    watch: Option<Duration>,
    limits: Limits,
) -> Result<u8, Fail> {
    let app = App {
        current: Arc::new(RwLock::new(Arc::new(Served::default()))),
        dir: Arc::new(dir),
        values: Arc::new(values),
        limits,
    };
    app.reload().await;
    if app.served().packs.is_empty() {
        let mut message: Vec<String> = app
            .served()
            .broken
            .iter()
            .map(|b| format!("{}: {}", b.file, b.error))
            .collect();
        message.push(format!(
            "huimin serve: no pack loaded from {}",
            app.dir.display()
        ));
        return Err(Fail {
            code: 1,
            message: message.join("\n"),
        });
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| Fail {
            code: 3,
            message: format!("huimin serve: cannot listen on {bind}: {e}"),
        })?;
    let addr = listener.local_addr().unwrap_or(bind);
    println!("listening on {addr}");
    tracing::info!(%addr, "listening");
    spawn_reloads(app.clone(), watch);
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    match axum::serve(listener, service)
        .with_graceful_shutdown(stopped())
        .await
    {
        Ok(()) => {
            tracing::info!("stopped");
            Ok(0)
        }
        Err(e) => Err(Fail {
            code: 3,
            message: format!("huimin serve: {e}"),
        }),
    }
}

/// Reloads on SIGHUP and, with `watch`, every interval (a reload compiles only what changed).
fn spawn_reloads(app: App, watch: Option<Duration>) {
    #[cfg(unix)]
    {
        let app = app.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut hup) = signal(SignalKind::hangup()) else {
                return;
            };
            while hup.recv().await.is_some() {
                tracing::info!("SIGHUP: reloading");
                app.reload().await;
            }
        });
    }
    if let Some(every) = watch {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                app.reload().await;
            }
        });
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn stopped() {
    let int = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = int => {},
        () = term => {},
    }
    tracing::info!("stopping: draining requests in flight");
}
