//! `email_templates`: an edited copy of a built-in email template, per
//! language. No row: the built-in text.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub template: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
