//! Who did something, as recorded on timelines and ledgers
//! (`<role>:<user id>`, `integration:<key id>`, `system`; see
//! [`Principal::actor`]), and how a viewer sees it.
//!
//! The display rule: the viewer's own actions are "you"; staff see every
//! actor's name (a person's name with the role they acted in, an
//! integration key's name); customers and integrations see staff and other
//! integrations by role only, so staff names and internal key names never
//! leave the merchant. The system (seeding, the CLI, jobs) has no name.

use uuid::Uuid;

use super::auth::{Principal, Role};

/// An actor as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActorRef {
    /// A signed-in user, with the role they acted in.
    User { id: Uuid, role: Role },
    /// An integration's API key.
    Integration { key_id: Uuid },
    /// Start-up seeding, the CLI, background jobs.
    System,
}

impl ActorRef {
    /// The actor of a command by `p` (`None` for an anonymous caller, who
    /// can change nothing).
    pub fn of(p: &Principal) -> Option<ActorRef> {
        match p {
            Principal::User { id, role, .. } => Some(ActorRef::User {
                id: *id,
                role: *role,
            }),
            Principal::Integration { key_id, .. } => {
                Some(ActorRef::Integration { key_id: *key_id })
            }
            Principal::System => Some(ActorRef::System),
            Principal::Anonymous => None,
        }
    }

    /// Reads a stored actor label; `None` when it is not one we write.
    pub fn parse(stored: &str) -> Option<ActorRef> {
        if stored == "system" {
            return Some(ActorRef::System);
        }
        let (prefix, id) = stored.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match Role::ALL.into_iter().find(|r| r.as_str() == prefix)? {
            Role::Integration => Some(ActorRef::Integration { key_id: id }),
            role => Some(ActorRef::User { id, role }),
        }
    }
}

/// What kind of actor it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActorKind {
    Customer,
    Staff,
    Integration,
    System,
}

/// An actor with its name as it is now (a user's name, an API key's name;
/// `None` when the user or key no longer exists, and for the system).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub who: ActorRef,
    pub name: Option<String>,
}

/// How one viewer sees an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorView {
    pub kind: ActorKind,
    /// Shown only where the rule allows (see the module docs).
    pub name: Option<String>,
    /// The role a person acted in; `None` for integrations and the system.
    pub role: Option<Role>,
    /// The viewer did it.
    pub is_you: bool,
}

