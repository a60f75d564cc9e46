//! Who may do what: roles, the caller ([`Principal`]), and the rules for
//! emails, names and passwords.

use uuid::Uuid;

/// A user's role. Staff roles are everything but `Customer`; `Integration`
/// is an API key bound to one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Customer,
    Support,
    Warehouse,
    Finance,
    Admin,
    Integration,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Customer,
        Role::Support,
        Role::Warehouse,
        Role::Finance,
        Role::Admin,
        Role::Integration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Support => "support",
            Role::Warehouse => "warehouse",
            Role::Finance => "finance",
            Role::Admin => "admin",
            Role::Integration => "integration",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::Support | Role::Warehouse | Role::Finance | Role::Admin
        )
    }
}

/// The caller of a command, resolved at the edge from a token or cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    User {
        id: Uuid,
        role: Role,
        session_id: Uuid,
        /// Snapshot for orders placed by this caller.
        email: String,
        name: String,
    },
    /// An integration's API key, bound to one sales channel.
    Integration {
        key_id: Uuid,
        channel_id: Uuid,
    },
    /// Internal callers: the CLI and start-up seeding.
    System,
}

impl Principal {
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User { role, .. } => Some(*role),
            Principal::Integration { .. } => Some(Role::Integration),
            Principal::System => Some(Role::Admin),
            Principal::Anonymous => None,
        }
    }
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Principal::User { id, .. } => Some(*id),
            _ => None,
        }
    }
    /// A short label for ledgers and timelines.
    pub fn actor(&self) -> String {
        match self {
            Principal::User { id, role, .. } => format!("{}:{id}", role.as_str()),
            Principal::Integration { key_id, .. } => format!("integration:{key_id}"),
            Principal::System => "system".into(),
            Principal::Anonymous => "anonymous".into(),
        }
    }
    pub fn is_staff(&self) -> bool {
        self.role().is_some_and(Role::is_staff)
    }

    /// A signed-in user with placeholder session and contact (tests, tools).
    pub fn user(id: Uuid, role: Role) -> Principal {
        Principal::User {
            id,
            role,
            session_id: Uuid::nil(),
            email: String::new(),
            name: String::new(),
        }
    }
}

/// Why an action is refused, before the edge maps it to a code.
#[derive(Debug, PartialEq, Eq)]
pub enum Denied {
    Unauthenticated,
    Forbidden,
}

/// Default deny: the caller must be signed in with one of `roles`.
pub fn require_role(p: &Principal, roles: &[Role]) -> Result<(), Denied> {
    match p.role() {
        None => Err(Denied::Unauthenticated),
        Some(r) if roles.contains(&r) => Ok(()),
        Some(_) => Err(Denied::Forbidden),
    }
}

pub const STAFF: &[Role] = &[Role::Support, Role::Warehouse, Role::Finance, Role::Admin];
pub const STOCK_KEEPERS: &[Role] = &[Role::Warehouse, Role::Admin];
pub const ADMINS: &[Role] = &[Role::Admin];

/// A normalized (trimmed, lower-cased) email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.split_once('@')?;
        let ok = !local.is_empty()
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(char::is_whitespace)
            && !domain.contains('@');
        ok.then_some(Email(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// The most common passwords (from public breach top lists); refused outright.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "qwertyuiop",
    "11111111",
    "00000000",
    "iloveyou",
    "sunshine1",
    "princess1",
    "football1",
    "baseball1",
    "welcome1",
    "abc12345",
    "admin123",
    "letmein1",
    "monkey123",
    "dragon123",
    "passw0rd",
    "p@ssw0rd",
    "qwerty12",
    "1q2w3e4r",
    "1qaz2wsx",
    "zaq12wsx",
    "trustno1",
    "superman1",
    "87654321",
    "88888888",
    "12341234",
    "11223344",
    "asdfghjk",
    "changeme",
];

/// Why a password is refused; the message is shown to the user.
pub fn check_password(pw: &str) -> Result<(), &'static str> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN {
        return Err("must be at least 8 characters");
    }
    if n > PASSWORD_MAX {
        return Err("must be at most 128 characters");
    }
    if COMMON_PASSWORDS.contains(&pw.to_lowercase().as_str()) {
        return Err("is too common; choose another");
    }
    Ok(())
}

/// A display name: 1..=100 characters after trimming.
pub fn check_name(name: &str) -> Result<String, &'static str> {
    let t = name.trim();
    match t.chars().count() {
        0 => Err("must not be empty"),
        1..=100 => Ok(t.to_string()),
        _ => Err("must be at most 100 characters"),
    }
}

/// A person with an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    /// Sign-in email, lower-cased.
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// An integration's API key as the rest of the system sees it (the secret
/// is only ever stored as a hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: uuid::Uuid,
    pub name: String,
    /// The only channel the key reaches.
    pub channel_id: uuid::Uuid,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        assert!(check_password("short").is_err());
        assert!(
            check_password("Password123").is_err(),
            "common, case-insensitive"
        );
        assert!(check_password(&"x".repeat(129)).is_err());
        assert!(check_password(&"x".repeat(64)).is_ok());
        assert!(check_password("correct horse battery").is_ok());
    }

    #[test]
    fn emails_are_normalized() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@localhost",
            "a b@x.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn roles_gate_by_default_deny() {
        let cust = Principal::user(Uuid::nil(), Role::Customer);
        assert_eq!(
            require_role(&Principal::Anonymous, STAFF),
            Err(Denied::Unauthenticated)
        );
        assert_eq!(require_role(&cust, STAFF), Err(Denied::Forbidden));
        assert_eq!(require_role(&Principal::System, ADMINS), Ok(()));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
