//! Routing: which warehouses an order's units come from, and why, in words
//! staff can check ("all 3 lines from SHA; CAN lacks BAG-002").
//!
//! Rules (configuration, `OMS_ROUTING_STRATEGY`):
//! * fewest shipments: one warehouse that has every line, by priority;
//!   otherwise split, each SKU taking from warehouses by priority;
//! * nearest region: the same, trying warehouses nearest to the shipping
//!   region first (the region→warehouse table), then by priority;
//! * pickup orders take stock only from their pickup point.

use uuid::Uuid;

use crate::domain::inventory::{Allocation, Availability, plan_in};

/// How warehouses are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    FewestShipments,
    NearestRegion,
    /// Only the pickup point the customer chose.
    Pickup,
}

impl Rule {
    pub const ALL: [Rule; 3] = [Rule::FewestShipments, Rule::NearestRegion, Rule::Pickup];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::FewestShipments => "FEWEST_SHIPMENTS",
            Rule::NearestRegion => "NEAREST_REGION",
            Rule::Pickup => "PICKUP",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    fn words(self) -> &'static str {
        match self {
            Rule::FewestShipments => "fewest shipments",
            Rule::NearestRegion => "nearest region",
            Rule::Pickup => "pickup point",
        }
    }
}

/// A warehouse routing may use.
#[derive(Clone, Debug)]
pub struct Site {
    pub id: Uuid,
    pub code: String,
    pub priority: i32,
    /// Rank for the shipping region (1 = nearest), when the table has one.
    pub region_rank: Option<i32>,
}

/// Units of one product the order needs.
#[derive(Clone, Debug)]
pub struct Demand {
    pub product_id: Uuid,
    pub sku: String,
    pub quantity: i64,
}

/// A warehouse and SKUs: what it ships, or what it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub warehouse: String,
    pub skus: Vec<String>,
}

/// Why the order ships from where it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub rule: Rule,
    /// Each warehouse used, with the SKUs it ships.
    pub parts: Vec<Part>,
    /// Warehouses tried before (or instead of) the ones used, with the SKUs
    /// they lack.
    pub passed_over: Vec<Part>,
}

impl Explanation {
    /// In English, for the timeline's note and logs.
    pub fn sentence(&self) -> String {
        let list = |v: &[String]| v.join(", ");
        let mut s = format!("{}: ", self.rule.words());
        match self.parts.as_slice() {
            [one] => s.push_str(&format!(
                "all {} line{} from {}",
                one.skus.len(),
                if one.skus.len() == 1 { "" } else { "s" },
                one.warehouse
            )),
            parts => {
                let shipped: Vec<String> = parts
                    .iter()
                    .map(|p| format!("{} ships {}", p.warehouse, list(&p.skus)))
                    .collect();
                s.push_str(&format!(
                    "split over {} warehouses: {}",
                    parts.len(),
                    shipped.join("; ")
                ));
            }
        }
        for p in &self.passed_over {
            s.push_str(&format!("; {} lacks {}", p.warehouse, list(&p.skus)));
        }
        s
    }
}

/// A routing decision.
#[derive(Clone, Debug)]
pub struct Routed {
    pub allocations: Vec<Allocation>,
    pub explanation: Explanation,
}

/// The order warehouses are tried in under `rule`.
fn ordered(sites: &[Site], rule: Rule) -> Vec<&Site> {
    let mut v: Vec<&Site> = sites.iter().collect();
    match rule {
        Rule::FewestShipments | Rule::Pickup => v.sort_by_key(|s| (s.priority, s.id)),
        Rule::NearestRegion => {
            v.sort_by_key(|s| (s.region_rank.unwrap_or(i32::MAX), s.priority, s.id))
        }
    }
    v
}

