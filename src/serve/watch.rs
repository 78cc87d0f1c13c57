//! Keeping the served files current: a file watcher (`notify`) asks for a new look at
//! once, and every few seconds the files are read again anyway (a watcher can miss
//! changes on network file systems). A file is checked again when its text changed, or on
//! any watcher event (a module it imports may have changed).

use std::path::PathBuf;
use std::time::Duration;

use notify::Watcher as _;

use super::app::Shared;
use super::catalog::{self, SourceOptions};

const RESCAN: Duration = Duration::from_secs(5);
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Checks every file once; returns how many files there are.
pub async fn load_all(app: &Shared, paths: &[PathBuf], options: &SourceOptions, force: bool) -> usize {
    let names = {
        let paths = paths.to_vec();
        tokio::task::spawn_blocking(move || catalog::file_names(&paths))
            .await
            .unwrap_or_default()
    };
    let gone: Vec<String> = app
        .catalog()
        .files
        .keys()
        .filter(|f| !names.contains(f))
        .cloned()
        .collect();
    for f in gone {
        app.catalog_mut().files.remove(&f);
        app.log(&format!("{f} is gone; its workflows are no longer served"));
    }
    for name in &names {
        let text = crate::loader::read_source(name, options.max_source_bytes).ok();
        let unchanged = app
            .catalog()
            .files
            .get(name)
            .is_some_and(|f| f.text == text && f.text.is_some());
        if unchanged && !force {
            continue;
        }
        let (file, opts) = (name.clone(), options.clone());
        let Ok(outcome) = tokio::task::spawn_blocking(move || catalog::check(&file, &opts)).await else {
            continue;
        };
        let was = app
            .catalog()
            .files
            .get(name)
            .map(|f| (f.last.ok, f.last.diagnostics.clone()));
        let same = was
            .as_ref()
            .is_some_and(|(ok, d)| *ok == outcome.report.ok && *d == outcome.report.diagnostics);
        let line = app.catalog_mut().record(name, outcome);
        if let Some(line) = line {
            if !same || !unchanged {
                app.log(&line);
            }
        }
    }
    names.len()
}

/// Watches and re-checks until `serve` stops.
pub async fn run(app: Shared, paths: Vec<PathBuf>, options: SourceOptions) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(16);
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.try_send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            app.log(&format!(
                "cannot watch files ({e}); looking for changes every {}s",
                RESCAN.as_secs()
            ));
            None
        }
    };
    if let Some(w) = watcher.as_mut() {
        for p in &paths {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            // A file is watched through its directory: editors replace files on save.
            let (target, mode) = if abs.is_dir() {
                (abs, notify::RecursiveMode::Recursive)
            } else {
                (
                    abs.parent().map_or_else(|| abs.clone(), std::path::Path::to_path_buf),
                    notify::RecursiveMode::NonRecursive,
                )
            };
            if let Err(e) = w.watch(&target, mode) {
                app.log(&format!(
                    "cannot watch {} ({e}); looking for changes every {}s",
                    target.display(),
                    RESCAN.as_secs()
                ));
            }
        }
    }
    let mut every = tokio::time::interval(RESCAN);
    every.tick().await;
    loop {
        let forced = tokio::select! {
            got = rx.recv() => got.is_some(),
            _ = every.tick() => false,
        };
        if app.is_stopping() {
            return;
        }
        if forced {
            tokio::time::sleep(DEBOUNCE).await;
            while rx.try_recv().is_ok() {}
        }
        load_all(&app, &paths, &options, forced).await;
    }
}
