//! A change request as stored and as the API reads it: its input and its
//! priced preview (JSON columns), and the row as a [`ChangeRequest`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::change_request;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::load::{Take, warehouse_codes};
use crate::domain::changes::{ChangeInput, ChangeKind, ChangeStatus, Plan};
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::inventory::Allocation;
use crate::domain::orders::Address;
use crate::error::{AppError, AppResult};

/// The stored form of an address.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StoredAddress {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

impl From<&Address> for StoredAddress {
    fn from(a: &Address) -> Self {
        StoredAddress {
            name: a.name.clone(),
            phone: a.phone.clone(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
        }
    }
}

impl From<StoredAddress> for Address {
    fn from(a: StoredAddress) -> Self {
        Address {
            name: a.name,
            phone: a.phone,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

/// The request as asked, for approval later (and for idempotency: the
/// same key must carry the same input).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StoredInput {
    pub address: Option<StoredAddress>,
    pub set_quantities: Vec<(String, i64)>,
    pub remove_skus: Vec<String>,
    pub add_lines: Vec<(String, i64)>,
    pub delivery_method: Option<String>,
    pub cancel: Vec<(String, i64)>,
    pub reason: Option<String>,
}

impl StoredInput {
    pub fn of(i: &ChangeInput, reason: Option<String>) -> StoredInput {
        StoredInput {
            address: i.address.as_ref().map(Into::into),
            set_quantities: i.set_quantities.clone(),
            remove_skus: i.remove_skus.clone(),
            add_lines: i.add_lines.clone(),
            delivery_method: i.delivery_method.map(|m| m.as_str().to_string()),
            cancel: i.cancel.clone(),
            reason,
        }
    }

    pub fn input(&self) -> AppResult<ChangeInput> {
        Ok(ChangeInput {
            address: self.address.clone().map(Into::into),
            set_quantities: self.set_quantities.clone(),
            remove_skus: self.remove_skus.clone(),
            add_lines: self.add_lines.clone(),
            delivery_method: match &self.delivery_method {
                None => None,
                Some(m) => Some(DeliveryMethod::parse(m).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("stored change has a bad method {m:?}"))
                })?),
            },
            cancel: self.cancel.clone(),
        })
    }
}

/// One line before and after.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PreviewLine {
    pub sku: String,
    pub name: String,
    pub unit_price_minor: i64,
    pub before: i64,
    pub after: i64,
    pub added: bool,
}

/// Units moving in one warehouse: negative released, positive allocated.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StockEffect {
    pub sku: String,
    pub warehouse: String,
    pub delta: i64,
}

/// What a change does, priced.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub currency: String,
    pub lines: Vec<PreviewLine>,
    pub subtotal_before: i64,
    pub subtotal_after: i64,
    pub fee_before: i64,
    pub fee_after: i64,
    pub total_before: i64,
    pub total_after: i64,
    pub amount_delta: i64,
    pub stock_effects: Vec<StockEffect>,
    pub needs_approval: bool,
    pub approval_reasons: Vec<String>,
    pub address: Option<StoredAddress>,
    pub delivery_method: Option<String>,
    /// Money that goes back to the customer when applied (captured beyond
    /// the new total), when known.
    #[serde(default)]
    pub refund: i64,
}

impl Preview {
    pub(super) async fn of(
        db: &impl sea_orm::ConnectionTrait,
        plan: &Plan,
        takes: &[Take],
        allocs: &[Allocation],
    ) -> AppResult<Preview> {
        let codes = warehouse_codes(db).await?;
        let sku = |pid: Uuid| {
            plan.lines
                .iter()
                .find(|l| l.product_id == pid)
                .map(|l| l.sku.clone())
                .unwrap_or_default()
        };
        let mut effects: Vec<StockEffect> = Vec::new();
        let mut add = |sku: String, wh: Uuid, delta: i64| {
            let warehouse = codes.get(&wh).cloned().unwrap_or_default();
            match effects
                .iter_mut()
                .find(|e| e.sku == sku && e.warehouse == warehouse)
            {
                Some(e) => e.delta += delta,
                None => effects.push(StockEffect {
                    sku,
                    warehouse,
                    delta,
                }),
            }
        };
        for t in takes {
            add(t.sku.clone(), t.warehouse_id, -t.quantity);
        }
        for a in allocs {
            add(sku(a.product_id), a.warehouse_id, a.quantity);
        }
        Ok(Preview {
            currency: plan.currency.clone(),
            lines: plan
                .lines
                .iter()
                .map(|l| PreviewLine {
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    unit_price_minor: l.unit_price_minor,
                    before: l.before,
                    after: l.after,
                    added: l.added,
                })
                .collect(),
            subtotal_before: plan.subtotal_before,
            subtotal_after: plan.subtotal_after,
            fee_before: plan.fee_before,
            fee_after: plan.fee_after,
            total_before: plan.total_before(),
            total_after: plan.total_after(),
            amount_delta: plan.amount_delta(),
            stock_effects: effects,
            needs_approval: plan.needs_approval,
            approval_reasons: plan.approval_reasons.clone(),
            address: plan.address.as_ref().map(Into::into),
            delivery_method: plan.method.map(|m| m.as_str().to_string()),
            refund: 0,
        })
    }
}

/// A change request as the API shows it.
#[derive(Clone, Debug)]
pub struct ChangeRequest {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub kind: ChangeKind,
    pub status: ChangeStatus,
    pub requested_by: String,
    pub input: StoredInput,
    pub preview: Preview,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn corrupt(id: Uuid, what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "change request {id} has a bad stored {what}"
    ))
}

/// A stored row as a [`ChangeRequest`] (`numbers`: order numbers by id).
pub fn from_row(
    r: change_request::Model,
    numbers: &HashMap<Uuid, String>,
) -> AppResult<ChangeRequest> {
    Ok(ChangeRequest {
        kind: ChangeKind::parse(&r.kind).ok_or_else(|| corrupt(r.id, "kind"))?,
        status: ChangeStatus::parse(&r.status).ok_or_else(|| corrupt(r.id, "status"))?,
        input: serde_json::from_str(&r.input).map_err(|_| corrupt(r.id, "input"))?,
        preview: serde_json::from_str(&r.preview).map_err(|_| corrupt(r.id, "preview"))?,
        order_number: numbers.get(&r.order_id).cloned().unwrap_or_default(),
        id: r.id,
        order_id: r.order_id,
        requested_by: r.requested_by,
        decided_by: r.decided_by,
        reason: r.reason,
        created_at: r.created_at,
        updated_at: r.updated_at,
        decided_at: r.decided_at,
    })
}
