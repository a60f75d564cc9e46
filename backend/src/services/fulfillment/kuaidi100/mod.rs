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
fn china() -> FixedOffset {
    use chrono::Offset;
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}
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
        .and_then(|naive| naive.and_local_timezone(china()).single())
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
            let time = event.at.with_timezone(&china()).format(TIME_FORMAT);
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
mod tests;
