use chrono::{Duration, TimeZone, Utc};

use super::*;

use TicketEvent as E;
use TicketStatus as S;

/// Every (status, event) pair and where it leads (`None`: refused).
const TABLE: [(TicketStatus, TicketEvent, Option<TicketStatus>); 20] = [
    (S::Open, E::StaffReply, Some(S::WaitingOnCustomer)),
    (S::Open, E::CustomerReply, Some(S::Open)),
    (S::Open, E::Resolve, Some(S::Resolved)),
    (S::Open, E::Close, None),
    (
        S::WaitingOnCustomer,
        E::StaffReply,
        Some(S::WaitingOnCustomer),
    ),
    (
        S::WaitingOnCustomer,
        E::CustomerReply,
        Some(S::WaitingOnStaff),
    ),
    (S::WaitingOnCustomer, E::Resolve, Some(S::Resolved)),
    (S::WaitingOnCustomer, E::Close, None),
    (S::WaitingOnStaff, E::StaffReply, Some(S::WaitingOnCustomer)),
    (S::WaitingOnStaff, E::CustomerReply, Some(S::WaitingOnStaff)),
    (S::WaitingOnStaff, E::Resolve, Some(S::Resolved)),
    (S::WaitingOnStaff, E::Close, None),
    (S::Resolved, E::StaffReply, Some(S::WaitingOnCustomer)),
    (S::Resolved, E::CustomerReply, Some(S::WaitingOnStaff)),
    (S::Resolved, E::Resolve, None),
    (S::Resolved, E::Close, Some(S::Closed)),
    (S::Closed, E::StaffReply, None),
    (S::Closed, E::CustomerReply, None),
    (S::Closed, E::Resolve, None),
    (S::Closed, E::Close, None),
];

#[test]
fn every_status_and_event_pair_follows_the_table() {
    let mut seen = 0;
    for from in S::ALL {
        for event in E::ALL {
            let expected = TABLE
                .iter()
                .find(|(f, e, _)| *f == from && *e == event)
                .map(|(_, _, to)| *to);
            let Some(expected) = expected else {
                panic!("{from:?} --{event:?}--> is missing from the test's table");
            };
            match (from.next(event), expected) {
                (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} --{event:?}-->"),
                (Err(e), None) => assert_eq!(e, TicketTransitionError { from, event }),
                (got, want) => panic!("{from:?} --{event:?}--> gave {got:?}, want {want:?}"),
            }
            seen += 1;
        }
    }
    assert_eq!(seen, TABLE.len());
}

#[test]
fn statuses_and_categories_round_trip_their_names() {
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
    }
    assert_eq!(S::parse("open"), None);
    for c in TicketCategory::ALL {
        assert_eq!(TicketCategory::parse(c.as_str()), Some(c));
    }
    assert_eq!(
        TicketCategory::parse(" delivery "),
        Some(TicketCategory::Delivery)
    );
    assert_eq!(TicketCategory::parse("COMPLAINT"), None);
    for r in [AuthorRole::Customer, AuthorRole::Staff] {
        assert_eq!(AuthorRole::parse(r.as_str()), Some(r));
    }
}

#[test]
fn subjects_and_messages_are_checked_and_kept_as_text() {
    assert_eq!(check_subject("  Where is it?  "), Ok("Where is it?".into()));
    assert_eq!(check_subject("   "), Err(TextError::Empty));
    assert_eq!(check_subject(&"x".repeat(200)).map(|s| s.len()), Ok(200));
    assert_eq!(
        check_subject(&"x".repeat(201)),
        Err(TextError::TooLong(200))
    );
    assert_eq!(check_subject("two\nlines"), Err(TextError::LineBreak));
    // Characters, not bytes: 200 Chinese characters fit.
    assert!(check_subject(&"货".repeat(200)).is_ok());
    assert_eq!(check_message(""), Err(TextError::Empty));
    assert_eq!(
        check_message(&"y".repeat(5001)),
        Err(TextError::TooLong(5000))
    );
    assert!(check_message(&"y".repeat(5000)).is_ok());
    let html = "<script>alert(1)</script> <b>hi</b>";
    assert_eq!(check_message(html), Ok(html.to_string()));
    assert_eq!(check_message("a\r\nb"), Ok("a\nb".into()));
}

#[test]
fn first_response_is_the_first_staff_message_and_a_reopen_clears_the_resolution() {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
    let none = Times {
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
    };
    let t = none.after(E::CustomerReply, S::Open, t0 + Duration::minutes(1));
    assert_eq!(t.first_response_at, None);
    let t = t.after(
        E::StaffReply,
        S::WaitingOnCustomer,
        t0 + Duration::minutes(5),
    );
    assert_eq!(t.first_response_at, Some(t0 + Duration::minutes(5)));
    let t = t.after(
        E::StaffReply,
        S::WaitingOnCustomer,
        t0 + Duration::minutes(9),
    );
    assert_eq!(t.first_response_at, Some(t0 + Duration::minutes(5)));
    let t = t.after(E::Resolve, S::Resolved, t0 + Duration::hours(2));
    assert_eq!(t.resolved_at, Some(t0 + Duration::hours(2)));
    assert_eq!(seconds_between(t0, t.resolved_at), Some(7200));
    assert_eq!(seconds_between(t0, t.first_response_at), Some(300));
    let reopened = t.after(E::CustomerReply, S::WaitingOnStaff, t0 + Duration::hours(3));
    assert_eq!(reopened.resolved_at, None);
    assert_eq!(reopened.first_response_at, Some(t0 + Duration::minutes(5)));
    let closed = t.after(E::Close, S::Closed, t0 + Duration::hours(4));
    assert_eq!(closed.resolved_at, Some(t0 + Duration::hours(2)));
    assert_eq!(closed.closed_at, Some(t0 + Duration::hours(4)));
    assert_eq!(seconds_between(t0, None), None);
}

#[test]
fn actions_follow_the_table_and_the_viewer() {
    for status in S::ALL {
        for action in TicketAction::ALL {
            assert!(!allowed(Viewer::Other, status, action));
        }
        assert!(!allowed(Viewer::Owner, status, TicketAction::Assign));
        assert!(!allowed(Viewer::Owner, status, TicketAction::Resolve));
        assert_eq!(
            allowed(Viewer::Desk, status, TicketAction::Assign),
            status != S::Closed
        );
        assert_eq!(
            allowed(Viewer::Owner, status, TicketAction::Reply),
            status.next(E::CustomerReply).is_ok()
        );
        assert_eq!(
            allowed(Viewer::Desk, status, TicketAction::Resolve),
            status.next(E::Resolve).is_ok()
        );
        assert_eq!(
            allowed(Viewer::Owner, status, TicketAction::Close),
            status == S::Resolved
        );
    }
    assert_eq!(format_number(123), "TK-000123");
    assert_eq!(format_number(1_234_567), "TK-1234567");
}
