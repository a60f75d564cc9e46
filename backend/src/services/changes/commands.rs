//! The change commands: preview (read-only), request (applied at once or
//! left for support), approve, reject, and cancelling lines. Each write is
//! one transaction that takes the order row's lock first, re-reads the
//! order, and re-decides from what it finds, so a change racing a ship
//! loses with CONFLICT or makes the ship lose.

use chrono::Utc;
use entity::{change_request, order, order_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::apply::apply;
use super::load::{Loaded, allocations, catalog_for, load, releases};
use super::stored::{ChangeRequest, Preview, StoredInput};
use crate::domain::auth::{Principal, Role};
use crate::domain::changes::{
    ChangeError, ChangeEvent, ChangeInput, ChangeKind, ChangeStatus, MAX_REASON_CHARS, Mode, Plan,
    plan,
};
use crate::domain::notifications::EventType;
use crate::domain::orders::{EventKind, Order};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::services::orders::find_visible;
use crate::services::payments::store::lock_order;
use crate::state::AppState;

const REQUESTERS: &[Role] = &[Role::Customer, Role::Support, Role::Admin];
const DECIDERS: &[Role] = &[Role::Support, Role::Admin];

fn is_decider(p: &Principal) -> bool {
    p.role().is_some_and(|r| DECIDERS.contains(&r))
}

fn map_err(e: ChangeError) -> AppError {
    match e {
        ChangeError::Invalid { field, message } => AppError::invalid(field, message),
        ChangeError::Conflict(m) => AppError::Conflict(m),
    }
}

pub(super) fn check_key(raw: &str) -> AppResult<String> {
    let key = raw.trim();
    if key.len() < 8 || key.len() > 100 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "idempotencyKey",
            "must be 8 to 100 printable ASCII characters",
        ));
    }
    Ok(key.to_string())
}

fn check_reason(raw: Option<&str>, required: bool) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None if required => Err(AppError::invalid("reason", "give a reason")),
        None => Ok(None),
        Some(r) if r.chars().count() > MAX_REASON_CHARS => Err(AppError::invalid(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        )),
        Some(r) => Ok(Some(r.to_string())),
    }
}

fn checked_input(mut input: ChangeInput) -> AppResult<ChangeInput> {
    if let Some(a) = &input.address {
        let a = crate::services::orders::validate_address(a).map_err(|e| match e {
            AppError::InvalidInput { field, message } => AppError::InvalidInput {
                field: field.replacen("shippingAddress", "input.shippingAddress", 1),
                message,
            },
            other => other,
        })?;
        input.address = Some(a);
    }
    Ok(input)
}

/// Prices `input` against the order as read in `db`.
async fn price(
    db: &impl ConnectionTrait,
    l: &Loaded,
    input: &ChangeInput,
    mode: Mode,
) -> AppResult<Plan> {
    let catalog = catalog_for(db, input).await?;
    let rate = match input.delivery_method {
        Some(m) if m != l.current.method => {
            Some(crate::services::fulfillment::rate_for(db, m).await?)
        }
        _ => None,
    };
    plan(&l.current, input, mode, &catalog, rate.as_ref()).map_err(map_err)
}

