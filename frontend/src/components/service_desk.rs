//! The service desk's tab bar (`/console/service/…`): change requests,
//! returns, tickets and reviews, one list page each, all reachable from
//! every one of them. Plain links (JavaScript off works).

use leptos::prelude::*;

use crate::i18n::{Key, Lang};

/// One tab of the service desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskTab {
    Overview,
    Changes,
    Returns,
    Tickets,
    Reviews,
}

impl DeskTab {
    /// Every tab, in the bar's order.
    pub const ALL: [DeskTab; 5] = [
        DeskTab::Overview,
        DeskTab::Changes,
        DeskTab::Returns,
        DeskTab::Tickets,
        DeskTab::Reviews,
    ];

    /// The tab's page.
    pub fn href(self) -> &'static str {
        match self {
            DeskTab::Overview => "/console/service",
            DeskTab::Changes => "/console/service/changes",
            DeskTab::Returns => "/console/service/returns",
            DeskTab::Tickets => "/console/service/tickets",
            DeskTab::Reviews => "/console/service/reviews",
        }
    }

    /// The tab's title.
    pub fn key(self) -> Key {
        match self {
            DeskTab::Overview => Key::DeskOverview,
            DeskTab::Changes => Key::DeskChanges,
            DeskTab::Returns => Key::DeskReturns,
            DeskTab::Tickets => Key::DeskTickets,
            DeskTab::Reviews => Key::DeskReviews,
        }
    }

    fn id(self) -> &'static str {
        match self {
            DeskTab::Overview => "desk-tab-overview",
            DeskTab::Changes => "desk-tab-changes",
            DeskTab::Returns => "desk-tab-returns",
            DeskTab::Tickets => "desk-tab-tickets",
            DeskTab::Reviews => "desk-tab-reviews",
        }
    }
}

/// The tab bar, with `active` marked as the current page.
#[component]
pub fn DeskTabs(active: DeskTab, lang: Lang) -> impl IntoView {
    let tabs = DeskTab::ALL
        .into_iter()
        .map(|tab| {
            let current = (tab == active).then_some("page");
            view! {
                <a href=tab.href() class="tab" id=tab.id() aria-current=current>
                    {lang.t(tab.key())}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="tabs" id="desk-tabs" aria-label=lang.t(Key::ConsoleService)>{tabs}</nav> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_has_its_own_page_and_id() {
        let mut hrefs: Vec<_> = DeskTab::ALL.iter().map(|t| t.href()).collect();
        let mut ids: Vec<_> = DeskTab::ALL.iter().map(|t| t.id()).collect();
        hrefs.sort();
        hrefs.dedup();
        ids.sort();
        ids.dedup();
        assert_eq!(hrefs.len(), DeskTab::ALL.len());
        assert_eq!(ids.len(), DeskTab::ALL.len());
        assert!(hrefs.iter().all(|h| h.starts_with("/console/service")));
    }
}
