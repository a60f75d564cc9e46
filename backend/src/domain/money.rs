//! Money as integer minor units plus an ISO 4217 code. Never floats.

use std::fmt;

/// An amount of one currency, in minor units (fen, cents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// A three-letter upper-case currency code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Currency(String);

impl Currency {
    /// The currency a new installation sells in unless configured
    /// otherwise (`OMS_CURRENCY`).
    pub fn default_shop() -> Self {
        Currency("CNY".to_string())
    }

    pub fn parse(code: &str) -> Option<Self> {
        (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| Currency(code.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Digits after the decimal point. JPY and KRW have none.
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "VND" => 0,
            _ => 2,
        }
    }
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }
    pub fn minor(&self) -> i64 {
        self.minor
    }
    pub fn currency(&self) -> &Currency {
        &self.currency
    }
    pub fn checked_add(&self, other: &Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money::new(minor, self.currency.clone()))
    }
    pub fn checked_mul(&self, qty: i64) -> Option<Money> {
        self.minor
            .checked_mul(qty)
            .map(|minor| Money::new(minor, self.currency.clone()))
    }
    /// The decimal amount as text, e.g. `"129.00"`.
    pub fn amount(&self) -> String {
        let exp = self.currency.exponent();
        if exp == 0 {
            return self.minor.to_string();
        }
        let scale = 10i64.pow(exp);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale_u = scale.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / scale_u,
            abs % scale_u,
            width = exp as usize
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::parse("CNY").unwrap())
    }

    #[test]
    fn amount_is_decimal_text() {
        assert_eq!(cny(12900).amount(), "129.00");
        assert_eq!(cny(5).amount(), "0.05");
        assert_eq!(cny(-250).amount(), "-2.50");
        assert_eq!(
            Money::new(500, Currency::parse("JPY").unwrap()).amount(),
            "500"
        );
    }

    #[test]
    fn arithmetic_is_checked_and_currency_safe() {
        assert_eq!(cny(100).checked_add(&cny(50)), Some(cny(150)));
        let usd = Money::new(1, Currency::parse("USD").unwrap());
        assert_eq!(cny(1).checked_add(&usd), None);
        assert_eq!(cny(i64::MAX).checked_mul(2), None);
    }

    #[test]
    fn currency_codes_are_three_upper_letters() {
        assert!(Currency::parse("CNY").is_some());
        assert!(Currency::parse("cny").is_none());
        assert!(Currency::parse("CN").is_none());
    }
}
