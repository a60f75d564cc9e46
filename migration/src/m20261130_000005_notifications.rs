//! Notifications: the outbox gains a per-order sequence (from the new
//! `orders.event_seq` counter), the order's number and channel, and a
//! `position` the dispatcher stamps in the order events become visible (the
//! cursor of every consumer, gap-free across concurrent writers). Consumers'
//! work tables: `notifications` (customer email, the log the order page
//! shows), `notification_preferences`, `email_templates` (edited copies of
//! the built-in templates), `webhook_endpoints` and `webhook_deliveries`.
//! Events written before this change count as already dispatched.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
}
fn big_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}
fn int(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().default(0).take()
}
fn flag(col: impl IntoIden, default: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(default)
        .take()
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
fn uuid_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}
fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .add_column(
                    ColumnDef::new(Orders::EventSeq)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        for col in [
            big_null(Outbox::Sequence),
            text_null(Outbox::OrderNumber),
            uuid_null(Outbox::ChannelId),
            big_null(Outbox::Position),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        // History is not news: what was written before counts as dispatched.
        m.exec_stmt(
            Query::update()
                .table(Outbox::Table)
                .value(Outbox::Position, Expr::col(Outbox::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_outbox_position")
                .table(Outbox::Table)
                .col(Outbox::Position)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_outbox_order_sequence")
                .table(Outbox::Table)
                .col(Outbox::OrderId)
                .col(Outbox::Sequence)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutboxCursor::Table)
                .col(
                    ColumnDef::new(OutboxCursor::Id)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(OutboxCursor::Position)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO outbox_cursor (id, position) \
                 SELECT 1, COALESCE(MAX(id), 0) FROM outbox",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(NotificationPreferences::Table)
                .col(uuid_pk(NotificationPreferences::UserId))
                .col(text_null(NotificationPreferences::Language))
                .col(flag(NotificationPreferences::ShippingUpdates, true))
                .col(flag(NotificationPreferences::ServiceUpdates, true))
                .col(ts(NotificationPreferences::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(uuid_pk(Notifications::Id))
                .col(big_null(Notifications::EventId))
                .col(uuid_null(Notifications::OrderId))
                .col(uuid_null(Notifications::UserId))
                .col(text(Notifications::Channel))
                .col(text(Notifications::Template))
                .col(text(Notifications::Language))
                .col(text(Notifications::Recipient))
                .col(text_null(Notifications::Subject))
                .col(text(Notifications::Status))
                .col(int(Notifications::Attempts))
                .col(ts(Notifications::NextAttemptAt))
                .col(ts_null(Notifications::LockedUntil))
                .col(text_null(Notifications::Error))
                .col(ts_null(Notifications::SentAt))
                .col(ts(Notifications::CreatedAt))
                .col(uuid_null(Notifications::ResendOf))
                .col(text_null(Notifications::Data))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_notifications_event_template")
                .table(Notifications::Table)
                .col(Notifications::EventId)
                .col(Notifications::Template)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_order")
                .table(Notifications::Table)
                .col(Notifications::OrderId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_due")
                .table(Notifications::Table)
                .col(Notifications::Status)
                .col(Notifications::NextAttemptAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailTemplates::Table)
                .col(text(EmailTemplates::Template))
                .col(text(EmailTemplates::Language))
                .col(text(EmailTemplates::Subject))
                .col(text(EmailTemplates::TextBody))
                .col(text(EmailTemplates::HtmlBody))
                .col(ts(EmailTemplates::UpdatedAt))
                .col(text(EmailTemplates::UpdatedBy))
                .primary_key(
                    Index::create()
                        .col(EmailTemplates::Template)
                        .col(EmailTemplates::Language),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookEndpoints::Table)
                .col(uuid_pk(WebhookEndpoints::Id))
                .col(text(WebhookEndpoints::Url))
                .col(text_null(WebhookEndpoints::Description))
                .col(text(WebhookEndpoints::EventTypes))
                .col(text(WebhookEndpoints::Secret))
                .col(text(WebhookEndpoints::Owner))
                .col(text_null(WebhookEndpoints::OwnerEmail))
                .col(uuid_null(WebhookEndpoints::ChannelId))
                .col(flag(WebhookEndpoints::Enabled, true))
                .col(text_null(WebhookEndpoints::DisabledReason))
                .col(ts_null(WebhookEndpoints::FailingSince))
                .col(ts(WebhookEndpoints::CreatedAt))
                .col(ts(WebhookEndpoints::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(uuid_pk(WebhookDeliveries::Id))
                .col(
                    ColumnDef::new(WebhookDeliveries::EndpointId)
                        .uuid()
                        .not_null(),
                )
                .col(big_null(WebhookDeliveries::EventId))
                .col(text(WebhookDeliveries::EventType))
                .col(text(WebhookDeliveries::Body))
                .col(text(WebhookDeliveries::Status))
                .col(int(WebhookDeliveries::Attempts))
                .col(ts(WebhookDeliveries::NextAttemptAt))
                .col(ts_null(WebhookDeliveries::LockedUntil))
                .col(
                    ColumnDef::new(WebhookDeliveries::ResponseCode)
                        .integer()
                        .null(),
                )
                .col(big_null(WebhookDeliveries::LatencyMs))
                .col(text_null(WebhookDeliveries::Error))
                .col(ts(WebhookDeliveries::CreatedAt))
                .col(ts_null(WebhookDeliveries::DeliveredAt))
                .col(uuid_null(WebhookDeliveries::RedeliveryOf))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_endpoint")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::EndpointId)
                .col(WebhookDeliveries::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
            EmailTemplates::Table.into_iden(),
            Notifications::Table.into_iden(),
            NotificationPreferences::Table.into_iden(),
            OutboxCursor::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for name in ["ux_outbox_position", "ux_outbox_order_sequence"] {
            m.drop_index(Index::drop().name(name).table(Outbox::Table).to_owned())
                .await?;
        }
        for col in [
            Outbox::Sequence,
            Outbox::OrderNumber,
            Outbox::ChannelId,
            Outbox::Position,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .drop_column(Orders::EventSeq)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    EventSeq,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    OrderId,
    Sequence,
    OrderNumber,
    ChannelId,
    Position,
}

#[derive(DeriveIden)]
enum OutboxCursor {
    Table,
    Id,
    Position,
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    UserId,
    Language,
    ShippingUpdates,
    ServiceUpdates,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    EventId,
    OrderId,
    UserId,
    Channel,
    Template,
    Language,
    Recipient,
    Subject,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    Error,
    SentAt,
    CreatedAt,
    ResendOf,
    Data,
}

#[derive(DeriveIden)]
enum EmailTemplates {
    Table,
    Template,
    Language,
    Subject,
    TextBody,
    HtmlBody,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Url,
    Description,
    EventTypes,
    Secret,
    Owner,
    OwnerEmail,
    ChannelId,
    Enabled,
    DisabledReason,
    FailingSince,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    EventId,
    EventType,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ResponseCode,
    LatencyMs,
    Error,
    CreatedAt,
    DeliveredAt,
    RedeliveryOf,
}
