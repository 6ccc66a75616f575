//! The verification form: what a seller sends ([`FormInput`], every field
//! optional while it is a draft) and what a complete, valid form is
//! ([`Application`]). Every field that is present is checked when a draft is
//! saved, so mistakes show early; submitting needs every required field.

use super::problem::{Field, KycProblem};
use crate::accounts::types::AccountKind;
use ferry_domain::{CnOrgCode, CnResidentId, CnUscc};
use serde::{Deserialize, Serialize};
use time::Date;

/// The age from which a person may hold an account alone.
pub const ADULT_AGE_YEARS: u32 = 18;
/// The share from which an owner must be declared (FATF beneficial owner).
pub const BENEFICIAL_OWNER_MIN_PERCENT: i64 = 25;
const MAX_BENEFICIAL_OWNERS: usize = 4;

/// The form as sent and stored (normalized once valid).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormInput {
    // Individual.
    pub legal_name_zh: Option<String>,
    pub legal_name_latin: Option<String>,
    pub resident_id: Option<String>,
    pub id_card_front: Option<String>,
    pub id_card_back: Option<String>,
    // Company.
    pub registered_name_zh: Option<String>,
    pub english_name: Option<String>,
    pub uscc: Option<String>,
    pub org_code: Option<String>,
    pub licence_number: Option<String>,
    pub business_licence: Option<String>,
    pub org_code_certificate: Option<String>,
    pub legal_rep_name: Option<String>,
    pub legal_rep_resident_id: Option<String>,
    pub legal_rep_id_card_front: Option<String>,
    pub legal_rep_id_card_back: Option<String>,
    pub beneficial_owners: Vec<OwnerInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OwnerInput {
    pub name: String,
    pub resident_id: String,
    pub share_percent: i64,
}

/// A name in Chinese characters (or any script): 1 to 100 characters, no
/// control characters, inner spaces kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalName(String);

