//! The authorization matrix: every operation of the OpenAPI document, called by every kind of
//! caller (on their own objects and on others'), checked against the contract's role table
//! written out literally below, independently of `auth/policy.rs`. A run lists every mismatch
//! at once, and an operation missing from the table fails the run: new routes join the matrix.
//!
//! Decisions taken where the contract is silent, encoded in `MATRIX`:
//! - reading partners: every signed-in user; creating partners: platform admins and the
//!   coordinators of any convention; changing and deleting partners: platform admins only;
//! - creating and deleting conventions, and everything under `/users` but self-service:
//!   platform admins only; `/users/{id}` of someone else is 404 to non-admins; users may read
//!   and `PATCH` (name, password) themselves but not delete themselves (403);
//! - `PATCH /conventions/{id}`: coordinators (and admins);
//! - reading a convention, its axes, objectives, actions and committees: every member, viewer
//!   and reporting client included;
//! - creating, changing and deleting axes and objectives, creating and deleting actions, moving
//!   an action (`objective_id`, `number`): copil and coordinators;
//! - an action's follow-up (`status`, `progress`, steps' statuses): its pilot (own), a committee
//!   member whose committee covers its axis (scope), copil, coordinators; its content (`title`…):
//!   scope, copil, coordinators: a pilot is refused even on their own action;
//! - committees: any member reads them; memberships are read, and committees and memberships
//!   written, by coordinators (and admins);
//! - the follow-up journal: read by members, written by those who update the action's follow-up;
//!   a note is changed by its author only, and deleted by its author or a platform admin;
//! - the audit log: committee, copil, coordinators (and admins); not viewers, pilots, reporting;
//! - statistics: every member; the annual report: committee, copil, coordinators, the reporting
//!   client (and admins);
//! - exporting a convention: coordinators, the reporting client (and admins); importing one (a
//!   new convention): platform admins and the coordinators of any convention;
//! - `GET /me` and `GET /conventions`: every signed-in user (the list shows only conventions
//!   where the caller is a member);
//! - public, whatever the token: `/auth/login`, `/auth/refresh`, `/auth/logout`,
//!   `/health/live`, `/health/ready`, `/openapi.json`, `/docs/`, and `/metrics` unless a metrics
//!   token is set.

use std::fmt;
use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::support::auth::TEST_PASSWORD;
use crate::support::world::{caller, excerpt, Person, World};
use crate::support::{TestApp, TestResponse, TEST_JWT_SECRET};

/// Who calls. `Outsider` is signed in, with a membership in convention B only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Viewer,
    Pilot,
    Committee,
    Copil,
    Coordinator,
    Reporting,
    Outsider,
}

/// The matrix's columns, in order.
const WHO: [Who; 9] = [
    Who::Anonymous,
    Who::Admin,
    Who::Viewer,
    Who::Pilot,
    Who::Committee,
    Who::Copil,
    Who::Coordinator,
    Who::Reporting,
    Who::Outsider,
];

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Who::Anonymous => "anonymous",
            Who::Admin => "platform admin",
            Who::Viewer => "viewer",
            Who::Pilot => "pilot",
            Who::Committee => "committee member",
            Who::Copil => "copil",
            Who::Coordinator => "coordinator",
            Who::Reporting => "reporting client",
            Who::Outsider => "non-member",
        })
    }
}

/// What the contract says a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Done: any 2xx.
    Allow,
    /// A member without the right: 403.
    Forbid,
    /// Not visible to the caller: 404.
    Hidden,
    /// No (valid) token: 401.
    Unauth,
    /// A batch refused row by row: 422, the first row's `indicator_id` at fault.
    Rows,
    /// Not sent; the row's comment says why.
    Skip,
}

const A: Expect = Expect::Allow;
const F: Expect = Expect::Forbid;
const H: Expect = Expect::Hidden;
const U: Expect = Expect::Unauth;
const R: Expect = Expect::Rows;
const S: Expect = Expect::Skip;

impl Expect {
    fn admits(self, status: u16) -> bool {
        match self {
            Expect::Allow => (200..300).contains(&status),
            Expect::Forbid => status == 403,
            Expect::Hidden => status == 404,
            Expect::Unauth => status == 401,
            Expect::Rows => status == 422,
            Expect::Skip => true,
        }
    }
}

