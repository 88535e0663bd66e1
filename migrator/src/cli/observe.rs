//! How `up` and `down` report a run as it goes: a line per migration as it is applied (with a
//! progress line on a terminal), or one JSON object per event (`--log-format json`); and, when
//! the run ends, Prometheus text-format metrics (`--metrics-file`) and what it did before a failure.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::migrate::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

pub(crate) struct Observer {
    format: LogFormat,
    metrics: Option<PathBuf>,
    /// A progress line on stderr, rewritten in place.
    progress_line: bool,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// "version name" of each migration finished, in order.
    done: Vec<String>,
    failed: u32,
    retries: u32,
    lock_wait_seconds: f64,
    /// (version, name, down, seconds) of each finished migration.
    durations: Vec<(i64, String, bool, f64)>,
    down: bool,
}

impl Observer {
    pub(crate) fn new(format: LogFormat, metrics: Option<PathBuf>) -> Observer {
        Observer {
            format,
            metrics,
            progress_line: format == LogFormat::Text && std::io::stderr().is_terminal(),
            started: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn observe(&self, p: &Progress<'_>) {
        let mut state = self.state();
        match *p {
            Progress::Starting { version, name, down, index, total } => {
                state.down = down;
                if self.progress_line {
                    let verb = if down { "reverting" } else { "applying" };
                    eprint!("\r\x1b[K[{index}/{total}] {verb} {version} {name}");
                    let _ = std::io::stderr().flush();
                }
                self.event(json!({"event": "starting", "version": version, "name": name, "down": down, "index": index, "total": total}));
            }
            Progress::Finished { version, name, down, duration, retries, waited } => {
                state.done.push(format!("{version} {name}"));
                state.retries += retries;
                state.lock_wait_seconds += waited.as_secs_f64();
                state.durations.push((version, name.to_string(), down, duration.as_secs_f64()));
                let verb = if down { "reverted" } else { "applied" };
                if self.format == LogFormat::Text {
                    self.clear_progress_line();
                    println!("{verb} {version} {name} ({:.1} ms)", duration.as_secs_f64() * 1000.0);
                }
                self.event(json!({"event": verb, "version": version, "name": name,
                    "duration_ms": millis(duration), "retries": retries, "lock_wait_ms": millis(waited)}));
            }
            Progress::Statement { version, name, index, line, rows, duration } => {
                self.event(
                    json!({"event": "statement", "version": version, "name": name, "statement": index,
                    "line": line, "rows": rows, "duration_ms": duration.map(millis)}),
                );
            }
            Progress::Failed { version, name, down, duration, retries, waited, error } => {
                state.failed += 1;
                state.retries += retries;
                state.lock_wait_seconds += waited.as_secs_f64();
                self.clear_progress_line();
                self.event(json!({"event": "failed", "level": "error", "version": version, "name": name, "down": down,
                    "duration_ms": millis(duration), "retries": retries, "lock_wait_ms": millis(waited), "error": error}));
            }
            Progress::Retrying { version, name, attempt, of, delay, reason, blockers } => {
                if self.format == LogFormat::Text {
                    self.clear_progress_line();
                    eprintln!("strata: {version} {name}: {reason}; retry {attempt} of {of} in {delay:?}");
                    for b in blockers {
                        eprintln!("  blocked by {b}");
                    }
                }
                let blockers: Vec<Value> = blockers
                    .iter()
                    .map(|b| json!({"pid": b.pid, "user": b.user, "application": b.application, "state": b.state,
                        "query": b.query, "transaction_seconds": b.transaction_seconds, "table": b.table, "mode": b.mode}))
                    .collect();
                self.event(json!({"event": "retry", "level": "warn", "version": version, "name": name,
                    "attempt": attempt, "of": of, "delay_ms": millis(delay), "reason": reason, "blockers": blockers}));
            }
        }
    }

    fn clear_progress_line(&self) {
        if self.progress_line {
            eprint!("\r\x1b[K");
        }
    }

    fn event(&self, mut event: Value) {
        if self.format != LogFormat::Json {
            return;
        }
        event["ts"] = json!(utc_now());
        if event.get("level").is_none() {
            event["level"] = json!("info");
        }
        println!("{event}");
    }

    /// The run's last words: a summary line (an event in JSON), and the metrics file.
    pub(crate) fn finish(&self, summary: &str, ok: bool) -> Result<(), String> {
        self.clear_progress_line();
        match self.format {
            LogFormat::Text if ok => println!("{summary}"),
            LogFormat::Text => {}
            LogFormat::Json => self
                .event(json!({"event": "summary", "level": if ok { "info" } else { "error" },
                "message": summary, "ok": ok, "duration_ms": millis(self.started.elapsed())})),
        }
        let Some(path) = &self.metrics else { return Ok(()) };
        std::fs::write(path, self.metrics_text(ok))
            .map_err(|e| format!("writing the metrics file {}: {e}", path.display()))
    }

    /// For an error message: what this run did before it failed.
    pub(crate) fn before_failure(&self, verb: &str) -> String {
        let state = self.state();
        if state.done.is_empty() {
            format!("\n  this run {verb} nothing before it")
        } else {
            format!("\n  this run {verb} before it: {}", state.done.join(", "))
        }
    }

    fn metrics_text(&self, ok: bool) -> String {
        let state = self.state();
        let direction = if state.down { "down" } else { "up" };
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, f64)]| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
            for (labels, value) in samples {
                out.push_str(&format!("{name}{labels} {value}\n"));
            }
        };
        let dir = format!("{{direction=\"{direction}\"}}");
        metric(
            "strata_migrations_applied_total",
            "counter",
            "Migrations this run applied (reverted, for down).",
            &[(dir.clone(), state.done.len() as f64)],
        );
        metric(
            "strata_migrations_failed_total",
            "counter",
            "Migrations that failed in this run.",
            &[(dir.clone(), f64::from(state.failed))],
        );
        metric(
            "strata_lock_retries_total",
            "counter",
            "Attempts rolled back on a lock timeout or deadlock and retried.",
            &[(String::new(), f64::from(state.retries))],
        );
        metric(
            "strata_lock_wait_seconds_total",
            "counter",
            "Time spent in attempts that gave up on a lock, and in the pauses before retrying.",
            &[(String::new(), state.lock_wait_seconds)],
        );
        let durations: Vec<(String, f64)> = state
            .durations
            .iter()
            .map(|(v, n, down, s)| {
                let d = if *down { "down" } else { "up" };
                (format!("{{version=\"{v}\",name=\"{}\",direction=\"{d}\"}}", label(n)), *s)
            })
            .collect();
        metric(
            "strata_migration_duration_seconds",
            "gauge",
            "How long each migration of this run took.",
            &durations,
        );
        metric(
            "strata_run_duration_seconds",
            "gauge",
            "How long this run took.",
            &[(String::new(), self.started.elapsed().as_secs_f64())],
        );
        metric(
            "strata_run_success",
            "gauge",
            "1 when the run succeeded, 0 when it failed.",
            &[(String::new(), if ok { 1.0 } else { 0.0 })],
        );
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        metric(
            "strata_run_timestamp_seconds",
            "gauge",
            "When this run ended (Unix time).",
            &[(String::new(), now.floor())],
        );
        out
    }
}

fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// A Prometheus label value: backslash, quote and newline escaped.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// RFC 3339 UTC with milliseconds.
fn utc_now() -> String {
    let now = SystemTime::now();
    let ms = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_millis());
    let (year, month, day, h, m, s) = super::new::utc_civil(now);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_times_are_rfc3339() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let t = utc_now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z') && &t[10..11] == "T", "{t}");
    }
}