/// Routes `demands` over `sites` (for [`Rule::Pickup`], pass only the
/// pickup point). `Err` names the products no combination can cover.
pub fn route(
    demands: &[Demand],
    stock: &[Availability],
    sites: &[Site],
    rule: Rule,
) -> Result<Routed, Vec<Uuid>> {
    let order = ordered(sites, rule);
    let ids: Vec<Uuid> = order.iter().map(|s| s.id).collect();
    let pairs: Vec<(Uuid, i64)> = demands.iter().map(|d| (d.product_id, d.quantity)).collect();
    let allocations = plan_in(&pairs, stock, &ids)?;
    let sku_of = |pid: Uuid| {
        demands
            .iter()
            .find(|d| d.product_id == pid)
            .map(|d| d.sku.clone())
            .unwrap_or_default()
    };
    let available = |wid: Uuid, pid: Uuid| {
        stock
            .iter()
            .find(|s| s.warehouse_id == wid && s.product_id == pid)
            .map_or(0, |s| s.available.max(0))
    };
    let mut parts = Vec::new();
    for site in &order {
        let mut skus: Vec<String> = allocations
            .iter()
            .filter(|a| a.warehouse_id == site.id)
            .map(|a| sku_of(a.product_id))
            .collect();
        skus.dedup();
        if !skus.is_empty() {
            parts.push(Part {
                warehouse: site.code.clone(),
                skus,
            });
        }
    }
    // Warehouses ahead of the last one used that could not take it all.
    let last_used = order
        .iter()
        .rposition(|s| allocations.iter().any(|a| a.warehouse_id == s.id))
        .unwrap_or(0);
    let passed_over = order[..last_used]
        .iter()
        .filter_map(|site| {
            let lacking: Vec<String> = demands
                .iter()
                .filter(|d| available(site.id, d.product_id) < d.quantity)
                .map(|d| d.sku.clone())
                .collect();
            (!lacking.is_empty()).then(|| Part {
                warehouse: site.code.clone(),
                skus: lacking,
            })
        })
        .collect();
    Ok(Routed {
        allocations,
        explanation: Explanation {
            rule,
            parts,
            passed_over,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }
    fn site(n: u128, code: &str, priority: i32, rank: Option<i32>) -> Site {
        Site {
            id: id(n),
            code: code.into(),
            priority,
            region_rank: rank,
        }
    }
    fn av(p: u128, w: u128, n: i64) -> Availability {
        Availability {
            product_id: id(p),
            warehouse_id: id(w),
            warehouse_priority: 0,
            available: n,
        }
    }
    fn demand(p: u128, sku: &str, q: i64) -> Demand {
        Demand {
            product_id: id(p),
            sku: sku.into(),
            quantity: q,
        }
    }

    fn sites() -> Vec<Site> {
        vec![
            site(10, "SHA", 1, Some(2)),
            site(20, "CAN", 2, Some(1)),
            site(30, "PEK", 3, None),
        ]
    }

    #[test]
    fn one_warehouse_with_everything_and_who_was_passed_over() {
        let d = [demand(1, "AUD-001", 1), demand(2, "BAG-002", 2)];
        let stock = [av(1, 10, 5), av(2, 10, 1), av(1, 20, 5), av(2, 20, 5)];
        let r = route(&d, &stock, &sites(), Rule::FewestShipments).expect("routed");
        assert!(r.allocations.iter().all(|a| a.warehouse_id == id(20)));
        assert_eq!(
            r.explanation.sentence(),
            "fewest shipments: all 2 lines from CAN; SHA lacks BAG-002"
        );
    }

    #[test]
    fn splits_when_no_warehouse_has_everything() {
        let d = [demand(1, "AUD-001", 2), demand(2, "BAG-002", 1)];
        let stock = [av(1, 10, 5), av(2, 20, 1)];
        let r = route(&d, &stock, &sites(), Rule::FewestShipments).expect("routed");
        assert_eq!(r.explanation.parts.len(), 2);
        assert_eq!(
            r.explanation.sentence(),
            "fewest shipments: split over 2 warehouses: SHA ships AUD-001; CAN ships BAG-002; SHA lacks BAG-002"
        );
    }

    #[test]
    fn nearest_region_tries_the_nearest_warehouse_first() {
        let d = [demand(1, "AUD-001", 1)];
        let stock = [av(1, 10, 5), av(1, 20, 5)];
        let near = route(&d, &stock, &sites(), Rule::NearestRegion).expect("routed");
        assert_eq!(near.allocations[0].warehouse_id, id(20));
        assert_eq!(
            near.explanation.sentence(),
            "nearest region: all 1 line from CAN"
        );
        let fewest = route(&d, &stock, &sites(), Rule::FewestShipments).expect("routed");
        assert_eq!(fewest.allocations[0].warehouse_id, id(10));
    }

    #[test]
    fn pickup_uses_only_the_point_and_names_what_is_short() {
        let d = [demand(1, "AUD-001", 2)];
        let stock = [av(1, 10, 50), av(1, 30, 1)];
        let only = [site(30, "PEK", 3, None)];
        assert_eq!(
            route(&d, &stock, &only, Rule::Pickup).err(),
            Some(vec![id(1)])
        );
        let stock = [av(1, 10, 50), av(1, 30, 2)];
        let r = route(&d, &stock, &only, Rule::Pickup).expect("routed");
        assert_eq!(r.allocations[0].warehouse_id, id(30));
        assert_eq!(
            r.explanation.sentence(),
            "pickup point: all 1 line from PEK"
        );
    }
}
