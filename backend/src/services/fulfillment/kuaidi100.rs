//! Kuaidi100 (快递100) subscription push protocol (pure: no I/O).
//!
//! Kuaidi100 POSTs `application/x-www-form-urlencoded` with two fields:
//! `param`, a JSON document whose `lastResult` carries the tracking number
//! (`nu`), carrier code (`com`), state code (`state`, string or number, see
//! [`CarrierState`]) and the FULL history (`data`, newest first, item times in
//! UTC+8 as `YYYY-MM-DD HH:MM:SS`, `ftime` preferred over `time`); and `sign`,
//! the upper-case hex MD5 of `param` followed by our configured salt.
//! We answer `{"result":true,"returnCode":"200","message":"成功"}`, or
//! `{"result":false,"returnCode":"<code>","message":"<text>"}` on failure.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::{Value, json};

/// China Standard Time, the zone of every time in a push.
const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Upper-case hex MD5 of `param` followed by `salt`.
pub fn sign(param: &str, salt: &str) -> String {
    let digest = Md5::new().chain_update(param).chain_update(salt).finalize();
    digest.iter().map(|byte| format!("{byte:02X}")).collect()
}

/// Constant-time comparison of `sign` (case-insensitive hex) with
/// [`sign(param, salt)`](self::sign).
pub fn verify(param: &str, sign: &str, salt: &str) -> bool {
    let expected = self::sign(param, salt);
    let given = sign.as_bytes();
    if given.len() != expected.len() {
        return false;
    }
    expected
        .bytes()
        .zip(given)
        .fold(0u8, |acc, (e, g)| acc | (e ^ g.to_ascii_uppercase()))
        == 0
}

/// Carrier state codes (`lastResult.state`, and items' `statusCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarrierState {
    /// `0`: in transit (在途).
    InTransit,
    /// `1`: picked up by the courier (揽收).
    PickedUp,
    /// `2`: problem parcel (疑难).
    Problem,
    /// `3`: delivered and signed for (签收).
    Delivered,
    /// `4`: refused, or signed for on return to sender (退签).
    Refused,
    /// `5`: out for delivery (派件).
    OutForDelivery,
    /// `6`: returning to sender (退回).
    Returning,
}

impl CarrierState {
    /// Every state, in code order.
    pub const ALL: [CarrierState; 7] = [
        CarrierState::InTransit,
        CarrierState::PickedUp,
        CarrierState::Problem,
        CarrierState::Delivered,
        CarrierState::Refused,
        CarrierState::OutForDelivery,
        CarrierState::Returning,
    ];

    /// The state for a Kuaidi100 code (`"0"`..`"6"`, surrounding whitespace
    /// ignored), or `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL.into_iter().find(|state| state.code() == code)
    }

    /// The Kuaidi100 code of this state (`"0"`..`"6"`).
    pub fn code(self) -> &'static str {
        self.code_and_label().0
    }

    /// The code and the Chinese word Kuaidi100 puts in an item's `status`.
    fn code_and_label(self) -> (&'static str, &'static str) {
        match self {
            CarrierState::InTransit => ("0", "在途"),
            CarrierState::PickedUp => ("1", "揽收"),
            CarrierState::Problem => ("2", "疑难"),
            CarrierState::Delivered => ("3", "签收"),
            CarrierState::Refused => ("4", "退签"),
            CarrierState::OutForDelivery => ("5", "派件"),
            CarrierState::Returning => ("6", "退回"),
        }
    }
}

/// One tracking event of a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushEvent {
    /// When the event happened (item `ftime`, else `time`, read as UTC+8).
    pub at: DateTime<Utc>,
    /// Human-readable description (item `context`).
    pub description: String,
    /// Where it happened (item `areaName`), `None` when absent or empty.
    pub location: Option<String>,
    /// Item `statusCode`, when present and a known code.
    pub state: Option<CarrierState>,
}

/// A parsed push: the parcel and its full history, newest first (sorted by
/// `at` descending; the sort is stable and applied even to unsorted input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Push {
    /// `lastResult.nu`, trimmed.
    pub tracking_number: String,
    /// `lastResult.com`, the carrier code (e.g. `shunfeng`), trimmed.
    pub carrier: String,
    /// `lastResult.state`.
    pub state: CarrierState,
    /// The full history, newest first.
    pub events: Vec<PushEvent>,
}

/// Why a `param` document could not be parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// `param` is not JSON of the expected shape (the decoder's message).
    NotJson(String),
    /// A required field is missing or empty (the field's path, e.g. `lastResult.nu`).
    Missing(&'static str),
    /// `lastResult.state` is not a known state code (the value as sent).
    BadState(String),
    /// An item time is not `YYYY-MM-DD HH:MM:SS` (the value as sent).
    BadTime(String),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::NotJson(err) => write!(f, "push param is not valid JSON: {err}"),
            ParseError::Missing(field) => write!(f, "push field `{field}` is missing or empty"),
            ParseError::BadState(v) => write!(f, "push field `lastResult.state` is unknown: {v}"),
            ParseError::BadTime(v) => write!(f, "push item time {v:?} is not YYYY-MM-DD HH:MM:SS"),
        }
    }
}

