//! Reading tickets: one for whoever may see it, a customer's own, the
//! desk's queue with filters, paging and counts per status, an order's
//! tickets, and a ticket's messages.

use std::collections::HashMap;

use entity::{ticket, ticket_message, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::{DESK, Person, TicketView, ensure_may_read, not_found, viewer};
use crate::db::FirstRow;
use crate::domain::auth::{Principal, Role};
use crate::domain::catalog::MAX_PAGE_SIZE;
use crate::domain::orders::Order;
use crate::domain::tickets::{TicketCategory, TicketStatus, Viewer};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// Whose tickets the queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to the caller.
    Me,
    /// Assigned to nobody yet.
    Unassigned,
    /// Assigned to this user.
    User(Uuid),
}

/// The queue's filters; all optional, combined with AND.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub category: Option<TicketCategory>,
    pub order_number: Option<String>,
}

/// A page of tickets.
pub struct TicketPage {
    pub items: Vec<TicketView>,
    pub has_next: bool,
    pub total: u64,
    /// Offset of the first item, for cursors.
    pub offset: u64,
    /// Tickets per status over the other filters (every status, zeros too).
    pub counts: Vec<(TicketStatus, u64)>,
}

fn check_first(first: i64) -> AppResult<u64> {
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(AppError::invalid("first", "must be between 1 and 100"));
    }
    Ok(first as u64)
}

/// The staff behind `ids`, one query.
async fn people(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> AppResult<HashMap<Uuid, Person>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| {
            Some((
                u.id,
                Person {
                    id: u.id,
                    role: Role::parse(&u.role)?,
                    name: u.name,
                    email: u.email,
                },
            ))
        })
        .collect())
}

/// Rows with their assignees (one query for all of them).
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<ticket::Model>,
) -> AppResult<Vec<TicketView>> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|t| t.assignee_id).collect();
    let people = people(db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| TicketView {
            assignee: row.assignee_id.and_then(|id| people.get(&id).cloned()),
            row,
        })
        .collect())
}

/// The ticket row if `p` may see it: the desk any, a customer their own
/// (anyone else's is NOT_FOUND).
pub(crate) async fn visible_row(
    db: &impl ConnectionTrait,
    p: &Principal,
    q: Select<ticket::Entity>,
    what: &str,
) -> AppResult<ticket::Model> {
    ensure_may_read(p)?;
    match q.first(db).await? {
        Some(t) if viewer(p, &t) != Viewer::Other => Ok(t),
        _ => Err(not_found(what)),
    }
}

/// One ticket by id, for its customer or the desk.
pub async fn ticket(state: &AppState, p: &Principal, id: Uuid) -> AppResult<TicketView> {
    let db = &state.db.conn;
    let q = ticket::Entity::find_by_id(id);
    let row = visible_row(db, p, q, &id.to_string()).await?;
    Ok(views(db, vec![row]).await?.remove(0))
}

/// One ticket by number (`TK-000123`), for its customer or the desk.
pub async fn ticket_by_number(
    state: &AppState,
    p: &Principal,
    number: &str,
) -> AppResult<TicketView> {
    let db = &state.db.conn;
    let number = number.trim().to_ascii_uppercase();
    let q = ticket::Entity::find().filter(ticket::Column::Number.eq(number.clone()));
    let row = visible_row(db, p, q, &number).await?;
    Ok(views(db, vec![row]).await?.remove(0))
}

/// A ticket's messages, oldest first (the caller has already seen the ticket).
pub async fn messages(state: &AppState, ticket_id: Uuid) -> AppResult<Vec<ticket_message::Model>> {
    Ok(ticket_message::Entity::find()
        .filter(ticket_message::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_message::Column::CreatedAt)
        .order_by_asc(ticket_message::Column::Id)
        .all(&state.db.conn)
        .await?)
}

