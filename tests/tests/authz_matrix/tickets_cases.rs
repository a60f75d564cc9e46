//! The service ticket cases of the authorization matrix: a customer opens
//! tickets about their own orders and reads and answers their own
//! (someone else's ticket or order looks missing); the service desk
//! (support, admins) reads the queue, answers, assigns and resolves;
//! warehouse, finance and integration keys are FORBIDDEN. Every case acts
//! on a fresh ticket of the owner's about one order of theirs (not the
//! read order: ticket emails are planned in the background and the
//! snapshot counts the read order's notifications), prepared in the
//! status the command starts from; an allowed call must move the ticket
//! exactly as the command says, a refused one leaves it as it was.

use serde_json::{Value, json};

use super::{Expect, Fixture, Op, Who, World};
use crate::helpers::{assert_ok, error_code};
use crate::order_helpers::{new_key, order_input};

/// Tickets are about an order of this SKU (not observed by the snapshot:
/// a ticket's emails are planned in the background).
const TICKET_SKU: &str = "BOO-001";
/// A ticket id nobody has.
const MISSING_TICKET: &str = "00000000-0000-7000-8000-000000000000";
/// What the matrix compares of a ticket (as an admin sees it).
const TICKET_STATE: &str = "query($id: ID!) { ticket(id: $id) { id number status messageCount \
assignee { id } resolvedAt closedAt firstResponseAt } }";

/// The expectations of the ticket ops (`None` for other ops).
pub(super) fn expect(op: Op, who: Who) -> Option<Expect> {
    use Who::*;
    // Read or answer one ticket: its customer and the desk; another
    // customer is told it does not exist; other staff and keys FORBIDDEN.
    let one = |who: Who| match who {
        Anonymous => Expect::Unauthenticated,
        Owner | Support | Admin => Expect::Allow,
        OtherCustomer => Expect::NotFound,
        _ => Expect::Forbidden,
    };
    Some(match op {
        Op::Tickets | Op::TicketAssignees | Op::AssignTicket | Op::ResolveTicket => {
            super::by_role(who, &[Support, Admin])
        }
        Op::MyTickets => match who {
            Anonymous | ChannelKey | OtherChannelKey => Expect::Unauthenticated,
            _ => Expect::Allow,
        },
        Op::Ticket | Op::TicketByNumber | Op::ReplyToTicket | Op::CloseTicket => one(who),
        // Customers open tickets, about their own orders only.
        Op::OpenTicket => match who {
            Anonymous => Expect::Unauthenticated,
            Owner => Expect::Allow,
            OtherCustomer => Expect::NotFound,
            _ => Expect::Forbidden,
        },
        _ => return None,
    })
}

impl World {
    /// The owner's order tickets are about (placed on first use).
    async fn ticket_order(&self) -> String {
        self.ticket_order
            .get_or_init(|| async {
                self.place_as_owner(order_input(&new_key(), &[(TICKET_SKU, 1)]))
                    .await
            })
            .await
            .clone()
    }

