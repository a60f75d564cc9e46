//! Foundation schema: auth (users, sessions, refresh tokens, login attempts),
//! addresses, channels, catalog, warehouses, stock levels and stock ledger.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}
fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}
fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
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
fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}
fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).boolean().not_null().take()
}
fn serial(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(id(Users::Id))
                .col(text(Users::Email).unique_key())
                .col(text(Users::Name))
                .col(text(Users::Role))
                .col(text(Users::PasswordHash))
                .col(ts(Users::CreatedAt))
                .col(ts(Users::PasswordChangedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_users_role")
                .table(Users::Table)
                .col(Users::Role)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(id(Sessions::Id))
                .col(uuid(Sessions::UserId))
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::ExpiresAt))
                .col(ts_null(Sessions::RevokedAt))
                .col(text_null(Sessions::RevokedReason))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(id(RefreshTokens::Id))
                .col(uuid(RefreshTokens::SessionId))
                .col(text(RefreshTokens::TokenHash).unique_key())
                .col(ts(RefreshTokens::CreatedAt))
                .col(ts_null(RefreshTokens::RotatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(serial(LoginAttempts::Id))
                .col(text(LoginAttempts::Email))
                .col(text(LoginAttempts::Ip))
                .col(ts(LoginAttempts::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_attempts_email_at")
                .table(LoginAttempts::Table)
                .col(LoginAttempts::Email)
                .col(LoginAttempts::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_attempts_ip_at")
                .table(LoginAttempts::Table)
                .col(LoginAttempts::Ip)
                .col(LoginAttempts::At)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Addresses::Table)
                .col(id(Addresses::Id))
                .col(uuid(Addresses::UserId))
                .col(text(Addresses::Name))
                .col(text(Addresses::Phone))
                .col(text(Addresses::Line1))
                .col(text_null(Addresses::Line2))
                .col(text(Addresses::City))
                .col(text_null(Addresses::Region))
                .col(text(Addresses::PostalCode))
                .col(text(Addresses::Country))
                .col(flag(Addresses::IsDefault))
                .col(ts(Addresses::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Addresses::Table, Addresses::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Channels::Table)
                .col(id(Channels::Id))
                .col(text(Channels::Code).unique_key())
                .col(text(Channels::Name))
                .col(text(Channels::Kind))
                .col(flag(Channels::Active))
                .col(ts(Channels::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Products::Table)
                .col(id(Products::Id))
                .col(text(Products::Sku).unique_key())
                .col(text(Products::Name))
                .col(ColumnDef::new(Products::Description).text().not_null())
                .col(big(Products::PriceMinor))
                .col(text(Products::Currency))
                .col(flag(Products::Active))
                .col(ts(Products::CreatedAt))
                .col(ts(Products::UpdatedAt))
                .check(Expr::col(Products::PriceMinor).gte(0))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Warehouses::Table)
                .col(id(Warehouses::Id))
                .col(text(Warehouses::Code).unique_key())
                .col(text(Warehouses::Name))
                .col(text(Warehouses::Region))
                .col(flag(Warehouses::IsPickupPoint))
                .col(ColumnDef::new(Warehouses::Priority).integer().not_null())
                .col(flag(Warehouses::Active))
                .col(ts(Warehouses::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(StockLevels::Table)
                .col(id(StockLevels::Id))
                .col(uuid(StockLevels::ProductId))
                .col(uuid(StockLevels::WarehouseId))
                .col(big(StockLevels::OnHand))
                .col(big(StockLevels::Allocated))
                .col(big(StockLevels::ReorderPoint))
                .col(ts(StockLevels::UpdatedAt))
                .check(Expr::col(StockLevels::Allocated).gte(0))
                .check(Expr::col(StockLevels::Allocated).lte(Expr::col(StockLevels::OnHand)))
                .foreign_key(
                    ForeignKey::create()
                        .from(StockLevels::Table, StockLevels::ProductId)
                        .to(Products::Table, Products::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StockLevels::Table, StockLevels::WarehouseId)
                        .to(Warehouses::Table, Warehouses::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_stock_levels_product_warehouse")
                .table(StockLevels::Table)
                .col(StockLevels::ProductId)
                .col(StockLevels::WarehouseId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(StockMovements::Table)
                .col(serial(StockMovements::Id))
                .col(uuid(StockMovements::ProductId))
                .col(uuid(StockMovements::WarehouseId))
                .col(text(StockMovements::Kind))
                .col(big(StockMovements::DeltaOnHand))
                .col(big(StockMovements::DeltaAllocated))
                .col(text(StockMovements::Reason))
                .col(text(StockMovements::Actor))
                .col(text_null(StockMovements::Reference))
                .col(ts(StockMovements::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(StockMovements::Table, StockMovements::ProductId)
                        .to(Products::Table, Products::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StockMovements::Table, StockMovements::WarehouseId)
                        .to(Warehouses::Table, Warehouses::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_stock_movements_product_warehouse")
                .table(StockMovements::Table)
                .col(StockMovements::ProductId)
                .col(StockMovements::WarehouseId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            StockMovements::Table.into_iden(),
            StockLevels::Table.into_iden(),
            Warehouses::Table.into_iden(),
            Products::Table.into_iden(),
            Channels::Table.into_iden(),
            Addresses::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    CreatedAt,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    RotatedAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Email,
    Ip,
    At,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    UserId,
    Name,
    Phone,
    Line1,
    Line2,
    City,
    Region,
    PostalCode,
    Country,
    IsDefault,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    Name,
    Description,
    PriceMinor,
    Currency,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Warehouses {
    Table,
    Id,
    Code,
    Name,
    Region,
    IsPickupPoint,
    Priority,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StockLevels {
    Table,
    Id,
    ProductId,
    WarehouseId,
    OnHand,
    Allocated,
    ReorderPoint,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Id,
    ProductId,
    WarehouseId,
    Kind,
    DeltaOnHand,
    DeltaAllocated,
    Reason,
    Actor,
    Reference,
    CreatedAt,
}