impl LegalName {
    pub fn parse(raw: &str, field: Field) -> Result<Self, KycProblem> {
        let name = raw.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > 100 || name.chars().any(char::is_control) {
            return Err(KycProblem::InvalidName(field));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name in Latin letters as banks and marketplaces print it: printable
/// ASCII, 1 to 140 characters, at least one letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatinName(String);

impl LatinName {
    pub fn parse(raw: &str, field: Field) -> Result<Self, KycProblem> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let ok = (1..=140).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_graphic() || c == ' ')
            && name.chars().any(|c| c.is_ascii_alphabetic());
        if !ok {
            return Err(KycProblem::InvalidName(field));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An old-style business licence registration number (注册号): 15 digits
/// (13 for the oldest licences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceNumber(String);

impl LicenceNumber {
    pub fn parse(raw: &str) -> Result<Self, KycProblem> {
        let number = raw.trim();
        if !matches!(number.len(), 13 | 15) || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(KycProblem::InvalidLicenceNumber);
        }
        Ok(Self(number.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A document id as named in a form (its ownership is checked against the
/// database by the case service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    pub field: Field,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: LegalName,
    pub resident_id: CnResidentId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub person: Person,
    pub share_percent: i64,
}

/// How the company is registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// A licence with the unified social credit code (since 2015).
    Unified(CnUscc),
    /// An old licence: organization code and licence number, with the
    /// organization code certificate.
    OldStyle {
        org_code: CnOrgCode,
        licence_number: LicenceNumber,
        certificate: DocumentRef,
    },
}

impl Registration {
    /// The number that identifies the company.
    pub fn number(&self) -> &str {
        match self {
            Self::Unified(uscc) => uscc.as_str(),
            Self::OldStyle { org_code, .. } => org_code.as_str(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Application {
    Individual {
        person: Person,
        latin_name: Option<LatinName>,
        id_card_front: DocumentRef,
        id_card_back: DocumentRef,
    },
    Company {
        name_zh: LegalName,
        name_en: LatinName,
        registration: Registration,
        business_licence: DocumentRef,
        legal_rep: Person,
        legal_rep_id_card_front: DocumentRef,
        legal_rep_id_card_back: DocumentRef,
        owners: Vec<Owner>,
    },
}

impl Application {
    pub fn documents(&self) -> Vec<&DocumentRef> {
        match self {
            Self::Individual {
                id_card_front,
                id_card_back,
                ..
            } => vec![id_card_front, id_card_back],
            Self::Company {
                registration,
                business_licence,
                legal_rep_id_card_front,
                legal_rep_id_card_back,
                ..
            } => {
                let mut documents = vec![
                    business_licence,
                    legal_rep_id_card_front,
                    legal_rep_id_card_back,
                ];
                if let Registration::OldStyle { certificate, .. } = registration {
                    documents.push(certificate);
                }
                documents
            }
        }
    }

    /// The identity numbers in the form: (scheme, value, role).
    pub fn identifiers(&self) -> Vec<(&'static str, String, String)> {
        match self {
            Self::Individual { person, .. } => vec![(
                "resident_id",
                person.resident_id.as_str().to_string(),
                "holder".into(),
            )],
            Self::Company {
                registration,
                legal_rep,
                owners,
                ..
            } => {
                let mut identifiers = vec![(
                    "resident_id",
                    legal_rep.resident_id.as_str().to_string(),
                    "legal_rep".to_string(),
                )];
                identifiers.push(match registration {
                    Registration::Unified(uscc) => {
                        ("uscc", uscc.as_str().to_string(), "company".into())
                    }
                    Registration::OldStyle { org_code, .. } => {
                        ("org_code", org_code.as_str().to_string(), "company".into())
                    }
                });
                for (index, owner) in owners.iter().enumerate() {
                    identifiers.push((
                        "resident_id",
                        owner.person.resident_id.as_str().to_string(),
                        format!("owner_{}", index + 1),
                    ));
                }
                identifiers
            }
        }
    }

    /// The legal names an approval fixes: (Chinese, Latin).
    pub fn legal_names(&self) -> (&str, Option<&str>) {
        match self {
            Self::Individual {
                person, latin_name, ..
            } => (
                person.name.as_str(),
                latin_name.as_ref().map(LatinName::as_str),
            ),
            Self::Company {
                name_zh, name_en, ..
            } => (name_zh.as_str(), Some(name_en.as_str())),
        }
    }

    pub fn registration_number(&self) -> &str {
        match self {
            Self::Individual { person, .. } => person.resident_id.as_str(),
            Self::Company { registration, .. } => registration.number(),
        }
    }
}

/// Reads the form's fields; `complete` makes missing required fields an
/// error (submission) instead of allowed (draft).
struct Reader<'a> {
    complete: bool,
    today: Date,
    input: &'a FormInput,
}

fn present(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

impl Reader<'_> {
    fn field<T>(
        &self,
        value: &Option<String>,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, KycProblem>,
    ) -> Result<Option<T>, KycProblem> {
        match present(value) {
            Some(text) => parse(text).map(Some),
            None if self.complete => Err(KycProblem::Required(field)),
            None => Ok(None),
        }
    }

    fn optional<T>(
        &self,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, KycProblem>,
    ) -> Result<Option<T>, KycProblem> {
        present(value).map(parse).transpose()
    }

    fn document(
        &self,
        value: &Option<String>,
        field: Field,
    ) -> Result<Option<DocumentRef>, KycProblem> {
        self.field(value, field, |id| {
            Ok(DocumentRef {
                field,
                id: id.to_string(),
            })
        })
    }

    fn adult(&self, raw: &str, field: Field) -> Result<CnResidentId, KycProblem> {
        let id = resident_id(raw, self.today, field)?;
        if id.age_on(self.today).unwrap_or(0) < ADULT_AGE_YEARS {
            return Err(KycProblem::Minor(field));
        }
        Ok(id)
    }
}

fn resident_id(raw: &str, today: Date, field: Field) -> Result<CnResidentId, KycProblem> {
    CnResidentId::parse_at(raw, today).map_err(|_| KycProblem::InvalidResidentId(field))
}

/// Checks every field present; with `complete`, builds the application.
pub fn parse(
    input: &FormInput,
    kind: AccountKind,
    today: Date,
    complete: bool,
) -> Result<Option<Application>, KycProblem> {
    let reader = Reader {
        complete,
        today,
        input,
    };
    match kind {
        AccountKind::Individual => individual(&reader),
        AccountKind::Company => company(&reader),
    }
}

fn individual(r: &Reader<'_>) -> Result<Option<Application>, KycProblem> {
    let input = r.input;
    let name = r.field(&input.legal_name_zh, "legal_name_zh", |raw| {
        LegalName::parse(raw, "legal_name_zh")
    })?;
    let latin_name = r.optional(&input.legal_name_latin, |raw| {
        LatinName::parse(raw, "legal_name_latin")
    })?;
    let id = r.field(&input.resident_id, "resident_id", |raw| {
        r.adult(raw, "resident_id")
    })?;
    let front = r.document(&input.id_card_front, "id_card_front")?;
    let back = r.document(&input.id_card_back, "id_card_back")?;
    Ok(match (name, id, front, back) {
        (Some(name), Some(resident_id), Some(id_card_front), Some(id_card_back)) if r.complete => {
            Some(Application::Individual {
                person: Person { name, resident_id },
                latin_name,
                id_card_front,
                id_card_back,
            })
        }
        _ => None,
    })
}

fn company(r: &Reader<'_>) -> Result<Option<Application>, KycProblem> {
    let input = r.input;
    let name_zh = r.field(&input.registered_name_zh, "registered_name_zh", |raw| {
        LegalName::parse(raw, "registered_name_zh")
    })?;
    let name_en = r.field(&input.english_name, "english_name", |raw| {
        LatinName::parse(raw, "english_name")
    })?;
    let registration = registration(r)?;
    let business_licence = r.document(&input.business_licence, "business_licence")?;
    let rep_name = r.field(&input.legal_rep_name, "legal_rep_name", |raw| {
        LegalName::parse(raw, "legal_rep_name")
    })?;
    let rep_id = r.field(
        &input.legal_rep_resident_id,
        "legal_rep_resident_id",
        |raw| r.adult(raw, "legal_rep_resident_id"),
    )?;
    let front = r.document(&input.legal_rep_id_card_front, "legal_rep_id_card_front")?;
    let back = r.document(&input.legal_rep_id_card_back, "legal_rep_id_card_back")?;
    let owners = owners(r)?;
    Ok(
        match (
            name_zh,
            name_en,
            registration,
            business_licence,
            rep_name,
            rep_id,
            front,
            back,
        ) {
            (
                Some(name_zh),
                Some(name_en),
                Some(registration),
                Some(business_licence),
                Some(name),
                Some(resident_id),
                Some(legal_rep_id_card_front),
                Some(legal_rep_id_card_back),
            ) if r.complete => Some(Application::Company {
                name_zh,
                name_en,
                registration,
                business_licence,
                legal_rep: Person { name, resident_id },
                legal_rep_id_card_front,
                legal_rep_id_card_back,
                owners,
            }),
            _ => None,
        },
    )
}

/// A unified code, or (old licence) organization code + licence number +
/// certificate; a form with a unified code ignores the old-style fields.
fn registration(r: &Reader<'_>) -> Result<Option<Registration>, KycProblem> {
    let input = r.input;
    if let Some(raw) = present(&input.uscc) {
        let uscc = CnUscc::parse(raw).map_err(|_| KycProblem::InvalidUscc)?;
        return Ok(Some(Registration::Unified(uscc)));
    }
    let old_style = [
        &input.org_code,
        &input.licence_number,
        &input.org_code_certificate,
    ]
    .into_iter()
    .any(|value| present(value).is_some());
    if !old_style {
        return if r.complete {
            Err(KycProblem::Required("uscc"))
        } else {
            Ok(None)
        };
    }
    let org_code = r.field(&input.org_code, "org_code", |raw| {
        CnOrgCode::parse(raw).map_err(|_| KycProblem::InvalidOrgCode)
    })?;
    let licence_number = r.field(
        &input.licence_number,
        "licence_number",
        LicenceNumber::parse,
    )?;
    let certificate = r.document(&input.org_code_certificate, "org_code_certificate")?;
    Ok(match (org_code, licence_number, certificate) {
        (Some(org_code), Some(licence_number), Some(certificate)) => Some(Registration::OldStyle {
            org_code,
            licence_number,
            certificate,
        }),
        _ => None,
    })
}

fn owners(r: &Reader<'_>) -> Result<Vec<Owner>, KycProblem> {
    let listed = &r.input.beneficial_owners;
    if listed.len() > MAX_BENEFICIAL_OWNERS {
        return Err(KycProblem::InvalidShare);
    }
    let total: i64 = listed.iter().map(|owner| owner.share_percent).sum();
    if total > 100 {
        return Err(KycProblem::InvalidShare);
    }
    listed
        .iter()
        .map(|owner| {
            if !(BENEFICIAL_OWNER_MIN_PERCENT..=100).contains(&owner.share_percent) {
                return Err(KycProblem::InvalidShare);
            }
            let name = LegalName::parse(&owner.name, "beneficial_owners")
                .map_err(|_| KycProblem::InvalidShare)?;
            let resident_id = resident_id(&owner.resident_id, r.today, "beneficial_owners")
                .map_err(|_| KycProblem::InvalidShare)?;
            Ok(Owner {
                person: Person { name, resident_id },
                share_percent: owner.share_percent,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 24);

    fn individual_form() -> FormInput {
        FormInput {
            legal_name_zh: Some("张伟".into()),
            resident_id: Some("110102199101010078".into()),
            id_card_front: Some("doc_a".into()),
            id_card_back: Some("doc_b".into()),
            ..FormInput::default()
        }
    }

    #[test]
    fn a_complete_individual_form_parses() {
        let application = parse(&individual_form(), AccountKind::Individual, TODAY, true)
            .unwrap()
            .unwrap();
        assert_eq!(application.legal_names(), ("张伟", None));
        assert_eq!(application.documents().len(), 2);
    }

    #[test]
    fn drafts_may_be_partial_but_what_is_there_must_be_valid() {
        let partial = FormInput {
            legal_name_zh: Some("张伟".into()),
            ..FormInput::default()
        };
        assert_eq!(
            parse(&partial, AccountKind::Individual, TODAY, false),
            Ok(None)
        );
        assert_eq!(
            parse(&partial, AccountKind::Individual, TODAY, true),
            Err(KycProblem::Required("resident_id"))
        );
        let bad = FormInput {
            resident_id: Some("110102199101010079".into()),
            ..partial
        };
        assert_eq!(
            parse(&bad, AccountKind::Individual, TODAY, false),
            Err(KycProblem::InvalidResidentId("resident_id"))
        );
    }

    #[test]
    fn the_holder_must_be_an_adult() {
        // Born 2014-10-05: 12 years old.
        let child = FormInput {
            resident_id: Some("44011320141005001X".into()),
            ..individual_form()
        };
        assert_eq!(
            parse(&child, AccountKind::Individual, TODAY, true),
            Err(KycProblem::Minor("resident_id"))
        );
    }

    fn company_form() -> FormInput {
        FormInput {
            registered_name_zh: Some("深圳市示例贸易有限公司".into()),
            english_name: Some("Shenzhen Example Trading Co., Ltd.".into()),
            uscc: Some("91110000600037341L".into()),
            business_licence: Some("doc_l".into()),
            legal_rep_name: Some("李娜".into()),
            legal_rep_resident_id: Some("360426199101010071".into()),
            legal_rep_id_card_front: Some("doc_f".into()),
            legal_rep_id_card_back: Some("doc_b".into()),
            ..FormInput::default()
        }
    }

    #[test]
    fn companies_use_the_unified_code_or_the_old_three_certificates() {
        let unified = parse(&company_form(), AccountKind::Company, TODAY, true)
            .unwrap()
            .unwrap();
        assert_eq!(unified.registration_number(), "91110000600037341L");
        let old = FormInput {
            uscc: None,
            org_code: Some("60003734-1".into()),
            licence_number: Some("110000012345678".into()),
            org_code_certificate: Some("doc_o".into()),
            ..company_form()
        };
        let application = parse(&old, AccountKind::Company, TODAY, true)
            .unwrap()
            .unwrap();
        assert_eq!(application.registration_number(), "600037341");
        assert_eq!(application.documents().len(), 4);
        let no_certificate = FormInput {
            org_code_certificate: None,
            ..old
        };
        assert_eq!(
            parse(&no_certificate, AccountKind::Company, TODAY, true),
            Err(KycProblem::Required("org_code_certificate"))
        );
        let bad_uscc = FormInput {
            uscc: Some("91110000600037341N".into()),
            ..company_form()
        };
        assert_eq!(
            parse(&bad_uscc, AccountKind::Company, TODAY, false),
            Err(KycProblem::InvalidUscc)
        );
    }

    #[test]
    fn beneficial_owners_hold_at_least_a_quarter() {
        let owner = |share| OwnerInput {
            name: "王芳".into(),
            resident_id: "412723199010050012".into(),
            share_percent: share,
        };
        let with = |owners| FormInput {
            beneficial_owners: owners,
            ..company_form()
        };
        assert!(parse(&with(vec![owner(60)]), AccountKind::Company, TODAY, true).is_ok());
        assert_eq!(
            parse(&with(vec![owner(20)]), AccountKind::Company, TODAY, true),
            Err(KycProblem::InvalidShare)
        );
        assert_eq!(
            parse(
                &with(vec![owner(60), owner(60)]),
                AccountKind::Company,
                TODAY,
                true
            ),
            Err(KycProblem::InvalidShare)
        );
    }
}
