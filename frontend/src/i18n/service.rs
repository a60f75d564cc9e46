//! Texts of after-sales service: one exhaustive `match` per schema enum,
//! so a value added to schema.graphql does not compile until it has a text.

use super::Key;
use crate::schema::ServiceAction;

/// The label of an after-sales action (its button on the order page).
pub fn service_action_key(action: ServiceAction) -> Key {
    match action {
        ServiceAction::ChangeOrder => Key::SvcChangeOrder,
        ServiceAction::CancelItems => Key::SvcCancelItems,
        ServiceAction::ReturnOrExchange => Key::SvcReturnOrExchange,
        ServiceAction::GetHelp => Key::SvcGetHelp,
        ServiceAction::WriteReview => Key::SvcWriteReview,
    }
}