async fn page(
    state: &AppState,
    q: Select<ticket::Entity>,
    status: Option<TicketStatus>,
    first: i64,
    offset: u64,
) -> AppResult<TicketPage> {
    let limit = check_first(first)?;
    let db = &state.db.conn;
    #[derive(FromQueryResult)]
    struct Count {
        status: String,
        n: i64,
    }
    let grouped: HashMap<String, i64> = q
        .clone()
        .select_only()
        .column(ticket::Column::Status)
        .column_as(Expr::col(ticket::Column::Id).count(), "n")
        .group_by(ticket::Column::Status)
        .into_model::<Count>()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.status, c.n))
        .collect();
    let counts: Vec<(TicketStatus, u64)> = TicketStatus::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                grouped
                    .get(s.as_str())
                    .copied()
                    .map_or(0, |n| u64::try_from(n).unwrap_or(0)),
            )
        })
        .collect();
    let q = match status {
        Some(s) => q.filter(ticket::Column::Status.eq(s.as_str())),
        None => q,
    };
    let total = match status {
        Some(s) => counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n),
        None => q.clone().count(db).await?,
    };
    let mut rows = q
        .order_by_desc(ticket::Column::LastMessageAt)
        .order_by_desc(ticket::Column::Id)
        .offset(offset)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok(TicketPage {
        items: views(db, rows).await?,
        has_next,
        total,
        offset,
        counts,
    })
}

/// The desk's queue, most recent activity first, with counts per status.
pub async fn list(
    state: &AppState,
    p: &Principal,
    filter: TicketFilter,
    first: i64,
    offset: u64,
) -> AppResult<TicketPage> {
    authorize(p, DESK)?;
    let mut q = ticket::Entity::find();
    match filter.assignee {
        Some(AssigneeFilter::Me) => {
            let me = p.user_id().unwrap_or_else(Uuid::nil);
            q = q.filter(ticket::Column::AssigneeId.eq(me));
        }
        Some(AssigneeFilter::Unassigned) => q = q.filter(ticket::Column::AssigneeId.is_null()),
        Some(AssigneeFilter::User(id)) => q = q.filter(ticket::Column::AssigneeId.eq(id)),
        None => {}
    }
    if let Some(c) = filter.category {
        q = q.filter(ticket::Column::Category.eq(c.as_str()));
    }
    if let Some(n) = filter
        .order_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        q = q.filter(ticket::Column::OrderNumber.eq(n.to_ascii_uppercase()));
    }
    page(state, q, filter.status, first, offset).await
}

/// The signed-in customer's own tickets, most recent activity first.
pub async fn my_tickets(
    state: &AppState,
    p: &Principal,
    first: i64,
    offset: u64,
) -> AppResult<TicketPage> {
    let Some(id) = p.user_id() else {
        return Err(AppError::Unauthenticated(
            "sign in to see your tickets".into(),
        ));
    };
    let q = ticket::Entity::find().filter(ticket::Column::CustomerId.eq(id));
    page(state, q, None, first, offset).await
}

/// An order's tickets as `p` may see them (newest first): the desk all of
/// them, its customer their own, anyone else none.
pub async fn for_order(
    state: &AppState,
    p: &Principal,
    order: &Order,
) -> AppResult<Vec<TicketView>> {
    let mut q = ticket::Entity::find().filter(ticket::Column::OrderId.eq(order.id));
    match p {
        Principal::User {
            id,
            role: Role::Customer,
            ..
        } => q = q.filter(ticket::Column::CustomerId.eq(*id)),
        _ if authorize(p, DESK).is_ok() => {}
        _ => return Ok(Vec::new()),
    }
    let rows = q
        .order_by_desc(ticket::Column::CreatedAt)
        .order_by_desc(ticket::Column::Id)
        .all(&state.db.conn)
        .await?;
    views(&state.db.conn, rows).await
}

/// Who tickets may be assigned to: every support and admin user, by name.
pub async fn assignees(state: &AppState, p: &Principal) -> AppResult<Vec<Person>> {
    authorize(p, DESK)?;
    let roles: Vec<&str> = DESK.iter().map(|r| r.as_str()).collect();
    Ok(user::Entity::find()
        .filter(user::Column::Role.is_in(roles))
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .filter_map(|u| {
            Some(Person {
                id: u.id,
                role: Role::parse(&u.role)?,
                name: u.name,
                email: u.email,
            })
        })
        .collect())
}
