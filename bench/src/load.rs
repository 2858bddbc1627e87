//! A closed-loop load generator: N connections each send the next request when the last answers.

use std::time::{Duration, Instant};

use serde::Serialize;

/// What one route did under load.
#[derive(Debug, Clone, Serialize)]
pub struct RouteResult {
    /// The route's name.
    pub name: String,
    /// Completed requests.
    pub requests: u64,
    /// Requests that failed or did not answer 200.
    pub errors: u64,
    /// Requests per second.
    pub rps: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Audit entries the server appends for one request, where counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_entries: Option<i64>,
    /// Audited reads the appender committed together, on average, while this route ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads_per_commit: Option<f64>,
}

/// Drives `url` with `connections` concurrent clients for `duration`.
pub async fn run(name: &str, url: &str, connections: usize, duration: Duration) -> Result<RouteResult, reqwest::Error> {
    let url = url.to_string();
    run_with(name, connections, duration, move |c: &reqwest::Client| c.get(&url)).await
}

/// Drives the requests `make` builds (method, headers, body) with `connections` concurrent
/// clients for `duration`.
pub async fn run_with(
    name: &str,
    connections: usize,
    duration: Duration,
    make: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
) -> Result<RouteResult, reqwest::Error> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build()?;
    // Warm up: one request per connection, not measured.
    for _ in 0..connections {
        let _ = make(&client).send().await;
    }
    let batches = crate::servers::BatchWindow::open().await;
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let client = client.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = match make(&client).send().await {
                    Ok(res) => res.status().is_success() && res.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t.elapsed().as_micros() as u32);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((l, e)) = task.await {
            latencies.extend(l);
            errors += e;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let reads_per_commit = batches.close().await;
    latencies.sort_unstable();
    Ok(RouteResult {
        name: name.to_string(),
        requests: latencies.len() as u64,
        errors,
        rps: latencies.len() as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        audit_entries: None,
        reads_per_commit,
    })
}

/// The `q` quantile of sorted microsecond latencies, in milliseconds.
fn percentile(sorted_micros: &[u32], q: f64) -> f64 {
    if sorted_micros.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted_micros.len() as f64 - 1.0) * q).round() as usize;
    f64::from(sorted_micros[idx.min(sorted_micros.len() - 1)]) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_of_known_values() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&v, 0.50), 51.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
