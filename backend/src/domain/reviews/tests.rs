use super::rating::Rating;
use super::validate::{self, BODY_MAX, TITLE_MAX};
use super::*;

#[test]
fn every_state_and_event_pair_is_in_the_table() {
    use ReviewEvent as E;
    use ReviewStatus as S;
    let expected = |s: S, e: E| -> Option<S> {
        match (s, e) {
            (S::Pending, E::Publish) => Some(S::Published),
            (S::Pending, E::Reject) => Some(S::Rejected),
            (_, E::Edit) => Some(S::Pending),
            (S::Published, E::Reject) => Some(S::Rejected),
            _ => None,
        }
    };
    let mut pairs = 0;
    for s in ReviewStatus::ALL {
        for e in ReviewEvent::ALL {
            pairs += 1;
            assert_eq!(
                s.next(e).ok(),
                expected(s, e),
                "{} + {}",
                s.as_str(),
                e.as_str()
            );
            if let Err(err) = s.next(e) {
                assert_eq!(err, TransitionError { from: s, event: e });
            }
        }
    }
    assert_eq!(pairs, 9);
}

#[test]
fn statuses_round_trip_as_text() {
    for s in ReviewStatus::ALL {
        assert_eq!(ReviewStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(ReviewStatus::parse("pending"), None);
}

#[test]
fn only_published_reviews_count_in_the_aggregate() {
    use ReviewStatus as S;
    assert_eq!(
        RatingEffect::of(S::Pending, 4, S::Published, 4),
        RatingEffect {
            remove: None,
            add: Some(4)
        }
    );
    assert_eq!(
        RatingEffect::of(S::Published, 4, S::Pending, 2),
        RatingEffect {
            remove: Some(4),
            add: None
        }
    );
    assert_eq!(
        RatingEffect::of(S::Published, 5, S::Rejected, 5),
        RatingEffect {
            remove: Some(5),
            add: None
        }
    );
    assert!(RatingEffect::of(S::Pending, 3, S::Rejected, 3).is_none());
    assert!(RatingEffect::of(S::Rejected, 3, S::Pending, 1).is_none());
}

#[test]
fn ratings_outside_one_to_five_are_refused_naming_rating() {
    for bad in [0, 6, -1, 100] {
        let err = validate::review(bad, "t", "b").err();
        assert_eq!(err.map(|e| e.field), Some("rating"), "{bad}");
    }
    for good in 1..=5 {
        assert_eq!(validate::rating(good), Ok(good as i32));
    }
}

#[test]
fn title_and_body_lengths_are_counted_in_characters() {
    let title = "好".repeat(TITLE_MAX);
    assert!(validate::review(5, &title, "ok").is_ok());
    let long = "好".repeat(TITLE_MAX + 1);
    assert_eq!(
        validate::review(5, &long, "ok").err().map(|e| e.field),
        Some("title")
    );
    assert_eq!(
        validate::review(5, "  ", "ok").err().map(|e| e.field),
        Some("title")
    );
    assert_eq!(
        validate::review(5, "t", "").err().map(|e| e.field),
        Some("body")
    );
    let body = "x".repeat(BODY_MAX + 1);
    assert_eq!(
        validate::review(5, "t", &body).err().map(|e| e.field),
        Some("body")
    );
    assert_eq!(
        validate::review(5, "a\nb", "x").err().map(|e| e.field),
        Some("title")
    );
}

#[test]
fn html_is_kept_as_plain_text() {
    let r = validate::review(3, " <b>Nice</b> ", "<script>alert(1)</script>\r\nok");
    let r = r.ok();
    assert_eq!(r.as_ref().map(|r| r.title.as_str()), Some("<b>Nice</b>"));
    assert_eq!(
        r.map(|r| r.body),
        Some("<script>alert(1)</script>\nok".to_owned())
    );
}

#[test]
fn a_reject_reason_is_required() {
    assert_eq!(
        validate::reason(None).err().map(|e| e.field),
        Some("reason")
    );
    assert_eq!(
        validate::reason(Some(" ")).err().map(|e| e.field),
        Some("reason")
    );
    assert_eq!(validate::reason(Some("spam")).ok().as_deref(), Some("spam"));
}

#[test]
fn the_average_is_rounded_half_up_to_a_tenth_from_integers() {
    assert_eq!(Rating::default().average_tenths(), None);
    assert_eq!(Rating::default().average_text(), None);
    let r = Rating::of([5, 4, 4]); // 13/3 = 4.333…
    assert_eq!(r.average_tenths(), Some(43));
    assert_eq!(r.average_text().as_deref(), Some("4.3"));
    let r = Rating::of([5, 4]); // 4.5
    assert_eq!(r.average_text().as_deref(), Some("4.5"));
    let r = Rating::of([1, 2, 2, 2, 2, 2, 2, 2]); // 15/8 = 1.875 -> 1.9
    assert_eq!(r.average_text().as_deref(), Some("1.9"));
    let r = Rating::of([1, 1, 2]); // 4/3 = 1.333 -> 1.3
    assert_eq!(r.average_text().as_deref(), Some("1.3"));
    let r = Rating::of([5; 7]);
    assert_eq!(r.average_text().as_deref(), Some("5.0"));
    // 0.05 boundaries: 81/20 = 4.05 -> 4.1 (half up)
    let mut v = vec![4; 19];
    v.push(5);
    assert_eq!(Rating::of(v).average_text().as_deref(), Some("4.1"));
}

#[test]
fn the_distribution_runs_from_five_stars_down_and_add_remove_cancel() {
    let mut r = Rating::of([5, 5, 3, 1]);
    assert_eq!(
        r.distribution(),
        vec![(5, 2), (4, 0), (3, 1), (2, 0), (1, 1)]
    );
    assert_eq!(r.percent_of(5), 50);
    r.add(4);
    r.remove(4);
    assert_eq!(r, Rating::of([5, 5, 3, 1]));
    r.remove(5);
    r.add(2);
    assert_eq!(r, Rating::of([5, 3, 1, 2]));
    // Out-of-range values never touch it.
    r.add(0);
    r.add(6);
    assert_eq!(r, Rating::of([5, 3, 1, 2]));
}
