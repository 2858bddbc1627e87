//! "Statistics": the quarterly MARAC figures with bar charts drawn on the server as SVG, and a
//! CSV download. Small counts are never shown.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::statistics::{quarter_statistics, StatisticsView};
use crate::components::loaded::loaded;

/// "Statistics" page; `?quarter=2026-Q4`.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.with(|q| q.get("quarter").unwrap_or_default()), quarter_statistics);
    view! {
        <Title text="Statistics" />
        <h1 class="rt-heading-xl">"Statistics"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(data.await, |s| view! { <Figures s /> }.into_any()) })}
        </Transition>
    }
}

/// A horizontal bar chart: one bar per row, suppressed rows have no bar.
#[component]
fn Bars(rows: Vec<(String, String, Option<u32>)>, title: &'static str) -> impl IntoView {
    let height = rows.len() * 28 + 10;
    view! {
        <svg class="rt-chart" role="img" aria-label=title viewBox=format!("0 0 720 {height}") width="100%" xmlns="http://www.w3.org/2000/svg">
            <title>{title}</title>
            {rows.into_iter().enumerate().map(|(i, (label, shown, bar))| {
                let y = i * 28 + 5;
                view! {
                    <g>
                        <text x="0" y=y + 17 class="rt-chart__label">{label}</text>
                        <rect x="400" y=y + 4 height="18" width=bar.map_or(0, |b| b * 5 / 2) class="rt-chart__bar" />
                        <text x=bar.map_or(405, |b| 405 + b * 5 / 2) y=y + 17 class="rt-chart__value">{shown}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn Figures(s: StatisticsView) -> impl IntoView {
    let csv = format!("/statistics.csv?quarter={}", s.quarter);
    view! {
        <form method="get" action="/statistics" class="rt-inline-form">
            <label class="rt-label" for="quarter">"Quarter"</label>
            <select class="rt-select" id="quarter" name="quarter">
                {s.quarters.iter().cloned().map(|(v, l)| { let selected = v == s.quarter; view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
            </select>
            <button type="submit" class="rt-button rt-button--secondary">"Show"</button>
        </form>
        <p class="rt-body">{format!("Counts from 1 to {} are shown as \u{201c}<{}\u{201d} so that no one can be recognised.", s.threshold - 1, s.threshold)}</p>
        <table class="rt-table" id="figures">
            <caption class="rt-table__caption rt-table__caption--m">"Cases heard"</caption>
            <tbody>
                {s.figures.iter().map(|(l, v, _)| view! {
                    <tr><th class="rt-table__header" scope="row">{l.clone()}</th><td class="rt-table__cell rt-table__cell--numeric">{v.clone()}</td></tr>
                }).collect_view()}
                <tr><th class="rt-table__header" scope="row">"Repeat rate"</th><td class="rt-table__cell rt-table__cell--numeric">{s.repeat_rate.clone()}</td></tr>
            </tbody>
        </table>
        <Bars rows=s.figures.clone() title="Cases heard this quarter" />
        <h2 class="rt-heading-l">"Referrals by referring agency"</h2>
        {if s.referrals.is_empty() {
            view! { <p class="rt-body" id="referrals-by-agency">"No referrals this quarter."</p> }.into_any()
        } else {
            view! {
                <table class="rt-table" id="referrals-by-agency">
                    <tbody>{s.referrals.iter().map(|(l, v, _)| view! {
                        <tr><th class="rt-table__header" scope="row">{l.clone()}</th><td class="rt-table__cell rt-table__cell--numeric">{v.clone()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
                <Bars rows=s.referrals.clone() title="Referrals by referring agency" />
            }.into_any()
        }}
        <p class="rt-body"><a class="rt-link" href=csv id="download-csv" download="marac-statistics.csv">"Download these figures (CSV)"</a></p>
    }
}
