//! Validating a request to place an order: who places it for whom through
//! which channel, and every field, before anything touches stock. Turns the
//! raw request into a [`Valid`] order or an INVALID_INPUT naming the field.

use uuid::Uuid;

use crate::crypto::hash_password;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::auth::{Principal, Role};
use crate::domain::catalog::Sku;
use crate::domain::channels::PORTAL_CHANNEL;
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::orders::{
    MAX_LINE_QUANTITY, MAX_LINES, MAX_NOTE_CHARS, OrderStatus, merge_lines,
};
use crate::domain::pricing::RequestedLine;
use crate::error::{AppError, AppResult};
use crate::services::users::parse_email;
use crate::state::AppState;

/// One requested line.
#[derive(Clone, Debug)]
pub struct LineIn {
    pub sku: String,
    pub quantity: i64,
}

/// A shipping address as entered: the same shape as the one the order
/// keeps, checked by `validate_address` before it is stored.
pub use crate::domain::orders::Address as AddressIn;

/// A request to place an order, from any entry path.
#[derive(Clone, Debug)]
pub struct PlaceOrder {
    pub idempotency_key: String,
    pub channel: Option<String>,
    pub customer_email: Option<String>,
    pub external_id: Option<String>,
    pub lines: Vec<LineIn>,
    pub address: AddressIn,
    pub shipping_method: String,
    /// PICKUP: the pickup point's warehouse code.
    pub pickup_point: Option<String>,
    pub note: Option<String>,
    /// Chosen at checkout (optional: the customer may choose when paying).
    pub payment_method: Option<crate::domain::payments::PaymentMethod>,
}

/// The request after validation: normalized, merged, and who it is for.
/// A customer account to create with the order (staff-entered orders).
pub(super) struct NewCustomer {
    pub(super) id: Uuid,
    pub(super) email: String,
    pub(super) name: String,
    pub(super) password_hash: String,
}

pub(super) struct Valid {
    pub(super) new_customer: Option<NewCustomer>,
    pub(super) key: String,
    pub(super) scope: String,
    pub(super) channel_id: Uuid,
    pub(super) customer_id: Option<Uuid>,
    pub(super) customer_email: String,
    pub(super) customer_name: String,
    pub(super) external_id: Option<String>,
    /// Merged lines, each with the index of the client's first line of it.
    pub(super) lines: Vec<RequestedLine>,
    pub(super) address: AddressIn,
    pub(super) method: DeliveryMethod,
    /// PICKUP: the pickup point (an active warehouse marked as one).
    pub(super) pickup: Option<entity::warehouse::Model>,
    pub(super) note: Option<String>,
    pub(super) hash: String,
    pub(super) initial: OrderStatus,
    pub(super) payment_method: Option<crate::domain::payments::PaymentMethod>,
}

