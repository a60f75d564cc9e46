//! Translations. Every visible string in the portal is a [`Key`] with an
//! English and a Simplified Chinese text; the active [`Lang`] is provided via
//! context by [`crate::App`].
//!
//! The language comes from the `oms_lang` cookie during SSR (falling back to
//! `Accept-Language`), and from `<html lang>` in the browser, so the hydrated
//! app renders exactly what the server rendered.

use crate::schema::{
    ActorKind, OrderAction, OrderEventType, OrderSort, OrderStatus, RefusalCode, Role,
};
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
    // `<meta name="description">` of each page (the site name ends every title).
    PageTitleProduct => ("Product", "商品详情"),
    TitleSuffix => ("{title} · OMS Shop", "{title} · OMS 商城"),
    MetaProducts => ("Browse the OMS Shop catalogue: prices and live stock for every product.", "浏览 OMS 商城的商品目录：每件商品的价格和实时库存。"),
    MetaProduct => ("Product details: price, stock and description.", "商品详情：价格、库存和介绍。"),
    MetaLogin => ("Sign in to the OMS Shop to see your cart, orders and deliveries.", "登录 OMS 商城，查看购物车、订单和配送。"),
    MetaRegister => ("Create an OMS Shop account to order and follow your deliveries.", "注册 OMS 商城账户，下单并跟踪配送。"),
    MetaConsole => ("Staff console: order queue, order entry and inventory.", "员工控制台：订单队列、录单和库存。"),
    MetaNotFound => ("The page you asked for does not exist.", "您访问的页面不存在。"),
    MetaCart => ("Your shopping cart: check products and quantities before checkout.", "您的购物车：结算前核对商品和数量。"),
    MetaCheckout => ("Enter the delivery address and place your order.", "填写收货地址并提交订单。"),
    MetaMyOrders => ("Your orders and where each one stands.", "您的订单及其当前状态。"),
    MetaOrder => ("Order details: status, items, delivery address and timeline.", "订单详情：状态、商品、收货地址和时间线。"),
    MetaConsoleOrders => ("Order queue for staff: search and filter every order.", "员工订单队列：搜索和筛选所有订单。"),
    MetaConsoleOrder => ("Order details for staff: stock allocations, timeline and actions.", "员工订单详情：库存分配、时间线和操作。"),
    MetaNewOrder => ("Enter an order on behalf of a customer.", "代顾客录入订单。"),
    MetaInventory => ("Stock on hand and allocated, per product and warehouse.", "各商品、各仓库的在库与已分配库存。"),
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
    ConsoleIntro => ("Choose a section.", "请选择一个栏目。"),
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
    // Cart and checkout
    NavCart => ("Cart", "购物车"),
    NavMyOrders => ("My orders", "我的订单"),
    PageTitleCart => ("Cart", "购物车"),
    PageTitleCheckout => ("Checkout", "结算"),
    AddToCart => ("Add to cart", "加入购物车"),
    AddedToCart => ("Added to your cart.", "已加入购物车。"),
    ViewCart => ("View cart", "查看购物车"),
    CartEmpty => ("Your cart is empty.", "您的购物车是空的。"),
    Product => ("Product", "商品"),
    UnitPrice => ("Unit price", "单价"),
    Quantity => ("Quantity", "数量"),
    LineTotal => ("Amount", "金额"),
    Update => ("Update", "更新"),
    Remove => ("Remove", "删除"),
    ProductUnavailable => ("No longer available", "已下架"),
    NotEnoughStock => ("Not enough stock for this quantity", "库存不足"),
    EstimatedSubtotal => ("Estimated subtotal", "预计小计"),
    PricesAtCheckout => ("Final prices and shipping are calculated when you place the order.", "最终价格和运费将在下单时计算。"),
    ContinueShopping => ("Continue shopping", "继续购物"),
    Checkout => ("Checkout", "去结算"),
    CheckoutSignIn => ("Please sign in to check out. Your cart is kept.", "请登录后结算，购物车内容会保留。"),
    OrderSummary => ("Order summary", "订单摘要"),
    EditCart => ("Edit cart", "修改购物车"),
    ShippingAddress => ("Shipping address", "收货地址"),
    RecipientName => ("Recipient", "收货人"),
    Phone => ("Phone", "电话"),
    AddressLine1 => ("Address", "详细地址"),
    AddressLine2 => ("Address line 2 (optional)", "地址第二行（选填）"),
    City => ("City", "城市"),
    Region => ("Province / region (optional)", "省份 / 地区（选填）"),
    PostalCode => ("Postal code", "邮政编码"),
    Country => ("Country code", "国家代码"),
    ShippingMethod => ("Shipping method", "配送方式"),
    ShipStandard => ("Standard delivery", "标准快递"),
    ShipExpress => ("Express delivery", "特快专递"),
    ShipPostal => ("Postal service", "邮政包裹"),
    ShipPickup => ("Store pickup", "门店自提"),
    OrderNote => ("Note", "备注"),
    PlaceOrder => ("Place order", "提交订单"),
    // Orders
    PageTitleMyOrders => ("My orders", "我的订单"),
    PageTitleOrder => ("Order", "订单"),
    OrdersSignIn => ("Please sign in to see your orders.", "请登录以查看您的订单。"),
    NoOrders => ("No orders yet.", "暂无订单。"),
    OrdersCount => ("Orders:", "订单数："),
    OrderNumber => ("Order number", "订单号"),
    PlacedAt => ("Placed", "下单时间"),
    Status => ("Status", "状态"),
    Total => ("Total", "合计"),
    Subtotal => ("Subtotal", "小计"),
    ShippingFee => ("Shipping", "运费"),
    Timeline => ("Timeline", "订单动态"),
    BackToOrders => ("Back to orders", "返回订单列表"),
    OrderNotFound => ("This order does not exist or is not yours.", "该订单不存在或不属于您。"),
    OrderPlacedThanks => ("Thank you! Your order has been placed.", "谢谢！您的订单已提交。"),
    CancelReason => ("Reason for cancelling (optional)", "取消原因（选填）"),
    CancelOrder => ("Cancel order", "取消订单"),
    ActionDone => ("Done:", "已完成："),
    StatusPendingPayment => ("Awaiting payment", "待付款"),
    StatusConfirmed => ("Confirmed", "已确认"),
    StatusProcessing => ("Processing", "处理中"),
    StatusPartiallyShipped => ("Partially shipped", "部分发货"),
    StatusShipped => ("Shipped", "已发货"),
    StatusDelivered => ("Delivered", "已送达"),
    StatusCompleted => ("Completed", "已完成"),
    StatusCancelled => ("Cancelled", "已取消"),
    ActionStartProcessing => ("Start processing", "开始处理"),
    ActionShipPartially => ("Ship partially", "部分发货"),
    ActionShipAll => ("Ship all", "全部发货"),
    ActionDeliver => ("Mark delivered", "标记送达"),
    ActionComplete => ("Complete", "完成订单"),
    ActionCancel => ("Cancel order", "取消订单"),
    ActionPlaced => ("Order placed", "订单已创建"),
    ActionAdjust => ("Stock adjusted", "库存已调整"),
    ActionReorder => ("Reorder point saved", "补货点已保存"),
    ActionOther => ("Update", "更新"),
    EventPlaced => ("Placed", "下单"),
    EventStatusChanged => ("Status changed", "状态变更"),
    EventCancelled => ("Cancelled", "已取消"),
    EventPayment => ("Payment", "支付"),
    EventImported => ("Imported from the channel", "从渠道导入"),
    // Console: orders
    PageTitleConsoleOrders => ("Orders", "订单管理"),
    PageTitleNewOrder => ("New order", "新建订单"),
    NewOrder => ("New order", "新建订单"),
    Any => ("Any", "全部"),
    Channel => ("Channel", "渠道"),
    Customer => ("Customer", "顾客"),
    CustomerEmail => ("Customer email", "顾客邮箱"),
    PlacedFrom => ("Placed from", "下单起始日期"),
    PlacedTo => ("Placed until", "下单截止日期"),
    SortBy => ("Sort", "排序"),
    SortNewest => ("Newest first", "最新优先"),
    SortOldest => ("Oldest first", "最早优先"),
    SortTotalDesc => ("Highest total", "金额从高到低"),
    SortTotalAsc => ("Lowest total", "金额从低到高"),
    ApplyFilter => ("Filter", "筛选"),
    ClearFilter => ("Clear", "清除"),
    ExternalId => ("External id", "外部单号"),
    StaffActions => ("Actions", "操作"),
    ActionNote => ("Note for the timeline (optional)", "动态备注（选填）"),
    NoActions => ("No action is possible now.", "当前没有可执行的操作。"),
    Allocations => ("Allocations", "库存分配"),
    Warehouse => ("Warehouse", "仓库"),
    OrderLines => ("Lines", "订单明细"),
    MoreLines => ("More lines", "更多行"),
    // Console: inventory
    PageTitleInventory => ("Inventory", "库存管理"),
    LowStock => ("Low stock", "低库存"),
    NoLowStock => ("Nothing is below its reorder point.", "没有低于补货点的库存。"),
    ReorderPoint => ("Reorder point", "补货点"),
    SetReorderPoint => ("Save reorder point", "保存补货点"),
    AdjustStock => ("Adjust stock", "调整库存"),
    Delta => ("Change (+ or −)", "变动数量（正数或负数）"),
    Reason => ("Reason", "原因"),
    StockLegend => ("Per warehouse: available, then on hand / allocated / reorder point.", "各仓库：可售数量，其下为 在库 / 已分配 / 补货点。"),
    // Order and stock errors
    ErrOutOfStock => ("Some items are out of stock:", "部分商品库存不足："),
    ErrOrderConflict => ("This order was changed meanwhile or the action was already done. Please check and try again.", "订单已被修改或该操作已执行，请检查后重试。"),
    ErrOrderForbidden => ("You are not allowed to do this to this order.", "您无权对该订单执行此操作。"),
    ErrInvalidAddress => ("Please check the shipping address.", "请检查收货地址。"),
    ErrInvalidLines => ("Please check the products and quantities.", "请检查商品和数量。"),
    ErrInvalidShipping => ("Please choose a shipping method.", "请选择配送方式。"),
    ErrInvalidNote => ("The note is too long (at most 500 characters).", "备注过长（最多 500 个字符）。"),
    ErrInvalidCustomer => ("Please enter the customer's email address.", "请输入顾客的电子邮箱。"),
    ErrInvalidChannel => ("Unknown sales channel.", "未知的销售渠道。"),
    ErrInvalidSku => ("Unknown SKU.", "未知的 SKU。"),
    ErrInvalidWarehouse => ("Unknown warehouse.", "未知的仓库。"),
    ErrInvalidQuantity => ("Please enter a valid quantity.", "请输入有效的数量。"),
    ErrCartFull => ("Your cart is full.", "购物车已满。"),
    ErrReasonRequired => ("Please give a reason.", "请填写原因。"),
    ErrExpiredForm => ("This form has expired. Please try again.", "表单已过期，请重试。"),
    // Who acted on a timeline, and why an action is refused ({…} are filled in).
    ActorYou => ("You", "您"),
    ActorSystem => ("System", "系统"),
    ActorNamed => ("{name} ({role})", "{name}（{role}）"),
    ActorCustomer => ("Customer", "顾客"),
    ActorSupport => ("Customer service", "客服"),
    ActorWarehouse => ("Warehouse", "仓库"),
    ActorFinance => ("Finance", "财务"),
    ActorAdmin => ("Store management", "店铺管理员"),
    ActorIntegration => ("Sales channel", "销售渠道"),
    RefusalLine => ("{action}: {reason}", "{action}：{reason}"),
    RefusalWrongStatus => ("not possible while the order is “{status}”.", "订单状态为“{status}”时无法执行此操作。"),
    RefusalSignInRequired => ("please sign in first.", "请先登录。"),
    RefusalRoleNotAllowed => ("your role ({role}) may not do this.", "您的角色（{role}）无权执行此操作。"),
    RefusalAlreadyInPreparation => ("the order is already being prepared; please contact customer service.", "订单已在备货中，请联系客服。"),
    RefusalOther => ("not possible now.", "当前无法执行此操作。"),
    ErrUnavailable => ("The service is temporarily unavailable. Please try again shortly.", "服务暂时不可用，请稍后重试。"),
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
        ("UNAVAILABLE", _) => Key::ErrUnavailable,
        _ => Key::ErrInternal,
    }
}

