//! Customer email pages: `/account/notifications`, the signed-in
//! customer's email preferences (a plain form posted to
//! `backend/src/http/portal_forms/notifications.rs`, so it works with
//! JavaScript off; it comes back with `?saved=1` or `?error=CODE`), and
//! `/console/email-templates`, the templates in each language for staff
//! with a preview (`?template=ORDER_PLACED&language=ZH`).

use crate::api::ApiError;
use crate::api::notifications::{
    Preferences, Preview, TemplateSummary, email_preview, email_templates, my_preferences,
};
use crate::components::access::{sign_in_prompt, staff_gate};
use crate::components::order::format_time;
use crate::i18n::{Key, Lang, email_language_key, email_template_key, fill, t, use_lang};
use crate::schema::{EmailLanguage, EmailTemplateName};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Where the preferences page (and its form) lives.
pub const PREFERENCES_PATH: &str = "/account/notifications";

/// What the preferences form came back with.
#[component]
fn PreferencesNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(Key::PrefsFailed)}</p> }
                    .into_any(),
            )
        } else {
            q.get("saved").filter(|s| !s.is_empty())?;
            Some(
                view! { <p class="notice" role="status" id="form-done">{lang.t(Key::PrefsSaved)}</p> }
                    .into_any(),
            )
        }
    }
}

fn preferences_form(p: Preferences, lang: Lang) -> impl IntoView {
    let options = EmailLanguage::ALL.iter().map(|l| {
        view! {
            <option value=l.as_str() selected=*l == p.language>{lang.t(email_language_key(*l))}</option>
        }
    });
    view! {
        <form method="post" action=PREFERENCES_PATH class="stack" id="preferences-form">
            <label>
                {lang.t(Key::PrefsLanguage)}
                <select name="language" id="prefs-language">{options.collect_view()}</select>
            </label>
            <label class="check">
                <input type="checkbox" name="shippingUpdates" value="on" id="prefs-shipping"
                    checked=p.shipping_updates />
                " " {lang.t(Key::PrefsShipping)}
            </label>
            <label class="check">
                <input type="checkbox" name="serviceUpdates" value="on" id="prefs-service"
                    checked=p.service_updates />
                " " {lang.t(Key::PrefsService)}
            </label>
            <p class="muted">{lang.t(Key::PrefsEssential)}</p>
            <button type="submit">{lang.t(Key::PrefsSave)}</button>
        </form>
    }
}

#[component]
pub fn PreferencesPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = Resource::new(|| (), |_| my_preferences());
    view! {
        <Title text=t(Key::PageTitlePreferences) />
        <Meta name="description" content=t(Key::MetaPreferences) />
        <h1>{t(Key::PageTitlePreferences)}</h1>
        <PreferencesNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match prefs.await {
                    Ok(p) => preferences_form(p, lang).into_any(),
                    Err(ApiError::Unauthenticated) => {
                        sign_in_prompt(lang, PREFERENCES_PATH, Key::PrefsSignIn)
                    }
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn preview_href(t: EmailTemplateName, l: EmailLanguage) -> String {
    format!(
        "/console/email-templates?template={}&language={}#preview",
        t.as_str(),
        l.as_str()
    )
}

fn template_row(t: TemplateSummary, lang: Lang) -> impl IntoView {
    let edited = match (&t.customized, &t.updated_by, &t.updated_at) {
        (true, who, at) => format!(
            "{} {}",
            fill(
                lang.t(Key::TplEdited),
                &[("who", who.as_deref().unwrap_or_default())]
            ),
            at.as_deref().map(format_time).unwrap_or_default()
        ),
        (false, _, _) => lang.t(Key::TplBuiltIn).to_string(),
    };
    view! {
        <tr class="email-template" data-template=t.template.as_str() data-language=t.language.as_str()
            data-customized=t.customized.to_string()>
            <td>{lang.t(email_template_key(Some(t.template)))}</td>
            <td>{lang.t(email_language_key(t.language))}</td>
            <td class="subject">{t.subject.clone()}</td>
            <td>{edited}</td>
            <td><a href=preview_href(t.template, t.language)>{lang.t(Key::TplPreview)}</a></td>
        </tr>
    }
}

fn preview_view(
    p: Preview,
    template: EmailTemplateName,
    language: EmailLanguage,
    lang: Lang,
) -> impl IntoView {
    let title = fill(
        lang.t(Key::TplPreviewOf),
        &[
            ("name", lang.t(email_template_key(Some(template)))),
            ("lang", lang.t(email_language_key(language))),
        ],
    );
    view! {
        <section class="card email-preview" id="preview" data-template=template.as_str()
            data-language=language.as_str()>
            <h2>{title}</h2>
            <p id="preview-subject"><strong>{p.subject}</strong></p>
            <h3>{lang.t(Key::TplPreviewHtml)}</h3>
            // The rendered email in a sandboxed frame: no scripts, no access to the console.
            <iframe class="email-frame" sandbox="" srcdoc=p.html title=lang.t(Key::TplPreviewHtml)
                style="width:100%;min-height:420px;border:1px solid #d4d4d8"></iframe>
            <h3>{lang.t(Key::TplPreviewText)}</h3>
            <pre id="preview-text">{p.text}</pre>
        </section>
    }
}

#[component]
pub fn EmailTemplatesPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let list = Resource::new(|| (), |_| email_templates());
    let picked = Memo::new(move |_| {
        let q = query.read();
        let t = q.get("template").and_then(|t| EmailTemplateName::parse(&t));
        let l = q.get("language").and_then(|l| EmailLanguage::parse(&l));
        t.zip(l)
    });
    let preview = Resource::new(
        move || picked.get(),
        |picked| async move {
            match picked {
                Some((t, l)) => email_preview(t, l).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=t(Key::PageTitleEmailTemplates) />
        <Meta name="description" content=t(Key::MetaEmailTemplates) />
        <h1>{t(Key::PageTitleEmailTemplates)}</h1>
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/email-templates").await {
                    return denied;
                }
                let rows = match list.await {
                    Ok(rows) => rows,
                    Err(ApiError::Forbidden) => {
                        return view! { <p class="error" role="alert">{lang.t(Key::TplForbidden)}</p> }
                            .into_any();
                    }
                    Err(err) => {
                        return view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any();
                    }
                };
                let shown = match (preview.await, picked.get_untracked()) {
                    (Ok(Some(p)), Some((t, l))) => Some(preview_view(p, t, l, lang).into_any()),
                    (Err(err), _) => Some(
                        view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                    ),
                    _ => None,
                };
                view! {
                    <table class="email-templates" id="email-templates">
                        <thead><tr>
                            <th>{lang.t(Key::TplColTemplate)}</th>
                            <th>{lang.t(Key::TplColLanguage)}</th>
                            <th>{lang.t(Key::TplColSubject)}</th>
                            <th>{lang.t(Key::TplColCustomized)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{rows.into_iter().map(|r| template_row(r, lang)).collect_view()}</tbody>
                    </table>
                    {shown}
                }
                .into_any()
            })}
        </Transition>
    }
}