fn field(name: &str, text: &str, max: usize, required: bool) -> AppResult<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return if required {
            Err(AppError::invalid(name, "is required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            name,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(t.to_string()))
}

fn req(name: &str, text: &str, max: usize) -> AppResult<String> {
    Ok(field(name, text, max, true)?.unwrap_or_default())
}

pub(crate) fn validate_address(a: &AddressIn) -> AppResult<AddressIn> {
    Ok(AddressIn {
        name: req("shippingAddress.name", &a.name, 100)?,
        phone: req("shippingAddress.phone", &a.phone, 40)?,
        line1: req("shippingAddress.line1", &a.line1, 200)?,
        line2: field(
            "shippingAddress.line2",
            a.line2.as_deref().unwrap_or(""),
            200,
            false,
        )?,
        city: req("shippingAddress.city", &a.city, 100)?,
        region: field(
            "shippingAddress.region",
            a.region.as_deref().unwrap_or(""),
            100,
            false,
        )?,
        postal_code: req("shippingAddress.postalCode", &a.postal_code, 20)?,
        country: req("shippingAddress.country", &a.country, 56)?,
    })
}

/// Who places the order, for whom, through which channel, and its first
/// status: decided by the caller's kind.
struct Origin {
    scope: String,
    channel_code: String,
    customer_id: Option<Uuid>,
    email: String,
    name: String,
    initial: OrderStatus,
    /// A customer account to create with the order (id, email, name).
    new_customer: Option<(Uuid, String, String)>,
}

async fn origin(state: &AppState, p: &Principal, input: &PlaceOrder) -> AppResult<Origin> {
    match p {
        Principal::Anonymous => Err(AppError::Unauthenticated(
            "sign in to place an order".into(),
        )),
        Principal::User {
            id,
            role: Role::Customer,
            email,
            name,
            ..
        } => customer_origin(*id, email, name, input),
        Principal::User { id, role, .. } if STAFF_MAY_ENTER.contains(role) => {
            staff_origin(state, *id, input).await
        }
        Principal::Integration { key_id, channel_id } => {
            integration_origin(state, *key_id, *channel_id, input).await
        }
        Principal::User { .. } | Principal::System => {
            Err(AppError::Forbidden("your role may not place orders".into()))
        }
    }
}

/// Staff roles that may enter an order for a customer.
const STAFF_MAY_ENTER: [Role; 2] = [Role::Support, Role::Admin];

/// A customer orders for themselves, through the portal channel.
fn customer_origin(id: Uuid, email: &str, name: &str, input: &PlaceOrder) -> AppResult<Origin> {
    for (f, v) in [
        ("channel", &input.channel),
        ("customerEmail", &input.customer_email),
        ("externalId", &input.external_id),
    ] {
        if v.is_some() {
            return Err(AppError::invalid(
                f,
                "only staff or integrations may set this",
            ));
        }
    }
    Ok(Origin {
        scope: id.to_string(),
        channel_code: PORTAL_CHANNEL.to_string(),
        customer_id: Some(id),
        email: email.to_string(),
        name: name.to_string(),
        initial: OrderStatus::PendingPayment,
        new_customer: None,
    })
}

/// Support or admin enter an order for a customer, who gets an account
/// inside the order's transaction when they have none.
async fn staff_origin(state: &AppState, staff_id: Uuid, input: &PlaceOrder) -> AppResult<Origin> {
    if input.external_id.is_some() {
        return Err(AppError::invalid(
            "externalId",
            "only integrations import external orders",
        ));
    }
    let email = input.customer_email.as_deref().ok_or_else(|| {
        AppError::invalid("customerEmail", "is required for staff-entered orders")
    })?;
    let email = parse_email(email)
        .map_err(|_| AppError::invalid("customerEmail", "is not a valid email address"))?;
    let mut new_customer = None;
    let (customer_id, email, name) =
        match crate::services::users::find_customer(state, &email).await? {
            Some(c) => (c.id, c.email, c.name),
            None => {
                // A walk-in or phone customer without an account: it is created
                // in the order's transaction, so a rejected order leaves no
                // account behind.
                let new_id = Uuid::now_v7();
                let name = input.address.name.trim();
                let name = if name.is_empty() {
                    email.as_str()
                } else {
                    name
                };
                new_customer = Some((new_id, email.as_str().to_string(), name.to_string()));
                (new_id, email.as_str().to_string(), name.to_string())
            }
        };
    Ok(Origin {
        scope: staff_id.to_string(),
        channel_code: input
            .channel
            .clone()
            .unwrap_or_else(|| PORTAL_CHANNEL.into()),
        customer_id: Some(customer_id),
        email,
        name,
        initial: OrderStatus::PendingPayment,
        new_customer,
    })
}

/// An integration imports an order of its own channel, already paid there.
async fn integration_origin(
    state: &AppState,
    key_id: Uuid,
    channel_id: Uuid,
    input: &PlaceOrder,
) -> AppResult<Origin> {
    if input.channel.is_some() {
        return Err(AppError::invalid(
            "channel",
            "an integration key is bound to its channel",
        ));
    }
    let ext = input
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AppError::invalid("externalId", "is required for imported orders"))?;
    if ext.chars().count() > 100 {
        return Err(AppError::invalid(
            "externalId",
            "must be at most 100 characters",
        ));
    }
    let email = input
        .customer_email
        .as_deref()
        .ok_or_else(|| AppError::invalid("customerEmail", "is required for imported orders"))?;
    let email = parse_email(email)
        .map_err(|_| AppError::invalid("customerEmail", "is not a valid email address"))?;
    let ch = state
        .channels
        .by_id(&state.db.conn, channel_id)
        .await?
        .ok_or_else(|| AppError::Forbidden("the key's channel no longer exists".into()))?;
    Ok(Origin {
        scope: format!("key:{key_id}"),
        channel_code: ch.code,
        customer_id: None,
        email: email.as_str().to_string(),
        name: input.address.name.trim().to_string(),
        // Orders from a marketplace arrive paid on that marketplace.
        initial: OrderStatus::Confirmed,
        new_customer: None,
    })
}

fn check_key(raw: &str) -> AppResult<String> {
    let key = raw.trim();
    if key.len() < 8
        || key.len() > 100
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b))
    {
        return Err(AppError::invalid(
            "idempotencyKey",
            "must be 8 to 100 characters of letters, digits, - _ : .",
        ));
    }
    Ok(key.to_string())
}

