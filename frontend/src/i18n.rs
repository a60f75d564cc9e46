//! Translations. Every visible string in the portal is a [`Key`] with an
//! English and a Simplified Chinese text; the active [`Lang`] is provided via
//! context by [`crate::App`].
//!
//! The language comes from the `oms_lang` cookie during SSR (falling back to
//! `Accept-Language`), and from `<html lang>` in the browser, so the hydrated
//! app renders exactly what the server rendered.

use leptos::prelude::*;

/// Name of the cookie set by `GET /lang/{en|zh}`.
pub const LANG_COOKIE: &str = "oms_lang";

/// A portal language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Short code used in URLs and the cookie (`en` | `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// BCP 47 tag for `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Parses a cookie value, an `<html lang>` tag or an `Accept-Language`
    /// header (first language wins).
    pub fn parse(s: &str) -> Option<Lang> {
        let first = s.split([',', ';']).next().unwrap_or_default().trim();
        let lower = first.to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Some(Lang::En)
        } else if lower == "zh" || lower.starts_with("zh-") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    /// The text for `key` in this language.
    pub fn t(self, key: Key) -> &'static str {
        let (en, zh) = key.texts();
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// The language of the page being rendered (server: cookie, then
/// `Accept-Language`; browser: `<html lang>`).
pub fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(req) = use_context::<leptos_actix::Request>() {
            if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
                return lang;
            }
            if let Some(lang) = req
                .headers()
                .get("accept-language")
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::parse)
            {
                return lang;
            }
        }
        Lang::En
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::En
    }
}

/// The language provided by [`crate::App`] (English if none).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Shorthand: the text for `key` in the current language.
pub fn t(key: Key) -> &'static str {
    use_lang().t(key)
}

macro_rules! keys {
    ($($key:ident => ($en:expr, $zh:expr),)*) => {
        /// A translatable string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key, for tests.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            /// `(english, chinese)`.
            pub fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($en, $zh),)* }
            }
        }
    };
}

keys! {
    SiteName => ("OMS Shop", "OMS 商城"),
    PageTitleProducts => ("Products", "商品"),
    PageTitleLogin => ("Sign in", "登录"),
    PageTitleRegister => ("Create account", "注册账户"),
    PageTitleConsole => ("Staff console", "员工控制台"),
    PageTitleNotFound => ("Page not found", "页面未找到"),
    NavProducts => ("Products", "商品"),
    NavConsole => ("Console", "控制台"),
    NavLogin => ("Sign in", "登录"),
    NavRegister => ("Register", "注册"),
    NavLogout => ("Sign out", "退出"),
    NotSignedIn => ("Not signed in", "未登录"),
    SignedInAs => ("Signed in as", "当前用户"),
    Language => ("Language", "语言"),
    LangEnglish => ("English", "English"),
    LangChinese => ("中文", "中文"),
    SearchLabel => ("Search products", "搜索商品"),
    SearchPlaceholder => ("Name or SKU", "名称或 SKU"),
    SearchButton => ("Search", "搜索"),
    Loading => ("Loading…", "加载中…"),
    NoProducts => ("No products found.", "没有找到商品。"),
    ProductsCount => ("Products found:", "找到的商品："),
    NextPage => ("Next page", "下一页"),
    FirstPage => ("First page", "第一页"),
    Sku => ("SKU", "SKU"),
    Price => ("Price", "价格"),
    Available => ("Available", "可售"),
    InStock => ("In stock", "有货"),
    OutOfStock => ("Out of stock", "缺货"),
    BackToProducts => ("Back to products", "返回商品列表"),
    ProductNotFound => ("This product does not exist.", "该商品不存在。"),
    Email => ("Email", "电子邮箱"),
    Password => ("Password", "密码"),
    Name => ("Name", "姓名"),
    LoginButton => ("Sign in", "登录"),
    RegisterButton => ("Create account", "创建账户"),
    NoAccount => ("No account yet?", "还没有账户？"),
    HaveAccount => ("Already have an account?", "已有账户？"),
    PasswordHint => ("8 to 128 characters; avoid common passwords.", "8 至 128 个字符；请勿使用常见密码。"),
    ErrUnauthenticated => ("Wrong email or password.", "邮箱或密码错误。"),
    ErrRateLimited => ("Too many attempts. Please wait a few minutes and try again.", "尝试次数过多，请稍等几分钟后再试。"),
    ErrInvalidInput => ("Please check the form and try again.", "请检查填写的内容后重试。"),
    ErrInvalidPassword => ("This password is not allowed: use 8 to 128 characters and avoid common passwords.", "该密码不可用：请使用 8 至 128 个字符，并避免常见密码。"),
    ErrInvalidEmail => ("Please enter a valid email address.", "请输入有效的电子邮箱地址。"),
    ErrInvalidName => ("Please enter your name.", "请输入您的姓名。"),
    ErrConflict => ("An account with this email already exists.", "该邮箱已注册。"),
    ErrForbidden => ("You are not allowed to do this.", "您无权执行此操作。"),
    ErrNotFound => ("Not found.", "未找到。"),
    ErrInternal => ("Something went wrong. Please try again.", "出错了，请重试。"),
    ErrNetwork => ("Could not reach the server. Please try again.", "无法连接服务器，请重试。"),
    ConsoleIntro => ("Staff tools will appear here.", "员工工具将显示在这里。"),
    ConsoleOrders => ("Orders", "订单"),
    ConsoleInventory => ("Inventory", "库存"),
    ConsolePayments => ("Payments", "支付"),
    ConsoleService => ("After-sales", "售后"),
    ConsoleReports => ("Reports", "报表"),
    ComingSoon => ("Coming soon", "即将推出"),
    ConsoleSignIn => ("Please sign in with a staff account to use the console.", "请使用员工账户登录以使用控制台。"),
    ConsoleForbidden => ("The console is only available to staff.", "控制台仅对员工开放。"),
    YourRole => ("Your role:", "您的角色："),
    NotFoundText => ("We could not find that page.", "找不到该页面。"),
    RoleCustomer => ("Customer", "顾客"),
    RoleSupport => ("Support", "客服"),
    RoleWarehouse => ("Warehouse", "仓库"),
    RoleFinance => ("Finance", "财务"),
    RoleAdmin => ("Administrator", "管理员"),
    RoleIntegration => ("Integration", "集成"),
}

