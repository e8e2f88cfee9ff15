//! Many measurements at once (`POST /conventions/{id}/measurements/batch`): the Caf reporting
//! integration and spreadsheet imports send a period's values this way.
//!
//! Every row is checked, against its indicator, the caller's rights, the stored measurements
//! and the other rows, and every row's outcome is reported; nothing is written unless all rows
//! are valid (one transaction). A fixed number of queries whatever the number of rows: the
//! indicators with their actions' pilots (two), the stored periods (one), one multi-row insert of
//! the measurements and one of their audit entries.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::{rules, MeasurementOut};
use super::model::{audit_created_many, IndicatorContext, Measurement, NewMeasurement};
use crate::auth::{ActionTarget, AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::domain::{MeasuredValue, Period};
use crate::error::{ApiError, FieldError, OrNotFound};
use crate::http::json::JsonBody;
use crate::idempotency::{IdempotencyKey, Replayable};
use crate::time;

/// A spreadsheet's year of values for a whole plan (1,000 rows with comments) fits: the ordinary
/// 64 KiB limit holds about 300 such rows.
pub const BATCH_BODY_LIMIT: usize = 512 * 1024;

/// The most rows one batch may hold.
pub const MAX_ROWS: usize = 1000;

/// Many measurements of one convention's indicators.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchCreate {
    /// `true`: check every row and report, writing nothing (200, or 422 when a row fails).
    #[serde(default)]
    pub dry_run: bool,
    /// 1 to 1000 rows (the body is limited to 64 KiB: about 700 short rows).
    #[schema(min_items = 1, max_items = 1000)]
    pub measurements: Vec<BatchRow>,
}

/// One measurement of a batch. Its fields are checked row by row, so that a missing field or a
/// value of the wrong type is reported as this row's error, with every other row's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRow {
    /// An indicator of this convention.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub indicator_id: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Period, required = true)]
    pub period: Option<Value>,
    #[serde(default)]
    #[schema(value_type = MeasuredValue, required = true)]
    pub value: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub comment: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub source: Option<Value>,
}

/// What became of each row.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    pub dry_run: bool,
    /// Whether every row is valid.
    pub valid: bool,
    /// One result per row, in the order sent.
    pub results: Vec<BatchRowResult>,
}

/// One row's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchRowResult {
    /// The row's position in `measurements`, from 0.
    pub index: usize,
    pub status: RowStatus,
    /// The new measurement's id, when the batch was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The row's fields at fault (`indicator_id`, `period`, `value`, `comment`, `source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Whether a row is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Ok,
    Error,
}

/// Record many measurements at once (all or nothing), or check them with `dry_run`.
///
/// Each row follows the rules of `POST /indicators/{id}/measurements`, and also: its indicator
/// belongs to this convention; the caller may record for that indicator's action (a row the
/// caller may not record is that row's error, field `indicator_id`); its indicator and period
/// are neither stored already nor repeated in the batch. Every row's outcome is reported.
/// Answers 200 for a dry run, 201 when written (each row with its new `id`), and 422 with the
/// same body, nothing written, when any row fails. A member who may record no measurement at
/// all in this convention (viewer, copil, reporting client) gets 403; more than 1000 rows, 400.
/// With `Idempotency-Key`, a retry of a written batch replays its answer (dry runs and rejected
/// batches are not remembered).
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "The convention's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "A key unique to this batch (1-255 visible ASCII characters): a retry of a written batch with the same key and body replays the first response; another body is 422; while the first is running, 409. Not used by dry runs."),
    ),
    request_body = BatchCreate,
    responses(
        (status = 200, body = BatchOut, description = "A dry run: every row is valid, nothing was written"),
        (status = 201, body = BatchOut, description = "Every row is valid and was written"),
        (status = 422, body = BatchOut, description = "At least one row failed (`valid` is false): nothing was written"),
    )
)]
#[post("/conventions/{id}/measurements/batch")]
pub async fn create_measurements_batch(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    idempotency_key: IdempotencyKey,
    body: JsonBody<BatchCreate, BATCH_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let convention_id = id.into_inner();
    let fingerprint = body.fingerprint();
    let BatchCreate {
        dry_run,
        measurements: rows,
    } = body.0;
    check_size(&rows)?;
    let answer = db::run(&pool, move |conn| {
        let today = time::today();
        if dry_run {
            allow(conn, &user, convention_id)?;
            let checked = check(conn, &user, convention_id, rows, today)?;
            let status = if checked.valid() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((status, to_json(&checked.report(true, &[]))?));
        }
        // A rejected batch is answered, not stored under its key: `once` stores only what
        // succeeds, so the report leaves through this slot while `once` sees an error.
        let mut rejected = None;
        let written = idempotency_key.once(conn, user.id, &fingerprint, |conn| {
            allow(conn, &user, convention_id)?;
            let checked = check(conn, &user, convention_id, rows, today)?;
            if !checked.valid() {
                rejected = Some(checked.report(false, &[]));
                return Err(ApiError::Validation(Vec::new()));
            }
            let out = write(conn, &user, convention_id, checked)?;
            Ok(Replayable {
                status: StatusCode::CREATED,
                location: None,
                etag: None,
                body: to_json(&out)?,
            })
        });
        match (written, rejected) {
            (_, Some(report)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, to_json(&report)?)),
            (Ok(answer), None) => Ok((answer.status, answer.body)),
            (Err(error), None) => Err(error),
        }
    })
    .await?;
    let (status, body) = answer;
    Ok(HttpResponse::build(status).json(body))
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(e.to_string()))
}

