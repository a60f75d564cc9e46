//! Carrier edges: tracking pushes in the carrier's own format (raw form in,
//! the carrier's JSON reply out). Only translates; fulfillment decides.

use actix_web::{HttpResponse, web};

use crate::services::fulfillment::{self, kuaidi100};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/webhooks/carriers/kuaidi100",
        web::post().to(kuaidi100_push),
    );
}

/// `POST /webhooks/carriers/kuaidi100`: form fields `param` (JSON) and
/// `sign` (upper-case MD5 of `param` + salt).
async fn kuaidi100_push(state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let mut param = None;
    let mut sign = None;
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "param" => param = Some(v.into_owned()),
            "sign" => sign = Some(v.into_owned()),
            _ => {}
        }
    }
    let (Some(param), Some(sign)) = (param, sign) else {
        return HttpResponse::BadRequest()
            .json(kuaidi100::reply_error("400", "param and sign are required"));
    };
    match fulfillment::receive_kuaidi100(&state, &param, &sign).await {
        Ok(_) => HttpResponse::Ok().json(kuaidi100::reply_ok()),
        Err(r) => {
            tracing::info!(code = r.code, reason = %r.message, "carrier push refused");
            let status = actix_web::http::StatusCode::from_u16(r.http)
                .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
            HttpResponse::build(status).json(kuaidi100::reply_error(r.code, &r.message))
        }
    }
}
