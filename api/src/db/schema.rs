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
    convention_associated_partners (convention_id, partner_id) {
        convention_id -> Uuid,
        partner_id -> Uuid,
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

diesel::joinable!(action_partners -> actions (action_id));
diesel::joinable!(action_partners -> partners (partner_id));
diesel::joinable!(action_pilots -> actions (action_id));
diesel::joinable!(action_pilots -> partners (partner_id));
diesel::joinable!(action_steps -> actions (action_id));
diesel::joinable!(action_steps -> partners (pilot_partner_id));
diesel::joinable!(actions -> objectives (objective_id));
diesel::joinable!(axes -> conventions (convention_id));
diesel::joinable!(convention_associated_partners -> conventions (convention_id));
diesel::joinable!(convention_associated_partners -> partners (partner_id));
diesel::joinable!(convention_signatories -> conventions (convention_id));
diesel::joinable!(convention_signatories -> partners (partner_id));
diesel::joinable!(objectives -> axes (axis_id));

diesel::allow_tables_to_appear_in_same_query!(
    action_links,
    action_partners,
    action_pilots,
    action_steps,
    actions,
    axes,
    convention_associated_partners,
    convention_signatories,
    conventions,
    idempotency_keys,
    objectives,
    partners,
);
