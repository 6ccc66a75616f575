//! Financial events and their amount components (one settlement-report
//! row each): simulated orders with item price, tax, shipping, referral
//! commission and FBA fees; refunds; advertising and storage fees. Amounts
//! are integers in the marketplace currency's minor units.

use crate::clock::MS_PER_DAY;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;

/// `transaction-type` of a settlement-report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionType {
    Order,
    Refund,
    ServiceFee,
    OtherTransaction,
}

impl TransactionType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Order => "Order",
            Self::Refund => "Refund",
            Self::ServiceFee => "ServiceFee",
            Self::OtherTransaction => "other-transaction",
        }
    }
}

/// One amount component: `amount-type` / `amount-description` / amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub amount_type: String,
    pub description: String,
    pub minor: i64,
}

impl Amount {
    fn new(amount_type: &str, description: &str, minor: i64) -> Self {
        Self {
            amount_type: amount_type.into(),
            description: description.into(),
            minor,
        }
    }
}

/// A financial event with its amount components.
#[derive(Debug, Clone)]
pub struct Event {
    pub transaction_type: TransactionType,
    pub order_id: Option<String>,
    pub sku: Option<String>,
    pub quantity: Option<i64>,
    pub fulfillment_id: Option<Fulfillment>,
    pub posted_at_ms: i64,
    /// When the amounts stop being deferred (DD+7 for orders).
    pub release_at_ms: i64,
    pub amounts: Vec<Amount>,
}

/// `fulfillment-id`: AFN (Fulfilled by Amazon) or MFN (by the merchant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum Fulfillment {
    #[serde(rename = "AFN")]
    Amazon,
    #[serde(rename = "MFN")]
    Merchant,
}

impl Fulfillment {
    pub fn code(self) -> &'static str {
        match self {
            Self::Amazon => "AFN",
            Self::Merchant => "MFN",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Amazon, Self::Merchant]
            .into_iter()
            .find(|f| f.code() == code)
    }
}

/// Amazon's referral fee for most categories: 15 % of the price including
/// shipping.
const REFERRAL_FEE_PERCENT: i64 = 15;
/// On a refund Amazon keeps 20 % of the referral fee as the refund
/// administration fee ("RefundCommission").
const REFUND_ADMINISTRATION_PERCENT: i64 = 20;

/// `part` percent of `minor`, rounded half away from zero.
fn percent_of(minor: i64, part: i64) -> i64 {
    let scaled = minor * part;
    (scaled + scaled.signum() * 50) / 100
}

/// One ordered line of an order.
#[derive(Debug, Clone)]
pub struct OrderLine {
    pub sku: String,
    pub quantity: i64,
    pub item_price_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    /// FBA fulfilment fee per unit; charged only for AFN orders.
    pub fba_fee_per_unit_minor: i64,
}

impl OrderLine {
    fn principal(&self) -> i64 {
        self.item_price_minor * self.quantity
    }

    fn commission(&self) -> i64 {
        percent_of(self.principal() + self.shipping_minor, REFERRAL_FEE_PERCENT)
    }
}

/// The Order event of one order line: what the buyer paid, less Amazon's
/// fees. In the US Amazon collects and remits sales tax as the marketplace
/// facilitator, so the tax is withheld again.
pub fn order_event(
    order_id: &str,
    line: &OrderLine,
    fulfillment: Fulfillment,
    marketplace_country: &str,
    posted_at_ms: i64,
    delivered_at_ms: i64,
) -> Event {
    let mut amounts = vec![
        Amount::new("ItemPrice", "Principal", line.principal()),
        Amount::new("ItemPrice", "Tax", line.tax_minor),
    ];
    if line.shipping_minor > 0 {
        amounts.push(Amount::new("ItemPrice", "Shipping", line.shipping_minor));
    }
    if marketplace_country == "US" && line.tax_minor > 0 {
        amounts.push(Amount::new(
            "ItemWithheldTax",
            "MarketplaceFacilitatorTax-Principal",
            -line.tax_minor,
        ));
    }
    amounts.push(Amount::new("ItemFees", "Commission", -line.commission()));
    if fulfillment == Fulfillment::Amazon {
        amounts.push(Amount::new(
            "ItemFees",
            "FBAPerUnitFulfillmentFee",
            -line.fba_fee_per_unit_minor * line.quantity,
        ));
    }
    Event {
        transaction_type: TransactionType::Order,
        order_id: Some(order_id.into()),
        sku: Some(line.sku.clone()),
        quantity: Some(line.quantity),
        fulfillment_id: Some(fulfillment),
        posted_at_ms,
        release_at_ms: delivered_at_ms + super::DD_RESERVE_MS,
        amounts,
    }
}