/// Text for an error sent back by an order, cart or stock form
/// (`?error=CODE&field=..`); falls back to [`error_key`].
pub fn order_error_key(code: &str, field: Option<&str>) -> Key {
    let field = field.unwrap_or_default();
    match code {
        "OUT_OF_STOCK" => Key::ErrOutOfStock,
        "CONFLICT" => Key::ErrOrderConflict,
        "FORBIDDEN" => Key::ErrOrderForbidden,
        "NOT_FOUND" => Key::OrderNotFound,
        "CART_FULL" => Key::ErrCartFull,
        "INVALID_INPUT" => {
            let last = field.rsplit('.').next().unwrap_or_default();
            if field.starts_with("shippingAddress") {
                Key::ErrInvalidAddress
            } else if field == "shippingMethod" {
                Key::ErrInvalidShipping
            } else if field == "note" {
                Key::ErrInvalidNote
            } else if field == "customerEmail" {
                Key::ErrInvalidCustomer
            } else if field == "channel" {
                Key::ErrInvalidChannel
            } else if field == "idempotencyKey" {
                Key::ErrExpiredForm
            } else if field == "reason" {
                Key::ErrReasonRequired
            } else if field == "warehouseCode" {
                Key::ErrInvalidWarehouse
            } else if last == "sku" || field.ends_with("].sku") {
                Key::ErrInvalidSku
            } else if matches!(last, "quantity" | "delta" | "reorderPoint")
                || field.ends_with("].quantity")
            {
                Key::ErrInvalidQuantity
            } else if field.starts_with("lines") {
                Key::ErrInvalidLines
            } else {
                Key::ErrInvalidInput
            }
        }
        other => error_key(other, None),
    }
}

