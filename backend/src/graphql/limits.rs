//! Query-shape limits, checked on the parsed document before validation:
//! depth and complexity of data fields, aliases per document, and a
//! separate bound on introspection.
//!
//! Introspection is measured on its own: the query that graphql-js'
//! `getIntrospectionQuery()` builds (what GraphiQL, Apollo, Postman,
//! Altair, Insomnia, graphql-codegen and schemathesis send) nests `ofType`
//! nine times and is 15 levels deep, which a data-sized depth limit would
//! refuse. Its fan-out is bounded instead the way graphql-js'
//! `MaxIntrospectionDepthRule` does it: no path may pass through the
//! list-of-types fields (`fields`, `inputFields`, `interfaces`,
//! `possibleTypes`) three times, because each pass multiplies the answer by
//! the number of types.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Value, Variables};

/// The configured limits.
#[derive(Clone, Copy, Debug)]
pub struct ShapeLimits {
    /// Deepest nesting of data fields (a root field is depth 1).
    pub max_depth: usize,
    /// Most data fields in one document, counting each fragment use.
    pub max_complexity: usize,
    /// Most aliases in one document.
    pub max_aliases: usize,
}

/// Deepest nesting inside `__schema` / `__type` (graphql-js needs 15).
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Passes through a list-of-types field on one introspection path.
pub const MAX_INTROSPECTION_LISTS: usize = 2;
/// Introspection fields in one document (graphql-js' query has about 300
/// once its fragments are expanded).
pub const MAX_INTROSPECTION_FIELDS: usize = 2000;

/// What one walk over a document measured.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    pub depth: usize,
    pub complexity: usize,
    pub aliases: usize,
    pub introspection_depth: usize,
    pub introspection_lists: usize,
    pub introspection_fields: usize,
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    shape: Shape,
    /// Fragments being expanded on the current path (a cycle stops here;
    /// validation reports it afterwards).
    expanding: HashSet<&'a str>,
    /// Nested `walk` calls: fragment chains nest without adding fields, so
    /// this bounds the walk's own recursion.
    nesting: usize,
}

/// Deepest recursion of the walk before the document counts as too deep.
const MAX_NESTING: usize = 128;

/// Where a selection sits: in data, or inside an introspection field.
#[derive(Clone, Copy)]
enum Place {
    Data { depth: usize },
    Introspection { depth: usize, lists: usize },
}

impl<'a> Walker<'a> {
    fn walk(&mut self, set: &'a SelectionSet, place: Place) {
        if self.nesting >= MAX_NESTING {
            self.shape.depth = usize::MAX;
            return;
        }
        self.nesting += 1;
        self.walk_items(set, place);
        self.nesting -= 1;
    }

    fn walk_items(&mut self, set: &'a SelectionSet, place: Place) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let field = &f.node;
                    if field.alias.is_some() {
                        self.shape.aliases += 1;
                    }
                    let name = field.name.node.as_str();
                    let inner = match place {
                        Place::Data { .. } if name == "__schema" || name == "__type" => {
                            Place::Introspection { depth: 1, lists: 0 }
                        }
                        Place::Data { depth } => {
                            if name != "__typename" {
                                self.shape.complexity += 1;
                            }
                            self.shape.depth = self.shape.depth.max(depth + 1);
                            Place::Data { depth: depth + 1 }
                        }
                        Place::Introspection { depth, lists } => {
                            let lists = lists
                                + usize::from(matches!(
                                    name,
                                    "fields" | "inputFields" | "interfaces" | "possibleTypes"
                                ));
                            Place::Introspection {
                                depth: depth + 1,
                                lists,
                            }
                        }
                    };
                    if let Place::Introspection { depth, lists } = inner {
                        self.shape.introspection_fields += 1;
                        self.shape.introspection_depth = self.shape.introspection_depth.max(depth);
                        self.shape.introspection_lists = self.shape.introspection_lists.max(lists);
                    }
                    self.walk(&field.selection_set.node, inner);
                }
                Selection::InlineFragment(i) => self.walk(&i.node.selection_set.node, place),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.doc.fragments.get(&spread.node.fragment_name.node)
                    else {
                        continue; // validation reports the unknown fragment
                    };
                    if !self.expanding.insert(name) {
                        continue;
                    }
                    self.walk(&fragment.node.selection_set.node, place);
                    self.expanding.remove(name);
                }
            }
        }
    }
}

