//! Email templates: the built-in texts, edited copies per language
//! (`email_templates`, admins), and previews with sample data (staff).
//! Saving validates the template by rendering it, so a syntax error is
//! refused when saved (INVALID_INPUT naming the part), never when sent.

use chrono::{DateTime, Utc};
use entity::email_template;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::auth::{ADMINS, Principal, STAFF};
use crate::domain::notifications::email::render::{self, Rendered, Source};
use crate::domain::notifications::email::{Language, Template, builtin};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// A template in one language, as the sender would use it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateInfo {
    pub template: Template,
    pub language: Language,
    pub source: Source,
    /// An admin's copy replaces the built-in text.
    pub customized: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

fn info(t: Template, l: Language, row: Option<email_template::Model>) -> TemplateInfo {
    match row {
        Some(r) => TemplateInfo {
            template: t,
            language: l,
            source: Source {
                subject: r.subject,
                text: r.text_body,
                html: r.html_body,
            },
            customized: true,
            updated_at: Some(r.updated_at),
            updated_by: Some(r.updated_by),
        },
        None => TemplateInfo {
            template: t,
            language: l,
            source: builtin::source(t, l),
            customized: false,
            updated_at: None,
            updated_by: None,
        },
    }
}

/// The template the sender uses: the edited copy, else the built-in one.
pub(crate) async fn current(
    db: &impl ConnectionTrait,
    t: Template,
    l: Language,
) -> AppResult<TemplateInfo> {
    let row = email_template::Entity::find_by_id((t.as_str().to_string(), l.as_str().to_string()))
        .one(db)
        .await?;
    Ok(info(t, l, row))
}

/// Every template in every language (staff), built-in order.
pub async fn list(state: &AppState, p: &Principal) -> AppResult<Vec<TemplateInfo>> {
    authorize(p, STAFF)?;
    let rows = email_template::Entity::find().all(&state.db.conn).await?;
    let mut out = Vec::new();
    for t in Template::ALL {
        for l in Language::ALL {
            let row = rows
                .iter()
                .find(|r| r.template == t.as_str() && r.language == l.as_str())
                .cloned();
            out.push(info(t, l, row));
        }
    }
    Ok(out)
}

/// Saves an edited copy (admins) after checking that it renders; a part
/// that does not is INVALID_INPUT naming it, and nothing is stored.
pub async fn update(
    state: &AppState,
    p: &Principal,
    t: Template,
    l: Language,
    source: Source,
) -> AppResult<TemplateInfo> {
    authorize(p, ADMINS)?;
    render::validate(&source).map_err(|e| AppError::invalid(e.field, e.message))?;
    let row = email_template::ActiveModel {
        template: Set(t.as_str().into()),
        language: Set(l.as_str().into()),
        subject: Set(source.subject.trim().to_string()),
        text_body: Set(source.text),
        html_body: Set(source.html),
        updated_at: Set(Utc::now()),
        updated_by: Set(p.actor()),
    };
    let tx = state.db.begin_write().await?;
    email_template::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                email_template::Column::Template,
                email_template::Column::Language,
            ])
            .update_columns([
                email_template::Column::Subject,
                email_template::Column::TextBody,
                email_template::Column::HtmlBody,
                email_template::Column::UpdatedAt,
                email_template::Column::UpdatedBy,
            ])
            .to_owned(),
        )
        .exec_without_returning(&*tx)
        .await?;
    let saved = current(&*tx, t, l).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Drops the edited copy (admins): the built-in text applies again.
pub async fn reset(
    state: &AppState,
    p: &Principal,
    t: Template,
    l: Language,
) -> AppResult<TemplateInfo> {
    authorize(p, ADMINS)?;
    let tx = state.db.begin_write().await?;
    email_template::Entity::delete_many()
        .filter(email_template::Column::Template.eq(t.as_str()))
        .filter(email_template::Column::Language.eq(l.as_str()))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(info(t, l, None))
}

/// The template rendered with sample data (staff), as the customer would
/// see it.
pub async fn preview(
    state: &AppState,
    p: &Principal,
    t: Template,
    l: Language,
) -> AppResult<Rendered> {
    authorize(p, STAFF)?;
    let src = current(&state.db.conn, t, l).await?.source;
    let mut ctx = render::sample_context(l.as_str());
    if let Some(obj) = ctx.as_object_mut() {
        let url = format!("{}/orders/SO-2026-000123", state.payments.base_url());
        obj.insert("order_url".into(), url.into());
    }
    render::render(&src, &ctx).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "stored template {} {} does not render: {}: {}",
            t.as_str(),
            l.as_str(),
            e.field,
            e.message
        ))
    })
}
