//! How a return looks wherever it is shown (the customer's pages and the
//! console's): its status badge, a table of returns, and its details
//! (lines, refund, what arrived).

use crate::api::returns::{Return, ReturnSummary};
use crate::components::order::format_time;
use crate::i18n::{Key, Lang, fill, return_reason_key, return_resolution_key, return_status_key};
use leptos::prelude::*;

/// The status badge.
pub fn status_badge(s: crate::schema::ReturnStatus, lang: Lang) -> impl IntoView {
    view! { <span class="badge return-status" data-status=s.as_str()>{lang.t(return_status_key(s))}</span> }
}

fn summary_row(r: ReturnSummary, href: String, lang: Lang) -> impl IntoView {
    view! {
        <tr class="return-row" data-return=r.number.clone() data-status=r.status.as_str()>
            <td><a href=href>{r.number.clone()}</a></td>
            <td>{r.order_number.clone().unwrap_or_default()}</td>
            <td>{status_badge(r.status, lang)}</td>
            <td>{lang.t(return_resolution_key(r.resolution))}</td>
            <td>{r.refund_amount.to_string()}</td>
            <td>{format_time(&r.created_at)}</td>
        </tr>
    }
}

/// A table of returns, each linking to `href(id)`.
pub fn returns_table(
    items: Vec<ReturnSummary>,
    href: fn(&str) -> String,
    lang: Lang,
) -> impl IntoView {
    view! {
        <table class="returns" id="returns-table">
            <thead><tr>
                <th>{lang.t(Key::RetTitleOne)}</th>
                <th>{lang.t(Key::RetOrder)}</th>
                <th>{lang.t(Key::RetFilterStatus)}</th>
                <th>{lang.t(Key::RetResolution)}</th>
                <th>{lang.t(Key::RetRefundAmount)}</th>
                <th>{lang.t(Key::RetCreated)}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|r| { let h = href(&r.id); summary_row(r, h, lang) }).collect_view()}
            </tbody>
        </table>
    }
}

/// A return's details: status, money, lines and what arrived (shared by
/// the portal and the console).
pub fn return_details(r: &Return, lang: Lang) -> impl IntoView {
    let rejected = r.rejection_reason.clone().map(|why| {
        view! { <p class="error return-reason">{fill(lang.t(Key::RetRejectedBecause), &[("reason", &why)])}</p> }
    });
    let exchange = r.exchange_shipment.clone().map(|s| {
        view! { <p id="exchange-shipment">{fill(lang.t(Key::RetExchangeShipment), &[("number", &s.number), ("status", &s.status)])}</p> }
    });
    let lines = r
        .lines
        .iter()
        .map(|l| {
            let received = (l.received_restocked + l.received_damaged + l.received_missing > 0).then(|| {
                fill(
                    lang.t(Key::RetReceivedCounts),
                    &[
                        ("restocked", &l.received_restocked.to_string()),
                        ("damaged", &l.received_damaged.to_string()),
                        ("missing", &l.received_missing.to_string()),
                    ],
                )
            });
            view! {
                <tr class="return-line" data-sku=l.sku.clone()>
                    <td>{l.name.clone()} " " <span class="muted sku">{l.sku.clone()}</span>
                        {l.exchange_sku.clone().map(|x| view! { " → " <span class="sku">{x}</span> })}</td>
                    <td>{l.quantity} " × " {l.unit_price.to_string()}</td>
                    <td>{lang.t(return_reason_key(l.reason))}</td>
                    <td class="line-refund">{l.refund.to_string()}</td>
                    <td>{received}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="return-details" data-status=r.status.as_str()>
            <p>{status_badge(r.status, lang)} " · " {lang.t(return_resolution_key(r.resolution))}
               " · " {lang.t(Key::RetOrder)} " " <span id="return-order">{r.order_number.clone()}</span></p>
            {rejected}
            {r.note.clone().map(|n| view! { <p class="muted" style="white-space:pre-line">{n}</p> })}
            <table class="return-lines">
                <thead><tr>
                    <th>{lang.t(Key::RetColItem)}</th>
                    <th>{lang.t(Key::RetColQuantity)}</th>
                    <th>{lang.t(Key::RetColReason)}</th>
                    <th>{lang.t(Key::RetRefundAmount)}</th>
                    <th></th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
            <p>{lang.t(Key::RetRefundAmount)} ": " <strong id="refund-amount">{r.refund_amount.to_string()}</strong>
               " (" {lang.t(Key::RetShippingRefund)} " " {r.shipping_refund.to_string()} ")"</p>
            <p>{lang.t(Key::RetRefunded)} ": " <span id="refunded-amount">{r.refunded_amount.to_string()}</span></p>
            {exchange}
        </section>
    }
}
