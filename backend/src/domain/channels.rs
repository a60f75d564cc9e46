//! Sales channels: where orders come from (the web shop, marketplaces,
//! physical stores, partners). Each integration key is bound to one.

/// The channel that portal orders (and staff orders without a channel)
/// come through; it exists on every installation.
pub const PORTAL_CHANNEL: &str = "web";

/// What kind of channel it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    Web,
    Marketplace,
    Store,
    Partner,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Web,
        ChannelKind::Marketplace,
        ChannelKind::Store,
        ChannelKind::Partner,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Web => "web",
            ChannelKind::Marketplace => "marketplace",
            ChannelKind::Store => "store",
            ChannelKind::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A sales channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub id: uuid::Uuid,
    /// Short lower-case code, e.g. "web".
    pub code: String,
    pub name: String,
    pub kind: ChannelKind,
    pub active: bool,
    /// The payment methods customers of this channel may choose.
    pub payment_methods: Vec<crate::domain::payments::PaymentMethod>,
    /// Days after delivery a customer may still ask for a return.
    pub return_window_days: i32,
}

/// The longest return window a channel may offer, in days.
pub const MAX_RETURN_WINDOW_DAYS: i32 = 365;

/// Channel codes are compared trimmed and lower-case.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_kinds_are_refused() {
        for k in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ChannelKind::parse("fax"), None);
    }

    #[test]
    fn codes_are_normalized() {
        assert_eq!(normalize_code("  WEB "), "web");
    }
}
