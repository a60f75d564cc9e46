//! Reviews: `reviews`, one per delivered order line (the unique index on
//! `order_line_id` is what makes a second review of the same line, even a
//! racing one, fail), moderated PENDING → PUBLISHED / REJECTED; and
//! `product_ratings`, the published reviews' count, rating sum and count
//! per star of each product, kept up to date in the same transaction as
//! every moderation and edit so a product page never scans its reviews.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
}
fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}
fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}
fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}
fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}
fn count(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reviews::Table)
                .col(ColumnDef::new(Reviews::Id).uuid().not_null().primary_key())
                .col(uuid(Reviews::ProductId))
                .col(text(Reviews::Sku))
                .col(uuid(Reviews::OrderId))
                .col(uuid(Reviews::OrderLineId))
                .col(uuid(Reviews::CustomerId))
                .col(ColumnDef::new(Reviews::Rating).integer().not_null())
                .col(text(Reviews::Title))
                .col(ColumnDef::new(Reviews::Body).text().not_null())
                .col(text(Reviews::Status))
                .col(text_null(Reviews::RejectReason))
                .col(ColumnDef::new(Reviews::Reply).text().null())
                .col(ts_null(Reviews::RepliedAt))
                .col(uuid_null(Reviews::RepliedBy))
                .col(
                    ColumnDef::new(Reviews::Version)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ts(Reviews::CreatedAt))
                .col(ts(Reviews::UpdatedAt))
                .col(ts_null(Reviews::PublishedAt))
                .check(Expr::col(Reviews::Rating).between(1, 5))
                .foreign_key(
                    ForeignKey::create()
                        .from(Reviews::Table, Reviews::ProductId)
                        .to(Products::Table, Products::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Reviews::Table, Reviews::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Reviews::Table, Reviews::OrderLineId)
                        .to(OrderLines::Table, OrderLines::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Reviews::Table, Reviews::CustomerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            ("ux_reviews_order_line", vec![Reviews::OrderLineId], true),
            (
                "idx_reviews_product_status",
                vec![Reviews::ProductId, Reviews::Status, Reviews::PublishedAt],
                false,
            ),
            (
                "idx_reviews_customer",
                vec![Reviews::CustomerId, Reviews::CreatedAt],
                false,
            ),
            (
                "idx_reviews_status_created",
                vec![Reviews::Status, Reviews::CreatedAt],
                false,
            ),
            ("idx_reviews_order", vec![Reviews::OrderId], false),
        ] {
            let mut idx = Index::create().name(name).table(Reviews::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            if unique {
                idx.unique();
            }
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table(ProductRatings::Table)
                .col(
                    ColumnDef::new(ProductRatings::ProductId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(count(ProductRatings::ReviewCount))
                .col(count(ProductRatings::RatingSum))
                .col(count(ProductRatings::Stars1))
                .col(count(ProductRatings::Stars2))
                .col(count(ProductRatings::Stars3))
                .col(count(ProductRatings::Stars4))
                .col(count(ProductRatings::Stars5))
                .col(ts(ProductRatings::UpdatedAt))
                .check(Expr::col(ProductRatings::ReviewCount).gte(0))
                .foreign_key(
                    ForeignKey::create()
                        .from(ProductRatings::Table, ProductRatings::ProductId)
                        .to(Products::Table, Products::Id),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProductRatings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Reviews::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    ProductId,
    Sku,
    OrderId,
    OrderLineId,
    CustomerId,
    Rating,
    Title,
    Body,
    Status,
    RejectReason,
    Reply,
    RepliedAt,
    RepliedBy,
    Version,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ProductRatings {
    Table,
    ProductId,
    ReviewCount,
    RatingSum,
    Stars1,
    Stars2,
    Stars3,
    Stars4,
    Stars5,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
