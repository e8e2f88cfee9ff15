//! The `actions` table and the parts of a fiche stored beside it (pilots, partners, steps,
//! links). A read loads each fiche with its parts in the same statement, whatever the page size.

use chrono::{DateTime, Utc};
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::dsl::sql;
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Json, Text};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::schema::{
    action_links, action_partners, action_pilots, action_steps, actions, axes, committee_axes,
    objectives,
};
use crate::db::{static_sql, StaticSql};
use crate::domain::{ActionStatus, StepStatus};
use crate::http::page::Page;
use crate::objectives::model::{Objective, ObjectiveContext};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actions, check_for_backend(Pg))]
pub struct Action {
    pub id: Uuid,
    pub objective_id: Uuid,
    pub number: i32,
    pub title: String,
    pub priority: bool,
    pub status: ActionStatus,
    pub progress: Option<i16>,
    pub context: Option<String>,
    pub shared_findings: Vec<String>,
    pub expected_results: Vec<String>,
    pub inhabitants_role: Option<String>,
    pub resources_financial: Vec<String>,
    pub resources_human: Vec<String>,
    pub linked_plans: Vec<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub schedule_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PartnerRole {
    pub partner_id: Uuid,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Step {
    pub text: String,
    pub pilot_partner_id: Option<Uuid>,
    pub status: StepStatus,
}

/// The lists of a fiche stored in their own tables, in the fiche's order. Read as one JSON
/// column beside the fiche's row (`parts_column`).
#[derive(Debug, Clone, Default, Deserialize, FromSqlRow)]
pub struct ActionParts {
    pub pilots: Vec<PartnerRole>,
    pub partners: Vec<PartnerRole>,
    pub steps: Vec<Step>,
    pub links: Vec<Uuid>,
}

/// A whole fiche: its row, its place in the plan and its parts.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub action: Action,
    pub placement: ObjectiveContext,
    pub parts: ActionParts,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = actions)]
pub struct NewActionRow {
    pub id: Uuid,
    pub objective_id: Uuid,
    pub number: i32,
    pub title: String,
    pub priority: bool,
    pub status: ActionStatus,
    pub progress: Option<i16>,
    pub context: Option<String>,
    pub shared_findings: Vec<String>,
    pub expected_results: Vec<String>,
    pub inhabitants_role: Option<String>,
    pub resources_financial: Vec<String>,
    pub resources_human: Vec<String>,
    pub linked_plans: Vec<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub schedule_note: Option<String>,
}

/// A new fiche, validated.
#[derive(Debug)]
pub struct NewAction {
    pub row: NewActionRow,
    pub parts: ActionParts,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = actions)]
pub struct ActionRowChanges {
    pub objective_id: Option<Uuid>,
    pub number: Option<i32>,
    pub title: Option<String>,
    pub priority: Option<bool>,
    pub status: Option<ActionStatus>,
    pub progress: Option<Option<i16>>,
    pub context: Option<Option<String>>,
    pub shared_findings: Option<Vec<String>>,
    pub expected_results: Option<Vec<String>>,
    pub inhabitants_role: Option<Option<String>>,
    pub resources_financial: Option<Vec<String>>,
    pub resources_human: Option<Vec<String>>,
    pub linked_plans: Option<Vec<String>>,
    pub start_year: Option<Option<i32>>,
    pub end_year: Option<Option<i32>>,
    pub schedule_note: Option<Option<String>>,
}

/// Changes to a fiche, validated: a list present replaces the stored one.
#[derive(Debug, Default)]
pub struct ActionChanges {
    pub row: ActionRowChanges,
    pub steps: Option<Vec<Step>>,
    pub pilots: Option<Vec<PartnerRole>>,
    pub partners: Option<Vec<PartnerRole>>,
    pub links: Option<Vec<Uuid>>,
}

