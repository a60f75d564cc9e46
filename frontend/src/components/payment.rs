//! Payment pieces shared by the customer's order page and the console's:
//! status badges, the list of an order's payments, and the customer's
//! "Pay now" section (a plain form posted to `POST /orders/{number}/pay`,
//! which starts the payment and sends the browser to the provider's page).

use crate::api::orders::Order;
use crate::api::payments::Payment;
use crate::components::order::format_time;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, fill, method_key, order_payment_status_key, payment_status_key};
use crate::schema::{OrderPaymentStatus, OrderStatus, PaymentMethod, PaymentStatus};
use leptos::prelude::*;

/// Where the order's payment stands, tagged for styling and tests
/// (`data-payment-status`).
#[component]
pub fn OrderPaymentBadge(
    status: OrderPaymentStatus,
    lang: Lang,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let class = format!("status pay-{}", status.as_str().to_ascii_lowercase());
    view! {
        <span class=class id=id data-payment-status=status.as_str()>
            {lang.t(order_payment_status_key(status))}
        </span>
    }
    .into_any()
}

/// Where one payment stands (`data-payment-status`).
#[component]
pub fn PaymentStatusBadge(status: PaymentStatus, lang: Lang) -> impl IntoView {
    let class = format!(
        "status payment-status pay-{}",
        status.as_str().to_ascii_lowercase()
    );
    view! {
        <span class=class data-payment-status=status.as_str()>
            {lang.t(payment_status_key(status))}
        </span>
    }
    .into_any()
}

/// Whether the customer may still be asked to pay: money is due and the
/// order is neither cancelled nor completed.
pub fn payable(order: &Order) -> bool {
    !matches!(
        order.status,
        OrderStatus::Cancelled | OrderStatus::Completed
    ) && order.amount_due.minor().is_some_and(|m| m > 0)
}

/// The order's payments: method, status and amounts (`#payments-table`,
/// one `.payment-row` per payment).
#[component]
pub fn PaymentsTable(payments: Vec<Payment>, lang: Lang) -> impl IntoView {
    if payments.is_empty() {
        return view! { <p class="muted" id="payments-empty">{lang.t(Key::NoPayments)}</p> }
            .into_any();
    }
    let rows = payments
        .into_iter()
        .map(|p| {
            view! {
                <tr class="payment-row" data-payment-id=p.id.clone() data-method=p.method.as_str()>
                    <td>{lang.t(method_key(p.method))}</td>
                    <td><PaymentStatusBadge status=p.status lang /></td>
                    <td class="num">{p.amount.to_string()}</td>
                    <td class="num">{p.captured.to_string()}</td>
                    <td class="num">{p.refunded.to_string()}</td>
                    <td><time datetime=p.created_at.clone()>{format_time(&p.created_at)}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="lines" id="payments-table">
                <thead>
                    <tr>
                        <th>{lang.t(Key::PaymentMethodLabel)}</th>
                        <th>{lang.t(Key::Status)}</th>
                        <th class="num">{lang.t(Key::Amount)}</th>
                        <th class="num">{lang.t(Key::CapturedAmount)}</th>
                        <th class="num">{lang.t(Key::RefundedAmount)}</th>
                        <th>{lang.t(Key::CreatedAt)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The payment still waiting with `method`, if any (the newest).
fn waiting(order: &Order, method: PaymentMethod) -> Option<&Payment> {
    order
        .payments
        .iter()
        .rev()
        .find(|p| p.method == method && p.status == PaymentStatus::Pending)
}

/// The customer's payment section: status, amount due, payments, what to
/// do for a transfer or cash on delivery, and one "Pay with …" button per
/// method the order's channel offers while something is due.
#[component]
pub fn CustomerPayment(order: Order, lang: Lang) -> impl IntoView {
    let due = order.amount_due.to_string();
    let show_pay = payable(&order);
    let transfer = waiting(&order, PaymentMethod::BankTransfer)
        .filter(|_| show_pay)
        .map(|p| {
            let text = fill(
                lang.t(Key::BankTransferText),
                &[("amount", &due), ("reference", &p.reference)],
            );
            view! {
                <div class="notice" id="bank-transfer" data-reference=p.reference.clone()>
                    <strong>{lang.t(Key::BankTransferTitle)}</strong>
                    " "
                    {text}
                </div>
            }
        });
    let cash =
        (show_pay && order.payment_method == Some(PaymentMethod::CashOnDelivery)).then(|| {
            view! {
                <p class="notice" id="cash-on-delivery">
                    {fill(lang.t(Key::CashOnDeliveryText), &[("amount", &due)])}
                </p>
            }
        });
    let deadline = order
        .payments
        .iter()
        .rev()
        .find(|p| p.status == PaymentStatus::Pending)
        .and_then(|p| p.expires_at.clone())
        .filter(|_| show_pay)
        .map(|at| {
            view! { <p class="muted" id="pay-by">{fill(lang.t(Key::PayBy), &[("time", &format_time(&at))])}</p> }
        });
    let pay_now = (show_pay && !order.channel.payment_methods.is_empty()).then(|| {
        let action = format!("/orders/{}/pay", url_encode(&order.number));
        // The method chosen at checkout first.
        let mut methods = order.channel.payment_methods.clone();
        if let Some(chosen) = order.payment_method {
            methods.sort_by_key(|m| *m != chosen);
        }
        let buttons = methods
            .into_iter()
            .map(|m| {
                let label = match m {
                    PaymentMethod::CashOnDelivery => lang.t(Key::PayOnDelivery).to_owned(),
                    PaymentMethod::BankTransfer => lang.t(Key::PayByTransfer).to_owned(),
                    PaymentMethod::Card | PaymentMethod::Alipay | PaymentMethod::WechatPay => {
                        fill(lang.t(Key::PayWith), &[("method", lang.t(method_key(m)))])
                    }
                };
                view! {
                    <button
                        type="submit"
                        name="method"
                        value=m.as_str()
                        class="pay-method"
                        id=format!("pay-{}", m.as_str().to_ascii_lowercase().replace('_', "-"))
                    >
                        {label}
                    </button>
                }
            })
            .collect_view();
        view! {
            <form method="post" action=action class="stack" id="pay-now">
                <h3>{lang.t(Key::PayNow)}</h3>
                <p>{fill(lang.t(Key::PayNowIntro), &[("amount", &due)])}</p>
                <div class="button-row">{buttons}</div>
            </form>
        }
    });
    view! {
        <section class="card" id="order-payment">
            <h2>{lang.t(Key::PaymentSection)}</h2>
            <dl class="facts">
                <dt>{lang.t(Key::PaymentStatusLabel)}</dt>
                <dd><OrderPaymentBadge status=order.payment_status lang id="order-payment-status" /></dd>
                <dt>{lang.t(Key::AmountDue)}</dt>
                <dd id="order-amount-due">{due.clone()}</dd>
                {order.payment_method.map(|m| view! {
                    <dt>{lang.t(Key::PaymentMethodLabel)}</dt>
                    <dd id="order-payment-method" data-method=m.as_str()>{lang.t(method_key(m))}</dd>
                })}
            </dl>
            {transfer}
            {cash}
            {deadline}
            {pay_now}
            <h3>{lang.t(Key::PaymentsHeading)}</h3>
            <PaymentsTable payments=order.payments.clone() lang />
        </section>
    }
    .into_any()
}
