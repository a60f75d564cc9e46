//! Customer notifications over GraphQL: the notification log of an order
//! (`Order.notifications`), staff resends, email templates with previews,
//! and the signed-in customer's preferences (`me.notificationPreferences`).
//! Resolvers only translate; the rules are in
//! `services::notifications::email` and `domain::notifications::email`.

mod types;

use async_graphql::{ComplexObject, Context, ID, Object, Result};

pub use types::*;

use super::context::{principal, state};
use super::types::User;
use crate::domain::notifications::email::render::Source;
use crate::services::notifications::email::{log, templates};

#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// Every email template in every language (staff), with whether an
    /// admin edited it.
    async fn email_templates(&self, ctx: &Context<'_>) -> Result<Vec<EmailTemplate>> {
        let st = state(ctx)?;
        Ok(templates::list(st, principal(ctx))
            .await?
            .into_iter()
            .map(|t| EmailTemplate::new(t, st.config.time_zone))
            .collect())
    }

    /// A template rendered with sample data, as a customer would get it (staff).
    async fn email_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which email.")] template: EmailTemplateName,
        #[graphql(desc = "Its language.")] language: EmailLanguage,
    ) -> Result<EmailPreview> {
        let r = templates::preview(
            state(ctx)?,
            principal(ctx),
            template.into(),
            language.into(),
        )
        .await?;
        Ok(EmailPreview {
            subject: r.subject,
            text: r.text,
            html: r.html,
        })
    }
}

#[derive(Default)]
pub struct NotificationsMutation;

#[Object]
impl NotificationsMutation {
    /// Sends a logged notification again (support, admin): a new entry in
    /// the order's log, rendered from the order and templates as they are now.
    async fn resend_notification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notification to repeat.")] id: ID,
    ) -> Result<Notification> {
        let id = super::types::id_arg(&id, "id", "is not a notification id")?;
        Ok(Notification(
            log::resend(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Changes the signed-in user's notification preferences.
    async fn update_notification_preferences(
        &self,
        ctx: &Context<'_>,
        input: NotificationPreferencesInput,
    ) -> Result<NotificationPreferences> {
        let change = log::PreferencesChange {
            language: input.language.map(Into::into),
            shipping_updates: input.shipping_updates,
            service_updates: input.service_updates,
        };
        Ok(log::update_preferences(state(ctx)?, principal(ctx), change)
            .await?
            .into())
    }

    /// Saves an edited email template (admin). Every part must render
    /// (minijinja): a syntax error is INVALID_INPUT naming the part
    /// (`subject`, `textBody`, `htmlBody`) and nothing is saved.
    async fn update_email_template(
        &self,
        ctx: &Context<'_>,
        input: EmailTemplateInput,
    ) -> Result<EmailTemplate> {
        let st = state(ctx)?;
        let source = Source {
            subject: input.subject,
            text: input.text_body,
            html: input.html_body,
        };
        let saved = templates::update(
            st,
            principal(ctx),
            input.template.into(),
            input.language.into(),
            source,
        )
        .await?;
        Ok(EmailTemplate::new(saved, st.config.time_zone))
    }

    /// Drops an edited template (admin): the built-in text is sent again.
    async fn reset_email_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which email.")] template: EmailTemplateName,
        #[graphql(desc = "Its language.")] language: EmailLanguage,
    ) -> Result<EmailTemplate> {
        let st = state(ctx)?;
        let t = templates::reset(st, principal(ctx), template.into(), language.into()).await?;
        Ok(EmailTemplate::new(t, st.config.time_zone))
    }
}

#[ComplexObject]
impl User {
    /// The user's notification preferences: visible to the user themself
    /// only (null for anyone else).
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<NotificationPreferences>> {
        let p = principal(ctx);
        if p.user_id().map(|id| id.to_string()) != Some(self.id.to_string()) {
            return Ok(None);
        }
        Ok(Some(log::my_preferences(state(ctx)?, p).await?.into()))
    }
}
