//! Property tests: generators build valid values by computing their check
//! digits; parsing must accept them and round-trip the normalised form, and
//! a single substituted character must be caught wherever the algorithm
//! guarantees it.

use ferry_domain::check::{CheckKind, check};
use ferry_domain::{
    AbaRoutingNumber, AuBsb, Bic, CaRoutingNumber, CnOrgCode, CnResidentId, CnUscc, Currency,
    DecimalStyle, Iban, JpZenginAccount, KatakanaHolderName, Money, MwsAuthToken, SellerId, Sex,
    UkSortCode, UnionPayCard, bank::to_half_width_katakana, money::MoneyError,
};
use proptest::prelude::*;
use proptest::sample::select;
use time::Date;
use time::macros::date;

const TODAY: Date = date!(2025 - 06 - 01);

const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

const DIGITS: &str = "0123456789";
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The `Display` form, which round-trip properties feed back to `parse`.
fn shown(value: &impl std::fmt::Display) -> String {
    value.to_string()
}

/// `text` with the character at `index` replaced.
fn substitute(text: &str, index: usize, replacement: char) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| if i == index { replacement } else { c })
        .collect()
}

fn char_at(text: &str, index: usize) -> char {
    text.chars().nth(index).unwrap()
}

/// An index into `text` and a different character from `alphabet`.
fn substitution(alphabet: &'static str) -> impl Strategy<Value = (prop::sample::Index, char)> {
    (
        any::<prop::sample::Index>(),
        select(alphabet.chars().collect::<Vec<_>>()),
    )
}

fn dates(from: Date, to: Date) -> impl Strategy<Value = Date> {
    (from.to_julian_day()..=to.to_julian_day()).prop_map(|day| Date::from_julian_day(day).unwrap())
}

fn resident_id(birth_dates: impl Strategy<Value = Date>) -> impl Strategy<Value = (String, Date)> {
    (
        select(PROVINCES.to_vec()),
        "[0-9]{4}",
        birth_dates,
        "[0-9]{3}",
    )
        .prop_map(|(province, county, birth, order)| {
            let body = format!(
                "{province}{county}{:04}{:02}{:02}{order}",
                birth.year(),
                birth.month() as u8,
                birth.day()
            );
            let check = CnResidentId::check_char_for(&body).unwrap();
            (format!("{body}{check}"), birth)
        })
}

fn org_code() -> impl Strategy<Value = String> {
    "[0-9A-Z]{8}".prop_map(|body| {
        let check = CnOrgCode::check_char_for(&body).unwrap();
        format!("{body}{check}")
    })
}

fn uscc() -> impl Strategy<Value = String> {
    let org_body = "[0-9A-HJ-NP-RTUW-Y]{8}";
    ("[1-9ANY]", "[1-59]", "[0-9]{6}", org_body).prop_map(|(authority, kind, division, org)| {
        let org_check = CnOrgCode::check_char_for(&org).unwrap();
        let first_17 = format!("{authority}{kind}{division}{org}{org_check}");
        let check = CnUscc::check_char_for(&first_17).unwrap();
        format!("{first_17}{check}")
    })
}

fn card() -> impl Strategy<Value = String> {
    (15_usize..=18)
        .prop_flat_map(|length| {
            proptest::string::string_regex(&format!("62[0-9]{{{}}}", length - 2)).unwrap()
        })
        .prop_map(|body| {
            let check = UnionPayCard::check_digit_for(&body).unwrap();
            format!("{body}{check}")
        })
}

fn aba() -> impl Strategy<Value = String> {
    "[0-9]{8}".prop_map(|body| {
        let check = AbaRoutingNumber::check_digit_for(&body).unwrap();
        format!("{body}{check}")
    })
}