impl Expect {
    /// The problem `code` a refusal carries (a 404 for a missing route is not a hidden object).
    fn code(self) -> Option<&'static str> {
        match self {
            Expect::Forbid => Some("forbidden"),
            Expect::Hidden => Some("not_found"),
            Expect::Unauth => Some("unauthenticated"),
            Expect::Allow | Expect::Rows | Expect::Skip => None,
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expect::Allow => "Allow (2xx)",
            Expect::Forbid => "Forbid (403)",
            Expect::Hidden => "Hidden (404)",
            Expect::Unauth => "Unauth (401)",
            Expect::Rows => "Rows refused (422)",
            Expect::Skip => "Skip",
        })
    }
}

/// Which object the request is about. On actions: `OWN` is the action piloted by the pilot's
/// organisation (the MJC) under the axis the committee covers (axis 1); `OTHER` is piloted by
/// the Mission Locale under axis 2. On users: `OWN` is the caller's own user, `OTHER` someone
/// else. `ANY`: the operation is not about an owned object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Any,
    Own,
    Other,
}

const ANY: Case = Case::Any;
const OWN: Case = Case::Own;
const OTHER: Case = Case::Other;

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Case::Any => "-",
            Case::Own => "own",
            Case::Other => "other",
        })
    }
}

/// One line of the matrix: an operation (with a named body when one operation is checked with
/// several), on one object case, and what each caller of `WHO` gets.
struct Row {
    op: &'static str,
    body: &'static str,
    case: Case,
    expect: [Expect; 9],
}

const fn r(op: &'static str, body: &'static str, case: Case, expect: [Expect; 9]) -> Row {
    Row {
        op,
        body,
        case,
        expect,
    }
}

