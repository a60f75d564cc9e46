//! The console's payment panel: per payment its amounts and ledger, and
//! for finance and admin the forms that move money (capture, void,
//! refund, record a cash or transfer payment), each a plain form posted to
//! `backend/src/http/portal_forms/payments.rs`.
//!
//! Every form says what it will do before it is done ("Refund ¥299.00 of
//! ¥1208.00 captured."), rendered on the server from the default amount
//! and kept current as the amount is typed once the page is hydrated.
//! Each carries its own idempotency key (`{key_base}-{form}-{payment}`,
//! fresh for every render of the page), so a double submit moves money once.

use crate::api::orders::Order;
use crate::api::payments::{Payment, PaymentEvent, minor_from_text};
use crate::api::types::Money;
use crate::components::order::{actor_label, format_time};
use crate::components::payment::{OrderPaymentBadge, PaymentStatusBadge, payable};
use crate::components::url_encode;
use crate::i18n::{Key, Lang, fill, method_key, payment_event_kind_key, payment_event_status_key};
use crate::schema::PaymentMethod;
use leptos::prelude::*;

/// What a money form will do, in the reader's language: `effect` filled
/// with the typed amount, `total` and the method; a hint when the amount
/// cannot be read.
pub fn effect_text(
    lang: Lang,
    effect: Key,
    amount: &str,
    total: &Money,
    method: Option<PaymentMethod>,
) -> String {
    match minor_from_text(amount).filter(|m| *m > 0) {
        Some(minor) => fill(
            lang.t(effect),
            &[
                (
                    "amount",
                    &Money::from_minor(minor, &total.currency_code).to_string(),
                ),
                ("total", &total.to_string()),
                ("method", method.map_or("", |m| lang.t(method_key(m)))),
            ],
        ),
        None => lang.t(Key::EffectBadAmount).to_owned(),
    }
}

/// An amount input and the sentence saying what submitting will do.
#[component]
fn AmountWithEffect(
    lang: Lang,
    effect: Key,
    default: String,
    total: Money,
    #[prop(optional)] method: Option<RwSignal<Option<PaymentMethod>>>,
    id: String,
) -> impl IntoView {
    let amount = RwSignal::new(default.clone());
    let sentence = move || {
        effect_text(
            lang,
            effect,
            &amount.get(),
            &total,
            method.and_then(|m| m.get()),
        )
    };
    view! {
        <label>
            {lang.t(Key::AmountInput)}
            <input
                type="text"
                name="amount"
                inputmode="decimal"
                autocomplete="off"
                required
                id=format!("{id}-amount")
                value=default
                on:input=move |ev| amount.set(event_target_value(&ev))
            />
        </label>
        <p class="effect" id=format!("{id}-effect")>{sentence}</p>
    }
    .into_any()
}

/// The money forms of one payment (finance and admin only).
#[component]
fn MoneyForms(payment: Payment, number: String, key_base: String, lang: Lang) -> impl IntoView {
    let base = format!("/console/payments/{}", url_encode(&payment.id));
    let short: String = payment.id.chars().filter(|c| *c != '-').collect();
    let key = |form: &str| format!("{key_base}-{form}-{short}");
    let capture = payment.can_capture().then(|| {
        view! {
            <form method="post" action=format!("{base}/capture") class="stack money-form capture-form"
                data-payment-id=payment.id.clone() id=format!("capture-{short}")>
                <input type="hidden" name="orderNumber" value=number.clone() />
                <input type="hidden" name="idempotencyKey" value=key("capture") />
                <AmountWithEffect lang effect=Key::EffectCapture default=payment.capturable.amount.clone()
                    total=payment.authorized.clone() id=format!("capture-{short}") />
                <button type="submit">{lang.t(Key::CapturePayment)}</button>
            </form>
            <form method="post" action=format!("{base}/void") class="stack money-form void-form"
                data-payment-id=payment.id.clone() id=format!("void-{short}")>
                <input type="hidden" name="orderNumber" value=number.clone() />
                <input type="hidden" name="idempotencyKey" value=key("void") />
                <p class="effect">
                    {fill(lang.t(Key::EffectVoid), &[("amount", &payment.capturable.to_string())])}
                </p>
                <button type="submit" class="danger">{lang.t(Key::VoidPayment)}</button>
            </form>
        }
    });
    let refund = payment.can_refund().then(|| {
        view! {
            <form method="post" action=format!("{base}/refund") class="stack money-form refund-form"
                data-payment-id=payment.id.clone() id=format!("refund-{short}")>
                <input type="hidden" name="orderNumber" value=number.clone() />
                <input type="hidden" name="idempotencyKey" value=key("refund") />
                <AmountWithEffect lang effect=Key::EffectRefund default=payment.refundable.amount.clone()
                    total=payment.captured.clone() id=format!("refund-{short}") />
                <label>
                    {lang.t(Key::RefundReason)}
                    <input type="text" name="reason" required maxlength="500" id=format!("refund-{short}-reason") />
                </label>
                <button type="submit" class="danger">{lang.t(Key::RefundPayment)}</button>
            </form>
        }
    });
    view! { {capture} {refund} }
}