/// A country and a BBAN pattern from the SWIFT IBAN registry.
fn bban() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        "[0-9]{18}".prop_map(|bban| ("DE", bban)),
        "[A-Z]{4}[0-9]{14}".prop_map(|bban| ("GB", bban)),
        "[0-9]{10}[0-9A-Z]{11}[0-9]{2}".prop_map(|bban| ("FR", bban)),
        "[A-Z]{4}[0-9]{10}".prop_map(|bban| ("NL", bban)),
        "[0-9]{16}".prop_map(|bban| ("AT", bban)),
        "[0-9]{5}[0-9A-Z]{12}".prop_map(|bban| ("CH", bban)),
        "[0-9]{24}".prop_map(|bban| ("PL", bban)),
        "[A-Z][0-9]{10}[0-9A-Z]{12}".prop_map(|bban| ("IT", bban)),
        "[0-9]{20}".prop_map(|bban| ("ES", bban)),
        "[0-9]{12}".prop_map(|bban| ("BE", bban)),
    ]
}

fn currency() -> impl Strategy<Value = Currency> {
    select(Currency::ALL.to_vec())
}

fn style() -> impl Strategy<Value = DecimalStyle> {
    prop_oneof![Just(DecimalStyle::Point), Just(DecimalStyle::Comma)]
}

