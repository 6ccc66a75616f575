//! Team members and roles. Every person signs in with their own e-mail,
//! password and two-factor; the roles and what they may do are listed in
//! docs/permissions.md and enforced by [`Role::may`].

use super::credentials::{self, TOKEN_LIFETIME_MS};
use super::sessions::{self, Client, Current};
use super::types::{DisplayName, Email};
use super::{User, user_by_email, user_by_id};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::emails::{self, Mail};
use crate::error::{Failure, Problem};
use crate::password::NewPassword;
use crate::tokens;
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Finance,
    Viewer,
}

/// Something a member may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Invite and remove members (owner only).
    ManageTeam,
    /// See the member list.
    ViewTeam,
    /// Read the account's security log (owner only).
    ReadAuditLog,
    /// Change members' roles, set the security policy, close the account
    /// (owner only).
    ManageAccount,
    /// Add, inspect and delete webhook endpoints, resend deliveries
    /// (owner and admins).
    ManageWebhooks,
    /// See the wallets' balances, history and statements (every role).
    ViewMoney,
    /// Convert, withdraw and manage withdrawal bank accounts (everyone but
    /// viewers).
    MoveMoney,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "finance" => Ok(Self::Finance),
            "viewer" => Ok(Self::Viewer),
            _ => Err(Problem::InvalidRole),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Finance => "finance",
            Self::Viewer => "viewer",
        }
    }

    /// The permission table (docs/permissions.md).
    pub fn may(self, permission: Permission) -> bool {
        match permission {
            Permission::ManageTeam | Permission::ReadAuditLog | Permission::ManageAccount => {
                self == Self::Owner
            }
            Permission::ViewTeam | Permission::ManageWebhooks => {
                matches!(self, Self::Owner | Self::Admin)
            }
            Permission::ViewMoney => true,
            Permission::MoveMoney => self != Self::Viewer,
        }
    }
}

/// Refuses a member whose role lacks `permission`.
pub fn require(current: &Current, permission: Permission) -> Result<(), Problem> {
    // A stored role that no longer parses grants nothing.
    let role = Role::parse(&current.user.role).map_err(|_| Problem::ForbiddenForRole)?;
    if role.may(permission) {
        Ok(())
    } else {
        Err(Problem::ForbiddenForRole)
    }
}

/// Invites `email` as `role` (never owner: there is one owner). The answer
/// is the same whether or not the address already has a login; an existing
/// login is left alone (one person, one login).
pub async fn invite(
    app: &AppState,
    current: &Current,
    raw_email: &str,
    raw_role: &str,
    client: &Client,
) -> Result<(), Failure> {
    require(current, Permission::ManageTeam)?;
    let email = Email::parse(raw_email)?;
    let role = Role::parse(raw_role)?;
    if role == Role::Owner {
        return Err(Problem::InvalidRole.into());
    }
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    if user_by_email(&mut tx, email.as_str()).await?.is_some() {
        return Ok(());
    }
    let token = tokens::generate();
    sqlx::query(
        "INSERT INTO invitations (token_hash, account_id, email, role, invited_by, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tokens::hash(&token))
    .bind(&current.user.account_id)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(&current.user.id)
    .bind(now)
    .bind(now + TOKEN_LIFETIME_MS)
    .execute(&mut *tx)
    .await?;
    let link = app.link(&format!("/accept-invitation?token={token}"));
    let mail = Mail::Invitation {
        inviter: &current.user.display_name,
        link: &link,
    };
    emails::enqueue(&mut tx, &mail, email.as_str(), current.user.language, now).await?;
    let detail = json!({ "email": email.as_str(), "role": role.as_str() });
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&current.user, "member.invited", detail)
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Accepts an invitation: a new, activated login in the inviting account.
pub async fn accept(
    app: &AppState,
    token: &str,
    raw_name: &str,
    password: &str,
    client: &Client,
) -> Result<(), Failure> {
    let name = DisplayName::parse(raw_name)?;
    let token_hash = tokens::hash(token.trim());
    let invitation = sqlx::query(
        "SELECT account_id, email, role, expires_at_ms, accepted_at_ms FROM invitations WHERE token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(app.db.reader())
    .await?
    .ok_or(Problem::TokenInvalid)?;
    if invitation
        .try_get::<Option<i64>, _>("accepted_at_ms")?
        .is_some()
    {
        return Err(Problem::TokenUsed.into());
    }
    let now = now_ms();
    if invitation.try_get::<i64, _>("expires_at_ms")? <= now {
        return Err(Problem::TokenExpired.into());
    }
    let email: String = invitation.try_get("email")?;
    let password = NewPassword::parse(password, &[email.as_str(), name.as_str()])?;
    let hash = app.hasher.hash(password.expose().to_string()).await?;
    let mut tx = app.db.begin().await?;
    let claimed = sqlx::query("UPDATE invitations SET accepted_at_ms = $1 WHERE token_hash = $2 AND accepted_at_ms IS NULL")
        .bind(now)
        .bind(&token_hash)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(Problem::TokenUsed.into());
    }
    let user_id = tokens::new_id("usr");
    let inserted = sqlx::query(
        "INSERT INTO users (id, account_id, email, display_name, role, language, password_hash, \
         password_changed_at_ms, activated_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, $5, 'zh-CN', $6, $7, $7, $7)",
    )
    .bind(&user_id)
    .bind(invitation.try_get::<String, _>("account_id")?)
    .bind(&email)
    .bind(name.as_str())
    .bind(invitation.try_get::<String, _>("role")?)
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // The address got a login meanwhile: one person, one login.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(Problem::TokenInvalid.into());
        }
        Err(error) => return Err(error.into()),
    }
    let user = user_by_id(&mut tx, &user_id)
        .await?
        .ok_or_else(|| Failure::Internal("new member vanished".into()))?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&user, "member.joined", json!({ "role": user.role }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A member as listed to owners and admins.
#[derive(Debug, serde::Serialize)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub two_factor_enabled: bool,
}