/// One ledger entry as a table row.
fn ledger_row(lang: Lang, e: PaymentEvent) -> impl IntoView {
    view! {
        <tr class="payment-event" data-kind=e.kind.as_str() data-status=e.status.as_str()>
            <td><time datetime=e.at.clone()>{format_time(&e.at)}</time></td>
            <td>{lang.t(payment_event_kind_key(e.kind))}</td>
            <td>{lang.t(payment_event_status_key(e.status))}</td>
            <td class="num">{e.amount.to_string()}</td>
            <td>{actor_label(lang, &e.actor)}</td>
            <td class="muted">
                {e.provider_reference.unwrap_or_default()}
                {e.note.filter(|n| !n.is_empty()).map(|n| view! { " " <q>{n}</q> })}
            </td>
        </tr>
    }
    .into_any()
}

/// One payment: amounts, ledger and (for finance/admin) its forms.
#[component]
fn PaymentCard(
    payment: Payment,
    number: String,
    key_base: String,
    can_move_money: bool,
    lang: Lang,
) -> impl IntoView {
    let facts = [
        (Key::Amount, payment.amount.to_string(), "amount"),
        (
            Key::AuthorizedAmount,
            payment.authorized.to_string(),
            "authorized",
        ),
        (
            Key::CapturedAmount,
            payment.captured.to_string(),
            "captured",
        ),
        (
            Key::RefundedAmount,
            payment.refunded.to_string(),
            "refunded",
        ),
        (
            Key::CapturableAmount,
            payment.capturable.to_string(),
            "capturable",
        ),
        (
            Key::RefundableAmount,
            payment.refundable.to_string(),
            "refundable",
        ),
    ]
    .into_iter()
    .map(|(key, value, name)| {
        view! { <dt>{lang.t(key)}</dt><dd class=format!("pay-{name}")>{value}</dd> }
    })
    .collect_view();
    let events = payment
        .events
        .clone()
        .into_iter()
        .map(|e| ledger_row(lang, e))
        .collect_view();
    let forms = can_move_money.then(|| {
        view! { <MoneyForms payment=payment.clone() number key_base lang /> }
    });
    view! {
        <div class="payment card" data-payment-id=payment.id.clone() data-method=payment.method.as_str()
            data-status=payment.status.as_str()>
            <h3>
                {lang.t(method_key(payment.method))} " "
                <PaymentStatusBadge status=payment.status lang />
            </h3>
            <dl class="facts">
                <dt>{lang.t(Key::PaymentReference)}</dt>
                <dd class="pay-reference">{payment.reference.clone()}</dd>
                {payment.provider_reference.clone().map(|r| view! {
                    <dt>{lang.t(Key::ProviderReference)}</dt><dd>{r}</dd>
                })}
                <dt>{lang.t(Key::CreatedAt)}</dt>
                <dd><time datetime=payment.created_at.clone()>{format_time(&payment.created_at)}</time></dd>
                {facts}
            </dl>
            <h4>{lang.t(Key::PaymentLedger)}</h4>
            <div class="table-wrap">
                <table class="lines payment-ledger">
                    <thead>
                        <tr>
                            <th>{lang.t(Key::LedgerTime)}</th>
                            <th>{lang.t(Key::LedgerOperation)}</th>
                            <th>{lang.t(Key::Status)}</th>
                            <th class="num">{lang.t(Key::Amount)}</th>
                            <th>{lang.t(Key::LedgerBy)}</th>
                            <th>{lang.t(Key::ProviderReference)}</th>
                        </tr>
                    </thead>
                    <tbody>{events}</tbody>
                </table>
            </div>
            <div class="two-col">{forms}</div>
        </div>
    }
    .into_any()
}

