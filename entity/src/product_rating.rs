//! `product_ratings`: the published reviews of one product, summed up
//! (count, rating sum, count per star). Maintained incrementally in the
//! transaction of every publish, unpublish and edit; never recomputed by
//! scanning `reviews` on a product page.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_ratings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    /// Published reviews.
    pub review_count: i64,
    /// Sum of their ratings.
    pub rating_sum: i64,
    pub stars1: i64,
    pub stars2: i64,
    pub stars3: i64,
    pub stars4: i64,
    pub stars5: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