/// Text for a GraphQL error code as sent in `?error=CODE` (and `field`).
pub fn error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field) {
        ("UNAUTHENTICATED", _) => Key::ErrUnauthenticated,
        ("RATE_LIMITED", _) => Key::ErrRateLimited,
        ("INVALID_INPUT", Some("password")) => Key::ErrInvalidPassword,
        ("INVALID_INPUT", Some("email")) => Key::ErrInvalidEmail,
        ("INVALID_INPUT", Some("name")) => Key::ErrInvalidName,
        ("INVALID_INPUT", _) => Key::ErrInvalidInput,
        ("CONFLICT", _) => Key::ErrConflict,
        ("FORBIDDEN", _) => Key::ErrForbidden,
        ("NOT_FOUND", _) => Key::ErrNotFound,
        _ => Key::ErrInternal,
    }
}

/// Text for a role as the API spells it (`ADMIN`, ...).
pub fn role_key(role: &str) -> Key {
    match role {
        "SUPPORT" => Key::RoleSupport,
        "WAREHOUSE" => Key::RoleWarehouse,
        "FINANCE" => Key::RoleFinance,
        "ADMIN" => Key::RoleAdmin,
        "INTEGRATION" => Key::RoleIntegration,
        _ => Key::RoleCustomer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for key in Key::ALL {
            let (en, zh) = key.texts();
            assert!(!en.trim().is_empty(), "{key:?} has no English text");
            assert!(!zh.trim().is_empty(), "{key:?} has no Chinese text");
        }
    }

    #[test]
    fn lang_parses_cookie_tag_and_header() {
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr-FR,en;q=0.5"), None);
        assert_eq!(Lang::parse(Lang::Zh.html_tag()), Some(Lang::Zh));
        assert_eq!(Lang::parse(Lang::En.html_tag()), Some(Lang::En));
    }

    #[test]
    fn error_codes_map_to_specific_texts() {
        assert_eq!(error_key("UNAUTHENTICATED", None), Key::ErrUnauthenticated);
        assert_eq!(error_key("RATE_LIMITED", None), Key::ErrRateLimited);
        assert_eq!(
            error_key("INVALID_INPUT", Some("password")),
            Key::ErrInvalidPassword
        );
        assert_eq!(error_key("whatever", None), Key::ErrInternal);
    }
}