/// The "record a payment" form: cash on delivery or a bank transfer,
/// the amount due by default.
#[component]
fn RecordPayment(order: Order, key_base: String, lang: Lang) -> impl IntoView {
    let methods: Vec<PaymentMethod> = order
        .channel
        .payment_methods
        .iter()
        .copied()
        .filter(|m| {
            matches!(
                m,
                PaymentMethod::CashOnDelivery | PaymentMethod::BankTransfer
            )
        })
        .collect();
    let first = order
        .payment_method
        .filter(|m| methods.contains(m))
        .or_else(|| methods.first().copied());
    let chosen = RwSignal::new(first);
    let options = methods
        .iter()
        .map(|&m| {
            view! { <option value=m.as_str() selected=Some(m) == first>{lang.t(method_key(m))}</option> }
        })
        .collect_view();
    let action = format!(
        "/console/orders/{}/record-payment",
        url_encode(&order.number)
    );
    view! {
        <form method="post" action=action class="card stack money-form" id="record-payment">
            <h3>{lang.t(Key::RecordPayment)}</h3>
            <input type="hidden" name="idempotencyKey" value=format!("{key_base}-record") />
            <label>
                {lang.t(Key::PaymentMethodLabel)}
                <select name="method" id="record-method" required
                    on:change=move |ev| chosen.set(PaymentMethod::parse(&event_target_value(&ev)))>
                    {options}
                </select>
            </label>
            <AmountWithEffect lang effect=Key::EffectRecord default=order.amount_due.amount.clone()
                total=order.amount_due.clone() method=chosen id="record".to_owned() />
            <label>
                {lang.t(Key::ReferenceInput)}
                <input type="text" name="reference" required maxlength="100" id="record-reference" />
            </label>
            <button type="submit">{lang.t(Key::RecordPayment)}</button>
        </form>
    }
    .into_any()
}

/// The console's payment section of an order (`#payment-panel`).
#[component]
pub fn PaymentPanel(
    order: Order,
    key_base: String,
    can_move_money: bool,
    lang: Lang,
) -> impl IntoView {
    let cards = order
        .payments
        .iter()
        .cloned()
        .map(|payment| {
            view! {
                <PaymentCard payment number=order.number.clone() key_base=key_base.clone()
                    can_move_money lang />
            }
        })
        .collect_view();
    let offers_manual = order.channel.payment_methods.iter().any(|m| {
        matches!(
            m,
            PaymentMethod::CashOnDelivery | PaymentMethod::BankTransfer
        )
    });
    let record = (can_move_money && payable(&order) && offers_manual).then(|| {
        view! { <RecordPayment order=order.clone() key_base=key_base.clone() lang /> }
    });
    view! {
        <section class="card" id="payment-panel">
            <h2>{lang.t(Key::PaymentsHeading)}</h2>
            <dl class="facts">
                <dt>{lang.t(Key::PaymentStatusLabel)}</dt>
                <dd><OrderPaymentBadge status=order.payment_status lang id="order-payment-status" /></dd>
                <dt>{lang.t(Key::AmountDue)}</dt>
                <dd id="order-amount-due">{order.amount_due.to_string()}</dd>
            </dl>
            {(!can_move_money).then(|| view! { <p class="muted" id="money-staff-only">{lang.t(Key::MoneyStaffOnly)}</p> })}
            {order.payments.is_empty().then(|| view! { <p class="muted" id="payments-empty">{lang.t(Key::NoPayments)}</p> })}
            {cards}
            {record}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_say_what_they_will_do() {
        let captured = Money::from_minor(120800, "CNY");
        assert_eq!(
            effect_text(Lang::En, Key::EffectRefund, "299", &captured, None),
            "Refund ¥299.00 of ¥1208.00 captured."
        );
        assert_eq!(
            effect_text(Lang::Zh, Key::EffectRefund, "299.00", &captured, None),
            "将从已扣款的 ¥1208.00 中退款 ¥299.00。"
        );
        assert_eq!(
            effect_text(
                Lang::En,
                Key::EffectRecord,
                "10.5",
                &captured,
                Some(PaymentMethod::BankTransfer)
            ),
            "Bank transfer: record ¥10.50 received, of ¥1208.00 due."
        );
        assert_eq!(
            effect_text(Lang::En, Key::EffectCapture, "12.345", &captured, None),
            "Enter an amount such as 299.00."
        );
        assert_eq!(
            effect_text(Lang::En, Key::EffectCapture, "0", &captured, None),
            "Enter an amount such as 299.00."
        );
    }
}
