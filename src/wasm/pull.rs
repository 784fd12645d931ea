//! Exports of the pull from the shop platforms' APIs (backfill and reconciliation; core:
//! `crate::sources::platforms::pull`).

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{read, write};
use crate::issue::Issues;
use crate::sources::platforms::pull::{self, Position, Shop};

#[derive(Serialize)]
struct Built {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<crate::http::Request>,
    issues: Issues,
}

fn shop_and_position(
    platform: &str,
    config: &JsValue,
    position: &JsValue,
    issues: &mut Issues,
) -> Option<(Shop, Position)> {
    let c = read(config, "config", true, issues).unwrap_or(Value::Null);
    let p = read(position, "position", true, issues).unwrap_or(Value::Null);
    let shop = Shop::from_value(platform, &c, issues);
    let position = Position::from_value(&p, issues);
    Some((shop?, position?))
}

/// `pullStart(watermark, overlapSeconds?)`: the first position of a pull of the orders
/// changed since `watermark` (default overlap: 600 s; 0 for a backfill from a date).
#[wasm_bindgen(js_name = pullStart, unchecked_return_type = "PullPosition | null")]
pub fn pull_start(watermark: &str, overlap_seconds: Option<f64>) -> JsValue {
    let overlap = overlap_seconds.map_or(pull::OVERLAP_SECONDS, |s| s as i64);
    pull::start(watermark, overlap).map_or(JsValue::NULL, |p| write(&p))
}

/// `pullRequest(platform, config, position, token?)`: the request of the page at `position`.
#[wasm_bindgen(js_name = pullRequest, unchecked_return_type = "PullRequestResult")]
pub fn pull_request(
    #[wasm_bindgen(unchecked_param_type = "PullPlatform")] platform: &str,
    #[wasm_bindgen(unchecked_param_type = "PullShop")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PullPosition")] position: JsValue,
    token: Option<String>,
) -> JsValue {
    let mut issues = Issues::new();
    let request = shop_and_position(platform, &config, &position, &mut issues)
        .map(|(s, p)| pull::list_request(&s, &p, token.as_deref()));
    write(&Built {
        ok: request.is_some(),
        request,
        issues,
    })
}

/// `pullCountRequest(platform, config, position)`: Shopify's count of the orders to pull
/// (`ok: false` without issues for the other platforms: their pages carry the total).
#[wasm_bindgen(js_name = pullCountRequest, unchecked_return_type = "PullRequestResult")]
pub fn pull_count_request(
    #[wasm_bindgen(unchecked_param_type = "PullPlatform")] platform: &str,
    #[wasm_bindgen(unchecked_param_type = "PullShop")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PullPosition")] position: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let request = shop_and_position(platform, &config, &position, &mut issues)
        .and_then(|(s, p)| pull::count_request(&s, &p));
    write(&Built {
        ok: request.is_some(),
        request,
        issues,
    })
}

/// `readPullCount(status, body)`: Shopify's count, or null.
#[wasm_bindgen(js_name = readPullCount)]
pub fn read_pull_count(status: u16, body: &str) -> Option<f64> {
    pull::read_count(status, body).map(|n| n as f64)
}

/// `pullTokenRequest(platform, config)`: Shopware's token request.
#[wasm_bindgen(js_name = pullTokenRequest, unchecked_return_type = "PullRequestResult")]
pub fn pull_token_request(
    #[wasm_bindgen(unchecked_param_type = "PullPlatform")] platform: &str,
    #[wasm_bindgen(unchecked_param_type = "PullShop")] config: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let c = read(&config, "config", true, &mut issues).unwrap_or(Value::Null);
    let request = Shop::from_value(platform, &c, &mut issues)
        .filter(|s| s.platform == pull::Platform::Shopware6)
        .map(|s| pull::token_request(&s));
    write(&Built {
        ok: request.is_some(),
        request,
        issues,
    })
}

/// `readPullToken(status, headers, body)`: Shopware's token answer, read with the engine's
/// clock.
#[wasm_bindgen(js_name = readPullToken, unchecked_return_type = "PullToken")]
pub fn read_pull_token(
    status: u16,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    body: &str,
) -> JsValue {
    let mut issues = Issues::new();
    let h = read(&headers, "headers", false, &mut issues).unwrap_or(Value::Null);
    let mut t = pull::read_token(status, &h, body, super::now());
    issues.extend(t.issues);
    t.issues = issues;
    write(&t)
}

/// `readPullPage(platform, config, position, status, headers, body, freshToken?)`: the page
/// answered to `pullRequest`.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = readPullPage, unchecked_return_type = "PullPage")]
pub fn read_pull_page(
    #[wasm_bindgen(unchecked_param_type = "PullPlatform")] platform: &str,
    #[wasm_bindgen(unchecked_param_type = "PullShop")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PullPosition")] position: JsValue,
    status: u16,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    body: &str,
    fresh_token: Option<bool>,
) -> JsValue {
    let mut issues = Issues::new();
    let h = read(&headers, "headers", false, &mut issues).unwrap_or(Value::Null);
    let Some((shop, position)) = shop_and_position(platform, &config, &position, &mut issues)
    else {
        return write(&pull::Page {
            outcome: pull::PullOutcome::Failed,
            orders: Vec::new(),
            next: None,
            total: None,
            latest: None,
            wait_ms: None,
            issues,
        });
    };
    let mut page = pull::read_page(
        &shop,
        &position,
        status,
        &h,
        body,
        fresh_token.unwrap_or(false),
    );
    issues.extend(page.issues);
    page.issues = issues;
    write(&page)
}

/// `pullLater(a, b)`: the later of two change times (UTC), or null.
#[wasm_bindgen(js_name = pullLater)]
pub fn pull_later(a: Option<String>, b: Option<String>) -> Option<String> {
    pull::later(a.as_deref(), b.as_deref())
}

/// `pullWatermark(latest, startedAt)`: the watermark a finished run leaves, or null.
#[wasm_bindgen(js_name = pullWatermark)]
pub fn pull_watermark(latest: Option<String>, started_at: &str) -> Option<String> {
    pull::watermark(latest.as_deref(), started_at)
}

/// `pullEstimateMs(done, total, elapsedMs)`: milliseconds left at the rate so far, or null.
#[wasm_bindgen(js_name = pullEstimateMs)]
pub fn pull_estimate_ms(done: f64, total: Option<f64>, elapsed_ms: f64) -> Option<f64> {
    pull::estimate_ms(done as u64, total.map(|t| t as u64), elapsed_ms as u64).map(|n| n as f64)
}
