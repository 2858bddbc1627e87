//! Anonymised statistics over real HTTP: figures from the demo's hearings, small counts hidden
//! (the threshold is a setting), a spreadsheet-safe CSV, and only for those who may see them.

use crate::common;

use common::world::World;
use serde_json::Value;

fn figure<'a>(stats: &'a Value, label: &str) -> &'a Value {
    stats["figures"].as_array().into_iter().flatten().find(|f| f[0] == label).map(|f| &f[1]).unwrap_or_else(|| panic!("no {label} in {stats}"))
}

#[tokio::test]
async fn small_counts_are_hidden_and_the_threshold_is_a_setting() {
    let mut world = World::demo().await;
    let dpo = world.person("Ifeoma Castellanos");
    let stats = dpo.browser.call("/api/statistics/quarter", &[("quarter", "")]).await.ok();
    assert_eq!(figure(&stats, "Cases discussed"), "<5", "{stats}");
    assert_eq!(figure(&stats, "Disabled victims"), "0", "zero identifies no one");
    assert_eq!(stats["repeat_rate"], "Not shown: too few cases");
    let refused = world.person("Rowan Ellery").browser.call("/api/statistics/quarter", &[("quarter", "")]).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));
    let bad = world.person("Ifeoma Castellanos").browser.call("/api/statistics/quarter", &[("quarter", "soon")]).await;
    assert_eq!(bad.error().as_deref(), Some("Invalid"));

    let mut low = World::demo_with(&["--small-cell-threshold", "2"]).await;
    let stats = low.person("Morgan Ashby").browser.call("/api/statistics/quarter", &[("quarter", "")]).await.ok();
    let heard = figure(&stats, "Cases discussed").as_str().unwrap_or_default().to_string();
    assert!(heard.parse::<u32>().is_ok_and(|n| n >= 2), "shown once the threshold allows: {stats}");
    assert_eq!(figure(&stats, "Victims who are Black, Asian or racially minoritised"), "<2", "{stats}");
}

#[tokio::test]
async fn the_csv_download_is_safe_to_open_and_needs_permission() {
    let mut world = World::demo_with(&["--small-cell-threshold", "2"]).await;
    let res = world.person("Priya Lakeland").browser.get("/statistics.csv").await;
    assert_eq!(res.status, 200);
    assert!(res.text.starts_with("quarter,measure,agency,value\r\n"), "{}", res.text);
    assert!(res.text.contains("Cases discussed"));
    assert!(res.text.lines().all(|l| l.split(',').all(|f| !f.starts_with(['=', '+', '-', '@']))), "{}", res.text);
    assert_eq!(world.person("Hollis Varga").browser.get("/statistics.csv").await.status, 404);
}