pub async fn members(app: &AppState, current: &Current) -> Result<Vec<MemberView>, Failure> {
    require(current, Permission::ViewTeam)?;
    let rows = sqlx::query(
        "SELECT id, email, display_name, role, totp_secret FROM users \
         WHERE account_id = $1 AND removed_at_ms IS NULL ORDER BY created_at_ms",
    )
    .bind(&current.user.account_id)
    .fetch_all(app.db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MemberView {
                user_id: row.try_get("id")?,
                email: row.try_get("email")?,
                display_name: row.try_get("display_name")?,
                role: row.try_get("role")?,
                two_factor_enabled: row.try_get::<Option<String>, _>("totp_secret")?.is_some(),
            })
        })
        .collect()
}

/// Removes a member of the caller's account (not the owner): their
/// sessions and keys end at once. Another account's member is "not found".
pub async fn remove(
    app: &AppState,
    current: &Current,
    user_id: &str,
    client: &Client,
) -> Result<(), Failure> {
    require(current, Permission::ManageTeam)?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let member: Option<User> = user_by_id(&mut tx, user_id).await?;
    let member = member
        .filter(|member| {
            member.account_id == current.user.account_id && member.role != Role::Owner.as_str()
        })
        .ok_or(Problem::NotFound)?;
    sqlx::query("UPDATE users SET removed_at_ms = $1 WHERE id = $2 AND removed_at_ms IS NULL")
        .bind(now)
        .bind(&member.id)
        .execute(&mut *tx)
        .await?;
    sessions::revoke_all(&mut tx, &member.id, None, now).await?;
    sqlx::query(
        "UPDATE api_keys SET revoked_at_ms = $1 WHERE user_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now)
    .bind(&member.id)
    .execute(&mut *tx)
    .await?;
    let detail = json!({ "member": member.id, "email": member.email });
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&current.user, "member.removed", detail)
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a member of the caller's account another role (owner only). The
/// owner's own role cannot change and nobody can be made owner: there is
/// one owner. Another account's member is "not found". The new role takes
/// effect on the member's next request, API keys included.
pub async fn change_role(
    app: &AppState,
    current: &Current,
    user_id: &str,
    raw_role: &str,
    client: &Client,
) -> Result<MemberView, Failure> {
    require(current, Permission::ManageAccount)?;
    let role = Role::parse(raw_role)?;
    if role == Role::Owner {
        return Err(Problem::InvalidRole.into());
    }
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let member = user_by_id(&mut tx, user_id)
        .await?
        .filter(|member| {
            member.account_id == current.user.account_id && member.removed_at_ms.is_none()
        })
        .ok_or(Problem::NotFound)?;
    if member.role == Role::Owner.as_str() {
        return Err(Problem::OwnerRoleFixed.into());
    }
    if member.role != role.as_str() {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(&member.id)
            .execute(&mut *tx)
            .await?;
        let detail = json!({ "member": member.id, "from": member.role, "to": role.as_str() });
        let event = Event {
            ip: Some(&client.ip),
            ..credentials::event(&current.user, "member.role_changed", detail)
        };
        audit::record(&mut tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(MemberView {
        two_factor_enabled: member.two_factor_enabled(),
        user_id: member.id,
        email: member.email,
        display_name: member.display_name,
        role: role.as_str().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_manage_the_team_and_read_the_log() {
        for role in [Role::Admin, Role::Finance, Role::Viewer] {
            assert!(!role.may(Permission::ManageTeam), "{role:?}");
            assert!(!role.may(Permission::ReadAuditLog), "{role:?}");
            assert!(!role.may(Permission::ManageAccount), "{role:?}");
        }
        assert!(Role::Owner.may(Permission::ManageAccount));
        assert!(
            Role::Owner.may(Permission::ManageTeam) && Role::Owner.may(Permission::ReadAuditLog)
        );
        assert!(Role::Admin.may(Permission::ViewTeam) && !Role::Finance.may(Permission::ViewTeam));
        assert!(
            Role::Owner.may(Permission::ManageWebhooks)
                && Role::Admin.may(Permission::ManageWebhooks)
        );
        assert!(
            !Role::Finance.may(Permission::ManageWebhooks)
                && !Role::Viewer.may(Permission::ManageWebhooks)
        );
        for role in [Role::Owner, Role::Admin, Role::Finance, Role::Viewer] {
            assert!(role.may(Permission::ViewMoney), "{role:?}");
            assert_eq!(role.may(Permission::MoveMoney), role != Role::Viewer);
        }
        assert_eq!(Role::parse("finance"), Ok(Role::Finance));
        assert_eq!(Role::parse("root"), Err(Problem::InvalidRole));
    }
}
