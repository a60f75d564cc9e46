//! Writing tickets: open, reply, assign, resolve, close. Each is one write
//! transaction: the ticket moves with `UPDATE … WHERE status = expected`
//! (a concurrent change makes the loser fail with CONFLICT), its message is
//! appended, and a ticket about an order writes its outbox event.

use chrono::{DateTime, Utc};
use entity::{order, ticket, ticket_message, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set, Statement};
use serde_json::json;
use uuid::Uuid;

use super::queries::{views, visible_row};
use super::{DESK, TicketView, viewer};
use crate::domain::auth::{Principal, Role};
use crate::domain::notifications::EventType;
use crate::domain::tickets::{
    AuthorRole, TicketCategory, TicketEvent, TicketStatus, Times, Viewer, check_message,
    check_subject, format_number,
};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::services::notifications::outbox::emit;
use crate::state::AppState;

/// What a customer sends to open a ticket.
#[derive(Clone, Debug)]
pub struct NewTicket {
    /// The order it is about (one of the customer's), or none.
    pub order_number: Option<String>,
    pub category: TicketCategory,
    pub subject: String,
    pub message: String,
}

fn subject_ok(raw: &str) -> AppResult<String> {
    check_subject(raw).map_err(|e| AppError::invalid("subject", e.message()))
}

fn message_ok(raw: &str) -> AppResult<String> {
    check_message(raw).map_err(|e| AppError::invalid("message", e.message()))
}

fn status_of(t: &ticket::Model) -> AppResult<TicketStatus> {
    TicketStatus::parse(&t.status).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "ticket {} has unknown status {}",
            t.number,
            t.status
        ))
    })
}

/// The author's name as the message keeps it.
fn author_name(p: &Principal) -> String {
    match p {
        Principal::User { name, .. } => name.clone(),
        Principal::System => "system".into(),
        Principal::Integration { .. } | Principal::Anonymous => String::new(),
    }
}

/// The next `TK-…` number, inside the writing transaction (PostgreSQL: a
/// sequence; SQLite: its single writer makes `MAX(rowid) + 1` safe).
async fn next_number(db: &impl ConnectionTrait) -> AppResult<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT nextval('ticket_number_seq') AS n",
        _ => "SELECT COALESCE(MAX(rowid), 0) + 1 AS n FROM tickets",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no ticket number")))?;
    let n: i64 = row.try_get("", "n")?;
    Ok(format_number(n))
}

fn message_row(
    ticket_id: Uuid,
    p: &Principal,
    role: AuthorRole,
    body: &str,
    now: DateTime<Utc>,
) -> ticket_message::ActiveModel {
    ticket_message::ActiveModel {
        id: Set(Uuid::new_v4()),
        ticket_id: Set(ticket_id),
        author_id: Set(p.user_id()),
        author_role: Set(role.as_str().into()),
        author_name: Set(author_name(p)),
        body: Set(body.to_string()),
        created_at: Set(now),
    }
}

/// Writes `kind` for a ticket about an order (none for general tickets:
/// the outbox is per order, see the module docs).
async fn emit_for(
    db: &impl ConnectionTrait,
    t: &ticket::Model,
    kind: EventType,
    status: TicketStatus,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(order_id) = t.order_id else {
        return Ok(());
    };
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))?;
    let object = json!({
        "number": t.number,
        "status": status.as_str(),
        "category": t.category,
        "subject": t.subject,
        "orderNumber": t.order_number,
        "message": message,
    });
    emit(db, &o, kind, object, now).await?;
    Ok(())
}

/// A customer opens a ticket, about one of their orders or in general,
/// with its first message. Someone else's order is NOT_FOUND.
pub async fn open_ticket(
    state: &AppState,
    p: &Principal,
    input: NewTicket,
) -> AppResult<TicketView> {
    authorize(p, &[Role::Customer])?;
    let Principal::User {
        id: customer_id,
        email,
        name,
        ..
    } = p
    else {
        return Err(AppError::Forbidden("only customers open tickets".into()));
    };
    let subject = subject_ok(&input.subject)?;
    let body = message_ok(&input.message)?;
    let order = match input
        .order_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => {
            let o = crate::services::orders::find_visible(state, p, n).await?;
            if o.customer.id != Some(*customer_id) {
                return Err(AppError::NotFound(format!("no order {n}")));
            }
            Some(o)
        }
        None => None,
    };
    let now = Utc::now();
    let id = Uuid::new_v4();
    let tx = state.db.begin_write().await?;
    let number = next_number(&*tx).await?;
    let row = ticket::Model {
        id,
        number,
        customer_id: *customer_id,
        customer_email: email.clone(),
        customer_name: name.clone(),
        order_id: order.as_ref().map(|o| o.id),
        order_number: order.as_ref().map(|o| o.number.clone()),
        channel_id: order.as_ref().map(|o| o.channel_id),
        category: input.category.as_str().into(),
        subject,
        status: TicketStatus::Open.as_str().into(),
        assignee_id: None,
        message_count: 1,
        last_message_at: now,
        created_at: now,
        updated_at: now,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
    };
    let active: ticket::ActiveModel = row.clone().into();
    ticket::Entity::insert(active)
        .exec_without_returning(&*tx)
        .await?;
    ticket_message::Entity::insert(message_row(id, p, AuthorRole::Customer, &body, now))
        .exec_without_returning(&*tx)
        .await?;
    emit_for(
        &*tx,
        &row,
        EventType::TicketOpened,
        TicketStatus::Open,
        Some(&body),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(views(&state.db.conn, vec![row]).await?.remove(0))
}

