//! `product_ratings` maintenance: every change that moves a review into
//! or out of PUBLISHED applies its [`RatingEffect`] as one atomic
//! `UPDATE … SET x = x + delta` inside the change's transaction (the row
//! is created at zero first if missing). Nothing here scans `reviews`.

use chrono::{DateTime, Utc};
use entity::product_rating as pr;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::reviews::RatingEffect;
use crate::domain::reviews::rating::Rating;
use crate::error::AppResult;

fn star_column(stars: i32) -> Option<pr::Column> {
    match stars {
        1 => Some(pr::Column::Stars1),
        2 => Some(pr::Column::Stars2),
        3 => Some(pr::Column::Stars3),
        4 => Some(pr::Column::Stars4),
        5 => Some(pr::Column::Stars5),
        _ => None,
    }
}

/// Applies `effect` to the product's aggregate.
pub(super) async fn apply(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    effect: RatingEffect,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if effect.is_none() {
        return Ok(());
    }
    let zero = pr::ActiveModel {
        product_id: Set(product_id),
        review_count: Set(0),
        rating_sum: Set(0),
        stars1: Set(0),
        stars2: Set(0),
        stars3: Set(0),
        stars4: Set(0),
        stars5: Set(0),
        updated_at: Set(now),
    };
    pr::Entity::insert(zero)
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    let mut count = 0i64;
    let mut sum = 0i64;
    let mut stars = [0i64; 5];
    if let Some(r) = effect.remove {
        count -= 1;
        sum -= i64::from(r);
        if (1..=5).contains(&r) {
            stars[(r - 1) as usize] -= 1;
        }
    }
    if let Some(r) = effect.add {
        count += 1;
        sum += i64::from(r);
        if (1..=5).contains(&r) {
            stars[(r - 1) as usize] += 1;
        }
    }
    let mut q = pr::Entity::update_many()
        .col_expr(
            pr::Column::ReviewCount,
            Expr::col(pr::Column::ReviewCount).add(count),
        )
        .col_expr(
            pr::Column::RatingSum,
            Expr::col(pr::Column::RatingSum).add(sum),
        )
        .col_expr(pr::Column::UpdatedAt, Expr::value(now));
    for (i, delta) in stars.iter().enumerate() {
        if *delta != 0
            && let Some(col) = star_column(i as i32 + 1)
        {
            q = q.col_expr(col, Expr::col(col).add(*delta));
        }
    }
    q.filter(pr::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The product's aggregate (zero when nothing was ever published).
pub(super) async fn read(db: &impl ConnectionTrait, product_id: Uuid) -> AppResult<Rating> {
    Ok(pr::Entity::find_by_id(product_id)
        .one(db)
        .await?
        .map(|r| Rating {
            count: r.review_count,
            sum: r.rating_sum,
            stars: [r.stars1, r.stars2, r.stars3, r.stars4, r.stars5],
        })
        .unwrap_or_default())
}