impl ActionRowChanges {
    fn is_empty(&self) -> bool {
        let ActionRowChanges {
            objective_id,
            number,
            title,
            priority,
            status,
            progress,
            context,
            shared_findings,
            expected_results,
            inhabitants_role,
            resources_financial,
            resources_human,
            linked_plans,
            start_year,
            end_year,
            schedule_note,
        } = self;
        objective_id.is_none()
            && number.is_none()
            && title.is_none()
            && priority.is_none()
            && status.is_none()
            && progress.is_none()
            && context.is_none()
            && shared_findings.is_none()
            && expected_results.is_none()
            && inhabitants_role.is_none()
            && resources_financial.is_none()
            && resources_human.is_none()
            && linked_plans.is_none()
            && start_year.is_none()
            && end_year.is_none()
            && schedule_note.is_none()
    }
}

impl ActionChanges {
    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
            && self.steps.is_none()
            && self.pilots.is_none()
            && self.partners.is_none()
            && self.links.is_none()
    }
}

/// Which actions a list shows. Every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub convention_id: Option<Uuid>,
    pub axis_id: Option<Uuid>,
    pub objective_id: Option<Uuid>,
    pub status: Option<ActionStatus>,
    pub priority: Option<bool>,
    /// Actions whose référents-pilotes include this partner.
    pub pilot: Option<Uuid>,
    /// Actions under the axes this thematic committee follows.
    pub committee: Option<Uuid>,
    /// Words in the title or context (case and accents ignored), or an exact code.
    pub q: Option<String>,
    /// `Some((true, year))`: end year before `year` and neither done nor abandoned.
    pub overdue: Option<(bool, i32)>,
}

type PlanJoin =
    diesel::dsl::InnerJoin<actions::table, diesel::dsl::InnerJoin<objectives::table, axes::table>>;

fn plan_join() -> PlanJoin {
    actions::table.inner_join(objectives::table.inner_join(axes::table))
}

/// The filtered actions, joined to their objective and axis, as a boxed query.
fn filtered(filter: &ActionFilter) -> diesel::dsl::IntoBoxed<'static, PlanJoin, Pg> {
    let mut query = plan_join().into_boxed();
    if let Some(id) = filter.convention_id {
        query = query.filter(axes::convention_id.eq(id));
    }
    if let Some(id) = filter.axis_id {
        query = query.filter(axes::id.eq(id));
    }
    if let Some(id) = filter.objective_id {
        query = query.filter(objectives::id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(actions::status.eq(status));
    }
    if let Some(priority) = filter.priority {
        query = query.filter(actions::priority.eq(priority));
    }
    if let Some(partner) = filter.pilot {
        let piloted = action_pilots::table
            .filter(action_pilots::partner_id.eq(partner))
            .select(action_pilots::action_id);
        query = query.filter(actions::id.eq_any(piloted));
    }
    if let Some(committee) = filter.committee {
        let followed = committee_axes::table
            .filter(committee_axes::committee_id.eq(committee))
            .select(committee_axes::axis_id);
        query = query.filter(axes::id.eq_any(followed));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            sql::<Bool>("(ctg_fold(actions.title) LIKE ctg_fold(")
                .bind::<Text, _>(pattern.clone())
                .sql(") OR ctg_fold(coalesce(actions.context, '')) LIKE ctg_fold(")
                .bind::<Text, _>(pattern)
                .sql(") OR axes.number || '.' || objectives.number || '.' || actions.number = ")
                .bind::<Text, _>(q.trim().to_string())
                .sql(")"),
        );
    }
    if let Some((overdue, year)) = filter.overdue {
        let late = actions::end_year
            .lt(year)
            .and(actions::status.ne_all(vec![ActionStatus::Done, ActionStatus::Abandoned]));
        query = if overdue {
            query.filter(late.assume_not_null())
        } else {
            query.filter(late.clone().is_null().or(late.eq(false)))
        };
    }
    query
}