fn kind() -> impl Strategy<Value = CheckKind> {
    select(CheckKind::all().to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn resident_ids_round_trip((text, birth) in resident_id(dates(date!(1900 - 01 - 01), TODAY))) {
        let id = CnResidentId::parse_at(&text, TODAY).unwrap();
        prop_assert_eq!(id.as_str(), text.as_str());
        prop_assert_eq!(CnResidentId::parse_at(&shown(&id), TODAY), Ok(id.clone()));
        prop_assert_eq!(id.birth_date(), birth);
        let order_digit = char_at(&text, 16).to_digit(10).unwrap();
        prop_assert_eq!(id.sex(), if order_digit % 2 == 1 { Sex::Male } else { Sex::Female });
    }

    #[test]
    fn resident_ids_catch_any_single_substitution(
        (text, _) in resident_id(dates(date!(1900 - 01 - 01), TODAY)),
        (index, replacement) in substitution("0123456789X"),
    ) {
        // MOD 11-2 has non-zero weights modulo a prime: every substitution
        // changes the sum (an X can only replace the check character).
        let index = index.index(18);
        let replacement = if index == 17 || replacement != 'X' { replacement } else { '0' };
        prop_assume!(replacement != char_at(&text, index));
        prop_assert!(CnResidentId::parse_at(&substitute(&text, index, replacement), TODAY).is_err());
    }

    #[test]
    fn resident_ids_refuse_future_birth_dates(
        (text, _) in resident_id(dates(date!(2025 - 06 - 02), date!(2099 - 12 - 31))),
    ) {
        let refused = matches!(
            CnResidentId::parse_at(&text, TODAY),
            Err(ferry_domain::cn::CnResidentIdError::BirthDateInFuture { .. })
        );
        prop_assert!(refused);
    }

    #[test]
    fn usccs_round_trip(text in uscc()) {
        let code = CnUscc::parse(&text).unwrap();
        prop_assert_eq!(code.as_str(), text.as_str());
        prop_assert_eq!(CnUscc::parse(&shown(&code)), Ok(code.clone()));
        prop_assert_eq!(code.organization_code().to_string(), &text[8..17]);
    }

    #[test]
    fn usccs_catch_any_single_substitution(text in uscc(), (index, replacement) in substitution(USCC_ALPHABET)) {
        // Mod 31 is prime and every weight and value difference is below 31.
        let index = index.index(18);
        prop_assume!(replacement != char_at(&text, index));
        prop_assert!(CnUscc::parse(&substitute(&text, index, replacement)).is_err());
    }

    #[test]
    fn org_codes_round_trip(text in org_code()) {
        let hyphenated = format!("{}-{}", &text[..8], &text[8..]);
        let code = CnOrgCode::parse(&hyphenated).unwrap();
        prop_assert_eq!(code.as_str(), text.as_str());
        prop_assert_eq!(code.hyphenated(), hyphenated);
        prop_assert_eq!(CnOrgCode::parse(&shown(&code)), Ok(code));
    }

    #[test]
    fn org_codes_catch_digit_substitutions(text in org_code(), (index, replacement) in substitution(DIGITS)) {
        // GB 11714 works mod 11 over values 0-35: letters 11 apart (0/B, 1/C)
        // collide, so only digit-for-digit changes are guaranteed.
        let index = index.index(9);
        let original = char_at(&text, index);
        prop_assume!(original.is_ascii_digit() && replacement != original);
        prop_assert!(CnOrgCode::parse(&substitute(&text, index, replacement)).is_err());
    }

    #[test]
    fn org_codes_catch_check_character_changes(text in org_code(), replacement in select("0123456789X".chars().collect::<Vec<_>>())) {
        prop_assume!(replacement != char_at(&text, 8));
        prop_assert!(CnOrgCode::parse(&substitute(&text, 8, replacement)).is_err());
    }

    #[test]
    fn cards_round_trip(text in card()) {
        let card = UnionPayCard::parse(&text).unwrap();
        prop_assert_eq!(card.as_str(), text.as_str());
        prop_assert!(card.is_unionpay_prefix());
        prop_assert_eq!(UnionPayCard::parse(&shown(&card)), Ok(card.clone()));
        prop_assert_eq!(card.last4(), &text[text.len() - 4..]);
        let masked = card.masked();
        prop_assert_eq!(masked.chars().filter(char::is_ascii_digit).count(), 8);
        prop_assert!(masked.ends_with(card.last4()));
    }

    #[test]
    fn cards_catch_any_single_digit_substitution(text in card(), (index, replacement) in substitution(DIGITS)) {
        let index = index.index(text.len());
        prop_assume!(replacement != char_at(&text, index));
        prop_assert!(UnionPayCard::parse(&substitute(&text, index, replacement)).is_err());
    }

    #[test]
    fn aba_numbers_round_trip(text in aba()) {
        let routing = AbaRoutingNumber::parse(&text).unwrap();
        prop_assert_eq!(routing.as_str(), text.as_str());
        prop_assert_eq!(AbaRoutingNumber::parse(&shown(&routing)), Ok(routing));
    }

    #[test]
    fn aba_numbers_catch_any_single_digit_substitution(text in aba(), (index, replacement) in substitution(DIGITS)) {
        // Weights 3, 7 and 1 are all coprime to 10.
        let index = index.index(9);
        prop_assume!(replacement != char_at(&text, index));
        prop_assert!(AbaRoutingNumber::parse(&substitute(&text, index, replacement)).is_err());
    }

    #[test]
    fn ibans_built_from_bbans_round_trip((country, bban) in bban()) {
        let iban = Iban::from_bban(country, &bban).unwrap();
        prop_assert_eq!(iban.country_code(), country);
        prop_assert_eq!(iban.bban(), bban.as_str());
        prop_assert_eq!(Iban::parse(iban.as_str()), Ok(iban));
        prop_assert_eq!(Iban::parse(&iban.print_format()), Ok(iban));
        prop_assert_eq!(Iban::parse(&shown(&iban).to_lowercase()), Ok(iban));
    }

    #[test]
    fn ibans_catch_same_class_substitutions(
        (country, bban) in bban(),
        index in any::<prop::sample::Index>(),
        digit in select(DIGITS.chars().collect::<Vec<_>>()),
        letter in select(LETTERS.chars().collect::<Vec<_>>()),
    ) {
        // MOD 97-10: a digit for a digit changes the number by d·10^k, a
        // letter for a letter by d·10^k with |d| < 26; neither is a multiple
        // of the prime 97.
        let text = Iban::from_bban(country, &bban).unwrap().to_string();
        let index = index.index(text.len());
        let original = char_at(&text, index);
        let replacement = if original.is_ascii_digit() { digit } else { letter };
        prop_assume!(replacement != original);
        prop_assert!(Iban::parse(&substitute(&text, index, replacement)).is_err());
    }

    #[test]
    fn bics_round_trip(
        bank in "[A-Z]{4}",
        country in select(vec!["CN", "HK", "US", "GB", "DE", "FR", "JP", "SG", "AU", "CA"]),
        location in "[A-Z0-9]{2}",
        branch in proptest::option::of("[A-Z0-9]{3}"),
    ) {
        let text = format!("{bank}{country}{location}{}", branch.clone().unwrap_or_default());
        let bic = Bic::parse(&text.to_lowercase()).unwrap();
        prop_assert_eq!(bic.as_str(), text.as_str());
        prop_assert_eq!(bic.country(), country);
        prop_assert_eq!(bic.branch_code(), branch.as_deref());
        prop_assert_eq!(Bic::parse(&shown(&bic)), Ok(bic));
    }

    #[test]
    fn digit_codes_round_trip_through_their_printed_forms(sort in "[0-9]{6}", bsb in "[0-9]{6}") {
        let sort_code = UkSortCode::parse(&format!("{}-{}-{}", &sort[..2], &sort[2..4], &sort[4..])).unwrap();
        prop_assert_eq!(sort_code.as_str(), sort.as_str());
        prop_assert_eq!(UkSortCode::parse(&sort_code.hyphenated()), Ok(sort_code.clone()));
        prop_assert_eq!(UkSortCode::parse(&shown(&sort_code)), Ok(sort_code));
        let au = AuBsb::parse(&format!("{}-{}", &bsb[..3], &bsb[3..])).unwrap();
        prop_assert_eq!(au.as_str(), bsb.as_str());
        prop_assert_eq!(AuBsb::parse(&au.hyphenated()), Ok(au.clone()));
        prop_assert_eq!(AuBsb::parse(&shown(&au)), Ok(au));
    }

    #[test]
    fn ca_routing_numbers_read_every_layout(institution in "[0-9]{3}", transit in "[0-9]{5}") {
        let expected = format!("0{institution}{transit}");
        for layout in [
            format!("{transit}-{institution}"),
            format!("{transit} 0{institution}"),
            format!("{institution} {transit}"),
            format!("0{institution}-{transit}"),
            expected.clone(),
        ] {
            let routing = CaRoutingNumber::parse(&layout).unwrap();
            prop_assert_eq!(routing.as_str(), expected.as_str());
            prop_assert_eq!(routing.institution(), institution.as_str());
            prop_assert_eq!(routing.transit(), transit.as_str());
            prop_assert_eq!(CaRoutingNumber::parse(&routing.paper_form()), Ok(routing.clone()));
            prop_assert_eq!(CaRoutingNumber::parse(&shown(&routing)), Ok(routing));
        }
    }

    #[test]
    fn zengin_accounts_round_trip(bank in "[0-9]{4}", branch in "[0-9]{3}", account in "[0-9]{1,7}") {
        let parsed = JpZenginAccount::parse(&format!("{bank} {branch} {account}")).unwrap();
        let padded = format!("{account:0>7}");
        prop_assert_eq!(parsed.account_number().as_str(), padded.as_str());
        prop_assert_eq!(parsed.to_string(), format!("{bank}-{branch}-{padded}"));
        prop_assert_eq!(JpZenginAccount::parse(&shown(&parsed)), Ok(parsed.clone()));
        prop_assert_eq!(JpZenginAccount::parse(&format!("{bank}{branch}{padded}")), Ok(parsed));
    }

    #[test]
    fn seller_ids_round_trip(text in "A[0-9A-Z]{12,15}") {
        prop_assume!(ferry_domain::Marketplace::by_id(&text).is_none());
        let id = SellerId::parse(&format!(" {} ", text.to_lowercase())).unwrap();
        prop_assert_eq!(id.as_str(), text.as_str());
        prop_assert_eq!(SellerId::parse(&shown(&id)), Ok(id));
    }

    #[test]
    fn mws_tokens_normalise_to_lower_case(uuid in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") {
        let token = format!("amzn.mws.{uuid}");
        let parsed = MwsAuthToken::parse(&token.to_uppercase()).unwrap();
        prop_assert_eq!(parsed.as_str(), token.as_str());
        prop_assert_eq!(MwsAuthToken::parse(&shown(&parsed)), Ok(parsed));
    }

    #[test]
    fn katakana_names_round_trip(name in "[ｦｱ-ﾝA-Z0-9()\\- ]{1,16}") {
        prop_assume!(!name.trim().is_empty());
        let parsed = KatakanaHolderName::parse(&name).unwrap();
        prop_assert_eq!(parsed.as_str(), name.trim());
        prop_assert_eq!(KatakanaHolderName::parse(&shown(&parsed)), Ok(parsed));
    }

    #[test]
    fn converted_full_width_names_parse(name in "[ア-ヶ]{1,8}") {
        // At most 8 kana: each becomes 1 or 2 half-width characters.
        prop_assert!(KatakanaHolderName::parse(&to_half_width_katakana(&name)).is_ok());
    }

    #[test]
    fn money_round_trips_through_format_major(amount in any::<i64>(), currency in currency(), style in style()) {
        let money = Money::from_minor(amount, currency);
        let text = money.format_major(style);
        prop_assert_eq!(Money::parse_major_with_style(&text, currency, style), Ok(money));
    }

    #[test]
    fn money_display_reads_back_with_auto_detection(amount in any::<i64>(), currency in currency()) {
        // Rule 4 of DecimalStyle::detect refuses "1.234" for 3-decimal currencies.
        prop_assume!(currency.minor_units() != 3);
        let money = Money::from_minor(amount, currency);
        let shown = money.to_string();
        let amount_text = shown.strip_prefix(&format!("{currency} ")).unwrap();
        prop_assert_eq!(Money::parse_major_auto(amount_text, currency), Ok(money));
        prop_assert_eq!(Money::parse_major(amount_text, currency), Ok(money));
    }

    #[test]
    fn money_arithmetic_matches_i128(a in any::<i64>(), b in any::<i64>(), currency in currency()) {
        let (x, y) = (Money::from_minor(a, currency), Money::from_minor(b, currency));
        let expect = |wide: i128| i64::try_from(wide).map(|v| Money::from_minor(v, currency)).map_err(|_| MoneyError::Overflow);
        prop_assert_eq!(x.checked_add(y), expect(i128::from(a) + i128::from(b)));
        prop_assert_eq!(x.checked_sub(y), expect(i128::from(a) - i128::from(b)));
        prop_assert_eq!(x.checked_neg(), expect(-i128::from(a)));
    }

    #[test]
    fn money_never_mixes_currencies(a in any::<i64>(), b in any::<i64>(), left in currency(), right in currency()) {
        prop_assume!(left != right);
        let mismatch = Err(MoneyError::CurrencyMismatch { left, right });
        prop_assert_eq!(Money::from_minor(a, left).checked_add(Money::from_minor(b, right)), mismatch);
        prop_assert_eq!(Money::from_minor(a, left).checked_sub(Money::from_minor(b, right)), mismatch);
    }

    #[test]
    fn check_never_panics_and_reasons_stay_on_one_line(kind in kind(), input in any::<String>()) {
        if let Err(reason) = check(kind, &input) {
            prop_assert!(!reason.contains(['\t', '\n', '\r']));
        }
    }

    #[test]
    fn money_parsing_never_panics(input in "[-+ 0-9.,a]{0,24}", currency in currency(), style in style()) {
        let _ = Money::parse_major_with_style(&input, currency, style);
        let _ = Money::parse_major_auto(&input, currency);
    }
}
