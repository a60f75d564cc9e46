//! After-sales: service tickets. `tickets` holds one conversation between a
//! customer and the service desk (optionally about one order), with its
//! status, assignee and the times the reports read (first response,
//! resolution, closing); `ticket_messages` its messages, oldest first.
//! Numbers (`TK-000123`) come from `ticket_number_seq` on PostgreSQL and
//! from the row count under SQLite's single writer.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}
fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tickets::Table)
                .col(ColumnDef::new(Tickets::Id).uuid().not_null().primary_key())
                .col(text(Tickets::Number))
                .col(uuid(Tickets::CustomerId))
                .col(text(Tickets::CustomerEmail))
                .col(text(Tickets::CustomerName))
                .col(uuid_null(Tickets::OrderId))
                .col(text_null(Tickets::OrderNumber))
                .col(uuid_null(Tickets::ChannelId))
                .col(text(Tickets::Category))
                .col(text(Tickets::Subject))
                .col(text(Tickets::Status))
                .col(uuid_null(Tickets::AssigneeId))
                .col(
                    ColumnDef::new(Tickets::MessageCount)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ts(Tickets::LastMessageAt))
                .col(ts(Tickets::CreatedAt))
                .col(ts(Tickets::UpdatedAt))
                .col(ts_null(Tickets::FirstResponseAt))
                .col(ts_null(Tickets::ResolvedAt))
                .col(ts_null(Tickets::ClosedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Tickets::Table, Tickets::CustomerId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Tickets::Table, Tickets::AssigneeId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Tickets::Table, Tickets::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_tickets_number")
                .table(Tickets::Table)
                .col(Tickets::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        // The staff queue: by status (tabs and counts), newest activity first.
        m.create_index(
            Index::create()
                .name("idx_tickets_status_activity")
                .table(Tickets::Table)
                .col(Tickets::Status)
                .col(Tickets::LastMessageAt)
                .to_owned(),
        )
        .await?;
        // "Assigned to me" and its counts per status.
        m.create_index(
            Index::create()
                .name("idx_tickets_assignee_status")
                .table(Tickets::Table)
                .col(Tickets::AssigneeId)
                .col(Tickets::Status)
                .to_owned(),
        )
        .await?;
        // "My tickets".
        m.create_index(
            Index::create()
                .name("idx_tickets_customer_activity")
                .table(Tickets::Table)
                .col(Tickets::CustomerId)
                .col(Tickets::LastMessageAt)
                .to_owned(),
        )
        .await?;
        // `Order.tickets` and the order-number filter.
        m.create_index(
            Index::create()
                .name("idx_tickets_order")
                .table(Tickets::Table)
                .col(Tickets::OrderId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TicketMessages::Table)
                .col(
                    ColumnDef::new(TicketMessages::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(TicketMessages::TicketId))
                .col(uuid_null(TicketMessages::AuthorId))
                .col(text(TicketMessages::AuthorRole))
                .col(text(TicketMessages::AuthorName))
                .col(ColumnDef::new(TicketMessages::Body).text().not_null())
                .col(ts(TicketMessages::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TicketMessages::Table, TicketMessages::TicketId)
                        .to(Tickets::Table, Tickets::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_ticket_messages_ticket")
                .table(TicketMessages::Table)
                .col(TicketMessages::TicketId)
                .col(TicketMessages::CreatedAt)
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("CREATE SEQUENCE IF NOT EXISTS ticket_number_seq")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TicketMessages::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Tickets::Table).to_owned())
            .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP SEQUENCE IF EXISTS ticket_number_seq")
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Number,
    CustomerId,
    CustomerEmail,
    CustomerName,
    OrderId,
    OrderNumber,
    ChannelId,
    Category,
    Subject,
    Status,
    AssigneeId,
    MessageCount,
    LastMessageAt,
    CreatedAt,
    UpdatedAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum TicketMessages {
    Table,
    Id,
    TicketId,
    AuthorId,
    AuthorRole,
    AuthorName,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}
