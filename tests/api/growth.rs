//! The plan tree and the annual report cost a fixed number of SQL queries whatever the plan's
//! size: the demo plan (45 fiches) and the same plan ten times over (450 fiches) are read with
//! the same number of statements, counted by diesel's instrumentation on the connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use ctg::conventions::model::Convention;
use ctg::exchange::format::ExchangeDocument;
use ctg::exchange::import::import;

use crate::support::TestDb;

const DEMO: &str = include_str!("../../demo/ctg-quercy-bouriane-2022-2026.json");

/// Counts the statements a connection starts.
fn counting(conn: &mut PgConnection) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let instrumentation = move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            seen.fetch_add(1, Ordering::Relaxed);
        }
    };
    conn.set_instrumentation(Box::new(instrumentation) as Box<dyn Instrumentation>);
    count
}

/// The demo document with each objective's fiches repeated `times` times (renumbered, links
/// between fiches dropped since their codes would be ambiguous), under another name.
fn demo_times(times: usize) -> ExchangeDocument {
    let mut document: Value = serde_json::from_str(DEMO).unwrap();
    document["convention"]["name"] = format!("CTG démo ×{times}").into();
    for axis in document["axes"].as_array_mut().unwrap() {
        for objective in axis["objectives"].as_array_mut().unwrap() {
            let actions = objective["actions"].as_array().unwrap().clone();
            let mut repeated = Vec::new();
            for copy in 0..times {
                for action in &actions {
                    let mut action = action.clone();
                    action["number"] = (repeated.len() + 1).into();
                    action["linked_actions"] = Value::Array(vec![]);
                    if copy > 0 {
                        let title = action["title"].as_str().unwrap().to_string();
                        action["title"] = format!("{title} (copie {copy})").into();
                    }
                    repeated.push(action);
                }
            }
            objective["actions"] = Value::Array(repeated);
        }
    }
    serde_json::from_value(document).unwrap()
}

fn fiches(conn: &mut PgConnection, convention: Uuid) -> i64 {
    use ctg::db::schema::{actions, axes, objectives};
    actions::table
        .inner_join(objectives::table.inner_join(axes::table))
        .filter(axes::convention_id.eq(convention))
        .count()
        .get_result(conn)
        .unwrap()
}

/// (queries of the plan tree, queries of the annual report) for `convention`.
fn query_counts(db: &TestDb, convention: Uuid) -> (usize, usize) {
    let today = ctg::time::today();
    let mut conn = db.conn();
    let count = counting(&mut conn);
    // As the handlers do: the convention, then the tree or the report built on it.
    let found = Convention::find(&mut conn, convention).unwrap();
    let plan = ctg::plan::build(&mut conn, found).unwrap();
    let plan_queries = count.swap(0, Ordering::Relaxed);
    assert!(!plan.axes.is_empty());
    let found = Convention::find(&mut conn, convention).unwrap();
    let report = ctg::reports::model::annual_report(&mut conn, found, 2024, today).unwrap();
    let report_queries = count.load(Ordering::Relaxed);
    assert_eq!(report.year, 2024);
    (plan_queries, report_queries)
}

#[test]
fn plan_tree_and_report_cost_the_same_queries_at_45_and_450_fiches() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let today = ctg::time::today();
    let small = import(&mut conn, demo_times(1), None, today).unwrap();
    let large = import(&mut conn, demo_times(10), None, today).unwrap();
    let (small, large) = (small.convention.id, large.convention.id);
    assert_eq!(fiches(&mut conn, small), 45);
    assert_eq!(fiches(&mut conn, large), 450);

    let (small_plan, small_report) = query_counts(&db, small);
    let (large_plan, large_report) = query_counts(&db, large);
    assert_eq!(
        (small_plan, small_report),
        (large_plan, large_report),
        "queries at 45 fiches vs 450"
    );
    // The module documentation of plan::model and reports::model name these counts (the
    // convention's read included).
    assert_eq!(small_plan, 8, "plan tree queries");
    assert_eq!(
        small_report, 16,
        "annual report queries (the plan tree's included)"
    );
}
