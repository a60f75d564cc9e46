//! Demo service tickets, so "My tickets" and the console's ticket queue
//! have something in them on first start: the demo customer asked about
//! three of their demo orders and once in general, and support answered
//! some of them — one ticket still OPEN (unassigned), one WAITING_ON_CUSTOMER
//! (assigned to the demo support user), one RESOLVED, and a general question
//! WAITING_ON_STAFF. Written through the ticket commands real users use (so
//! the ticket events and the `ticket_replied` emails exist too).

use entity::{order, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::auth::{Principal, Role};
use crate::domain::tickets::TicketCategory;
use crate::error::AppResult;
use crate::services::tickets::{
    NewTicket, assign_ticket, open_ticket, reply_to_ticket, resolve_ticket,
};
use crate::state::AppState;

async fn demo_user(state: &AppState, email: &str, role: Role) -> AppResult<Option<Principal>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .first(&state.db.conn)
        .await?
        .map(|u| Principal::User {
            id: u.id,
            role,
            session_id: Uuid::nil(),
            email: u.email,
            name: u.name,
        }))
}

fn ask(order: Option<&str>, category: TicketCategory, subject: &str, message: &str) -> NewTicket {
    NewTicket {
        order_number: order.map(str::to_string),
        category,
        subject: subject.into(),
        message: message.into(),
    }
}

/// Seeds the demo tickets (after the demo orders).
pub async fn seed_demo_tickets(state: &AppState) -> AppResult<()> {
    let (Some(customer), Some(support)) = (
        demo_user(state, "customer@example.com", Role::Customer).await?,
        demo_user(state, "support@example.com", Role::Support).await?,
    ) else {
        return Ok(());
    };
    let Some(customer_id) = customer.user_id() else {
        return Ok(());
    };
    let orders: Vec<String> = order::Entity::find()
        .filter(order::Column::CustomerId.eq(customer_id))
        .order_by_asc(order::Column::PlacedAt)
        .order_by_asc(order::Column::Number)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(|o| o.number)
        .collect();
    let (Some(first), Some(second), Some(last)) = (orders.first(), orders.get(1), orders.last())
    else {
        return Ok(());
    };

    // Resolved: answered, thanked, resolved.
    let t = open_ticket(
        state,
        &customer,
        ask(
            Some(first),
            TicketCategory::OrderIssue,
            "Can I add a gift note?",
            "This order is a birthday present. Could you add a short gift note?",
        ),
    )
    .await?;
    let id = t.row.id;
    assign_ticket(state, &support, id, support.user_id()).await?;
    reply_to_ticket(
        state,
        &support,
        id,
        "Of course: we added a card saying \"Happy birthday!\" to the parcel.",
    )
    .await?;
    reply_to_ticket(state, &customer, id, "Perfect, thank you!").await?;
    resolve_ticket(state, &support, id).await?;

    // Waiting on the customer: support asked a question back.
    let t = open_ticket(
        state,
        &customer,
        ask(
            Some(second),
            TicketCategory::Payment,
            "Charged twice?",
            "My bank app shows two payments for this order.",
        ),
    )
    .await?;
    assign_ticket(state, &support, t.row.id, support.user_id()).await?;
    reply_to_ticket(
        state,
        &support,
        t.row.id,
        "We see one payment on our side. Could you send the last four digits of the card?",
    )
    .await?;

    // Open and unassigned: nobody has looked yet.
    open_ticket(
        state,
        &customer,
        ask(
            Some(last),
            TicketCategory::Delivery,
            "Where is my parcel?",
            "The tracking has not changed for two days.",
        ),
    )
    .await?;

    // A general question, answered and asked again: waiting on support.
    let t = open_ticket(
        state,
        &customer,
        ask(
            None,
            TicketCategory::ProductQuestion,
            "Do the earbuds work with two phones?",
            "I would like to switch between my phone and my laptop.",
        ),
    )
    .await?;
    reply_to_ticket(
        state,
        &support,
        t.row.id,
        "Yes, they pair with two devices at once.",
    )
    .await?;
    reply_to_ticket(state, &customer, t.row.id, "And with a tablet as a third?").await?;
    Ok(())
}