async fn by_key(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    key: &str,
) -> AppResult<Option<change_request::Model>> {
    Ok(change_request::Entity::find()
        .filter(change_request::Column::OrderId.eq(order_id))
        .filter(change_request::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

fn same_request(
    row: &change_request::Model,
    kind: ChangeKind,
    input: &StoredInput,
) -> AppResult<()> {
    let stored: Option<StoredInput> = serde_json::from_str(&row.input).ok();
    if row.kind != kind.as_str() || stored.as_ref() != Some(input) {
        return Err(AppError::Conflict(
            "this idempotency key was already used for a different change".into(),
        ));
    }
    Ok(())
}

async fn reread(state: &AppState, id: Uuid) -> AppResult<ChangeRequest> {
    super::queries::one(&state.db.conn, id).await
}

/// Prices a change without writing anything: the lines before and after,
/// the difference to pay or to get back, the stock it moves, and whether
/// support must approve it.
pub async fn preview_order_change(
    state: &AppState,
    p: &Principal,
    number: &str,
    input: ChangeInput,
) -> AppResult<Preview> {
    authorize(p, REQUESTERS)?;
    let input = checked_input(input)?;
    let o = find_visible(state, p, number).await?;
    let db = &state.db.conn;
    let row = order::Entity::find_by_id(o.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no order {number}")))?;
    let l = load(db, row).await?;
    let plan = price(db, &l, &input, Mode::Change).await?;
    let takes = releases(db, &l, &plan).await?;
    let allocs = allocations(db, &l, &plan, state.config.routing_rule).await?;
    let mut preview = Preview::of(db, &plan, &takes, &allocs).await?;
    preview.refund = refund_estimate(db, &l, plan.total_after()).await?;
    Ok(preview)
}

async fn refund_estimate(db: &impl ConnectionTrait, l: &Loaded, total: i64) -> AppResult<i64> {
    use crate::domain::payments::OrderPaymentSummary;
    let ledgers = crate::services::payments::store::order_ledgers(db, l.order.id).await?;
    let s = OrderPaymentSummary::of(ledgers.iter().map(|(_, x)| x));
    Ok((s.captured - s.refunded - s.pending_refund - total).max(0))
}

#[expect(clippy::too_many_arguments, reason = "one row's columns")]
async fn insert_request(
    db: &impl ConnectionTrait,
    id: Uuid,
    o: &order::Model,
    p: &Principal,
    kind: ChangeKind,
    status: ChangeStatus,
    input: &StoredInput,
    preview: &Preview,
    key: &str,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    let decided = matches!(status, ChangeStatus::Approved);
    change_request::Entity::insert(change_request::ActiveModel {
        id: Set(id),
        order_id: Set(o.id),
        kind: Set(kind.as_str().into()),
        status: Set(status.as_str().into()),
        requested_by: Set(p.actor()),
        input: Set(serde_json::to_string(input).map_err(|e| AppError::Internal(e.into()))?),
        preview: Set(serde_json::to_string(preview).map_err(|e| AppError::Internal(e.into()))?),
        needs_approval: Set(preview.needs_approval),
        amount_delta_minor: Set(preview.amount_delta),
        currency: Set(preview.currency.clone()),
        decided_by: Set(decided.then(|| p.actor())),
        reason: Set(input.reason.clone()),
        idempotency_key: Set(Some(key.to_string())),
        created_at: Set(now),
        updated_at: Set(now),
        decided_at: Set(decided.then_some(now)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn note_on_timeline(
    db: &impl ConnectionTrait,
    o: &order::Model,
    actor: &str,
    note: String,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(EventKind::Changed.as_str().into()),
        from_status: Set(Some(o.status.clone())),
        to_status: Set(o.status.clone()),
        actor: Set(actor.into()),
        note: Set(Some(note)),
        detail: Set(None),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Asks for a change. Applied at once when the rules allow (or when
/// support or an admin asks: they are the approvers), else left PENDING
/// for support. The same key with the same input returns the same request.
pub async fn request_order_change(
    state: &AppState,
    p: &Principal,
    number: &str,
    input: ChangeInput,
    key: &str,
) -> AppResult<ChangeRequest> {
    authorize(p, REQUESTERS)?;
    let key = check_key(key)?;
    let input = checked_input(input)?;
    let stored = StoredInput::of(&input, None);
    let o = find_visible(state, p, number).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = lock_order(&*tx, o.id).await?;
    if let Some(existing) = by_key(&*tx, o.id, &key).await? {
        same_request(&existing, ChangeKind::Change, &stored)?;
        drop(tx);
        return reread(state, existing.id).await;
    }
    let l = load(&*tx, row).await?;
    let plan = price(&*tx, &l, &input, Mode::Change).await?;
    let takes = releases(&*tx, &l, &plan).await?;
    let mut allocs = allocations(&*tx, &l, &plan, state.config.routing_rule).await?;
    let mut preview = Preview::of(&*tx, &plan, &takes, &allocs).await?;
    let id = Uuid::now_v7();
    let actor = p.actor();
    if plan.needs_approval && !is_decider(p) {
        insert_request(
            &*tx,
            id,
            &l.order,
            p,
            ChangeKind::Change,
            ChangeStatus::Pending,
            &stored,
            &preview,
            &key,
            now,
        )
        .await?;
        note_on_timeline(
            &*tx,
            &l.order,
            &actor,
            format!(
                "change requested, waiting for support ({})",
                plan.approval_reasons.join("; ")
            ),
            now,
        )
        .await?;
        let object = serde_json::json!({
            "id": id,
            "orderNumber": l.order.number,
            "status": ChangeStatus::Pending.as_str(),
            "amountDeltaMinor": preview.amount_delta,
            "currency": preview.currency,
        });
        crate::services::notifications::outbox::emit(
            &*tx,
            &l.order,
            EventType::ChangeRequested,
            object,
            now,
        )
        .await?;
        tx.commit().await?;
        return reread(state, id).await;
    }
    let status = if plan.needs_approval {
        ChangeStatus::Approved
    } else {
        ChangeStatus::Applied
    };
    preview.refund = refund_estimate(&*tx, &l, plan.total_after()).await?;
    // The request row first: the order's line history points at it.
    insert_request(
        &*tx,
        id,
        &l.order,
        p,
        ChangeKind::Change,
        status,
        &stored,
        &preview,
        &key,
        now,
    )
    .await?;
    let done = apply(
        &*tx,
        p,
        &l,
        &plan,
        ChangeKind::Change,
        id,
        &takes,
        &mut allocs,
        now,
    )
    .await?;
    tx.commit().await?;
    after_commit(state, done);
    reread(state, id).await
}

/// Live events (the order's status, stock levels) and the refunds'
/// provider calls, once committed.
fn after_commit(state: &AppState, done: super::apply::Applied) {
    for e in done.events {
        state.bus.publish(e);
    }
    crate::services::payments::after_refund(state, done.refund);
}

async fn request_row(state: &AppState, id: Uuid) -> AppResult<change_request::Model> {
    change_request::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no change request {id}")))
}

/// Support approves a PENDING change: priced again against the order as
/// it is now and applied (OUT_OF_STOCK or CONFLICT, with nothing written,
/// when that is no longer possible).
pub async fn approve_change_request(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> AppResult<ChangeRequest> {
    authorize(p, DECIDERS)?;
    let r = request_row(state, id).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = lock_order(&*tx, r.order_id).await?;
    let r = change_request::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no change request {id}")))?;
    let status = ChangeStatus::parse(&r.status)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("change request {id}: bad status")))?;
    let to = status.next(ChangeEvent::Approve).ok_or_else(|| {
        AppError::Conflict(format!(
            "the change request is {}; it cannot be approved",
            status.as_str()
        ))
    })?;
    let stored: StoredInput = serde_json::from_str(&r.input)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("change request {id}: bad input")))?;
    let input = stored.input()?;
    let l = load(&*tx, row).await?;
    let plan = price(&*tx, &l, &input, Mode::Change).await?;
    let takes = releases(&*tx, &l, &plan).await?;
    let mut allocs = allocations(&*tx, &l, &plan, state.config.routing_rule).await?;
    let mut preview = Preview::of(&*tx, &plan, &takes, &allocs).await?;
    preview.refund = refund_estimate(&*tx, &l, plan.total_after()).await?;
    let moved = change_request::Entity::update_many()
        .col_expr(change_request::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            change_request::Column::Preview,
            Expr::value(serde_json::to_string(&preview).map_err(|e| AppError::Internal(e.into()))?),
        )
        .col_expr(
            change_request::Column::AmountDeltaMinor,
            Expr::value(preview.amount_delta),
        )
        .col_expr(change_request::Column::DecidedBy, Expr::value(p.actor()))
        .col_expr(change_request::Column::DecidedAt, Expr::value(now))
        .col_expr(change_request::Column::UpdatedAt, Expr::value(now))
        .filter(change_request::Column::Id.eq(id))
        .filter(change_request::Column::Status.eq(status.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(
            "the change request was decided concurrently".into(),
        ));
    }
    let done = apply(
        &*tx,
        p,
        &l,
        &plan,
        ChangeKind::Change,
        id,
        &takes,
        &mut allocs,
        now,
    )
    .await?;
    tx.commit().await?;
    after_commit(state, done);
    reread(state, id).await
}

/// Support refuses a PENDING change, with a reason the customer sees.
pub async fn reject_change_request(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    reason: &str,
) -> AppResult<ChangeRequest> {
    authorize(p, DECIDERS)?;
    let reason = check_reason(Some(reason), true)?.unwrap_or_default();
    let r = request_row(state, id).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = lock_order(&*tx, r.order_id).await?;
    let moved = change_request::Entity::update_many()
        .col_expr(
            change_request::Column::Status,
            Expr::value(ChangeStatus::Rejected.as_str()),
        )
        .col_expr(change_request::Column::Reason, Expr::value(reason.clone()))
        .col_expr(change_request::Column::DecidedBy, Expr::value(p.actor()))
        .col_expr(change_request::Column::DecidedAt, Expr::value(now))
        .col_expr(change_request::Column::UpdatedAt, Expr::value(now))
        .filter(change_request::Column::Id.eq(id))
        .filter(change_request::Column::Status.eq(ChangeStatus::Pending.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(
            "only a PENDING change request can be rejected".into(),
        ));
    }
    note_on_timeline(
        &*tx,
        &row,
        &p.actor(),
        format!("change request rejected: {reason}"),
        now,
    )
    .await?;
    tx.commit().await?;
    reread(state, id).await
}

/// Cancels some units of some lines before they ship: stock released,
/// shipments shrunk, the total lowered and captured money beyond it
/// refunded. Cancelling everything cancels the order. Customers cancel
/// units nobody started picking; support and admins also those being
/// picked or packed (the shipment is re-opened for a new pick).
pub async fn cancel_order_lines(
    state: &AppState,
    p: &Principal,
    number: &str,
    lines: Vec<(String, i64)>,
    reason: Option<&str>,
    key: &str,
) -> AppResult<Order> {
    authorize(p, REQUESTERS)?;
    let key = check_key(key)?;
    let reason = check_reason(reason, false)?;
    let input = ChangeInput {
        cancel: lines,
        ..Default::default()
    };
    let stored = StoredInput::of(&input, reason.clone());
    let o = find_visible(state, p, number).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = lock_order(&*tx, o.id).await?;
    if let Some(existing) = by_key(&*tx, o.id, &key).await? {
        same_request(&existing, ChangeKind::CancelLines, &stored)?;
        drop(tx);
        return find_visible(state, p, number).await;
    }
    let l = load(&*tx, row).await?;
    let plan = price(
        &*tx,
        &l,
        &input,
        Mode::Cancel {
            staff: is_decider(p),
        },
    )
    .await?;
    let takes = releases(&*tx, &l, &plan).await?;
    let mut preview = Preview::of(&*tx, &plan, &takes, &[]).await?;
    let id = Uuid::now_v7();
    if plan.empties_order() {
        // Every unit: the whole order is cancelled by the orders area.
        drop(tx);
        let why = reason
            .clone()
            .unwrap_or_else(|| "all items cancelled".into());
        let cancelled = crate::services::orders::cancel_order(state, p, number, Some(&why)).await?;
        let tx = state.db.begin_write().await?;
        let row = lock_order(&*tx, o.id).await?;
        if by_key(&*tx, o.id, &key).await?.is_none() {
            insert_request(
                &*tx,
                id,
                &row,
                p,
                ChangeKind::CancelLines,
                ChangeStatus::Applied,
                &stored,
                &preview,
                &key,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(cancelled);
    }
    preview.refund = refund_estimate(&*tx, &l, plan.total_after()).await?;
    insert_request(
        &*tx,
        id,
        &l.order,
        p,
        ChangeKind::CancelLines,
        ChangeStatus::Applied,
        &stored,
        &preview,
        &key,
        now,
    )
    .await?;
    let done = apply(
        &*tx,
        p,
        &l,
        &plan,
        ChangeKind::CancelLines,
        id,
        &takes,
        &mut [],
        now,
    )
    .await?;
    tx.commit().await?;
    after_commit(state, done);
    find_visible(state, p, number).await
}