/// `%` and `_` in a search are letters, not wildcards.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Action {
    /// The whole fiche.
    pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<ActionRecord> {
        let row = plan_join()
            .filter(actions::id.eq(id))
            .select((
                Action::as_select(),
                ObjectiveContext::as_select(),
                parts_column(),
            ))
            .first::<(Action, ObjectiveContext, ActionParts)>(conn)?;
        Ok(ActionRecord::from(row))
    }

    /// The fiche's row, locked until the transaction ends, and its placement. Only the action's
    /// row is locked: its objective and axis stay free for other writers.
    pub fn find_for_update(
        conn: &mut PgConnection,
        id: Uuid,
    ) -> QueryResult<(Action, ObjectiveContext)> {
        let action = actions::table
            .find(id)
            .select(Action::as_select())
            .for_update()
            .first(conn)?;
        let placement = Objective::find_with_context(conn, action.objective_id)?;
        Ok((action, placement))
    }

    /// A page of fiches in code order, and the total: one statement whatever the page size
    /// (the total rides on each row), two for a page past the end.
    pub fn list(
        conn: &mut PgConnection,
        filter: &ActionFilter,
        page: Page,
    ) -> QueryResult<(Vec<ActionRecord>, i64)> {
        let rows: Vec<(Action, ObjectiveContext, ActionParts, i64)> = filtered(filter)
            .select((
                Action::as_select(),
                ObjectiveContext::as_select(),
                parts_column(),
                static_sql::<BigInt>("count(*) OVER ()"),
            ))
            .order((
                axes::number,
                objectives::number,
                actions::number,
                actions::id,
            ))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = match rows.first() {
            Some(&(.., total)) => total,
            None if page.offset == 0 => 0,
            None => filtered(filter).count().get_result(conn)?,
        };
        let records = rows
            .into_iter()
            .map(|(action, placement, parts, _)| ActionRecord::from((action, placement, parts)))
            .collect();
        Ok((records, total))
    }

    /// Those of `ids` that are actions of the convention.
    pub fn existing_in_convention(
        conn: &mut PgConnection,
        convention_id: Uuid,
        ids: &[Uuid],
    ) -> QueryResult<Vec<Uuid>> {
        plan_join()
            .filter(axes::convention_id.eq(convention_id))
            .filter(actions::id.eq_any(ids))
            .select(actions::id)
            .load(conn)
    }

    pub fn insert(conn: &mut PgConnection, new: &NewAction) -> QueryResult<Uuid> {
        let id = diesel::insert_into(actions::table)
            .values(&new.row)
            .returning(actions::id)
            .get_result(conn)?;
        replace_pilots(conn, id, &new.parts.pilots)?;
        replace_partners(conn, id, &new.parts.partners)?;
        replace_steps(conn, id, &new.parts.steps)?;
        replace_links(conn, id, &new.parts.links)?;
        Ok(id)
    }

    /// Applies `changes` and bumps the version once, whichever parts changed.
    pub fn update(conn: &mut PgConnection, id: Uuid, changes: &ActionChanges) -> QueryResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let bump = (
            actions::version.eq(actions::version + 1),
            actions::updated_at.eq(diesel::dsl::now),
        );
        let target = diesel::update(actions::table.find(id));
        if changes.row.is_empty() {
            target.set(bump).execute(conn)?;
        } else {
            target.set((&changes.row, bump)).execute(conn)?;
        }
        if let Some(pilots) = &changes.pilots {
            replace_pilots(conn, id, pilots)?;
        }
        if let Some(partners) = &changes.partners {
            replace_partners(conn, id, partners)?;
        }
        if let Some(steps) = &changes.steps {
            replace_steps(conn, id, steps)?;
        }
        if let Some(links) = &changes.links {
            replace_links(conn, id, links)?;
        }
        Ok(())
    }

    /// Deletes the fiche with its own parts (pilots, partners, steps, links to and from it).
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(actions::table.find(id)).execute(conn)
    }
}