/// Measures every operation of a document (fragments counted where used).
pub fn measure(doc: &ExecutableDocument) -> Shape {
    let mut w = Walker {
        doc,
        shape: Shape::default(),
        expanding: HashSet::new(),
        nesting: 0,
    };
    let start = Place::Data { depth: 0 };
    match &doc.operations {
        DocumentOperations::Single(op) => w.walk(&op.node.selection_set.node, start),
        DocumentOperations::Multiple(map) => {
            for op in map.values() {
                w.walk(&op.node.selection_set.node, start);
            }
        }
    }
    w.shape
}

impl ShapeLimits {
    /// The first limit a document breaks, as a client-facing message.
    pub fn check(&self, doc: &ExecutableDocument) -> Result<(), String> {
        let s = measure(doc);
        if s.depth == usize::MAX {
            return Err("query is nested too deep".into());
        }
        if s.depth > self.max_depth {
            return Err(format!(
                "query is nested too deep: depth {} exceeds the limit of {}",
                s.depth, self.max_depth
            ));
        }
        if s.complexity > self.max_complexity {
            return Err(format!(
                "query is too complex: {} fields exceed the limit of {}",
                s.complexity, self.max_complexity
            ));
        }
        if s.aliases > self.max_aliases {
            return Err(format!(
                "query has {} aliases; the limit is {}",
                s.aliases, self.max_aliases
            ));
        }
        if s.introspection_depth > MAX_INTROSPECTION_DEPTH {
            return Err(format!(
                "introspection is nested too deep: depth {} exceeds the limit of {MAX_INTROSPECTION_DEPTH}",
                s.introspection_depth
            ));
        }
        if s.introspection_lists > MAX_INTROSPECTION_LISTS {
            return Err(format!(
                "introspection nests fields/inputFields/interfaces/possibleTypes {} times; the limit is {MAX_INTROSPECTION_LISTS}",
                s.introspection_lists
            ));
        }
        if s.introspection_fields > MAX_INTROSPECTION_FIELDS {
            return Err(format!(
                "introspection selects {} fields; the limit is {MAX_INTROSPECTION_FIELDS}",
                s.introspection_fields
            ));
        }
        Ok(())
    }
}

impl ExtensionFactory for ShapeLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ShapeLimitsExtension(*self))
    }
}

struct ShapeLimitsExtension(ShapeLimits);

#[async_graphql::async_trait::async_trait]
impl Extension for ShapeLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Err(message) = self.0.check(&doc) {
            let mut err = ServerError::new(message, None);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> Shape {
        measure(&async_graphql::parser::parse_query(q).expect("parses"))
    }

    const LIMITS: ShapeLimits = ShapeLimits {
        max_depth: 10,
        max_complexity: 1000,
        max_aliases: 20,
    };

    #[test]
    fn data_depth_and_complexity_are_counted_per_field() {
        let s = shape("{ a { b { c } d } e }");
        assert_eq!((s.depth, s.complexity, s.aliases), (3, 5, 0));
    }

    #[test]
    fn fragments_count_where_they_are_used_and_cycles_stop() {
        let s = shape("{ a { ...F } b { ...F } } fragment F on T { x { y } }");
        assert_eq!((s.depth, s.complexity), (3, 6));
        let cyclic = shape("{ a { ...F } } fragment F on T { x { ...F } }");
        assert_eq!(cyclic.depth, 2);
    }

    #[test]
    fn introspection_does_not_count_as_data_depth() {
        let q = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }";
        let s = shape(q);
        assert_eq!(s.depth, 0);
        assert_eq!(s.introspection_lists, 1);
        assert!(
            LIMITS
                .check(&async_graphql::parser::parse_query(q).expect("parses"))
                .is_ok()
        );
    }

    #[test]
    fn recursive_introspection_is_refused() {
        let q =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        let doc = async_graphql::parser::parse_query(q).expect("parses");
        let err = LIMITS.check(&doc).expect_err("three list passes");
        assert!(err.contains("introspection"), "{err}");
    }

    #[test]
    fn deep_data_is_refused_with_the_limit_named() {
        let mut q = String::from("{ ");
        for _ in 0..11 {
            q.push_str("a { ");
        }
        q.push('b');
        for _ in 0..12 {
            q.push_str(" }");
        }
        let doc = async_graphql::parser::parse_query(&q).expect("parses");
        let err = LIMITS.check(&doc).expect_err("depth 12");
        assert!(err.contains("too deep"), "{err}");
    }
}