/// Lines parsed, bounded and merged by SKU; errors name the client's line.
fn check_lines(input: &[LineIn]) -> AppResult<Vec<RequestedLine>> {
    if input.is_empty() {
        return Err(AppError::invalid(
            "lines",
            "an order needs at least one line",
        ));
    }
    if input.len() > MAX_LINES {
        return Err(AppError::invalid(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    let mut raw = Vec::with_capacity(input.len());
    for (i, l) in input.iter().enumerate() {
        let sku = Sku::parse(&l.sku)
            .ok_or_else(|| AppError::invalid(format!("lines[{i}].sku"), "is not a valid SKU"))?;
        if l.quantity <= 0 || l.quantity > MAX_LINE_QUANTITY {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                format!("must be between 1 and {MAX_LINE_QUANTITY}"),
            ));
        }
        raw.push((sku.as_str().to_string(), l.quantity));
    }
    let mut lines = Vec::new();
    for (sku, q) in merge_lines(&raw) {
        // Errors name the client's own line: the first one with this SKU.
        let first = raw.iter().position(|(s, _)| *s == sku).unwrap_or(0);
        if q > MAX_LINE_QUANTITY {
            return Err(AppError::invalid(
                "lines",
                format!("{sku}: at most {MAX_LINE_QUANTITY} units in one order"),
            ));
        }
        lines.push(RequestedLine {
            sku: Sku::parse(&sku).ok_or_else(|| AppError::invalid("lines", "bad SKU"))?,
            quantity: q,
            index: first,
        });
    }
    Ok(lines)
}

fn check_note(note: Option<&str>) -> AppResult<Option<String>> {
    match note.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => Err(AppError::invalid(
            "note",
            format!("must be at most {MAX_NOTE_CHARS} characters"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

/// What makes two requests "the same order" for idempotency.
fn request_hash(
    channel_code: &str,
    email: &str,
    external_id: &Option<String>,
    lines: &[RequestedLine],
    address: &AddressIn,
    method: &str,
    note: &Option<String>,
) -> String {
    let mut canon: Vec<String> = lines
        .iter()
        .map(|l| format!("{}x{}", l.sku.as_str(), l.quantity))
        .collect();
    canon.sort();
    sha256_hex(&format!(
        "{}|{}|{:?}|{}|{:?}|{:?}|{:?}",
        channel_code,
        email,
        external_id,
        canon.join(","),
        (
            &address.name,
            &address.phone,
            &address.line1,
            &address.line2,
            &address.city
        ),
        (
            &address.region,
            &address.postal_code,
            &address.country,
            method
        ),
        note
    ))
}

pub(super) async fn validate(
    state: &AppState,
    p: &Principal,
    input: &PlaceOrder,
) -> AppResult<Valid> {
    let o = origin(state, p, input).await?;
    let channel = crate::services::channels::active_by_code(state, &o.channel_code)
        .await?
        .ok_or_else(|| AppError::invalid("channel", "no such active channel"))?;
    let key = check_key(&input.idempotency_key)?;
    let mut initial = o.initial;
    if let Some(m) = input.payment_method {
        if !channel.payment_methods.contains(&m) {
            return Err(AppError::invalid(
                "paymentMethod",
                format!("channel {} does not offer {}", channel.code, m.as_str()),
            ));
        }
        // Cash on delivery: confirmed now, paid when the courier remits.
        if m == crate::domain::payments::PaymentMethod::CashOnDelivery
            && initial == OrderStatus::PendingPayment
        {
            initial = OrderStatus::Confirmed;
        }
    }
    let lines = check_lines(&input.lines)?;
    let address = validate_address(&input.address)?;
    let method = DeliveryMethod::parse(&input.shipping_method).ok_or_else(|| {
        AppError::invalid(
            "shippingMethod",
            "unknown shipping method; use EXPRESS, POSTAL or PICKUP",
        )
    })?;
    let pickup = crate::services::fulfillment::pickup_point_for(
        state,
        method,
        input.pickup_point.as_deref(),
    )
    .await?;
    let note = check_note(input.note.as_deref())?;
    let external_id = input.external_id.as_deref().map(|s| s.trim().to_string());
    let hash = request_hash(
        &channel.code,
        &o.email,
        &external_id,
        &lines,
        &address,
        &format!(
            "{}@{}",
            method.as_str(),
            pickup.as_ref().map_or("", |w| w.code.as_str())
        ),
        &note,
    );
    let new_customer = match o.new_customer {
        Some((id, email, name)) => Some(NewCustomer {
            id,
            email,
            name: name.chars().take(100).collect(),
            // Unusable until the customer resets it.
            password_hash: hash_password(random_token(24)).await?,
        }),
        None => None,
    };
    Ok(Valid {
        new_customer,
        key,
        scope: o.scope,
        channel_id: channel.id,
        customer_id: o.customer_id,
        customer_email: o.email,
        customer_name: if o.name.is_empty() {
            address.name.clone()
        } else {
            o.name
        },
        external_id,
        lines,
        address,
        method,
        pickup,
        note,
        hash,
        initial,
        payment_method: input.payment_method,
    })
}
