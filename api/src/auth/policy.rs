//! The permission policy: every decision of who may do what, on which object, is made here, from
//! the contract's role table.
//!
//! | may…                                             | viewer | pilot | committee | copil | coordinator | reporting |
//! |--------------------------------------------------|--------|-------|-----------|-------|-------------|-----------|
//! | read the plan, actions, indicators, measurements | ✓      | ✓     | ✓         | ✓     | ✓           | ✓         |
//! | read the audit log                               |        |       | ✓         | ✓     | ✓           |           |
//! | read reports                                     |        |       | ✓         | ✓     | ✓           | ✓         |
//! | update an action's follow-up                     |        | own   | scope     | ✓     | ✓           |           |
//! | record and correct measurements                  |        | own   | scope     |       | ✓           |           |
//! | edit an action's content, indicators' definitions|        |       | scope     | ✓     | ✓           |           |
//! | create, delete, move axes, objectives, actions   |        |       |           | ✓     | ✓           |           |
//! | manage memberships, committees, the convention   |        |       |           |       | ✓           |           |
//! | export the convention                            |        |       |           |       | ✓           | ✓         |
//!
//! *own*: actions whose référents-pilotes include the member's organisation; *scope*: actions
//! under the axes the member's committee covers. Platform admins may do everything. Someone
//! without any membership in a convention is told it does not exist (404); a member without the
//! right is told so (403).

use uuid::Uuid;

use super::AuthUser;
use crate::domain::Role;
use crate::error::ApiError;

/// Something a member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    ReadPlan,
    ReadAudit,
    ReadReports,
    UpdateFollowUp,
    RecordMeasurements,
    EditContent,
    ManageStructure,
    ManageGovernance,
    Export,
}

impl Capability {
    fn describe(self) -> &'static str {
        match self {
            Self::ReadPlan => "read this convention",
            Self::ReadAudit => "read the audit log",
            Self::ReadReports => "read reports",
            Self::UpdateFollowUp => "update this action's follow-up",
            Self::RecordMeasurements => "record measurements for this action",
            Self::EditContent => "edit this content",
            Self::ManageStructure => "create, move or delete parts of the plan",
            Self::ManageGovernance => "manage this convention, its memberships and committees",
            Self::Export => "export this convention",
        }
    }
}

/// An action as the policy sees it: where it sits and who pilots it.
#[derive(Debug, Clone)]
pub struct ActionTarget {
    pub axis_id: Uuid,
    pub pilot_partner_ids: Vec<Uuid>,
}

/// Whether one role grants `capability` on the convention (or on `action` within it).
fn role_grants(
    role: Role,
    capability: Capability,
    action: Option<&ActionTarget>,
    own: bool,
    in_scope: bool,
) -> bool {
    use Capability::*;
    match role {
        Role::Viewer => capability == ReadPlan,
        Role::Pilot => match capability {
            ReadPlan => true,
            UpdateFollowUp | RecordMeasurements => action.is_some() && own,
            _ => false,
        },
        Role::Committee => match capability {
            ReadPlan | ReadAudit | ReadReports => true,
            UpdateFollowUp | RecordMeasurements | EditContent => action.is_some() && in_scope,
            _ => false,
        },
        Role::Copil => matches!(
            capability,
            ReadPlan | ReadAudit | ReadReports | UpdateFollowUp | EditContent | ManageStructure
        ),
        Role::Coordinator => true,
        Role::Reporting => matches!(capability, ReadPlan | ReadReports | Export),
    }
}