/// The contract's role table, operation by operation. Bodies of `update_action`: `follow-up`
/// changes `status` and `progress`; `content` changes `title`; `move` changes `number`.
#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //  operationId                body         case    anon admin view pilot comm copil coord rept outsider
    // Public, whatever the token.
    r("login",                    "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("refresh",                  "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("logout",                   "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("live",                     "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("ready",                    "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("openapi_document",         "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("reference",                "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    // Open unless CTG_METRICS_TOKEN is set (tests/api/operations.rs covers the token).
    r("metrics",                  "",          ANY,   [A,   A,   A,   A,    A,   A,    A,    A,   A]),
    // The caller.
    r("me",                       "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    // Users: platform admins; self-service on one's own user; others' users do not exist (404).
    r("list_users",               "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   F]),
    r("create_user",              "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   F]),
    r("get_user",                 "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("get_user",                 "",          OTHER, [U,   A,   H,   H,    H,   H,    H,    H,   H]),
    r("update_user",              "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("update_user",              "",          OTHER, [U,   A,   H,   H,    H,   H,    H,    H,   H]),
    // Skip: an admin deleting themself would end the admin's session for the rest of the run.
    r("delete_user",              "",          OWN,   [U,   S,   F,   F,    F,   F,    F,    F,   F]),
    r("delete_user",              "",          OTHER, [U,   A,   H,   H,    H,   H,    H,    H,   H]),
    // Partners: read by all; created by admins and coordinators; changed by admins.
    r("list_partners",            "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("create_partner",           "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   F]),
    r("get_partner",              "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("update_partner",           "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   F]),
    r("delete_partner",           "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   F]),
    // Conventions.
    r("list_conventions",         "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   A]),
    r("create_convention",        "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   F]),
    r("get_convention",           "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_convention",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("delete_convention",        "",          ANY,   [U,   A,   F,   F,    F,   F,    F,    F,   H]),
    // Axes.
    r("list_axes",                "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_axis",              "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("get_axis",                 "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_axis",              "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_axis",              "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    // Objectives (under axis 1, which the committee covers: scope does not reach structure).
    r("list_objectives",          "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_objective",         "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("get_objective",            "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_objective",         "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_objective",         "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    // Actions.
    r("list_objective_actions",   "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("list_convention_actions",  "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_action",            "",          ANY,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("get_action",               "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("get_action",               "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_action",            "follow-up", OWN,   [U,   A,   F,   A,    A,   A,    A,    F,   H]),
    r("update_action",            "follow-up", OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("update_action",            "content",   OWN,   [U,   A,   F,   F,    A,   A,    A,    F,   H]),
    r("update_action",            "content",   OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("update_action",            "move",      OWN,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("update_action",            "move",      OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_action",            "",          OWN,   [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_action",            "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    // Indicators: read by members; defined by those who edit the fiche's content (scope, copil,
    // coordinators): a pilot is refused even on their own action.
    r("list_convention_indicators", "",        ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    // The plan tree: every member reads it.
    r("get_plan",                 "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    // Charts (SVG): every member, like the plan.
    r("progress_chart",           "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("indicator_chart",          "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("indicator_chart",          "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    // Statistics: every member; the annual report: committee, copil, coordinators, the reporting
    // client (and admins).
    r("get_stats",                "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("get_annual_report",        "",          ANY,   [U,   A,   F,   F,    A,   A,    A,    A,   H]),
    r("list_indicators",          "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("list_indicators",          "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_indicator",         "",          OWN,   [U,   A,   F,   F,    A,   A,    A,    F,   H]),
    r("create_indicator",         "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("get_indicator",            "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("get_indicator",            "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_indicator",         "",          OWN,   [U,   A,   F,   F,    A,   A,    A,    F,   H]),
    r("update_indicator",         "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_indicator",         "",          OWN,   [U,   A,   F,   F,    A,   A,    A,    F,   H]),
    r("delete_indicator",         "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    // Measurements: read by members; recorded, corrected and deleted by the action's pilot (own),
    // the committee covering its axis (scope), coordinators; never by copil (contract's table).
    r("list_measurements",        "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("list_measurements",        "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_measurement",       "",          OWN,   [U,   A,   F,   A,    A,   F,    A,    F,   H]),
    r("create_measurement",       "",          OTHER, [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("get_measurement",          "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("get_measurement",          "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_measurement",       "",          OWN,   [U,   A,   F,   A,    A,   F,    A,    F,   H]),
    r("update_measurement",       "",          OTHER, [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("delete_measurement",       "",          OWN,   [U,   A,   F,   A,    A,   F,    A,    F,   H]),
    r("delete_measurement",       "",          OTHER, [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    // The batch (bodies: a row of the own or the other action's indicator): a member who may
    // record nothing (viewer, copil, reporting) is refused outright (403); a row a member may not
    // record is that row's error (R: 422, nothing written).
    r("create_measurements_batch", "own",      ANY,   [U,   A,   F,   A,    A,   F,    A,    F,   H]),
    r("create_measurements_batch", "other",    ANY,   [U,   A,   F,   R,    R,   F,    A,    F,   H]),
    // The follow-up journal: read by members; written by those who update the action's
    // follow-up (own, scope, copil, coordinators). `PATCH` and `DELETE` are sent on a note the
    // caller wrote themself: that others' notes are refused is tested in `notes.rs`.
    r("list_notes",               "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("list_notes",               "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_note",              "",          OWN,   [U,   A,   F,   A,    A,   A,    A,    F,   H]),
    r("create_note",              "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("get_note",                 "",          OWN,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("get_note",                 "",          OTHER, [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_note",              "",          OWN,   [U,   A,   F,   A,    A,   A,    A,    F,   H]),
    r("update_note",              "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    r("delete_note",              "",          OWN,   [U,   A,   F,   A,    A,   A,    A,    F,   H]),
    r("delete_note",              "",          OTHER, [U,   A,   F,   F,    F,   A,    A,    F,   H]),
    // Committees: read by members, managed by coordinators.
    r("list_committees",          "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("create_committee",         "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("get_committee",            "",          ANY,   [U,   A,   A,   A,    A,   A,    A,    A,   H]),
    r("update_committee",         "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("delete_committee",         "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    // Memberships: coordinators only, reads included.
    r("list_memberships",         "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("create_membership",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("get_membership",           "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("update_membership",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    r("delete_membership",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   H]),
    // The audit log.
    r("list_audit_entries",       "",          ANY,   [U,   A,   F,   F,    A,   A,    A,    F,   H]),
    // The exchange format: export for coordinators and the reporting client; import (a new
    // convention) for platform admins and the coordinators of any convention.
    r("export_convention",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    A,   H]),
    r("import_convention",        "",          ANY,   [U,   A,   F,   F,    F,   F,    A,    F,   F]),
];

/// The world object whose id fills a path's `{id}`.
#[derive(Debug, Clone, Copy)]
enum Target {
    User,
    Partner,
    Convention,
    Axis,
    Objective,
    Action,
    Indicator,
    Committee,
    Membership,
    MeasuredIndicator,
    Measurement,
    /// A note written by the caller (by a spare user for anonymous calls).
    Note,
}

/// Path templates and their object. A `DELETE` gets a throwaway object of the same kind.
const TARGETS: &[(&str, Target)] = &[
    ("/api/v1/users/{id}", Target::User),
    ("/api/v1/partners/{id}", Target::Partner),
    ("/api/v1/conventions/{id}", Target::Convention),
    ("/api/v1/conventions/{id}/actions", Target::Convention),
    ("/api/v1/conventions/{id}/audit", Target::Convention),
    ("/api/v1/conventions/{id}/axes", Target::Convention),
    ("/api/v1/conventions/{id}/committees", Target::Convention),
    ("/api/v1/conventions/{id}/memberships", Target::Convention),
    ("/api/v1/axes/{id}", Target::Axis),
    ("/api/v1/axes/{id}/objectives", Target::Axis),
    ("/api/v1/objectives/{id}", Target::Objective),
    ("/api/v1/objectives/{id}/actions", Target::Objective),
    ("/api/v1/actions/{id}", Target::Action),
    ("/api/v1/actions/{id}/indicators", Target::Action),
    ("/api/v1/conventions/{id}/indicators", Target::Convention),
    ("/api/v1/conventions/{id}/plan", Target::Convention),
    ("/api/v1/conventions/{id}/stats", Target::Convention),
    (
        "/api/v1/conventions/{id}/reports/annual",
        Target::Convention,
    ),
    ("/api/v1/conventions/{id}/export", Target::Convention),
    ("/api/v1/indicators/{id}", Target::Indicator),
    ("/api/v1/indicators/{id}/chart.svg", Target::Indicator),
    ("/api/v1/conventions/{id}/progress.svg", Target::Convention),
    ("/api/v1/committees/{id}", Target::Committee),
    ("/api/v1/memberships/{id}", Target::Membership),
    (
        "/api/v1/conventions/{id}/measurements/batch",
        Target::Convention,
    ),
    (
        "/api/v1/indicators/{id}/measurements",
        Target::MeasuredIndicator,
    ),
    ("/api/v1/measurements/{id}", Target::Measurement),
    ("/api/v1/actions/{id}/notes", Target::Action),
    ("/api/v1/notes/{id}", Target::Note),
];

/// The query string sent with operations that require one.
const QUERIES: &[(&str, &str)] = &[("get_annual_report", "year=2024")];

/// An operation as the document describes it.
struct Operation {
    id: String,
    method: String,
    path: String,
    /// Declared without security requirement.
    public: bool,
    /// The status codes it documents.
    responses: Vec<String>,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {})",
            self.id,
            self.method.to_uppercase(),
            self.path
        )
    }
}

/// Every operation of the document.
fn operations() -> Vec<Operation> {
    let doc = ctg::openapi::document();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let security = &op["security"];
            let public = security.is_null()
                || security.as_array().is_some_and(|s| {
                    s.is_empty()
                        || s.iter()
                            .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
                });
            operations.push(Operation {
                id: op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                    .to_string(),
                method: method.clone(),
                path: path.clone(),
                public,
                responses: op["responses"]
                    .as_object()
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default(),
            });
        }
    }
    operations
}

fn person<'w>(world: &'w World<'_>, who: Who) -> Option<&'w Person> {
    match who {
        Who::Anonymous => None,
        Who::Admin => Some(&world.admin),
        Who::Viewer => Some(&world.viewer),
        Who::Pilot => Some(&world.pilot),
        Who::Committee => Some(&world.committee_member),
        Who::Copil => Some(&world.copil),
        Who::Coordinator => Some(&world.coordinator),
        Who::Reporting => Some(&world.reporting),
        Who::Outsider => Some(&world.outsider),
    }
}

/// The shared object a read or a change is about.
fn shared(world: &World<'_>, target: Target, case: Case, who: Who) -> Result<String, String> {
    Ok(match (target, case) {
        (Target::User, Case::Own) => {
            person(world, who).map_or_else(|| world.spare_user.clone(), |p| p.user_id.clone())
        }
        (Target::User, Case::Other) => world.spare_user.clone(),
        (Target::Partner, Case::Any) => world.spare_partner.clone(),
        (Target::Convention, Case::Any) => world.convention_a.clone(),
        (Target::Axis, Case::Any) => world.axis1.clone(),
        (Target::Objective, Case::Any) => world.objective1.clone(),
        (Target::Action, Case::Own) => world.action_own.clone(),
        (Target::Action, Case::Other) => world.action_other.clone(),
        (Target::Indicator, Case::Own) => world.indicator_own.clone(),
        (Target::Indicator, Case::Other) => world.indicator_other.clone(),
        (Target::Committee, Case::Any) => world.committee.clone(),
        (Target::Membership, Case::Any) => world.spare_membership.clone(),
        (Target::MeasuredIndicator, Case::Own) => world.measured_indicator_own.clone(),
        (Target::MeasuredIndicator, Case::Other) => world.measured_indicator_other.clone(),
        (Target::Measurement, Case::Own) => world.measurement_own.clone(),
        (Target::Measurement, Case::Other) => world.measurement_other.clone(),
        (Target::Note, Case::Own | Case::Other) => note(world, case, who),
        (target, case) => return Err(format!("a {target:?} has no `{case}` case in the world")),
    })
}

/// A new note on `action_own` or `action_other`, written by the caller.
fn note(world: &World<'_>, case: Case, who: Who) -> String {
    let author = person(world, who).map_or(&world.spare_user, |p| &p.user_id);
    world.fresh_note(case == Case::Own, author)
}

/// A throwaway object for a deletion.
async fn fresh(world: &World<'_>, target: Target, case: Case, who: Who) -> Result<String, String> {
    Ok(match (target, case) {
        (Target::User, Case::Own) => match person(world, who) {
            Some(person) => person.user_id.clone(),
            None => world.fresh_user(),
        },
        (Target::User, Case::Other) => world.fresh_user(),
        (Target::Partner, Case::Any) => world.fresh_partner().await,
        (Target::Convention, Case::Any) => world.fresh_convention().await,
        (Target::Axis, Case::Any) => world.fresh_axis().await,
        (Target::Objective, Case::Any) => world.fresh_objective().await,
        (Target::Action, Case::Own) => world.fresh_action(true).await,
        (Target::Action, Case::Other) => world.fresh_action(false).await,
        (Target::Indicator, Case::Own) => world.fresh_indicator(true).await,
        (Target::Indicator, Case::Other) => world.fresh_indicator(false).await,
        (Target::Committee, Case::Any) => world.fresh_committee().await,
        (Target::Membership, Case::Any) => world.fresh_membership().await,
        (Target::Measurement, Case::Own) => world.fresh_measurement(true).await,
        (Target::Measurement, Case::Other) => world.fresh_measurement(false).await,
        (Target::Note, Case::Own | Case::Other) => note(world, case, who),
        (target, case) => return Err(format!("a {target:?} has no `{case}` case in the world")),
    })
}

/// A minimal valid body per operation, with values never used before, so that a permitted write
/// succeeds.
async fn body(world: &World<'_>, op: &str, variant: &str) -> Result<Value, String> {
    let n = world.next();
    Ok(match (op, variant) {
        ("login", "") => json!({"email": world.login_email, "password": TEST_PASSWORD}),
        ("refresh" | "logout", "") => json!({"refresh_token": world.fresh_refresh_token().await}),
        ("create_user", "") => json!({
            "email": format!("new-{n}@ctg.test"), "display_name": format!("Nouvel utilisateur {n}"),
            "password": TEST_PASSWORD
        }),
        ("update_user", "") => json!({"display_name": format!("Nom {n}")}),
        ("create_partner", "") => {
            json!({"name": format!("Association {n}"), "kind": "association"})
        }
        ("update_partner", "") => json!({"acronym": format!("P{n}")}),
        ("create_convention", "") => json!({
            "name": format!("Convention {n}"), "territory": "Quercy Bouriane",
            "start_year": 2022, "end_year": 2026
        }),
        ("update_convention", "") => json!({"territory": format!("Territoire {n}")}),
        ("create_axis", "") => json!({"number": n, "title": format!("Axe {n}")}),
        ("update_axis", "") => json!({"title": format!("Axe renommé {n}")}),
        ("create_objective", "") => json!({"number": n, "title": format!("Objectif {n}")}),
        ("update_objective", "") => json!({"title": format!("Objectif renommé {n}")}),
        ("create_action", "") => json!({"number": n, "title": format!("Fiche {n}")}),
        ("update_action", "follow-up") => json!({"status": "in_progress", "progress": n % 100}),
        ("update_action", "content") => json!({"title": format!("Fiche réécrite {n}")}),
        ("update_action", "move") => json!({"number": n}),
        ("create_indicator", "") => json!({
            "type": "resultat", "label": format!("Indicateur {n}"), "kind": "count"
        }),
        ("update_indicator", "") => json!({"label": format!("Indicateur renommé {n}")}),
        ("create_note", "") => json!({"date": "2025-06-15", "text": format!("Réunion {n}")}),
        ("update_note", "") => json!({"text": format!("Réunion, compte rendu {n}")}),
        ("create_committee", "") => json!({
            "name": format!("Comité {n}"), "kind": "thematic", "axis_ids": [world.axis2]
        }),
        ("update_committee", "") => json!({"name": format!("Comité renommé {n}")}),
        ("create_membership", "") => json!({"user_id": world.fresh_user(), "role": "viewer"}),
        ("import_convention", "") => json!({
            "format": "ctg-convention", "format_version": 1,
            "convention": {
                "name": format!("Convention importée {n}"), "territory": "Quercy Bouriane",
                "start_year": 2022, "end_year": 2026
            }
        }),
        ("update_membership", "") => {
            json!({"role": if n.is_multiple_of(2) { "viewer" } else { "reporting" }})
        }
        // Months from `n`: the permitted writes of one row (consecutive `n`) never record one
        // indicator's period twice; single creations and batches use different years.
        ("create_measurement", "") => json!({"period": month(n, 0), "value": n}),
        ("update_measurement", "") => json!({"value": n, "comment": format!("Correction {n}")}),
        ("create_measurements_batch", own @ ("own" | "other")) => {
            let indicator = match own {
                "own" => &world.measured_indicator_own,
                _ => &world.measured_indicator_other,
            };
            json!({"measurements": [{"indicator_id": indicator, "period": month(n, 24), "value": n}]})
        }
        (op, variant) => {
            return Err(format!(
                "no request body for {op} `{variant}`: add one to `body`"
            ))
        }
    })
}

/// A month of 2022-2023 (`offset` 0) or of 2024-2025 (`offset` 24): 24 consecutive `n` give
/// 24 different months.
fn month(n: u32, offset: u32) -> String {
    let index = n % 24 + offset;
    format!("{}-{:02}", 2022 + index / 12, index % 12 + 1)
}

struct Request {
    path: String,
    body: Option<Value>,
}

async fn request(
    world: &World<'_>,
    op: &Operation,
    row: &Row,
    who: Who,
) -> Result<Request, String> {
    let mut path = op.path.clone();
    if path.contains('{') {
        let target = TARGETS
            .iter()
            .find(|(template, _)| *template == op.path)
            .map(|(_, target)| *target)
            .ok_or_else(|| format!("path {} has no world object: add it to TARGETS", op.path))?;
        let id = match op.method.as_str() {
            "delete" => fresh(world, target, row.case, who).await?,
            _ => shared(world, target, row.case, who)?,
        };
        path = path.replace("{id}", &id);
        if path.contains('{') {
            return Err(format!("path {} has parameters other than {{id}}", op.path));
        }
    }
    if let Some((_, query)) = QUERIES.iter().find(|(id, _)| *id == op.id) {
        path = format!("{path}?{query}");
    }
    let body = match op.method.as_str() {
        "post" | "put" | "patch" => Some(body(world, &op.id, row.body).await?),
        _ => None,
    };
    Ok(Request { path, body })
}

/// Sends `request` as `op` does, with `If-Match: *` on changes.
async fn send(
    app: &TestApp,
    token: Option<&str>,
    op: &Operation,
    request: &Request,
) -> TestResponse {
    let caller = caller(app, token);
    let empty = json!({});
    let body = request.body.as_ref().unwrap_or(&empty);
    match op.method.as_str() {
        "get" => caller.get(&request.path).await,
        "post" => caller.post(&request.path, body).await,
        "patch" => caller.patch(&request.path, Some("*"), body).await,
        "delete" => caller.delete(&request.path, Some("*")).await,
        method => {
            let bytes = serde_json::to_vec(body).unwrap();
            let headers = [("Content-Type", "application/json"), ("If-Match", "*")];
            caller.raw(method, &request.path, &headers, &bytes).await
        }
    }
}

fn label(op: &Operation, row: &Row) -> String {
    match row.body {
        "" => format!("{op} [{}]", row.case),
        body => format!("{op} body `{body}` [{}]", row.case),
    }
}

/// The table against the document: every operation has rows and every row an operation; what
/// the rows say agrees with what the document declares (security, 401/403/404 responses).
fn check_coverage(operations: &[Operation], failures: &mut Vec<String>) {
    for op in operations {
        let rows: Vec<&Row> = MATRIX.iter().filter(|row| row.op == op.id).collect();
        if rows.is_empty() {
            failures.push(format!(
                "{op}: not in the authorization matrix: add its rows to MATRIX"
            ));
            continue;
        }
        let public = rows.iter().all(|row| row.expect[0] == A);
        if public != op.public {
            failures.push(format!(
                "{op}: the matrix says {}, the document says {}",
                if public { "public" } else { "secured" },
                if op.public { "public" } else { "secured" }
            ));
        }
        for (expect, status) in [(U, "401"), (F, "403"), (H, "404")] {
            let given = rows.iter().any(|row| row.expect.contains(&expect));
            if given && !op.responses.iter().any(|r| r == status) {
                failures.push(format!(
                    "{op}: answers {status} to some callers but does not document it"
                ));
            }
        }
    }
    for row in MATRIX {
        if !operations.iter().any(|op| op.id == row.op) {
            failures.push(format!(
                "{}: in MATRIX but in neither the document nor UNDOCUMENTED",
                row.op
            ));
        }
    }
}

/// The ids of the conventions `token` lists.
async fn listed_conventions(app: &TestApp, token: &str) -> Result<Vec<String>, String> {
    let response = app
        .as_user(token)
        .get("/api/v1/conventions?limit=200")
        .await;
    if response.status != 200 {
        return Err(format!("{} {}", response.status, excerpt(&response)));
    }
    Ok(response.body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_roles_table_says() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let built = started.elapsed();
    let operations = operations();
    let mut failures = Vec::new();
    check_coverage(&operations, &mut failures);

    let mut sent = 0;
    for row in MATRIX {
        let Some(op) = operations.iter().find(|op| op.id == row.op) else {
            continue;
        };
        for (column, who) in WHO.into_iter().enumerate() {
            let expected = row.expect[column];
            if expected == S {
                continue;
            }
            let request = match request(&world, op, row, who).await {
                Ok(request) => request,
                Err(error) => {
                    failures.push(format!(
                        "{} as {who}: cannot build the request: {error}",
                        label(op, row)
                    ));
                    continue;
                }
            };
            let token = person(&world, who).map(|p| p.token.as_str());
            let response = send(&app, token, op, &request).await;
            sent += 1;
            let code = response.body["code"].as_str();
            let row_refused = expected != R
                || response.body["results"][0]["errors"][0]["field"] == "indicator_id";
            if !expected.admits(response.status)
                || expected.code().is_some_and(|c| code != Some(c))
                || !row_refused
            {
                failures.push(format!(
                    "{} as {who}: expected {expected}, got {} ({}): {}",
                    label(op, row),
                    response.status,
                    code.unwrap_or("no code"),
                    excerpt(&response)
                ));
            }
        }
    }

    // What a list shows is authorization too: members see A, the non-member does not.
    for who in WHO.into_iter().skip(1) {
        let signed_in = person(&world, who).expect("signed in");
        match listed_conventions(&app, &signed_in.token).await {
            Err(error) => failures.push(format!("GET /api/v1/conventions as {who}: {error}")),
            Ok(ids) => {
                let sees_a = ids.contains(&world.convention_a);
                if sees_a != (who != Who::Outsider) {
                    failures.push(format!(
                        "GET /api/v1/conventions as {who}: convention A {}",
                        if sees_a { "is listed" } else { "is missing" }
                    ));
                }
                if who == Who::Outsider && !ids.contains(&world.convention_b) {
                    failures.push(format!(
                        "GET /api/v1/conventions as {who}: convention B is missing"
                    ));
                }
            }
        }
    }
    // The non-member's 404s come from A being hidden, not from a broken identity.
    let b = app
        .as_user(&world.outsider.token)
        .get(&format!("/api/v1/conventions/{}", world.convention_b))
        .await;
    if b.status != 200 {
        failures.push(format!(
            "the non-member cannot read their own convention B: {} {}",
            b.status,
            excerpt(&b)
        ));
    }

    // A hidden object answers exactly as a missing one: the same body, so that a non-member
    // cannot tell that an id exists.
    for path in ["actions", "indicators", "axes"] {
        let existing = match path {
            "actions" => &world.action_own,
            "indicators" => &world.indicator_own,
            _ => &world.axis1,
        };
        let hidden = app
            .as_user(&world.outsider.token)
            .get(&format!("/api/v1/{path}/{existing}"))
            .await;
        let missing = app
            .as_user(&world.outsider.token)
            .get(&format!("/api/v1/{path}/{}", uuid::Uuid::now_v7()))
            .await;
        if (hidden.status, &hidden.body) != (404, &missing.body) || missing.status != 404 {
            failures.push(format!(
                "GET /api/v1/{path}/{{id}} as the non-member tells a hidden id ({} {}) from a \
                 missing one ({} {})",
                hidden.status,
                excerpt(&hidden),
                missing.status,
                excerpt(&missing)
            ));
        }
    }

    let cells: usize = MATRIX.len() * WHO.len();
    println!(
        "authorization matrix: {} operations × {} identities; {} rows (operations × ownership \
         cases × bodies) × {} identities = {cells} cells, {sent} requests sent; world built in \
         {:.1?}, whole test {:.1?}",
        operations.len(),
        WHO.len(),
        MATRIX.len(),
        WHO.len(),
        built,
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} authorization mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The claims of a real access token, to tamper with one at a time.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

fn forge(claims: &Value, key: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key).unwrap(),
    )
    .unwrap()
}

fn unsigned(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    format!(
        "{header}.{}.",
        URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes())
    )
}

/// `token` with its payload's subject replaced, its header and signature kept.
fn tampered(token: &str, subject: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = claims_of(token);
    claims["sub"] = json!(subject);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// A token whose header claims ES256 but which is signed with the HMAC key, as an attacker
/// would try against a verifier that trusts the header's algorithm.
fn confused(claims: &Value, key: &[u8]) -> String {
    let honest = forge(claims, key);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"JWT"}"#);
    let payload = honest.split('.').nth(1).unwrap();
    let signing_input = format!("{header}.{payload}");
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &EncodingKey::from_secret(key).unwrap(),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{signing_input}.{signature}")
}

/// A well-signed, unexpired access token of `email` whose session was revoked.
async fn revoked_session_token(app: &TestApp, email: &str) -> String {
    let token = crate::support::auth::login(app, email).await;
    let session = claims_of(&token)["sid"].as_str().unwrap().to_string();
    let revoked = app.db.count(&format!(
        "WITH r AS (UPDATE sessions SET revoked_at = now(), revoked_reason = 'test' \
         WHERE id = '{session}' RETURNING 1) SELECT count(*) AS n FROM r"
    ));
    assert_eq!(revoked, 1);
    crate::support::auth::until_refused(app, &token).await;
    token
}

#[actix_web::test]
async fn every_secured_operation_refuses_a_missing_or_bad_token() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let key = TEST_JWT_SECRET.as_bytes();
    let claims = claims_of(&world.viewer.token);
    let with = |changes: &[(&str, Value)]| {
        let mut changed = claims.clone();
        for (field, value) in changes {
            changed[*field] = value.clone();
        }
        changed
    };
    let now = chrono::Utc::now().timestamp();
    let tokens = [
        ("no token", None),
        (
            "an expired token",
            Some(forge(
                &with(&[
                    ("iat", json!(now - 960)),
                    ("nbf", json!(now - 960)),
                    ("exp", json!(now - 60)),
                ]),
                key,
            )),
        ),
        (
            "a token signed with another key",
            Some(forge(&claims, b"another-secret-of-at-least-32-bytes!!")),
        ),
        ("an unsigned token (alg none)", Some(unsigned(&claims))),
        (
            "a token for another audience",
            Some(forge(&with(&[("aud", json!("another-api"))]), key)),
        ),
        (
            "a token from another issuer",
            Some(forge(&with(&[("iss", json!("someone-else"))]), key)),
        ),
        (
            "a token not valid yet",
            Some(forge(
                &with(&[("nbf", json!(now + 600)), ("exp", json!(now + 1200))]),
                key,
            )),
        ),
        (
            "a tampered payload (the admin's id under the viewer's signature)",
            Some(tampered(&world.viewer.token, &world.admin.user_id)),
        ),
        (
            "an HS256 signature under an ES256 header (algorithm confusion)",
            Some(confused(&claims, key)),
        ),
        (
            "a token of a revoked session",
            Some(revoked_session_token(&app, "viewer@ctg.test").await),
        ),
    ];
    // Controls: each bad token differs from a good one in one way only.
    for control in [world.viewer.token.clone(), forge(&claims, key)] {
        let me = app.as_user(&control).get("/api/v1/me").await;
        assert_eq!(me.status, 200, "control: {}", me.text);
    }

    let mut failures = Vec::new();
    let mut sent = 0;
    let operations = operations();
    for op in operations.iter().filter(|op| !op.public) {
        let Some(row) = MATRIX.iter().find(|row| row.op == op.id) else {
            failures.push(format!("{op}: not in the authorization matrix"));
            continue;
        };
        for (name, token) in &tokens {
            let request = match request(&world, op, row, Who::Viewer).await {
                Ok(request) => request,
                Err(error) => {
                    failures.push(format!(
                        "{op} with {name}: cannot build the request: {error}"
                    ));
                    continue;
                }
            };
            let response = send(&app, token.as_deref(), op, &request).await;
            sent += 1;
            let mut wrong = Vec::new();
            if response.status != 401 {
                wrong.push(format!("status {}", response.status));
            }
            if response.header("content-type") != Some("application/problem+json") {
                wrong.push(format!(
                    "content-type {:?}",
                    response.header("content-type")
                ));
            }
            if response.body["code"] != "unauthenticated" {
                wrong.push(format!("code {}", response.body["code"]));
            }
            if response.header("www-authenticate") != Some("Bearer") {
                wrong.push(format!(
                    "WWW-Authenticate {:?}",
                    response.header("www-authenticate")
                ));
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{op} with {name}: {}: {}",
                    wrong.join(", "),
                    excerpt(&response)
                ));
            }
        }
    }
    println!(
        "bad tokens: {} secured operations × {} kinds of token = {sent} requests",
        operations.iter().filter(|op| !op.public).count(),
        tokens.len()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
