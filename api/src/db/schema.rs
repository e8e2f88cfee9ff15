// @generated automatically by Diesel CLI.

diesel::table! {
    action_links (action_id, linked_action_id) {
        action_id -> Uuid,
        linked_action_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    action_partners (action_id, partner_id) {
        action_id -> Uuid,
        partner_id -> Uuid,
        note -> Nullable<Text>,
        position -> Int4,
    }
}

diesel::table! {
    action_pilots (action_id, partner_id) {
        action_id -> Uuid,
        partner_id -> Uuid,
        note -> Nullable<Text>,
        position -> Int4,
    }
}

diesel::table! {
    action_steps (action_id, position) {
        action_id -> Uuid,
        position -> Int4,
        text -> Text,
        pilot_partner_id -> Nullable<Uuid>,
        status -> Text,
    }
}

diesel::table! {
    actions (id) {
        id -> Uuid,
        objective_id -> Uuid,
        number -> Int4,
        title -> Text,
        priority -> Bool,
        status -> Text,
        progress -> Nullable<Int2>,
        context -> Nullable<Text>,
        shared_findings -> Array<Text>,
        expected_results -> Array<Text>,
        inhabitants_role -> Nullable<Text>,
        resources_financial -> Array<Text>,
        resources_human -> Array<Text>,
        linked_plans -> Array<Text>,
        start_year -> Nullable<Int4>,
        end_year -> Nullable<Int4>,
        schedule_note -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        convention_id -> Nullable<Uuid>,
        entity_type -> Text,
        entity_id -> Nullable<Uuid>,
        operation -> Text,
        changes -> Jsonb,
    }
}

diesel::table! {
    axes (id) {
        id -> Uuid,
        convention_id -> Uuid,
        number -> Int4,
        title -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    committee_axes (committee_id, axis_id) {
        committee_id -> Uuid,
        axis_id -> Uuid,
    }
}

diesel::table! {
    committee_members (committee_id, partner_id) {
        committee_id -> Uuid,
        partner_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    committees (id) {
        id -> Uuid,
        convention_id -> Uuid,
        name -> Text,
        kind -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        exchange_ref -> Nullable<Text>,
    }
}

diesel::table! {
    convention_associated_partners (convention_id, partner_id) {
        convention_id -> Uuid,
        partner_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    convention_partner_refs (convention_id, partner_id) {
        convention_id -> Uuid,
        partner_id -> Uuid,
        exchange_ref -> Text,
        position -> Int4,
    }
}

diesel::table! {
    convention_signatories (convention_id, partner_id) {
        convention_id -> Uuid,
        partner_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    conventions (id) {
        id -> Uuid,
        name -> Text,
        territory -> Text,
        start_year -> Int4,
        end_year -> Int4,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    idempotency_keys (scope, key) {
        scope -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Int2,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    indicators (id) {
        id -> Uuid,
        action_id -> Uuid,
        position -> Int4,
        #[sql_name = "type"]
        type_ -> Text,
        label -> Text,
        kind -> Text,
        unit -> Nullable<Text>,
        baseline_value -> Nullable<Float8>,
        baseline_period -> Nullable<Text>,
        target_value -> Nullable<Float8>,
        target_period -> Nullable<Text>,
        direction -> Text,
        frequency -> Text,
        source -> Nullable<Text>,
        scale_min -> Nullable<Float8>,
        scale_max -> Nullable<Float8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    login_throttle (subject) {
        subject -> Text,
        failures -> Int4,
        window_started_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    measurements (id) {
        id -> Uuid,
        indicator_id -> Uuid,
        period -> Text,
        period_start -> Date,
        value -> Jsonb,
        comment -> Nullable<Text>,
        source -> Nullable<Text>,
        recorded_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    memberships (id) {
        id -> Uuid,
        convention_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        committee_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    notes (id) {
        id -> Uuid,
        action_id -> Uuid,
        date -> Date,
        text -> Text,
        author_id -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    objectives (id) {
        id -> Uuid,
        axis_id -> Uuid,
        number -> Int4,
        title -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    partners (id) {
        id -> Uuid,
        name -> Text,
        acronym -> Nullable<Text>,
        kind -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Uuid,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        partner_id -> Nullable<Uuid>,
        is_admin -> Bool,
        active -> Bool,
        password_changed_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::joinable!(action_partners -> actions (action_id));
diesel::joinable!(action_partners -> partners (partner_id));
diesel::joinable!(action_pilots -> actions (action_id));
diesel::joinable!(action_pilots -> partners (partner_id));
diesel::joinable!(action_steps -> actions (action_id));
diesel::joinable!(action_steps -> partners (pilot_partner_id));
diesel::joinable!(actions -> objectives (objective_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(axes -> conventions (convention_id));
diesel::joinable!(committee_axes -> axes (axis_id));
diesel::joinable!(committee_axes -> committees (committee_id));
diesel::joinable!(committee_members -> committees (committee_id));
diesel::joinable!(committee_members -> partners (partner_id));
diesel::joinable!(committees -> conventions (convention_id));
diesel::joinable!(convention_associated_partners -> conventions (convention_id));
diesel::joinable!(convention_associated_partners -> partners (partner_id));
diesel::joinable!(convention_partner_refs -> conventions (convention_id));
diesel::joinable!(convention_partner_refs -> partners (partner_id));
diesel::joinable!(convention_signatories -> conventions (convention_id));
diesel::joinable!(convention_signatories -> partners (partner_id));
diesel::joinable!(indicators -> actions (action_id));
diesel::joinable!(measurements -> indicators (indicator_id));
diesel::joinable!(measurements -> users (recorded_by));
diesel::joinable!(memberships -> committees (committee_id));
diesel::joinable!(memberships -> conventions (convention_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(notes -> actions (action_id));
diesel::joinable!(notes -> users (author_id));
diesel::joinable!(objectives -> axes (axis_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> partners (partner_id));

diesel::allow_tables_to_appear_in_same_query!(
    action_links,
    action_partners,
    action_pilots,
    action_steps,
    actions,
    audit_log,
    axes,
    committee_axes,
    committee_members,
    committees,
    convention_associated_partners,
    convention_partner_refs,
    convention_signatories,
    conventions,
    idempotency_keys,
    indicators,
    login_throttle,
    measurements,
    memberships,
    notes,
    objectives,
    partners,
    refresh_tokens,
    sessions,
    users,
);