impl AuthUser {
    /// Allows the caller to do `capability` in `convention_id` (on `action` when given), or says
    /// why not: 404 to non-members, 403 to members without the right.
    pub fn require(
        &self,
        capability: Capability,
        convention_id: Uuid,
        action: Option<&ActionTarget>,
    ) -> Result<(), ApiError> {
        if self.is_admin {
            return Ok(());
        }
        let mut grants = self.grants_in(convention_id).peekable();
        if grants.peek().is_none() {
            return Err(ApiError::not_found("convention"));
        }
        let own = action.is_some_and(|a| {
            self.partner_id
                .is_some_and(|partner| a.pilot_partner_ids.contains(&partner))
        });
        let allowed = grants.any(|grant| {
            let in_scope = action.is_some_and(|a| grant.axis_ids.contains(&a.axis_id));
            role_grants(grant.role, capability, action, own, in_scope)
        });
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Your role in this convention does not allow you to {}.",
                capability.describe()
            )))
        }
    }

    /// Whether the caller may do `capability` (for choosing what to show, not for refusing).
    pub fn may(
        &self,
        capability: Capability,
        convention_id: Uuid,
        action: Option<&ActionTarget>,
    ) -> bool {
        self.require(capability, convention_id, action).is_ok()
    }

    /// Whether some action of the convention could be one the caller may do `capability` on:
    /// asked about the most favourable action each of their roles could meet (one their
    /// organisation pilots, under an axis their committee covers).
    pub fn may_somewhere(&self, capability: Capability, convention_id: Uuid) -> bool {
        if self.is_admin {
            return true;
        }
        self.grants_in(convention_id).any(|grant| {
            let favourable = ActionTarget {
                axis_id: grant.axis_ids.first().copied().unwrap_or_default(),
                pilot_partner_ids: self.partner_id.into_iter().collect(),
            };
            self.may(capability, convention_id, Some(&favourable))
        })
    }

    /// Another user's account does not exist for non-admins (404, as for a missing one).
    pub fn require_self_or_admin(&self, user_id: Uuid) -> Result<(), ApiError> {
        if self.is_admin || self.id == user_id {
            Ok(())
        } else {
            Err(ApiError::not_found("user"))
        }
    }

    /// A journal entry speaks for whoever signed it: only its author may change it; platform
    /// admins too when `admins_too` (deletion, for moderation).
    pub fn require_author(&self, author_id: Uuid, admins_too: bool) -> Result<(), ApiError> {
        if self.id == author_id || (admins_too && self.is_admin) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only the author of a note may change it.".into(),
            ))
        }
    }

    /// Platform administration (users, conventions' creation and deletion, partners' changes).
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only platform administrators may do this.".into(),
            ))
        }
    }

    /// Adding an organisation to the shared list of partners: platform admins and the
    /// coordinators of any convention (who build plans).
    pub fn require_partner_creation(&self) -> Result<(), ApiError> {
        if self.is_admin || self.memberships.iter().any(|m| m.role == Role::Coordinator) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only platform administrators and coordinators may add partners.".into(),
            ))
        }
    }

    /// Importing a whole plan as a new convention (which may add partners too): platform
    /// admins and the coordinators of any convention, like adding partners.
    pub fn require_plan_import(&self) -> Result<(), ApiError> {
        if self.is_admin || self.memberships.iter().any(|m| m.role == Role::Coordinator) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only platform administrators and coordinators may import a convention.".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::MembershipGrant;

    fn user(role: Role, partner: Option<Uuid>, axes: Vec<Uuid>) -> (AuthUser, Uuid) {
        let convention = Uuid::now_v7();
        let user = AuthUser {
            id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            display_name: "Test".into(),
            partner_id: partner,
            is_admin: false,
            memberships: vec![MembershipGrant {
                membership_id: Uuid::now_v7(),
                convention_id: convention,
                role,
                committee_id: None,
                axis_ids: axes,
            }],
        };
        (user, convention)
    }

    #[test]
    fn a_pilot_updates_only_its_own_actions() {
        let mjc = Uuid::now_v7();
        let (pilot, convention) = user(Role::Pilot, Some(mjc), vec![]);
        let own = ActionTarget {
            axis_id: Uuid::now_v7(),
            pilot_partner_ids: vec![mjc],
        };
        let other = ActionTarget {
            axis_id: Uuid::now_v7(),
            pilot_partner_ids: vec![Uuid::now_v7()],
        };
        assert!(pilot.may(Capability::UpdateFollowUp, convention, Some(&own)));
        assert!(pilot.may(Capability::RecordMeasurements, convention, Some(&own)));
        assert!(!pilot.may(Capability::EditContent, convention, Some(&own)));
        let refused = pilot.require(Capability::UpdateFollowUp, convention, Some(&other));
        assert_eq!(refused.unwrap_err().problem().status, 403);
    }

    #[test]
    fn a_committee_member_acts_within_its_axes() {
        let axis = Uuid::now_v7();
        let (member, convention) = user(Role::Committee, None, vec![axis]);
        let inside = ActionTarget {
            axis_id: axis,
            pilot_partner_ids: vec![],
        };
        let outside = ActionTarget {
            axis_id: Uuid::now_v7(),
            pilot_partner_ids: vec![],
        };
        assert!(member.may(Capability::EditContent, convention, Some(&inside)));
        assert!(!member.may(Capability::EditContent, convention, Some(&outside)));
        assert!(member.may(Capability::ReadAudit, convention, None));
        assert!(!member.may(Capability::ManageStructure, convention, None));
    }

    #[test]
    fn strangers_are_told_nothing_exists() {
        let (viewer, _) = user(Role::Viewer, None, vec![]);
        let refused = viewer.require(Capability::ReadPlan, Uuid::now_v7(), None);
        assert_eq!(refused.unwrap_err().problem().status, 404);
    }

    #[test]
    fn the_reporting_client_only_reads() {
        let (client, convention) = user(Role::Reporting, None, vec![]);
        assert!(client.may(Capability::ReadReports, convention, None));
        assert!(client.may(Capability::Export, convention, None));
        assert!(!client.may(Capability::ReadAudit, convention, None));
        let action = ActionTarget {
            axis_id: Uuid::now_v7(),
            pilot_partner_ids: vec![],
        };
        assert!(!client.may(Capability::RecordMeasurements, convention, Some(&action)));
    }
}
