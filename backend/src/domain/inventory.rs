//! Allocation policy (pure). Strategy, in order:
//! 1. one warehouse that can ship every line, the lowest `priority` first
//!    (one shipment, one parcel);
//! 2. otherwise split: each SKU takes from warehouses by priority until its
//!    quantity is met;
//! 3. if any SKU lacks units over all warehouses, nothing is allocated and
//!    every short SKU is named.

use std::collections::HashMap;

use uuid::Uuid;

/// Units free to sell of one product in one warehouse.
#[derive(Clone, Debug)]
pub struct Availability {
    pub product_id: Uuid,
    pub warehouse_id: Uuid,
    pub warehouse_priority: i32,
    pub available: i64,
}

/// Take `quantity` units of `product_id` from `warehouse_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub product_id: Uuid,
    pub warehouse_id: Uuid,
    pub quantity: i64,
}

/// Plans allocations for `(product_id, quantity)` demands, or returns the
/// products that cannot be covered (warehouses by priority).
pub fn plan(demands: &[(Uuid, i64)], stock: &[Availability]) -> Result<Vec<Allocation>, Vec<Uuid>> {
    let mut warehouses: Vec<(Uuid, i32)> = stock
        .iter()
        .map(|s| (s.warehouse_id, s.warehouse_priority))
        .collect();
    warehouses.sort_by_key(|(id, p)| (*p, *id));
    warehouses.dedup();
    let order: Vec<Uuid> = warehouses.into_iter().map(|(id, _)| id).collect();
    plan_in(demands, stock, &order)
}

/// Like [`plan`], trying warehouses in the given order; warehouses not in
/// `order` are never used.
pub fn plan_in(
    demands: &[(Uuid, i64)],
    stock: &[Availability],
    order: &[Uuid],
) -> Result<Vec<Allocation>, Vec<Uuid>> {
    let mut by_wh: HashMap<Uuid, (i32, HashMap<Uuid, i64>)> = HashMap::new();
    for wid in order {
        by_wh.insert(*wid, (0, HashMap::new()));
    }
    for s in stock {
        if let Some(w) = by_wh.get_mut(&s.warehouse_id) {
            w.1.insert(s.product_id, s.available.max(0));
        }
    }
    let warehouses: Vec<(Uuid, i32)> = order.iter().map(|id| (*id, 0)).collect();

    // 1. a single warehouse for everything
    for (wid, _) in &warehouses {
        let avail = &by_wh[wid].1;
        if demands
            .iter()
            .all(|(pid, q)| avail.get(pid).copied().unwrap_or(0) >= *q)
        {
            return Ok(demands
                .iter()
                .map(|(pid, q)| Allocation {
                    product_id: *pid,
                    warehouse_id: *wid,
                    quantity: *q,
                })
                .collect());
        }
    }
    // 2. split by priority; 3. name what is short
    let mut out = Vec::new();
    let mut short = Vec::new();
    for (pid, q) in demands {
        let mut left = *q;
        let mut mine = Vec::new();
        for (wid, _) in &warehouses {
            if left == 0 {
                break;
            }
            let a = by_wh[wid].1.get(pid).copied().unwrap_or(0);
            let take = a.min(left);
            if take > 0 {
                mine.push(Allocation {
                    product_id: *pid,
                    warehouse_id: *wid,
                    quantity: take,
                });
                left -= take;
            }
        }
        if left > 0 {
            short.push(*pid);
        } else {
            out.extend(mine);
        }
    }
    if short.is_empty() {
        Ok(out)
    } else {
        Err(short)
    }
}

/// A place that holds stock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warehouse {
    pub id: Uuid,
    /// Short code, e.g. "SHA".
    pub code: String,
    pub name: String,
    pub region: String,
    /// Customers can collect orders here.
    pub is_pickup_point: bool,
    /// Allocation order: lower is tried first.
    pub priority: i32,
}

/// Stock of one product in one warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLevel {
    pub product_id: Uuid,
    pub sku: String,
    pub warehouse: Warehouse,
    /// Units physically there.
    pub on_hand: i64,
    /// Units promised to orders and not yet shipped.
    pub allocated: i64,
    /// Available at or below this counts as low stock.
    pub reorder_point: i64,
}

impl StockLevel {
    /// Units free to sell.
    pub fn available(&self) -> i64 {
        self.on_hand - self.allocated
    }
}

/// Kinds of stock-ledger rows, spelled once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementKind {
    /// An order holds units (allocated goes up).
    Allocate,
    /// An order lets go of units (allocated goes down).
    Release,
    /// Units leave the warehouse (on hand and allocated go down).
    Ship,
    /// A counted correction of on hand.
    Adjust,
    /// Goods received into a warehouse.
    Receive,
}

impl MovementKind {
    pub const ALL: [MovementKind; 5] = [
        MovementKind::Allocate,
        MovementKind::Release,
        MovementKind::Ship,
        MovementKind::Adjust,
        MovementKind::Receive,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Allocate => "allocate",
            MovementKind::Release => "release",
            MovementKind::Ship => "ship",
            MovementKind::Adjust => "adjust",
            MovementKind::Receive => "receive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }
    fn av(p: u128, w: u128, prio: i32, n: i64) -> Availability {
        Availability {
            product_id: id(p),
            warehouse_id: id(w),
            warehouse_priority: prio,
            available: n,
        }
    }

    #[test]
    fn prefers_one_warehouse_that_ships_everything() {
        // W1 (priority 1) lacks product 2; W2 can ship both.
        let stock = [av(1, 10, 1, 5), av(1, 20, 2, 5), av(2, 20, 2, 5)];
        let plan = plan(&[(id(1), 2), (id(2), 1)], &stock).unwrap();
        assert!(plan.iter().all(|a| a.warehouse_id == id(20)));
    }

    #[test]
    fn splits_by_priority_when_no_single_warehouse_can() {
        let stock = [av(1, 10, 1, 3), av(1, 20, 2, 5)];
        let plan = plan(&[(id(1), 6)], &stock).unwrap();
        assert_eq!(
            plan,
            vec![
                Allocation {
                    product_id: id(1),
                    warehouse_id: id(10),
                    quantity: 3
                },
                Allocation {
                    product_id: id(1),
                    warehouse_id: id(20),
                    quantity: 3
                },
            ]
        );
    }

    #[test]
    fn names_every_short_product() {
        let stock = [av(1, 10, 1, 3), av(2, 10, 1, 1)];
        assert_eq!(
            plan(&[(id(1), 4), (id(2), 2)], &stock),
            Err(vec![id(1), id(2)])
        );
        assert_eq!(plan(&[(id(3), 1)], &stock), Err(vec![id(3)]));
    }
}