// One text per value of the schema's enums. Each `match` is exhaustive:
// a value added to schema.graphql does not compile until it has a text.

/// Text for an order status.
pub fn status_key(status: OrderStatus) -> Key {
    match status {
        OrderStatus::PendingPayment => Key::StatusPendingPayment,
        OrderStatus::Confirmed => Key::StatusConfirmed,
        OrderStatus::Processing => Key::StatusProcessing,
        OrderStatus::PartiallyShipped => Key::StatusPartiallyShipped,
        OrderStatus::Shipped => Key::StatusShipped,
        OrderStatus::Delivered => Key::StatusDelivered,
        OrderStatus::Completed => Key::StatusCompleted,
        OrderStatus::Cancelled => Key::StatusCancelled,
    }
}

/// Text for an order action (a button, a refusal).
pub fn action_key(action: OrderAction) -> Key {
    match action {
        OrderAction::StartProcessing => Key::ActionStartProcessing,
        OrderAction::ShipPartially => Key::ActionShipPartially,
        OrderAction::ShipAll => Key::ActionShipAll,
        OrderAction::Deliver => Key::ActionDeliver,
        OrderAction::Complete => Key::ActionComplete,
        OrderAction::Cancel => Key::ActionCancel,
    }
}

/// Text for a form's `?done=` confirmation: an order action, or what the
/// backend's form handlers name their other successes.
pub fn done_key(done: &str) -> Key {
    match (OrderAction::parse(done), done) {
        (Some(action), _) => action_key(action),
        (None, "PLACED") => Key::ActionPlaced,
        (None, "ADJUST") => Key::ActionAdjust,
        (None, "REORDER") => Key::ActionReorder,
        (None, _) => Key::ActionOther,
    }
}

