//! The Kuaidi100 protocol against known vectors and round trips.
use super::*;
use chrono::TimeZone;

const EXAMPLE: &str = r#"{"status":"polling","billstatus":"got","message":"","autoCheck":"0","comOld":"","comNew":"",
 "lastResult":{"message":"ok","nu":" SF1234567890 ","ischeck":"0","condition":"00","com":"shunfeng","status":"200","state":"0",
   "data":[{"time":"2026-11-28 16:33:19","ftime":"2026-11-28 16:33:19","context":"[上海市] 快件已到达 上海转运中心","areaName":"上海市","status":"在途"},
       {"time":"2026-11-28 09:01:00","ftime":"2026-11-28 09:01:00","context":"[上海市] 顺丰速运 已收取快件","status":"揽收","statusCode":"1","x":1}]}}"#;

fn utc(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, h, m, s)
        .single()
        .expect("a valid time")
}

fn ev(at: DateTime<Utc>, t: &str, a: Option<&str>, st: Option<CarrierState>) -> PushEvent {
    let (description, location) = (t.to_owned(), a.map(str::to_owned));
    PushEvent {
        at,
        description,
        location,
        state: st,
    }
}

#[test]
fn sign_verify_replies_and_form_body() {
    assert_eq!(sign("abc", ""), "900150983CD24FB0D6963F7D28E17F72");
    let (p, s) = ("{\"a\":1}", sign("{\"a\":1}", "salt"));
    assert!(verify(p, &s, "salt") && verify(p, &s.to_lowercase(), "salt"));
    assert!(!verify("{\"a\":2}", &s, "salt") && !verify(p, &s, "salt2"));
    let bad = format!("{}{}", if s.starts_with('0') { '1' } else { '0' }, &s[1..]);
    assert!(!verify(p, &bad, "salt") && !verify(p, &s[1..], "salt"));
    let ok = json!({"result": true, "returnCode": "200", "message": "成功"});
    let error = json!({"result": false, "returnCode": "404", "message": "unknown"});
    assert_eq!((reply_ok(), reply_error("404", "unknown")), (ok, error));
    let body = form_body(EXAMPLE, "s3cret");
    let pairs: Vec<_> = form_urlencoded::parse(body.as_bytes()).collect();
    let sign = sign(EXAMPLE, "s3cret");
    let want = [
        ("param".into(), EXAMPLE.into()),
        ("sign".into(), sign.into()),
    ];
    assert_eq!(pairs, want);
}

#[test]
fn parses_sorted_newest_first_in_utc() {
    let push = parse(EXAMPLE).expect("parses");
    let tracking = (push.tracking_number.as_str(), push.carrier.as_str());
    assert_eq!(tracking, ("SF1234567890", "shunfeng"));
    assert_eq!(push.state, CarrierState::InTransit);
    let (at, got) = (utc(8, 33, 19), "[上海市] 快件已到达 上海转运中心");
    let newest = ev(at, got, Some("上海市"), None);
    let (at, taken) = (utc(1, 1, 0), "[上海市] 顺丰速运 已收取快件");
    let oldest = ev(at, taken, None, Some(CarrierState::PickedUp));
    assert_eq!(push.events, [newest, oldest]);
    // Unsorted input, numeric state, empty `ftime` (so `time` is used).
    let p = r#"{"lastResult":{"nu":"X1","com":"yd","state":3,"data":[{"time":"2026-11-28 09:00:00",
        "context":"a"},{"time":"2026-11-28 10:00:00","ftime":"","context":"b"}]}}"#;
    let push = parse(p).expect("parses");
    let order: Vec<_> = push.events.iter().map(|e| e.description.as_str()).collect();
    assert!(push.state == CarrierState::Delivered && order == ["b", "a"]);
    let empty = parse(r#"{"lastResult":{"nu":"X1","state":"6","data":[]}}"#).expect("parses");
    assert!(empty.state == CarrierState::Returning && empty.events.is_empty());
}

#[test]
fn rejects_bad_input() {
    let err = |param: &str| parse(param).unwrap_err();
    assert!(matches!(err("nope"), ParseError::NotJson(_)));
    assert_eq!(err("{}"), ParseError::Missing("lastResult"));
    let nu = ParseError::Missing("lastResult.nu");
    assert_eq!(err(r#"{"lastResult":{"state":"0"}}"#), nu);
    assert_eq!(err(r#"{"lastResult":{"nu":" ","state":"0"}}"#), nu);
    let long = r#"{"lastResult":{"nu":"NU","state":"0"}}"#.replace("NU", &"9".repeat(65));
    assert_eq!(err(&long), nu);
    let state = ParseError::Missing("lastResult.state");
    assert_eq!(err(r#"{"lastResult":{"nu":"X"}}"#), state);
    let nine = ParseError::BadState("9".into());
    assert_eq!(err(r#"{"lastResult":{"nu":"X","state":"9"}}"#), nine);
    let bad = r#"{"lastResult":{"nu":"X","state":"0","data":[{"time":"28/11/2026"}]}}"#;
    assert_eq!(err(bad), ParseError::BadTime("28/11/2026".into()));
    assert!(err(bad).to_string().contains("28/11/2026"));
}

#[test]
fn build_param_round_trips_every_state() {
    for (i, state) in (0u32..).zip(CarrierState::ALL) {
        assert_eq!(CarrierState::from_code(state.code()), Some(state));
        let new = ev(utc(12, 0, i), "新", Some("北京"), Some(state));
        let events = vec![new, ev(utc(1, 2, 3), "old", None, None)];
        let push = parse(&build_param("SF1", "sf", state, &events)).expect("parses");
        assert!(push.tracking_number == "SF1" && push.carrier == "sf");
        assert_eq!((push.state, push.events), (state, events));
        let raw: Value = serde_json::from_str(&build_param("N", "c", state, &[])).expect("parses");
        assert_eq!(raw["lastResult"]["ischeck"], if i == 3 { "1" } else { "0" });
    }
}
