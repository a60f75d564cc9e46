//! What a review may contain. Text is plain text: it is stored as written
//! (trimmed) and escaped wherever it is shown, so `<script>` is just text.
//! Errors name the input field (`rating`, `title`, `body`, `reason`).

pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 5000;
pub const REASON_MAX: usize = 500;
pub const REPLY_MAX: usize = 2000;

/// A refused input: the field and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        field,
        message: message.into(),
    }
}

/// A review's content, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewText {
    pub rating: i32,
    pub title: String,
    pub body: String,
}

/// 1 to 5 stars.
pub fn rating(r: i64) -> Result<i32, Invalid> {
    if (1..=5).contains(&r) {
        Ok(r as i32)
    } else {
        Err(invalid(
            "rating",
            "must be a whole number of stars from 1 to 5",
        ))
    }
}

/// Trimmed text of 1 to `max` characters; line breaks only where
/// `multiline`, no other control characters.
pub fn text(
    field: &'static str,
    raw: &str,
    max: usize,
    multiline: bool,
) -> Result<String, Invalid> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(invalid(field, "must not be empty"));
    }
    if n > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(t.replace("\r\n", "\n"))
}

/// Checks a whole review, the rating first.
pub fn review(rating_raw: i64, title: &str, body: &str) -> Result<ReviewText, Invalid> {
    Ok(ReviewText {
        rating: rating(rating_raw)?,
        title: text("title", title, TITLE_MAX, false)?,
        body: text("body", body, BODY_MAX, true)?,
    })
}

/// A moderator's reason for rejecting: required.
pub fn reason(raw: Option<&str>) -> Result<String, Invalid> {
    text("reason", raw.unwrap_or_default(), REASON_MAX, true)
}

/// Staff's public reply.
pub fn reply(raw: &str) -> Result<String, Invalid> {
    text("body", raw, REPLY_MAX, true)
}
