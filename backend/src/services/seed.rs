//! Demo data: three channels, three warehouses (one a pickup point), about
//! fifty products with stock (received through the ledger, so it balances),
//! and one account per role. Seeding runs only on an empty database.

use chrono::Utc;
use entity::{channel, product, user, warehouse};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::auth::Role;
use crate::domain::inventory::MovementKind;
use crate::error::AppResult;
use crate::services::inventory::apply_on_hand_delta;
use crate::state::AppState;

/// (email, password, role, name): the README lists these.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "customer@example.com",
        "customer-demo-2026",
        Role::Customer,
        "Chen Jing",
    ),
    (
        "support@example.com",
        "support-demo-2026",
        Role::Support,
        "Sam Support",
    ),
    (
        "warehouse@example.com",
        "warehouse-demo-2026",
        Role::Warehouse,
        "Wang Wei",
    ),
    (
        "finance@example.com",
        "finance-demo-2026",
        Role::Finance,
        "Fiona Finance",
    ),
    (
        "admin@example.com",
        "admin-demo-2026",
        Role::Admin,
        "Ada Admin",
    ),
];

const CHANNELS: &[(&str, &str, &str)] = &[
    ("web", "Web shop", "web"),
    ("marketplace", "Tmall marketplace", "marketplace"),
    ("store", "Shanghai flagship store", "store"),
];

/// (code, name, region, pickup point, priority)
const WAREHOUSES: &[(&str, &str, &str, bool, i32)] = &[
    (
        "SHA",
        "Shanghai distribution centre",
        "East China",
        false,
        1,
    ),
    (
        "CAN",
        "Guangzhou distribution centre",
        "South China",
        false,
        2,
    ),
    (
        "PEK-PICKUP",
        "Beijing store pickup point",
        "North China",
        true,
        3,
    ),
];

/// The nearest-region routing table (`OMS_ROUTING_STRATEGY=nearest_region`):
/// (shipping region, warehouse codes nearest first).
const REGIONS: &[(&str, &[&str])] = &[
    ("Shanghai", &["SHA", "CAN"]),
    ("Jiangsu", &["SHA", "CAN"]),
    ("Zhejiang", &["SHA", "CAN"]),
    ("Guangdong", &["CAN", "SHA"]),
    ("Fujian", &["CAN", "SHA"]),
    ("Guangxi", &["CAN", "SHA"]),
    ("Beijing", &["PEK-PICKUP", "SHA", "CAN"]),
    ("Tianjin", &["PEK-PICKUP", "SHA", "CAN"]),
    ("Hebei", &["PEK-PICKUP", "SHA", "CAN"]),
];

/// (sku, name, price in fen)
const PRODUCTS: &[(&str, &str, i64)] = &[
    ("AUD-001", "Wireless Earbuds", 29900),
    ("AUD-002", "Over-Ear Headphones", 89900),
    ("AUD-003", "Bluetooth Speaker", 39900),
    ("AUD-004", "USB Microphone", 45900),
    ("BAG-001", "Canvas Tote Bag", 6900),
    ("BAG-002", "Leather Backpack", 59900),
    ("BAG-003", "Travel Duffel", 42900),
    ("BOO-001", "Rust Programming Handbook", 12800),
    ("BOO-002", "Chinese Cooking Basics", 6800),
    ("BOO-003", "Illustrated Atlas", 15800),
    ("CAM-001", "Action Camera", 149900),
    ("CAM-002", "Camera Tripod", 19900),
    ("CHG-001", "65W USB-C Charger", 14900),
    ("CHG-002", "Power Bank 20000mAh", 16900),
    ("CHG-003", "Braided USB-C Cable", 3900),
    ("DSK-001", "Standing Desk Converter", 99900),
    ("DSK-002", "Desk Lamp", 18900),
    ("DSK-003", "Monitor Stand", 25900),
    ("FIT-001", "Yoga Mat", 12900),
    ("FIT-002", "Adjustable Dumbbells", 69900),
    ("FIT-003", "Jump Rope", 4900),
    ("FIT-004", "Fitness Tracker", 39900),
    ("KBD-001", "Mechanical Keyboard", 49900),
    ("KBD-002", "Wireless Mouse", 12900),
    ("KBD-003", "Mouse Pad XL", 5900),
    ("KIT-001", "Chef's Knife", 32900),
    ("KIT-002", "Bamboo Cutting Board", 8900),
    ("KIT-003", "Cast Iron Wok", 27900),
    ("KIT-004", "Electric Kettle", 19900),
    ("KIT-005", "Rice Cooker", 59900),
    ("MUG-001", "Ceramic Coffee Mug", 4900),
    ("MUG-002", "Insulated Travel Mug", 12900),
    ("MUG-003", "Glass Teapot", 9900),
    ("PHN-001", "Phone Case", 7900),
    ("PHN-002", "Screen Protector", 3900),
    ("PHN-003", "Phone Stand", 4900),
    ("SHO-001", "Running Shoes", 59900),
    ("SHO-002", "Canvas Sneakers", 29900),
    ("SLP-001", "Silk Pillowcase", 19900),
    ("SLP-002", "Down Duvet", 129900),
    ("TEA-001", "Longjing Green Tea 100g", 8800),
    ("TEA-002", "Pu'er Tea Cake 357g", 16800),
    ("TEA-003", "Jasmine Tea 200g", 6800),
    ("TEA-004", "Oolong Tea Gift Box", 25800),
    ("TOY-001", "Building Blocks Set", 34900),
    ("TOY-002", "Puzzle 1000 Pieces", 8900),
    ("TOY-003", "Plush Panda", 9900),
    ("WAT-001", "Smart Watch", 129900),
    ("WAT-002", "Leather Watch Strap", 15900),
    ("WAT-003", "Analog Wristwatch", 79900),
];