impl Actor {
    /// The display rule (see the module docs).
    pub fn seen_by(&self, viewer: &Principal) -> ActorView {
        let (kind, role, is_you) = match self.who {
            ActorRef::User { id, role } => {
                let kind = match role {
                    Role::Customer => ActorKind::Customer,
                    Role::Integration => ActorKind::Integration,
                    _ => ActorKind::Staff,
                };
                (kind, Some(role), viewer.user_id() == Some(id))
            }
            ActorRef::Integration { key_id } => (
                ActorKind::Integration,
                None,
                matches!(viewer, Principal::Integration { key_id: k, .. } if *k == key_id),
            ),
            ActorRef::System => (ActorKind::System, None, false),
        };
        let may_see_name = is_you || viewer.is_staff() || *viewer == Principal::System;
        ActorView {
            kind,
            name: self.name.clone().filter(|_| may_see_name),
            role,
            is_you,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> (Uuid, Principal) {
        let id = Uuid::new_v4();
        (id, Principal::user(id, role))
    }

    fn named(who: ActorRef, name: &str) -> Actor {
        Actor {
            who,
            name: Some(name.into()),
        }
    }

    #[test]
    fn every_stored_label_we_write_reads_back() {
        let (_, support) = user(Role::Support);
        let key = Principal::Integration {
            key_id: Uuid::new_v4(),
            channel_id: Uuid::new_v4(),
        };
        for p in [support, key, Principal::System] {
            assert_eq!(ActorRef::parse(&p.actor()), ActorRef::of(&p), "{p:?}");
        }
        for r in Role::ALL {
            let (id, p) = user(r);
            let expected = if r == Role::Integration {
                ActorRef::Integration { key_id: id }
            } else {
                ActorRef::User { id, role: r }
            };
            assert_eq!(ActorRef::parse(&p.actor()), Some(expected));
        }
        for bad in [
            "anonymous",
            "",
            "customer",
            "customer:nope",
            "robot:00000000-0000-0000-0000-000000000000",
            "SUPPORT:00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(ActorRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_customer_sees_their_own_actions_as_theirs() {
        let (id, me) = user(Role::Customer);
        let v = named(
            ActorRef::User {
                id,
                role: Role::Customer,
            },
            "Ann",
        )
        .seen_by(&me);
        assert_eq!(
            v,
            ActorView {
                kind: ActorKind::Customer,
                name: Some("Ann".into()),
                role: Some(Role::Customer),
                is_you: true
            }
        );
    }

    #[test]
    fn customers_see_staff_and_integrations_by_role_only() {
        let (_, customer) = user(Role::Customer);
        let (staff_id, _) = user(Role::Support);
        let by_staff = named(
            ActorRef::User {
                id: staff_id,
                role: Role::Support,
            },
            "Li Wei",
        );
        let v = by_staff.seen_by(&customer);
        assert_eq!(
            (v.kind, v.name, v.role, v.is_you),
            (ActorKind::Staff, None, Some(Role::Support), false)
        );
        let by_key = named(
            ActorRef::Integration {
                key_id: Uuid::new_v4(),
            },
            "Tmall sync",
        );
        let v = by_key.seen_by(&customer);
        assert_eq!(
            (v.kind, v.name, v.role),
            (ActorKind::Integration, None, None)
        );
        // Another customer's name is not shown to a customer either.
        let (other, _) = user(Role::Customer);
        let v = named(
            ActorRef::User {
                id: other,
                role: Role::Customer,
            },
            "Bo",
        )
        .seen_by(&customer);
        assert_eq!((v.name, v.is_you), (None, false));
    }

    #[test]
    fn staff_see_names_and_roles() {
        let (_, admin) = user(Role::Admin);
        let (staff_id, support) = user(Role::Support);
        let by_staff = named(
            ActorRef::User {
                id: staff_id,
                role: Role::Support,
            },
            "Li Wei",
        );
        let v = by_staff.seen_by(&admin);
        assert_eq!(
            (v.kind, v.name.as_deref(), v.role, v.is_you),
            (ActorKind::Staff, Some("Li Wei"), Some(Role::Support), false)
        );
        assert!(by_staff.seen_by(&support).is_you);
        let (cid, _) = user(Role::Customer);
        let by_customer = named(
            ActorRef::User {
                id: cid,
                role: Role::Customer,
            },
            "Ann",
        );
        assert_eq!(by_customer.seen_by(&admin).name.as_deref(), Some("Ann"));
        let key_id = Uuid::new_v4();
        let by_key = named(ActorRef::Integration { key_id }, "Tmall sync");
        assert_eq!(by_key.seen_by(&admin).name.as_deref(), Some("Tmall sync"));
        let the_key = Principal::Integration {
            key_id,
            channel_id: Uuid::nil(),
        };
        let v = by_key.seen_by(&the_key);
        assert!(v.is_you);
        assert_eq!(v.name.as_deref(), Some("Tmall sync"));
        // An integration sees staff by role only.
        assert_eq!(by_staff.seen_by(&the_key).name, None);
    }

    #[test]
    fn the_system_has_no_name_and_is_nobody_s_you() {
        let a = Actor {
            who: ActorRef::System,
            name: None,
        };
        for viewer in [Principal::System, Principal::Anonymous] {
            let v = a.seen_by(&viewer);
            assert_eq!(
                (v.kind, v.name, v.role, v.is_you),
                (ActorKind::System, None, None, false)
            );
        }
    }
}