/// The Refund event of an order event whose stored amounts are `amounts`:
/// item price, tax and shipping back to the buyer, withheld tax and the
/// referral fee back to the seller, less the refund administration fee.
/// FBA fees are not refunded.
pub fn refund_of_amounts(
    order_id: &str,
    sku: Option<String>,
    quantity: Option<i64>,
    fulfillment_id: Option<Fulfillment>,
    amounts: &[Amount],
    posted_at_ms: i64,
) -> Event {
    let mut refunded = Vec::new();
    for amount in amounts {
        match (amount.amount_type.as_str(), amount.description.as_str()) {
            ("ItemPrice" | "ItemWithheldTax", _) => refunded.push(Amount {
                minor: -amount.minor,
                ..amount.clone()
            }),
            ("ItemFees", "Commission") => {
                refunded.push(Amount::new("ItemFees", "Commission", -amount.minor));
                refunded.push(Amount::new(
                    "ItemFees",
                    "RefundCommission",
                    percent_of(amount.minor, REFUND_ADMINISTRATION_PERCENT),
                ));
            }
            _ => {}
        }
    }
    Event {
        transaction_type: TransactionType::Refund,
        order_id: Some(order_id.into()),
        sku,
        quantity,
        fulfillment_id,
        posted_at_ms,
        release_at_ms: posted_at_ms,
        amounts: refunded,
    }
}

/// A movement of the balance itself (reserve withheld or released, a
/// negative balance and its card charge): one `other-transaction` row.
pub fn balance_movement(description: &str, amount_minor: i64, at_ms: i64) -> Event {
    Event {
        transaction_type: TransactionType::OtherTransaction,
        order_id: None,
        sku: None,
        quantity: None,
        fulfillment_id: None,
        posted_at_ms: at_ms,
        release_at_ms: at_ms,
        amounts: vec![Amount::new("other-transaction", description, amount_minor)],
    }
}

/// Sponsored Products charges ("Cost of Advertising").
pub fn advertising_event(amount_minor: i64, posted_at_ms: i64) -> Event {
    Event {
        transaction_type: TransactionType::ServiceFee,
        order_id: None,
        sku: None,
        quantity: None,
        fulfillment_id: None,
        posted_at_ms,
        release_at_ms: posted_at_ms,
        amounts: vec![Amount::new(
            "Cost of Advertising",
            "TransactionTotalAmount",
            -amount_minor,
        )],
    }
}

/// Monthly FBA inventory storage fee.
pub fn storage_fee_event(amount_minor: i64, posted_at_ms: i64) -> Event {
    Event {
        transaction_type: TransactionType::OtherTransaction,
        order_id: None,
        sku: None,
        quantity: None,
        fulfillment_id: None,
        posted_at_ms,
        release_at_ms: posted_at_ms,
        amounts: vec![Amount::new(
            "other-transaction",
            "Storage Fee",
            -amount_minor,
        )],
    }
}