fn check_size(rows: &[BatchRow]) -> Result<(), ApiError> {
    if rows.is_empty() {
        return Err(ApiError::invalid(
            "measurements",
            "must hold at least one measurement",
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(ApiError::bad_field(
            "too_many_measurements",
            "measurements",
            format!(
                "holds {} rows; a batch holds at most {MAX_ROWS}: split it",
                rows.len()
            ),
        ));
    }
    Ok(())
}

/// The convention exists and the caller is a member (404 otherwise) who may record some
/// measurement in it (403 otherwise: a row-by-row refusal would only repeat it for every row).
fn allow(conn: &mut PgConnection, user: &AuthUser, convention_id: Uuid) -> Result<(), ApiError> {
    Convention::find(conn, convention_id).or_not_found("convention")?;
    user.require(Capability::ReadPlan, convention_id, None)?;
    if user.may_somewhere(Capability::RecordMeasurements, convention_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Your role in this convention does not allow you to record measurements.".into(),
        ))
    }
}

/// Every row checked: the new measurement of a valid row, or its fields at fault.
struct Checked {
    rows: Vec<Result<(NewMeasurement, Uuid), Vec<FieldError>>>,
}

impl Checked {
    fn valid(&self) -> bool {
        self.rows.iter().all(Result::is_ok)
    }

    /// The report; `ids` are the written rows' new ids (none when nothing was written).
    fn report(&self, dry_run: bool, ids: &[Uuid]) -> BatchOut {
        let results = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| match row {
                Ok(_) => BatchRowResult {
                    index,
                    status: RowStatus::Ok,
                    id: ids.get(index).copied(),
                    errors: None,
                },
                Err(errors) => BatchRowResult {
                    index,
                    status: RowStatus::Error,
                    id: None,
                    errors: Some(errors.clone()),
                },
            })
            .collect();
        BatchOut {
            dry_run,
            valid: self.valid(),
            results,
        }
    }
}

/// A row's field as text, or the message saying it is not one.
fn text_field(value: Option<Value>, what: &str) -> Option<Result<String, String>> {
    match value? {
        Value::String(text) => Some(Ok(text)),
        _ => Some(Err(format!("must be {what}"))),
    }
}

/// A row as far as it could be checked alone: its parsed fields, and its faults.
struct Draft {
    errors: Vec<FieldError>,
    indicator: Option<Uuid>,
    period: Option<Period>,
    value: Option<Value>,
    comment: Option<String>,
    source: Option<String>,
}

