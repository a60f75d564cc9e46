//! Parsed documents by query text. Clients send the same few documents over
//! and over (the portal's queries are constants), and parsing one with
//! async-graphql's parser cost 8% of the CPU of a server-rendered order
//! page; a clone of the parsed document is much cheaper. Only the syntax
//! tree is kept: validation, the shape limits (an outer extension) and
//! execution run for every request, and no data is cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};

/// Documents kept at most; the cache starts over when full.
const MAX_DOCUMENTS: usize = 256;
/// Longer documents are parsed every time.
const MAX_QUERY_BYTES: usize = 16 * 1024;

/// Registered last, so that it is the innermost parse step.
#[derive(Clone, Default)]
pub struct DocumentCache(Arc<Mutex<HashMap<String, ExecutableDocument>>>);

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

impl DocumentCache {
    fn get(&self, query: &str) -> Option<ExecutableDocument> {
        self.0.lock().ok()?.get(query).cloned()
    }

    fn put(&self, query: &str, doc: &ExecutableDocument) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_DOCUMENTS {
                map.clear();
            }
            map.insert(query.to_owned(), doc.clone());
        }
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentCache {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.len() > MAX_QUERY_BYTES {
            return next.run(ctx, query, variables).await;
        }
        if let Some(doc) = self.get(query) {
            return Ok(doc);
        }
        let doc = next.run(ctx, query, variables).await?;
        self.put(query, &doc);
        Ok(doc)
    }
}