/// Replaces the référents-pilotes or associated partners of an action: the two tables have the
/// same columns.
macro_rules! replace_roles {
    ($table:ident, $conn:expr, $action_id:expr, $roles:expr) => {{
        diesel::delete($table::table.filter($table::action_id.eq($action_id))).execute($conn)?;
        let rows: Vec<_> = $roles
            .iter()
            .zip(0..)
            .map(|(role, position)| {
                (
                    $table::action_id.eq($action_id),
                    $table::partner_id.eq(role.partner_id),
                    $table::note.eq(role.note.as_deref()),
                    $table::position.eq(position),
                )
            })
            .collect();
        diesel::insert_into($table::table)
            .values(rows)
            .execute($conn)?;
        Ok(())
    }};
}

fn replace_pilots(
    conn: &mut PgConnection,
    action_id: Uuid,
    roles: &[PartnerRole],
) -> QueryResult<()> {
    replace_roles!(action_pilots, conn, action_id, roles)
}

fn replace_partners(
    conn: &mut PgConnection,
    action_id: Uuid,
    roles: &[PartnerRole],
) -> QueryResult<()> {
    replace_roles!(action_partners, conn, action_id, roles)
}

fn replace_steps(conn: &mut PgConnection, action_id: Uuid, steps: &[Step]) -> QueryResult<()> {
    diesel::delete(action_steps::table.filter(action_steps::action_id.eq(action_id)))
        .execute(conn)?;
    let rows: Vec<_> = steps
        .iter()
        .zip(0..)
        .map(|(step, position)| {
            (
                action_steps::action_id.eq(action_id),
                action_steps::position.eq(position),
                action_steps::text.eq(&step.text),
                action_steps::pilot_partner_id.eq(step.pilot_partner_id),
                action_steps::status.eq(step.status),
            )
        })
        .collect();
    diesel::insert_into(action_steps::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

fn replace_links(conn: &mut PgConnection, action_id: Uuid, links: &[Uuid]) -> QueryResult<()> {
    diesel::delete(action_links::table.filter(action_links::action_id.eq(action_id)))
        .execute(conn)?;
    let rows: Vec<_> = links
        .iter()
        .zip(0..)
        .map(|(linked, position)| {
            (
                action_links::action_id.eq(action_id),
                action_links::linked_action_id.eq(*linked),
                action_links::position.eq(position),
            )
        })
        .collect();
    diesel::insert_into(action_links::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// The parts of the fiche in the row, as one JSON object built by PostgreSQL: a fiche costs one
/// statement instead of five, which is most of a cheap read's time (each statement is a round
/// trip). Each subquery reads by `action_id`, the leading column of its table's primary key.
fn parts_column() -> StaticSql<Json> {
    static_sql::<Json>(
        "json_build_object(\
           'pilots', coalesce((SELECT json_agg(json_build_object('partner_id', r.partner_id, \
                'note', r.note) ORDER BY r.position) \
              FROM action_pilots r WHERE r.action_id = actions.id), '[]'), \
           'partners', coalesce((SELECT json_agg(json_build_object('partner_id', r.partner_id, \
                'note', r.note) ORDER BY r.position) \
              FROM action_partners r WHERE r.action_id = actions.id), '[]'), \
           'steps', coalesce((SELECT json_agg(json_build_object('text', s.text, \
                'pilot_partner_id', s.pilot_partner_id, 'status', s.status) ORDER BY s.position) \
              FROM action_steps s WHERE s.action_id = actions.id), '[]'), \
           'links', coalesce((SELECT json_agg(l.linked_action_id ORDER BY l.position) \
              FROM action_links l WHERE l.action_id = actions.id), '[]'))",
    )
}

impl FromSql<Json, Pg> for ActionParts {
    fn from_sql(value: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        Ok(serde_json::from_slice(value.as_bytes())?)
    }
}

impl From<(Action, ObjectiveContext, ActionParts)> for ActionRecord {
    fn from((action, placement, parts): (Action, ObjectiveContext, ActionParts)) -> Self {
        ActionRecord {
            action,
            placement,
            parts,
        }
    }
}