/// Checks every row; three queries whatever their number.
fn check(
    conn: &mut PgConnection,
    user: &AuthUser,
    convention_id: Uuid,
    rows: Vec<BatchRow>,
    today: NaiveDate,
) -> Result<Checked, ApiError> {
    let indicator_ids: Vec<Result<Uuid, String>> = rows
        .iter()
        .map(|row| match &row.indicator_id {
            None => Err("is required".to_string()),
            Some(Value::String(text)) => text.parse().map_err(|_| "must be a UUID".to_string()),
            Some(_) => Err("must be a UUID".to_string()),
        })
        .collect();
    let mut wanted: Vec<Uuid> = indicator_ids.iter().flatten().copied().collect();
    wanted.sort();
    wanted.dedup();
    let indicators = IndicatorContext::in_convention_for_share(conn, convention_id, &wanted)?;
    let mut drafts: Vec<Draft> = rows
        .into_iter()
        .zip(indicator_ids)
        .map(|(row, indicator_id)| {
            let context = indicator_id.map(|id| indicators.get(&id));
            check_row(
                row,
                context,
                |target| user.may(Capability::RecordMeasurements, convention_id, Some(target)),
                today,
            )
        })
        .collect();

    // One measurement per indicator and period: against those stored, and within the batch.
    let pairs: Vec<(Uuid, Period)> = drafts
        .iter()
        .filter_map(|d| d.indicator.zip(d.period))
        .collect();
    let stored = Measurement::existing_periods(conn, &pairs)?;
    let mut first_row: HashMap<(Uuid, Period), usize> = HashMap::new();
    for (index, draft) in drafts.iter_mut().enumerate() {
        let Some(pair) = draft.indicator.zip(draft.period) else {
            continue;
        };
        if let Some(existing) = stored.get(&pair) {
            draft.errors.push(FieldError::new(
                "period",
                format!(
                    "this indicator already has a measurement for {}: correct it with PATCH \
                     /api/v1/measurements/{existing}",
                    pair.1
                ),
            ));
        } else if let Some(first) = first_row.get(&pair) {
            draft.errors.push(FieldError::new(
                "period",
                format!("repeats row {first}: one measurement per indicator and period"),
            ));
        } else {
            first_row.insert(pair, index);
        }
    }

    let rows = drafts
        .into_iter()
        .map(|draft| match draft {
            Draft {
                errors,
                indicator: Some(indicator_id),
                period: Some(period),
                value: Some(value),
                comment,
                source,
            } if errors.is_empty() => {
                let action_id = indicators[&indicator_id].indicator.action_id;
                Ok((
                    NewMeasurement {
                        id: Uuid::now_v7(),
                        indicator_id,
                        period,
                        period_start: period.start_date(),
                        value,
                        comment,
                        source,
                        recorded_by: Some(user.id),
                    },
                    action_id,
                ))
            }
            Draft { errors, .. } => Err(errors),
        })
        .collect();
    Ok(Checked { rows })
}

/// Checks one row alone: its indicator (`Err`: not an id; `Ok(None)`: not in the convention),
/// the caller's right on the indicator's action (`may_record`), and each field.
fn check_row(
    row: BatchRow,
    indicator: Result<Option<&IndicatorContext>, String>,
    may_record: impl Fn(&ActionTarget) -> bool,
    today: NaiveDate,
) -> Draft {
    const PERIOD_FORM: &str = "a period such as 2024, 2024-S1, 2024-Q2 or 2024-03";
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let indicator = match indicator {
        Err(message) => {
            fail("indicator_id", message);
            None
        }
        Ok(None) => {
            fail(
                "indicator_id",
                "no such indicator in this convention".into(),
            );
            None
        }
        Ok(Some(context)) => {
            if !may_record(&context.target) {
                fail(
                    "indicator_id",
                    "you may not record measurements for this action".into(),
                );
            }
            Some(&context.indicator)
        }
    };
    let period = match text_field(row.period, PERIOD_FORM) {
        None => Err("is required".to_string()),
        Some(Err(message)) => Err(message),
        Some(Ok(text)) => match indicator {
            Some(indicator) => rules::period(indicator, &text, today),
            // Without its indicator, only the form can be checked.
            None => Period::parse(&text),
        },
    };
    let period = period.map_err(|m| fail("period", m)).ok();
    let value = match (row.value, indicator) {
        (None | Some(Value::Null), _) => Err("is required".to_string()),
        (Some(value), Some(indicator)) => rules::value(indicator, &value),
        (Some(value), None) => Ok(value),
    };
    let value = value.map_err(|m| fail("value", m)).ok();
    let comment = text_field(row.comment, "a text")
        .map(|text| text.and_then(rules::comment))
        .transpose()
        .map_err(|m| fail("comment", m))
        .ok()
        .flatten();
    let source = text_field(row.source, "a text")
        .map(|text| text.and_then(rules::source))
        .transpose()
        .map_err(|m| fail("source", m))
        .ok()
        .flatten();
    Draft {
        errors,
        indicator: indicator.map(|i| i.id),
        period,
        value,
        comment,
        source,
    }
}

/// Writes a valid batch with its audit entries: two statements whatever its size.
fn write(
    conn: &mut PgConnection,
    user: &AuthUser,
    convention_id: Uuid,
    checked: Checked,
) -> Result<BatchOut, ApiError> {
    let (new, action_ids): (Vec<NewMeasurement>, Vec<Uuid>) =
        checked.rows.iter().flatten().cloned().unzip();
    // A concurrent writer may have taken a period since the check: 409, nothing written.
    let inserted = Measurement::insert_many(conn, &new)?;
    let mut entries = Vec::with_capacity(inserted.len());
    for (measurement, action_id) in inserted.into_iter().zip(action_ids) {
        let out = MeasurementOut::new(measurement, action_id, convention_id);
        entries.push((out.id, crate::audit::diff(&Value::Null, &to_json(&out)?)));
    }
    audit_created_many(conn, user.id, convention_id, entries)?;
    let ids: Vec<Uuid> = new.iter().map(|n| n.id).collect();
    Ok(checked.report(false, &ids))
}