/// Writes the event's amount components into `group_id`.
pub async fn insert(
    conn: &mut AnyConnection,
    group_id: &str,
    event: &Event,
) -> Result<(), sqlx::Error> {
    let event_id = uuid::Uuid::now_v7().simple().to_string();
    for amount in &event.amounts {
        sqlx::query(
            "INSERT INTO settlement_lines (line_id, group_id, event_id, transaction_type, order_id, \
             order_item_code, sku, quantity, fulfillment_id, amount_type, amount_description, \
             amount_minor, posted_at_ms, release_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(uuid::Uuid::now_v7().simple().to_string())
        .bind(group_id)
        .bind(&event_id)
        .bind(event.transaction_type.code())
        .bind(&event.order_id)
        .bind(event.order_id.as_ref().map(|_| order_item_code(&event_id)))
        .bind(&event.sku)
        .bind(event.quantity)
        .bind(event.fulfillment_id.map(Fulfillment::code))
        .bind(&amount.amount_type)
        .bind(&amount.description)
        .bind(amount.minor)
        .bind(event.posted_at_ms)
        .bind(event.release_at_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Amazon's order item codes are 14 digits; the sandbox derives one from
/// the event id so every row of one event shares it.
fn order_item_code(event_id: &str) -> String {
    let digits: String = event_id
        .bytes()
        .rev()
        .map(|b| char::from(b'0' + b % 10))
        .take(14)
        .collect();
    digits
}

/// An Amazon order id: `3-7-7` digits.
pub fn new_order_id(rng: &mut impl Rng) -> String {
    format!(
        "{:03}-{:07}-{:07}",
        rng.random_range(100..1000),
        rng.random_range(0..10_000_000),
        rng.random_range(0..10_000_000)
    )
}

/// How many minor units a "dollar" of the generator's price list is in a
/// currency: yen and won have no minor unit and prices ~150× the dollar's.
fn unit_minor(currency: ferry_domain::Currency) -> i64 {
    match currency.code() {
        "JPY" | "KRW" => 150,
        "INR" => 8_000,
        _ => i64::try_from(currency.minor_per_major()).unwrap_or(100),
    }
}

/// What the seeded generator makes for one call.
pub struct Generated {
    pub events: Vec<Event>,
    pub orders: usize,
    pub refunds: usize,
}

/// A seeded batch of realistic activity posted between `from_ms` and
/// `to_ms`: `orders` orders of 1–3 units at 8–80 "dollars" each with tax
/// and sometimes shipping, 80 % FBA; about one in ten refunded a few days
/// later (never after `to_ms`); one advertising charge and one storage fee.
/// The same seed and window give the same events.
pub fn generate(
    seed: u64,
    orders: usize,
    currency: ferry_domain::Currency,
    country: &str,
    from_ms: i64,
    to_ms: i64,
) -> Generated {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let unit = unit_minor(currency);
    let span_ms = (to_ms - from_ms).max(1);
    let mut events = Vec::new();
    let mut refunds = 0;
    for index in 0..orders {
        let posted_at_ms = from_ms + rng.random_range(0..span_ms);
        let fulfillment = if rng.random_range(0..10) < 8 {
            Fulfillment::Amazon
        } else {
            Fulfillment::Merchant
        };
        let item_price_minor = rng.random_range(8 * unit..80 * unit);
        let line = OrderLine {
            sku: format!("SKU-{:04}", rng.random_range(1..200)),
            quantity: rng.random_range(1..=3),
            item_price_minor,
            tax_minor: percent_of(item_price_minor, rng.random_range(5..=10)),
            shipping_minor: if fulfillment == Fulfillment::Merchant {
                rng.random_range(3 * unit..8 * unit)
            } else {
                0
            },
            fba_fee_per_unit_minor: rng.random_range(3 * unit..7 * unit),
        };
        let order_id = new_order_id(&mut rng);
        let delivered_at_ms = posted_at_ms + rng.random_range(1..=5) * MS_PER_DAY;
        let order = order_event(
            &order_id,
            &line,
            fulfillment,
            country,
            posted_at_ms,
            delivered_at_ms,
        );
        if index % 10 == 9 || rng.random_range(0..10) == 0 {
            let refunded_at_ms = (delivered_at_ms + MS_PER_DAY).min(to_ms);
            events.push(refund_of_amounts(
                &order_id,
                order.sku.clone(),
                order.quantity,
                order.fulfillment_id,
                &order.amounts,
                refunded_at_ms,
            ));
            refunds += 1;
        }
        events.push(order);
    }
    let fee_at_ms = from_ms + rng.random_range(0..span_ms);
    events.push(advertising_event(
        rng.random_range(5 * unit..60 * unit),
        fee_at_ms,
    ));
    events.push(storage_fee_event(
        rng.random_range(unit..15 * unit),
        fee_at_ms,
    ));
    Generated {
        events,
        orders,
        refunds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(percent_of(1_999, 15), 300); // 299.85
        assert_eq!(percent_of(1_990, 15), 299); // 298.5 → 299
        assert_eq!(percent_of(-1_990, 15), -299);
        assert_eq!(percent_of(0, 15), 0);
    }

    #[test]
    fn the_generator_is_deterministic_per_seed() {
        let currency = ferry_domain::Currency::USD;
        let a = generate(7, 20, currency, "US", 0, 10 * MS_PER_DAY);
        let b = generate(7, 20, currency, "US", 0, 10 * MS_PER_DAY);
        let c = generate(8, 20, currency, "US", 0, 10 * MS_PER_DAY);
        let amounts = |g: &Generated| {
            g.events
                .iter()
                .flat_map(|e| e.amounts.iter().map(|a| a.minor))
                .collect::<Vec<_>>()
        };
        assert_eq!(amounts(&a), amounts(&b));
        assert_ne!(amounts(&a), amounts(&c));
        assert!(
            a.events.iter().all(|e| e.posted_at_ms <= 10 * MS_PER_DAY),
            "never after the window"
        );
        assert!(a.refunds >= 2, "every tenth order at least is refunded");
    }
}
