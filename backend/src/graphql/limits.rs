//! Query-shape limits beyond async-graphql's own depth and complexity
//! limits: a cap on aliases per document, so one request cannot fan a
//! field out into thousands of copies.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Value, Variables};

pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension(self.0))
    }
}

struct AliasLimitExtension(usize);

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliases in every operation and fragment of the document.
pub fn document_aliases(doc: &ExecutableDocument) -> usize {
    let ops: usize = match &doc.operations {
        DocumentOperations::Single(op) => count_aliases(&op.node.selection_set.node),
        DocumentOperations::Multiple(map) => map
            .values()
            .map(|op| count_aliases(&op.node.selection_set.node))
            .sum(),
    };
    let frags: usize = doc
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    ops + frags
}

#[async_graphql::async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let n = document_aliases(&doc);
        if n > self.0 {
            let mut err = ServerError::new(
                format!("query has {n} aliases; the limit is {}", self.0),
                None,
            );
            let mut ext = ErrorExtensionValues::default();
            ext.set("code", Value::from("INVALID_INPUT"));
            ext.set("field", Value::from("query"));
            err.extensions = Some(ext);
            return Err(err);
        }
        Ok(doc)
    }
}

/// Gives every error a stable `extensions.code`. Errors from our services
/// already carry one; what is left comes from parsing, validation, input
/// coercion and the shape limits, which are all the client's input.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(
        &self,
        ctx: &ExtensionContext<'_>,
        next: async_graphql::extensions::NextRequest<'_>,
    ) -> async_graphql::Response {
        let mut resp = next.run(ctx).await;
        for err in &mut resp.errors {
            let ext = err
                .extensions
                .get_or_insert_with(ErrorExtensionValues::default);
            if ext.get("code").is_none() {
                ext.set("code", Value::from("INVALID_INPUT"));
            }
        }
        resp
    }
}
