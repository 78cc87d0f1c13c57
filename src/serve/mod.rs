//! `maestroc serve`: the long-running side of maestroc (docs/serve.md). It serves the
//! workflows of some files, fires their schedules and signal triggers, and answers an
//! HTTP API and a web view of the run store, until SIGTERM or SIGINT (then: no new fires,
//! a grace period for running runs, then they are cancelled so they can be resumed).
//!
//! Every run it starts is a `maestroc run` process of its own (see [`launch`]).

pub mod api;
pub mod app;
pub mod catalog;
pub mod discover;
pub mod error;
pub mod fires;
pub mod launch;
pub mod schedule;
pub mod signal_match;
pub mod spec;
pub mod trigger;
pub mod watch;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use app::App;
use catalog::SourceOptions;
pub use error::ServeError;

/// How to serve.
pub struct Config {
    pub paths: Vec<PathBuf>,
    /// `ADDR:PORT` (port 0 picks a free one; the address listened on is printed).
    pub listen: String,
    pub token: Option<String>,
    /// How long running runs may go on after SIGTERM/SIGINT before they are cancelled.
    pub grace: Duration,
    /// The `maestroc` binary that runs are started with.
    pub exe: PathBuf,
    pub home: PathBuf,
    pub sources: SourceOptions,
}

/// Whether `listen` may be used without a token: a loopback address.
fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves until stopped; the exit code.
pub fn serve(config: Config) -> Result<i32, ServeError> {
    let addr: SocketAddr = match config.listen.parse() {
        Ok(a) => a,
        Err(_) => {
            return Err(ServeError::Bind {
                addr: config.listen.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an `ADDR:PORT` address"),
            })
        }
    };
    if config.token.is_none() && !is_loopback(&addr) {
        return Err(ServeError::NeedsToken {
            addr: config.listen.clone(),
        });
    }
    let files = catalog::file_names(&config.paths);
    if files.is_empty() {
        return Err(ServeError::NoFiles {
            paths: config
                .paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let store = Arc::new(crate::store::Store::open(
        &config.home,
        crate::store::Durability::from_env(),
    )?);
    let nanos = jiff::Timestamp::now().subsec_nanosecond();
    let owner = format!("serve-{}-{nanos:09}", std::process::id());
    let lease = crate::store::lease::Lease::acquire(&config.home, &owner)
        .map_err(|e| ServeError::Start(format!("cannot take its lease in {}: {e}", config.home.display())))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let result = runtime.block_on(run(config, addr, store, owner));
    lease.release();
    result
}

async fn run(
    config: Config,
    addr: SocketAddr,
    store: Arc<crate::store::Store>,
    owner: String,
) -> Result<i32, ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
    let local = listener.local_addr().map_err(|e| ServeError::Start(e.to_string()))?;
    let launcher = launch::Launcher::new(
        config.exe.clone(),
        config.home.clone(),
        config.sources.clone(),
        store.clone(),
    );
    let app = Arc::new(App::new(
        store,
        launcher,
        config.token.clone(),
        local.to_string(),
        owner,
    ));
    // Signals are listened to before anything is served, so none is missed.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| ServeError::Start(e.to_string()))?;
    watch::load_all(&app, &config.paths, &config.sources, true).await;
    let router = api::router()
        .merge(web::router())
        .layer(axum::middleware::from_fn_with_state(app.clone(), api::auth::guard))
        .with_state(app.clone());
    app.log(&format!("listening on http://{local}/"));
    let watcher = tokio::spawn(watch::run(app.clone(), config.paths.clone(), config.sources.clone()));
    let triggers = tokio::spawn(trigger::run(app.clone()));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await
    });
    let why = tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    };
    app.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    let running = app.launcher.running();
    app.log(&format!(
        "{why}: no new fires; {running} run(s) started here get {}s to finish, then are cancelled (resumable)",
        config.grace.as_secs()
    ));
    let _ = triggers.await;
    watcher.abort();
    let cancelled = tokio::select! {
        n = app.launcher.shutdown(config.grace, Duration::from_secs(30)) => n,
        _ = terminate.recv() => { app.log("second signal: stopping now"); 0 }
        _ = interrupt.recv() => { app.log("second signal: stopping now"); 0 }
    };
    if cancelled > 0 {
        app.log(&format!(
            "cancelled {cancelled} run(s); `maestroc resume RUN_ID` takes them up again"
        ));
    }
    let _ = stop_tx.send(());
    // Open event streams end on their own (they watch `stopping`); a client that does not
    // read is not waited for long.
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    app.log("stopped");
    Ok(0)
}