/// What every installation needs, demo or not (see
/// [`crate::services::channels::ensure_portal_channel`]).
pub async fn ensure_defaults(state: &AppState) -> AppResult<()> {
    crate::services::channels::ensure_portal_channel(state).await
}

/// Seeds the demo data if the database has no users yet. Returns whether it seeded.
pub async fn seed_if_empty(state: &AppState) -> AppResult<bool> {
    if user::Entity::find().count(&state.db.conn).await? > 0 {
        return Ok(false);
    }
    seed_demo(state).await?;
    if state.config.seed_demo_orders {
        crate::services::demo_notifications::seed_demo_webhook(state).await?;
        crate::services::demo_orders::seed_demo_orders(state).await?;
        crate::services::demo_reviews::seed_demo_reviews(state).await?;
        crate::services::demo_returns::seed_demo_returns(state).await?;
        crate::services::demo_changes::seed_demo_changes(state).await?;
        crate::services::demo_tickets::seed_demo_tickets(state).await?;
    }
    Ok(true)
}

/// Adds the demo channels, warehouses, products, stock and accounts.
pub async fn seed_demo(state: &AppState) -> AppResult<()> {
    for (email, password, role, name) in DEMO_ACCOUNTS {
        crate::services::users::create_user_unchecked(state, email, password, name, *role, false)
            .await?;
    }
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    for (code, name, kind) in CHANNELS {
        use sea_orm::{ColumnTrait, QueryFilter};
        // `web` may exist already (see `ensure_defaults`).
        if channel::Entity::find()
            .filter(channel::Column::Code.eq(*code))
            .first(&*tx)
            .await?
            .is_some()
        {
            continue;
        }
        channel::ActiveModel {
            id: Set(Uuid::now_v7()),
            code: Set((*code).into()),
            name: Set((*name).into()),
            kind: Set((*kind).into()),
            active: Set(true),
            payment_methods: Set(crate::domain::payments::format_method_list(
                &crate::domain::payments::PaymentMethod::ALL,
            )),
            return_window_days: Set(7),
            created_at: Set(now),
        }
        .insert(&*tx)
        .await?;
    }
    let mut warehouses = Vec::new();
    for (code, name, region, pickup, priority) in WAREHOUSES {
        warehouses.push(
            warehouse::ActiveModel {
                id: Set(Uuid::now_v7()),
                code: Set((*code).into()),
                name: Set((*name).into()),
                region: Set((*region).into()),
                is_pickup_point: Set(*pickup),
                priority: Set(*priority),
                active: Set(true),
                created_at: Set(now),
            }
            .insert(&*tx)
            .await?,
        );
    }
    for (region, codes) in REGIONS {
        for (rank, code) in codes.iter().enumerate() {
            let Some(w) = warehouses.iter().find(|w| w.code == *code) else {
                continue;
            };
            entity::region_warehouse::ActiveModel {
                region: Set((*region).into()),
                warehouse_id: Set(w.id),
                rank: Set(rank as i32 + 1),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
        }
    }
    for (i, (sku, name, price)) in PRODUCTS.iter().enumerate() {
        let p = product::ActiveModel {
            id: Set(Uuid::now_v7()),
            sku: Set((*sku).into()),
            name: Set((*name).into()),
            description: Set(format!("{name}: demo product {sku} of the OMS catalog.")),
            price_minor: Set(*price),
            currency: Set(state.config.currency.as_str().into()),
            active: Set(true),
            // Light accessories to heavier bags: per-kg rates show a spread.
            weight_grams: Set(200 + (i as i64 * 137) % 1800),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*tx)
        .await?;
        // Deterministic, varied stock: every product is in the main warehouse,
        // most in the second, some at the pickup point.
        let quantities = [
            20 + (i as i64 * 7) % 40,
            if i % 4 == 3 {
                0
            } else {
                5 + (i as i64 * 3) % 20
            },
            if i % 3 == 0 { 3 } else { 0 },
        ];
        for (w, qty) in warehouses.iter().zip(quantities) {
            if qty == 0 {
                continue;
            }
            apply_on_hand_delta(&*tx, &p, w, qty).await?;
            entity::stock_movement::ActiveModel {
                product_id: Set(p.id),
                warehouse_id: Set(w.id),
                kind: Set(MovementKind::Receive.as_str().into()),
                delta_on_hand: Set(qty),
                delta_allocated: Set(0),
                reason: Set("demo seed".into()),
                actor: Set("system".into()),
                reference: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
