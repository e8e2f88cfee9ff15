//! Pagination: `?limit=&offset=` in, `{items, total, limit, offset}` out.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::query;
use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// The page a client asks for. Read as text so that a value that is not a number is refused
/// naming its parameter.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Items to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub offset: Option<String>,
}

/// A validated page window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl PageParams {
    pub fn validate(&self) -> Result<Page, ApiError> {
        let limit = query::integer("limit", self.limit.as_deref())?.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_field(
                "invalid_query",
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let offset = query::integer("offset", self.offset.as_deref())?.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::bad_field(
                "invalid_query",
                "offset",
                "must not be negative",
            ));
        }
        Ok(Page { limit, offset })
    }
}

/// One page of a list, with the total count across all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, page: Page) -> Self {
        Self {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}