impl std::error::Error for ParseError {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawParam {
    last_result: Option<RawResult>,
}

#[derive(Deserialize)]
struct RawResult {
    nu: Option<String>,
    com: Option<String>,
    state: Option<Value>,
    data: Option<Vec<RawItem>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem {
    time: Option<String>,
    ftime: Option<String>,
    context: Option<String>,
    area_name: Option<String>,
    status_code: Option<Value>,
}

/// A string or number JSON value as a code string.
fn code_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_time(value: &str) -> Result<DateTime<Utc>, ParseError> {
    NaiveDateTime::parse_from_str(value.trim(), TIME_FORMAT)
        .ok()
        .and_then(|naive| naive.and_local_timezone(CHINA).single())
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| ParseError::BadTime(value.to_owned()))
}

fn parse_item(item: RawItem) -> Result<PushEvent, ParseError> {
    let time = [item.ftime, item.time]
        .into_iter()
        .flatten()
        .find(|t| !t.trim().is_empty())
        .ok_or(ParseError::Missing("lastResult.data[].time"))?;
    Ok(PushEvent {
        at: parse_time(&time)?,
        description: item.context.unwrap_or_default(),
        location: item
            .area_name
            .map(|area| area.trim().to_owned())
            .filter(|area| !area.is_empty()),
        state: item
            .status_code
            .as_ref()
            .and_then(code_of)
            .and_then(|code| CarrierState::from_code(&code)),
    })
}

/// Parses a push's `param` JSON. Unknown fields are ignored.
pub fn parse(param: &str) -> Result<Push, ParseError> {
    let raw: RawParam =
        serde_json::from_str(param).map_err(|err| ParseError::NotJson(err.to_string()))?;
    let result = raw.last_result.ok_or(ParseError::Missing("lastResult"))?;
    let tracking_number = result.nu.as_deref().map(str::trim).unwrap_or_default();
    if tracking_number.is_empty() || tracking_number.chars().count() > 64 {
        return Err(ParseError::Missing("lastResult.nu"));
    }
    let state = match result.state {
        None | Some(Value::Null) => return Err(ParseError::Missing("lastResult.state")),
        Some(value) => {
            let code = code_of(&value).ok_or_else(|| ParseError::BadState(value.to_string()))?;
            CarrierState::from_code(&code).ok_or(ParseError::BadState(code))?
        }
    };
    let data = result.data.unwrap_or_default();
    let mut events: Vec<PushEvent> = data.into_iter().map(parse_item).collect::<Result<_, _>>()?;
    events.sort_by_key(|event| std::cmp::Reverse(event.at));
    Ok(Push {
        tracking_number: tracking_number.to_owned(),
        carrier: result.com.unwrap_or_default().trim().to_owned(),
        state,
        events,
    })
}

/// Builds the `param` JSON Kuaidi100 would send for this history (`events` kept in the given
/// order, newest first; times rendered as UTC+8 `YYYY-MM-DD HH:MM:SS` in `time` and `ftime`).
pub fn build_param(
    tracking_number: &str,
    carrier: &str,
    state: CarrierState,
    events: &[PushEvent],
) -> String {
    let data: Vec<Value> = events
        .iter()
        .map(|event| {
            let time = event.at.with_timezone(&CHINA).format(TIME_FORMAT);
            let mut item = json!({
                "time": time.to_string(),
                "ftime": time.to_string(),
                "context": event.description,
                "areaName": event.location.as_deref().unwrap_or(""),
                "status": event.state.unwrap_or(CarrierState::InTransit).code_and_label().1,
            });
            if let (Some(item_state), Some(map)) = (event.state, item.as_object_mut()) {
                map.insert("statusCode".to_owned(), Value::from(item_state.code()));
            }
            item
        })
        .collect();
    json!({
        "status": "polling", "billstatus": "got", "message": "",
        "autoCheck": "0", "comOld": "", "comNew": "",
        "lastResult": {
            "message": "ok", "nu": tracking_number, "condition": "00", "com": carrier,
            "ischeck": if state == CarrierState::Delivered { "1" } else { "0" },
            "status": "200", "state": state.code(), "data": data,
        },
    })
    .to_string()
}

/// Our reply body when a push was accepted.
pub fn reply_ok() -> Value {
    json!({"result": true, "returnCode": "200", "message": "成功"})
}

/// Our reply body when a push was rejected (`code`: "400" bad input, "500" bad
/// signature or server error, "404" unknown tracking number).
pub fn reply_error(code: &str, message: &str) -> Value {
    json!({"result": false, "returnCode": code, "message": message})
}

/// The form body `param=<urlencoded>&sign=<sign>` for posting a push.
pub fn form_body(param: &str, salt: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("param", param)
        .append_pair("sign", &sign(param, salt))
        .finish()
}

#[cfg(test)]
mod tests {
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
            let raw: Value =
                serde_json::from_str(&build_param("N", "c", state, &[])).expect("parses");
            assert_eq!(raw["lastResult"]["ischeck"], if i == 3 { "1" } else { "0" });
        }
    }
}