/// Moves ticket `t` by `event` (with a message, for replies), in one
/// transaction; CONFLICT when the table refuses or someone moved it first.
async fn apply(
    state: &AppState,
    p: &Principal,
    t: ticket::Model,
    event: TicketEvent,
    message: Option<(AuthorRole, String)>,
) -> AppResult<TicketView> {
    let from = status_of(&t)?;
    let to = from.next(event).map_err(|_| {
        AppError::Conflict(format!(
            "ticket {} is {}; it cannot take that now",
            t.number,
            from.as_str()
        ))
    })?;
    let now = Utc::now();
    let times = Times {
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        closed_at: t.closed_at,
    }
    .after(event, to, now);
    let tx = state.db.begin_write().await?;
    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, Expr::value(to.as_str()))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .col_expr(ticket::Column::ResolvedAt, Expr::value(times.resolved_at))
        .col_expr(ticket::Column::ClosedAt, Expr::value(times.closed_at));
    if event == TicketEvent::StaffReply {
        // The first answer wins even against a concurrent second one.
        update = update.col_expr(
            ticket::Column::FirstResponseAt,
            Func::coalesce([Expr::col(ticket::Column::FirstResponseAt), Expr::value(now)]).into(),
        );
    }
    if message.is_some() {
        update = update
            .col_expr(
                ticket::Column::MessageCount,
                Expr::col(ticket::Column::MessageCount).add(1),
            )
            .col_expr(ticket::Column::LastMessageAt, Expr::value(now));
    }
    let moved = update
        .filter(ticket::Column::Id.eq(t.id))
        .filter(ticket::Column::Status.eq(from.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(format!(
            "ticket {} was changed concurrently; reload and retry",
            t.number
        )));
    }
    if let Some((role, body)) = &message {
        ticket_message::Entity::insert(message_row(t.id, p, *role, body, now))
            .exec_without_returning(&*tx)
            .await?;
    }
    let kind = match (event, &message) {
        (TicketEvent::StaffReply, _) => Some(EventType::TicketReplied),
        (TicketEvent::Resolve, _) => Some(EventType::TicketResolved),
        (TicketEvent::CustomerReply | TicketEvent::Close, _) => None,
    };
    if let Some(kind) = kind {
        let body = message.as_ref().map(|(_, b)| b.as_str());
        emit_for(&*tx, &t, kind, to, body, now).await?;
    }
    let row = ticket::Entity::find_by_id(t.id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("ticket {} vanished", t.number)))?;
    tx.commit().await?;
    Ok(views(&state.db.conn, vec![row]).await?.remove(0))
}

async fn load(state: &AppState, p: &Principal, id: Uuid) -> AppResult<ticket::Model> {
    visible_row(
        &state.db.conn,
        p,
        ticket::Entity::find_by_id(id),
        &id.to_string(),
    )
    .await
}

/// Its customer or the desk adds a message; the status follows who wrote.
pub async fn reply_to_ticket(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    message: &str,
) -> AppResult<TicketView> {
    let body = message_ok(message)?;
    let t = load(state, p, id).await?;
    let role = match viewer(p, &t) {
        Viewer::Owner => AuthorRole::Customer,
        Viewer::Desk => AuthorRole::Staff,
        Viewer::Other => return Err(super::not_found(&id.to_string())),
    };
    apply(state, p, t, role.reply_event(), Some((role, body))).await
}

/// The desk marks a ticket resolved.
pub async fn resolve_ticket(state: &AppState, p: &Principal, id: Uuid) -> AppResult<TicketView> {
    authorize(p, DESK)?;
    let t = load(state, p, id).await?;
    apply(state, p, t, TicketEvent::Resolve, None).await
}

/// Its customer (confirming the answer) or the desk closes a resolved
/// ticket; a closed ticket takes nothing more.
pub async fn close_ticket(state: &AppState, p: &Principal, id: Uuid) -> AppResult<TicketView> {
    let t = load(state, p, id).await?;
    apply(state, p, t, TicketEvent::Close, None).await
}

/// The desk assigns a ticket to a support or admin user (`None`:
/// unassigns). Anyone else as assignee is INVALID_INPUT on `assigneeId`.
pub async fn assign_ticket(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    assignee: Option<Uuid>,
) -> AppResult<TicketView> {
    authorize(p, DESK)?;
    if let Some(a) = assignee {
        let found = user::Entity::find_by_id(a).one(&state.db.conn).await?;
        let desk = found
            .and_then(|u| Role::parse(&u.role))
            .is_some_and(|r| DESK.contains(&r));
        if !desk {
            return Err(AppError::invalid(
                "assigneeId",
                "must be a support or admin user",
            ));
        }
    }
    let t = load(state, p, id).await?;
    if status_of(&t)?.is_closed() {
        return Err(AppError::Conflict(format!("ticket {} is closed", t.number)));
    }
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let moved = ticket::Entity::update_many()
        .col_expr(ticket::Column::AssigneeId, Expr::value(assignee))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(t.id))
        .filter(ticket::Column::Status.ne(TicketStatus::Closed.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(format!(
            "ticket {} was closed concurrently",
            t.number
        )));
    }
    let row = ticket::Entity::find_by_id(t.id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("ticket {} vanished", t.number)))?;
    tx.commit().await?;
    Ok(views(&state.db.conn, vec![row]).await?.remove(0))
}