    /// A new ticket of the owner's about [`Self::ticket_order`]; with `resolved`,
    /// resolved by admin. Its id and number.
    async fn owners_ticket(&self, resolved: bool) -> (String, String) {
        let resp = self
            .call(
                self.token(Who::Owner),
                "mutation($n: String!) { openTicket(input: {orderNumber: $n, category: DELIVERY, subject: \"matrix\", message: \"matrix question\"}) { id number } }",
                json!({ "n": self.ticket_order().await }),
            )
            .await;
        let t = assert_ok(&resp)["openTicket"].clone();
        let id = t["id"].as_str().unwrap_or_default().to_owned();
        if resolved {
            self.admin(
                "mutation($id: ID!) { resolveTicket(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        }
        (id, t["number"].as_str().unwrap_or_default().to_owned())
    }

    /// The ticket as an admin sees it.
    async fn ticket_state(&self, id: &str) -> Value {
        self.admin(TICKET_STATE, json!({ "id": id })).await["ticket"].clone()
    }

    /// The support user's id (the assignee of `assignTicket`).
    async fn support_id(&self) -> String {
        let resp = self
            .call(self.token(Who::Support), "{ me { id } }", json!({}))
            .await;
        assert_ok(&resp)["me"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub(super) async fn prepare_tickets(&self, op: Op, fx: &mut Fixture) {
        match op {
            Op::Ticket
            | Op::TicketByNumber
            | Op::ReplyToTicket
            | Op::AssignTicket
            | Op::ResolveTicket
            | Op::Tickets
            | Op::MyTickets => {
                let (id, number) = self.owners_ticket(false).await;
                fx.tk = Some(id);
                fx.tk_number = number;
            }
            Op::CloseTicket => {
                let (id, number) = self.owners_ticket(true).await;
                fx.tk = Some(id);
                fx.tk_number = number;
            }
            Op::OpenTicket => {
                fx.tk_number = self.ticket_order().await;
                fx.tk_count = self.owners_ticket_count().await;
            }
            _ => return,
        }
        if op == Op::AssignTicket {
            fx.tk_assignee = self.support_id().await;
        }
        if let Some(id) = fx.tk.clone() {
            fx.tk_before = self.ticket_state(&id).await;
        }
    }

    pub(super) fn tickets_document(&self, op: Op, fx: &Fixture) -> Option<(&'static str, Value)> {
        let id = json!({ "id": fx.tk });
        Some(match op {
            Op::Tickets => (
                "{ tickets(first: 100) { totalCount countsByStatus { status count } edges { node { id number } } } }",
                json!({}),
            ),
            Op::MyTickets => (
                "{ myTickets(first: 100) { totalCount edges { node { id number } } } }",
                json!({}),
            ),
            Op::TicketAssignees => ("{ ticketAssignees { id role } }", json!({})),
            Op::Ticket => ("query($id: ID!) { ticket(id: $id) { id status } }", id),
            Op::TicketByNumber => (
                "query($n: String!) { ticketByNumber(number: $n) { id status } }",
                json!({ "n": fx.tk_number }),
            ),
            Op::OpenTicket => (
                "mutation($n: String!) { openTicket(input: {orderNumber: $n, category: OTHER, subject: \"matrix open\", message: \"matrix\"}) { id status orderNumber } }",
                json!({ "n": fx.tk_number }),
            ),
            Op::ReplyToTicket => (
                "mutation($id: ID!) { replyToTicket(id: $id, message: \"matrix reply\") { id status messageCount } }",
                id,
            ),
            Op::AssignTicket => (
                "mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id assignee { id } } }",
                json!({ "id": fx.tk, "a": fx.tk_assignee }),
            ),
            Op::ResolveTicket => (
                "mutation($id: ID!) { resolveTicket(id: $id) { id status } }",
                id,
            ),
            Op::CloseTicket => (
                "mutation($id: ID!) { closeTicket(id: $id) { id status } }",
                id,
            ),
            _ => return None,
        })
    }

    /// How many tickets the owner has (what `openTicket` adds to).
    async fn owners_ticket_count(&self) -> i64 {
        let resp = self
            .call(
                self.token(Who::Owner),
                "{ myTickets { totalCount } }",
                json!({}),
            )
            .await;
        assert_ok(&resp)["myTickets"]["totalCount"]
            .as_i64()
            .unwrap_or(-1)
    }

    pub(super) async fn tickets_allowed(
        &self,
        op: Op,
        who: Who,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        if expect(op, who).is_none() {
            return false;
        }
        let data = &resp["data"][op.field()];
        let ids = |v: &Value| -> Vec<String> {
            v["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
                .collect()
        };
        match op {
            Op::Tickets => {
                assert!(
                    ids(data)
                        .iter()
                        .any(|i| Some(i.as_str()) == fx.tk.as_deref()),
                    "{ctx}: {resp}"
                );
            }
            Op::MyTickets => {
                // The owner's own only; nobody else has any.
                let mine = ids(data)
                    .iter()
                    .any(|i| Some(i.as_str()) == fx.tk.as_deref());
                assert_eq!(mine, who == Who::Owner, "{ctx}: {resp}");
                if who != Who::Owner {
                    assert_eq!(data["totalCount"], 0, "{ctx}: {resp}");
                }
            }
            Op::TicketAssignees => {
                let roles: Vec<&str> = data
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|u| u["role"].as_str())
                    .collect();
                assert!(!roles.is_empty(), "{ctx}: {resp}");
                assert!(
                    roles.iter().all(|r| *r == "SUPPORT" || *r == "ADMIN"),
                    "{ctx}: {resp}"
                );
            }
            Op::Ticket | Op::TicketByNumber => {
                assert_eq!(data["id"].as_str(), fx.tk.as_deref(), "{ctx}: {resp}");
            }
            Op::OpenTicket => {
                assert_eq!(self.owners_ticket_count().await, fx.tk_count + 1, "{ctx}");
                assert_eq!(data["status"], "OPEN", "{ctx}: {resp}");
                assert_eq!(data["orderNumber"], json!(fx.tk_number), "{ctx}: {resp}");
            }
            Op::ReplyToTicket | Op::AssignTicket | Op::ResolveTicket | Op::CloseTicket => {
                let id = fx.tk.clone().unwrap_or_default();
                let now = self.ticket_state(&id).await;
                let mut want = fx.tk_before.clone();
                match op {
                    Op::ReplyToTicket => {
                        want["messageCount"] = json!(2);
                        if who == Who::Owner {
                            // The customer adding to an OPEN ticket keeps it OPEN.
                            assert_eq!(now["status"], "OPEN", "{ctx}");
                        } else {
                            want["status"] = json!("WAITING_ON_CUSTOMER");
                            want["firstResponseAt"] = now["firstResponseAt"].clone();
                            assert!(now["firstResponseAt"].is_string(), "{ctx}: {now}");
                        }
                    }
                    Op::AssignTicket => want["assignee"] = json!({ "id": fx.tk_assignee }),
                    Op::ResolveTicket => {
                        want["status"] = json!("RESOLVED");
                        want["resolvedAt"] = now["resolvedAt"].clone();
                        assert!(now["resolvedAt"].is_string(), "{ctx}: {now}");
                    }
                    _ => {
                        want["status"] = json!("CLOSED");
                        want["closedAt"] = now["closedAt"].clone();
                        assert!(now["closedAt"].is_string(), "{ctx}: {now}");
                    }
                }
                assert_eq!(now, want, "{ctx}: wrong effect on the ticket");
            }
            _ => return false,
        }
        true
    }

    pub(super) async fn tickets_refused(
        &self,
        op: Op,
        who: Who,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        if expect(op, who).is_none() {
            return false;
        }
        if let Some(id) = fx.tk.as_deref() {
            assert_eq!(
                self.ticket_state(id).await,
                fx.tk_before,
                "{ctx}: the ticket changed"
            );
        }
        if op == Op::OpenTicket {
            assert_eq!(
                self.owners_ticket_count().await,
                fx.tk_count,
                "{ctx}: a ticket was opened"
            );
        }
        if op.expect(who) == Expect::NotFound {
            // Someone else's ticket (or order) answers exactly like a missing one.
            let (query, mut vars) = self.tickets_document(op, fx).unwrap_or(("", json!({})));
            let (var, target, absent) = match (op, fx.tk.as_deref()) {
                (Op::OpenTicket, _) | (_, None) => {
                    ("n", fx.tk_number.clone(), super::MISSING_ORDER)
                }
                (Op::TicketByNumber, _) => ("n", fx.tk_number.clone(), "TK-999999"),
                (_, Some(id)) => ("id", id.to_owned(), MISSING_TICKET),
            };
            vars[var] = json!(absent);
            let missing = self.call(self.bearer_for(op, who, fx), query, vars).await;
            assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{ctx}: {missing}");
            assert_eq!(
                resp["errors"][0]["message"]
                    .as_str()
                    .map(|m| m.replace(&target, absent)),
                missing["errors"][0]["message"].as_str().map(str::to_owned),
                "{ctx}: someone else's ticket or order must look missing"
            );
        }
        true
    }
}
