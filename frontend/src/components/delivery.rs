//! Choosing how an order is delivered (checkout and the console's order
//! entry): each method's fee for the cart, and the pickup point select.

use crate::api::fulfillment::{PickupPoint, ShippingQuotes};
use crate::api::orders::ShippingMethod;
use crate::i18n::{Key, Lang, fill};
use crate::schema::DeliveryMethod;
use leptos::prelude::*;

/// The fee to show next to a method: its quote for the cart ("Free" when
/// zero), else its flat fee as "from ¥10.00".
pub fn fee_label(lang: Lang, method: &ShippingMethod, quotes: Option<&ShippingQuotes>) -> String {
    let parsed = DeliveryMethod::parse(&method.code.to_ascii_uppercase());
    match (parsed, quotes) {
        (Some(m), Some(q)) => {
            let fee = q.fee(m);
            if fee.minor() == Some(0) {
                lang.t(Key::ShipFree).to_owned()
            } else {
                fee.to_string()
            }
        }
        _ => fill(
            lang.t(Key::ShipFeeFrom),
            &[("fee", &method.fee.to_string())],
        ),
    }
}

/// Whether `code` is the PICKUP method.
pub fn is_pickup(code: &str) -> bool {
    code.eq_ignore_ascii_case(DeliveryMethod::Pickup.as_str())
}

/// `<select name="pickupPoint">` of the pickup points, labelled as being
/// for store pickup only (the form handler sends it only with PICKUP).
/// `hidden` hides it (with JavaScript on, while another method is chosen).
#[component]
pub fn PickupPointSelect(
    points: Vec<PickupPoint>,
    lang: Lang,
    #[prop(into, optional)] hidden: Signal<bool>,
) -> impl IntoView {
    let options = points
        .into_iter()
        .map(|p| {
            let label = if p.region.is_empty() {
                p.name
            } else {
                format!("{} ({})", p.name, p.region)
            };
            view! { <option value=p.code>{label}</option> }
        })
        .collect_view();
    view! {
        <label class="pickup-fields" id="pickup-point-field" hidden=move || hidden.get()>
            {lang.t(Key::PickupPointFor)}
            <select name="pickupPoint" id="pickup-point">{options}</select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Money;

    fn money(amount: &str) -> Money {
        Money {
            amount: amount.into(),
            currency_code: "CNY".into(),
        }
    }

    #[test]
    fn fees_are_quoted_for_the_cart_else_shown_as_a_starting_price() {
        let express = ShippingMethod {
            code: "EXPRESS".into(),
            fee: money("15.00"),
        };
        let pickup = ShippingMethod {
            code: "PICKUP".into(),
            fee: money("0.00"),
        };
        let quotes = ShippingQuotes {
            express: money("23.00"),
            postal: money("8.00"),
            pickup: money("0.00"),
        };
        assert_eq!(fee_label(Lang::En, &express, Some(&quotes)), "¥23.00");
        assert_eq!(fee_label(Lang::En, &pickup, Some(&quotes)), "Free");
        assert_eq!(fee_label(Lang::Zh, &pickup, Some(&quotes)), "免运费");
        assert_eq!(fee_label(Lang::En, &express, None), "from ¥15.00");
        assert_eq!(fee_label(Lang::Zh, &express, None), "¥15.00 起");
        assert!(is_pickup("pickup") && is_pickup("PICKUP") && !is_pickup("POSTAL"));
    }
}
