//! The shipping address inputs shared by checkout and the console's order
//! entry, named as the API's `AddressInput` spells them (the form handlers
//! pass them through).

use crate::i18n::{Key, Lang};
use leptos::prelude::*;

/// The shipping address inputs, named as `AddressInput` spells them.
#[component]
pub fn AddressFields(lang: Lang, #[prop(optional)] name: String) -> impl IntoView {
    view! {
        <fieldset class="stack" id="address-fields">
            <legend>{lang.t(Key::ShippingAddress)}</legend>
            <label>
                {lang.t(Key::RecipientName)}
                <input type="text" name="name" id="addr-name" required maxlength="100" autocomplete="name" value=name />
            </label>
            <label>
                {lang.t(Key::Phone)}
                <input type="tel" name="phone" id="addr-phone" required maxlength="30" autocomplete="tel" />
            </label>
            <label>
                {lang.t(Key::AddressLine1)}
                <input type="text" name="line1" id="addr-line1" required maxlength="200" autocomplete="address-line1" />
            </label>
            <label>
                {lang.t(Key::AddressLine2)}
                <input type="text" name="line2" id="addr-line2" maxlength="200" autocomplete="address-line2" />
            </label>
            <div class="row">
                <label>
                    {lang.t(Key::City)}
                    <input type="text" name="city" id="addr-city" required maxlength="100" autocomplete="address-level2" />
                </label>
                <label>
                    {lang.t(Key::Region)}
                    <input type="text" name="region" id="addr-region" maxlength="100" autocomplete="address-level1" />
                </label>
            </div>
            <div class="row">
                <label>
                    {lang.t(Key::PostalCode)}
                    <input type="text" name="postalCode" id="addr-postal" required maxlength="20" autocomplete="postal-code" />
                </label>
                <label>
                    {lang.t(Key::Country)}
                    <input type="text" name="country" id="addr-country" required maxlength="2" value="CN" autocomplete="country" />
                </label>
            </div>
        </fieldset>
    }
}
