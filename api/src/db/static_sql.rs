//! SQL text fixed at compile time, usable as a diesel expression in a query that PostgreSQL
//! prepares once per connection.
//!
//! `diesel::dsl::sql` marks its whole query unsafe to cache, since its text may be built at run
//! time: every execution is then parsed and planned again. For the fiche's JSON parts that was
//! most of the statement's cost (a profile of the fiche read showed PostgreSQL's parser and
//! planner at the top). A `StaticSql` is a `&'static str`, so the statement cache, keyed by the
//! query's text, stays bounded.

use std::marker::PhantomData;

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{TypedExpressionType, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

/// `sql` as an expression of SQL type `ST`. Like `diesel::dsl::sql`, it is valid wherever the
/// tables it names are in the FROM clause: the caller vouches for that.
#[derive(Debug, Clone, Copy)]
pub struct StaticSql<ST> {
    sql: &'static str,
    sql_type: PhantomData<ST>,
}

pub const fn static_sql<ST>(sql: &'static str) -> StaticSql<ST> {
    StaticSql {
        sql,
        sql_type: PhantomData,
    }
}

impl<ST: TypedExpressionType> Expression for StaticSql<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for StaticSql<ST> where Self: Expression {}

impl<ST, QS> SelectableExpression<QS> for StaticSql<ST> where Self: Expression {}

impl<ST, GB> ValidGrouping<GB> for StaticSql<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST> QueryId for StaticSql<ST> {
    type QueryId = ();
    // The statement cache then keys the query by its text (see the module's documentation).
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> QueryFragment<Pg> for StaticSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}
