//! Service tickets over GraphQL: customers open and reply; the service
//! desk (support, admin) answers, assigns and resolves. Resolvers only
//! translate; the rules are in `services::tickets` and `domain::tickets`.

mod types;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use uuid::Uuid;

pub use types::*;

use super::context::{RoleGuard, principal, state};
use super::types::{id_arg, offset_after};
use crate::error::AppError;
use crate::services::tickets::{self as svc, DESK};

fn ticket_id(raw: &ID) -> Result<Uuid, AppError> {
    id_arg(raw, "id", "is not a ticket id")
}

/// What a customer sends to open a ticket.
#[derive(InputObject)]
pub struct OpenTicketInput {
    /// The order it is about (one of the caller's); omit for a general
    /// question.
    pub order_number: Option<String>,
    /// What it is about.
    pub category: TicketCategory,
    /// One line, 1 to 200 characters.
    pub subject: String,
    /// The first message, 1 to 5000 characters, plain text.
    pub message: String,
}

/// Whose tickets the queue shows.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TicketAssignee {
    /// Assigned to the caller.
    Me,
    /// Assigned to nobody yet.
    Unassigned,
}

/// Filters of the ticket queue, combined with AND.
#[derive(InputObject, Default)]
pub struct TicketFilter {
    /// Only this status.
    pub status: Option<TicketStatus>,
    /// Only the caller's, or only unassigned ones.
    pub assigned: Option<TicketAssignee>,
    /// Only those assigned to this user (ignored when `assigned` is given).
    pub assignee_id: Option<ID>,
    /// Only this category.
    pub category: Option<TicketCategory>,
    /// Only those about this order.
    pub order_number: Option<String>,
}

#[derive(Default)]
pub struct TicketsQuery;

#[Object]
impl TicketsQuery {
    /// The service desk's ticket queue (support and admins), most recent
    /// activity first, with counts per status for the tabs.
    #[graphql(guard = "RoleGuard(DESK)")]
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<TicketFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<TicketConnection> {
        let f = filter.unwrap_or_default();
        let assignee = match (f.assigned, f.assignee_id) {
            (Some(TicketAssignee::Me), _) => Some(svc::AssigneeFilter::Me),
            (Some(TicketAssignee::Unassigned), _) => Some(svc::AssigneeFilter::Unassigned),
            (None, Some(id)) => Some(svc::AssigneeFilter::User(id_arg(
                &id,
                "filter.assigneeId",
                "is not a user id",
            )?)),
            (None, None) => None,
        };
        let filter = svc::TicketFilter {
            status: f.status.map(Into::into),
            assignee,
            category: f.category.map(Into::into),
            order_number: f.order_number,
        };
        let offset = offset_after(after.as_deref())?;
        Ok(
            svc::list(state(ctx)?, principal(ctx), filter, first, offset)
                .await?
                .into(),
        )
    }

    /// The signed-in customer's own tickets, most recent activity first.
    async fn my_tickets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<TicketConnection> {
        let offset = offset_after(after.as_deref())?;
        Ok(svc::my_tickets(state(ctx)?, principal(ctx), first, offset)
            .await?
            .into())
    }

    /// One ticket by id: its customer's own, or any for the service desk.
    /// Someone else's is NOT_FOUND; warehouse and finance are FORBIDDEN.
    async fn ticket(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's id.")] id: ID,
    ) -> Result<Ticket> {
        let id = ticket_id(&id)?;
        Ok(Ticket(svc::ticket(state(ctx)?, principal(ctx), id).await?))
    }

    /// Who tickets may be assigned to: the support and admin users, by
    /// name (service desk only).
    #[graphql(guard = "RoleGuard(DESK)")]
    async fn ticket_assignees(&self, ctx: &Context<'_>) -> Result<Vec<super::types::User>> {
        Ok(svc::assignees(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(|a| super::types::User {
                id: ID(a.id.to_string()),
                email: a.email,
                name: a.name,
                role: a.role.into(),
            })
            .collect())
    }

    /// One ticket by number (`TK-000123`), as `ticket` decides who sees it.
    async fn ticket_by_number(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's number, e.g. TK-000123.")] number: String,
    ) -> Result<Ticket> {
        Ok(Ticket(
            svc::ticket_by_number(state(ctx)?, principal(ctx), &number).await?,
        ))
    }
}

#[derive(Default)]
pub struct TicketsMutation;

#[Object]
impl TicketsMutation {
    /// A customer opens a ticket about one of their orders (or in
    /// general) with a first message. Someone else's order is NOT_FOUND;
    /// bad text is INVALID_INPUT naming `subject` or `message`.
    async fn open_ticket(&self, ctx: &Context<'_>, input: OpenTicketInput) -> Result<Ticket> {
        let input = svc::NewTicket {
            order_number: input.order_number,
            category: input.category.into(),
            subject: input.subject,
            message: input.message,
        };
        Ok(Ticket(
            svc::open_ticket(state(ctx)?, principal(ctx), input).await?,
        ))
    }

    /// Adds a message: the ticket's customer (it then waits on staff) or
    /// the service desk (it then waits on the customer, who is emailed for
    /// a ticket about an order). A resolved ticket reopens; a closed one is
    /// CONFLICT.
    async fn reply_to_ticket(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's id.")] id: ID,
        #[graphql(desc = "1 to 5000 characters, plain text.")] message: String,
    ) -> Result<Ticket> {
        let id = ticket_id(&id)?;
        Ok(Ticket(
            svc::reply_to_ticket(state(ctx)?, principal(ctx), id, &message).await?,
        ))
    }

    /// Assigns a ticket to a support or admin user, or unassigns it when
    /// `assigneeId` is null (service desk only).
    #[graphql(guard = "RoleGuard(DESK)")]
    async fn assign_ticket(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's id.")] id: ID,
        #[graphql(desc = "A support or admin user's id; null unassigns.")] assignee_id: Option<ID>,
    ) -> Result<Ticket> {
        let id = ticket_id(&id)?;
        let assignee = assignee_id
            .map(|a| id_arg(&a, "assigneeId", "is not a user id"))
            .transpose()?;
        Ok(Ticket(
            svc::assign_ticket(state(ctx)?, principal(ctx), id, assignee).await?,
        ))
    }

    /// Marks a ticket resolved (service desk only); its resolution time is
    /// recorded. Resolving twice is CONFLICT.
    #[graphql(guard = "RoleGuard(DESK)")]
    async fn resolve_ticket(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's id.")] id: ID,
    ) -> Result<Ticket> {
        let id = ticket_id(&id)?;
        Ok(Ticket(
            svc::resolve_ticket(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Closes a resolved ticket: its customer confirming, or the service
    /// desk. A closed ticket takes no more messages.
    async fn close_ticket(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ticket's id.")] id: ID,
    ) -> Result<Ticket> {
        let id = ticket_id(&id)?;
        Ok(Ticket(
            svc::close_ticket(state(ctx)?, principal(ctx), id).await?,
        ))
    }
}

/// `Order.tickets`: the order's tickets as the caller may see them.
pub async fn order_tickets(
    ctx: &Context<'_>,
    order: &crate::domain::orders::Order,
) -> Result<Vec<Ticket>> {
    Ok(svc::for_order(state(ctx)?, principal(ctx), order)
        .await?
        .into_iter()
        .map(Ticket)
        .collect())
}