/// Text for an order event's type.
pub fn event_key(kind: OrderEventType) -> Key {
    match kind {
        OrderEventType::Placed => Key::EventPlaced,
        OrderEventType::Imported => Key::EventImported,
        OrderEventType::StatusChanged => Key::EventStatusChanged,
        OrderEventType::Cancelled => Key::EventCancelled,
        OrderEventType::Payment => Key::EventPayment,
    }
}

/// Text for a role.
pub fn role_key(role: Role) -> Key {
    match role {
        Role::Customer => Key::RoleCustomer,
        Role::Support => Key::RoleSupport,
        Role::Warehouse => Key::RoleWarehouse,
        Role::Finance => Key::RoleFinance,
        Role::Admin => Key::RoleAdmin,
        Role::Integration => Key::RoleIntegration,
    }
}

/// Who acted, when the name is not shown: the role's team ("Customer
/// service"), or the actor's kind.
pub fn team_key(kind: ActorKind, role: Option<Role>) -> Key {
    match (kind, role) {
        (ActorKind::System, _) => Key::ActorSystem,
        (ActorKind::Integration, _) | (_, Some(Role::Integration)) => Key::ActorIntegration,
        (ActorKind::Customer, _) | (_, Some(Role::Customer)) => Key::ActorCustomer,
        (ActorKind::Staff, Some(Role::Support) | None) => Key::ActorSupport,
        (ActorKind::Staff, Some(Role::Warehouse)) => Key::ActorWarehouse,
        (ActorKind::Staff, Some(Role::Finance)) => Key::ActorFinance,
        (ActorKind::Staff, Some(Role::Admin)) => Key::ActorAdmin,
    }
}

