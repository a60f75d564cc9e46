use uuid::Uuid;

use super::*;

#[test]
fn a_subscriber_moves_forward_by_one() {
    assert_eq!(step(3, 2), Step::Skip);
    assert_eq!(step(3, 3), Step::Skip);
    assert_eq!(step(3, 4), Step::Deliver);
    assert_eq!(step(3, 6), Step::Refill);
    assert_eq!(step(0, 1), Step::Deliver);
}

fn user(role: Role) -> Principal {
    Principal::User {
        id: Uuid::nil(),
        role,
        session_id: Uuid::nil(),
        email: "a@example.com".into(),
        name: "A".into(),
    }
}

#[test]
fn staff_see_everything_keys_their_channel_customers_nothing() {
    let channel = Uuid::new_v4();
    for r in [Role::Admin, Role::Support, Role::Warehouse, Role::Finance] {
        assert_eq!(feed_scope(&user(r)), Ok(FeedScope::All));
    }
    assert_eq!(
        feed_scope(&user(Role::Customer)),
        Err(FeedRefusal::Forbidden)
    );
    assert_eq!(
        feed_scope(&Principal::Anonymous),
        Err(FeedRefusal::Unauthenticated)
    );
    let key = Principal::Integration {
        key_id: Uuid::nil(),
        channel_id: channel,
    };
    assert_eq!(feed_scope(&key), Ok(FeedScope::Channel(channel)));
}

#[test]
fn the_filter_admits_by_scope_type_and_number() {
    let mine = Uuid::new_v4();
    let other = Uuid::new_v4();
    let any = FeedFilter::default();
    let paid = Some(EventType::OrderPaid);
    assert!(any.admits(FeedScope::All, paid, Some("SO-1"), Some(other)));
    assert!(any.admits(FeedScope::Channel(mine), paid, Some("SO-1"), Some(mine)));
    assert!(!any.admits(FeedScope::Channel(mine), paid, Some("SO-1"), Some(other)));
    let typed = FeedFilter::new(Some(vec![EventType::OrderShipped]), None);
    assert!(!typed.admits(FeedScope::All, paid, Some("SO-1"), None));
    assert!(typed.admits(FeedScope::All, Some(EventType::OrderShipped), None, None));
    assert!(!typed.admits(FeedScope::All, None, None, None));
    let one = FeedFilter::new(None, Some(" so-1 "));
    assert!(one.admits(FeedScope::All, paid, Some("SO-1"), None));
    assert!(!one.admits(FeedScope::All, paid, Some("SO-2"), None));
}
