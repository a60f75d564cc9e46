//! Payments: a payment per attempt to pay an order, its append-only event
//! ledger (amounts are derived from events, never stored twice), the
//! webhook inbox that makes provider notifications exactly-once, and the
//! transactional outbox that later consumers (email, webhooks, reports)
//! read. Channels say which payment methods they offer; orders remember the
//! method chosen at checkout.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
}
fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}
fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}
fn serial(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// Every method, the default offer of existing channels.
const ALL_METHODS: &str = "CARD,ALIPAY,WECHAT_PAY,CASH_ON_DELIVERY,BANK_TRANSFER";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .add_column(
                    ColumnDef::new(Channels::PaymentMethods)
                        .string()
                        .not_null()
                        .default(ALL_METHODS),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .add_column(ColumnDef::new(Orders::PaymentMethod).string().null())
                .to_owned(),
        )
        .await?;
        // What the system recorded, machine-readable (JSON), so clients can
        // say it in the reader's language; `note` stays the human text.
        m.alter_table(
            Table::alter()
                .table(OrderEvents::Table)
                .add_column(ColumnDef::new(OrderEvents::Detail).string().null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(ColumnDef::new(Payments::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Payments::OrderId).uuid().not_null())
                .col(text(Payments::Method))
                .col(text(Payments::Reference).unique_key())
                .col(text_null(Payments::ProviderReference))
                .col(big(Payments::AmountMinor))
                .col(text(Payments::Currency))
                .col(text(Payments::IdempotencyKey))
                .col(text_null(Payments::RedirectUrl))
                .col(text(Payments::CreatedBy))
                .col(ts(Payments::CreatedAt))
                .col(
                    ColumnDef::new(Payments::ExpiresAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ts(Payments::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Payments::Table, Payments::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            ("idx_payments_order", vec![Payments::OrderId], false),
            (
                "ux_payments_start_key",
                vec![Payments::OrderId, Payments::IdempotencyKey],
                true,
            ),
            (
                "idx_payments_provider_ref",
                vec![Payments::ProviderReference],
                false,
            ),
            ("idx_payments_created", vec![Payments::CreatedAt], false),
        ] {
            let mut idx = Index::create().name(name).table(Payments::Table).to_owned();
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
                .table(PaymentEvents::Table)
                .col(serial(PaymentEvents::Id))
                .col(ColumnDef::new(PaymentEvents::PaymentId).uuid().not_null())
                .col(text(PaymentEvents::Kind))
                .col(text(PaymentEvents::Status))
                .col(big(PaymentEvents::AmountMinor))
                .col(text(PaymentEvents::OpKey))
                .col(text_null(PaymentEvents::ProviderReference))
                .col(text_null(PaymentEvents::NotificationId))
                .col(text(PaymentEvents::Actor))
                .col(text_null(PaymentEvents::Note))
                .col(ts(PaymentEvents::At))
                .check(Expr::col(PaymentEvents::AmountMinor).gte(0))
                .foreign_key(
                    ForeignKey::create()
                        .from(PaymentEvents::Table, PaymentEvents::PaymentId)
                        .to(Payments::Table, Payments::Id),
                )
                .to_owned(),
        )
        .await?;
        // One operation is requested once and settles once: a retry, a
        // duplicate notification or a double click cannot add a second row.
        m.create_index(
            Index::create()
                .name("ux_payment_events_op")
                .table(PaymentEvents::Table)
                .col(PaymentEvents::PaymentId)
                .col(PaymentEvents::OpKey)
                .col(PaymentEvents::Status)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookInbox::Table)
                .col(serial(WebhookInbox::Id))
                .col(text(WebhookInbox::Source))
                .col(text(WebhookInbox::NotificationId))
                .col(text(WebhookInbox::Summary))
                .col(ts(WebhookInbox::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_webhook_inbox_notification")
                .table(WebhookInbox::Table)
                .col(WebhookInbox::Source)
                .col(WebhookInbox::NotificationId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(serial(Outbox::Id))
                .col(text(Outbox::Topic))
                .col(ColumnDef::new(Outbox::OrderId).uuid().null())
                .col(text(Outbox::Payload))
                .col(ts(Outbox::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_outbox_order")
                .table(Outbox::Table)
                .col(Outbox::OrderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Outbox::Table.into_iden(),
            WebhookInbox::Table.into_iden(),
            PaymentEvents::Table.into_iden(),
            Payments::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(OrderEvents::Table)
                .drop_column(OrderEvents::Detail)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .drop_column(Orders::PaymentMethod)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .drop_column(Channels::PaymentMethods)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    PaymentMethods,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    PaymentMethod,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Detail,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    OrderId,
    Method,
    Reference,
    ProviderReference,
    AmountMinor,
    Currency,
    IdempotencyKey,
    RedirectUrl,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentEvents {
    Table,
    Id,
    PaymentId,
    Kind,
    Status,
    AmountMinor,
    OpKey,
    ProviderReference,
    NotificationId,
    Actor,
    Note,
    At,
}

#[derive(DeriveIden)]
enum WebhookInbox {
    Table,
    Id,
    Source,
    NotificationId,
    Summary,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    OrderId,
    Payload,
    CreatedAt,
}