/// Why an action is refused (a template with `{status}` and `{role}`).
pub fn refusal_key(code: RefusalCode) -> Key {
    match code {
        RefusalCode::WrongStatus => Key::RefusalWrongStatus,
        RefusalCode::SignInRequired => Key::RefusalSignInRequired,
        RefusalCode::RoleNotAllowed => Key::RefusalRoleNotAllowed,
        RefusalCode::AlreadyInPreparation => Key::RefusalAlreadyInPreparation,
    }
}

/// Text for an order list's sort.
pub fn sort_key(sort: OrderSort) -> Key {
    match sort {
        OrderSort::PlacedAtDesc => Key::SortNewest,
        OrderSort::PlacedAtAsc => Key::SortOldest,
        OrderSort::TotalDesc => Key::SortTotalDesc,
        OrderSort::TotalAsc => Key::SortTotalAsc,
    }
}

/// Text for a shipping method code.
pub fn shipping_key(code: &str) -> Key {
    match code {
        "standard" => Key::ShipStandard,
        "express" => Key::ShipExpress,
        "postal" => Key::ShipPostal,
        "pickup" => Key::ShipPickup,
        _ => Key::ShippingMethod,
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
        assert_eq!(error_key("UNAVAILABLE", None), Key::ErrUnavailable);
    }

    #[test]
    fn order_errors_name_the_field() {
        assert_eq!(order_error_key("OUT_OF_STOCK", None), Key::ErrOutOfStock);
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("shippingAddress.city")),
            Key::ErrInvalidAddress
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines[1].sku")),
            Key::ErrInvalidSku
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines[0].quantity")),
            Key::ErrInvalidQuantity
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines")),
            Key::ErrInvalidLines
        );
        assert_eq!(order_error_key("CONFLICT", None), Key::ErrOrderConflict);
        assert_eq!(order_error_key("RATE_LIMITED", None), Key::ErrRateLimited);
    }

    /// Distinct texts for every value of each schema enum (a copied arm
    /// would give two values the same text).
    #[test]
    fn every_schema_value_has_its_own_text() {
        fn distinct<T: Copy + std::fmt::Debug>(all: &[T], key: impl Fn(T) -> Key) {
            let keys: std::collections::HashSet<Key> = all.iter().map(|v| key(*v)).collect();
            assert_eq!(keys.len(), all.len(), "{all:?}");
        }
        distinct(OrderStatus::ALL, status_key);
        distinct(OrderAction::ALL, action_key);
        distinct(OrderEventType::ALL, event_key);
        distinct(Role::ALL, role_key);
        distinct(RefusalCode::ALL, refusal_key);
        distinct(OrderSort::ALL, sort_key);
        distinct(Role::ALL, |r| team_key(ActorKind::Staff, Some(r)));
        assert_eq!(done_key("SHIP_ALL"), Key::ActionShipAll);
        assert_eq!(done_key("ADJUST"), Key::ActionAdjust);
        assert_eq!(done_key("mystery"), Key::ActionOther);
    }
}
