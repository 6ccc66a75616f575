//! Server-rendered SVG charts for the wallets page: the balance over time
//! as a step line, and payouts per store as bars. Coordinates are integers
//! computed from minor units (no floats touch money); every chart has a
//! title and a description for screen readers, and each point or bar a
//! `<title>` with its exact date and amount.

use super::statement::{format_date, format_time_ms};
use crate::i18n::Lang;
use ferry_domain::{Currency, Money};
use ferry_platform::db::from_unix_ms;
use maud::{Markup, html};

const WIDTH: i64 = 640;
const LEFT: i64 = 96;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const PLOT_HEIGHT: i64 = 180;
const BOTTOM: i64 = 40;

/// The posted balance right after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalancePoint {
    pub at_ms: i64,
    pub balance: Money,
}

/// `value` mapped from `[from, to]` onto `[0, span]`, in integers.
fn scale(value: i64, from: i64, to: i64, span: i64) -> i64 {
    if to <= from {
        return 0;
    }
    let offset = i128::from(value - from) * i128::from(span) / i128::from(to - from);
    offset as i64
}

fn amount(money: Money) -> String {
    money.to_string()
}

/// The balance of one wallet as a step line from its first change to
/// `now_ms`; one circle per change.
pub fn balance_chart(
    currency: Currency,
    points: &[BalancePoint],
    now_ms: i64,
    lang: Lang,
) -> Markup {
    let id = format!("balance-{}", currency.code());
    let title = match lang {
        Lang::ZhCn => format!("{} 余额走势", currency.code()),
        Lang::En => format!("{} balance over time", currency.code()),
    };
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return html! { p { (lang.pick("暂无余额变动。", "No balance changes yet.")) } };
    };
    let start_ms = first.at_ms;
    let end_ms = now_ms.max(last.at_ms + 1);
    let low = points
        .iter()
        .map(|p| p.balance.amount_minor())
        .min()
        .unwrap_or(0)
        .min(0);
    let high = points
        .iter()
        .map(|p| p.balance.amount_minor())
        .max()
        .unwrap_or(0)
        .max(low + 1);
    let plot_width = WIDTH - LEFT - RIGHT;
    let x = |at_ms: i64| LEFT + scale(at_ms, start_ms, end_ms, plot_width);
    let y = |minor: i64| TOP + PLOT_HEIGHT - scale(minor, low, high, PLOT_HEIGHT);
    let mut path = format!("M {} {}", x(first.at_ms), y(first.balance.amount_minor()));
    for point in &points[1..] {
        path.push_str(&format!(
            " H {} V {}",
            x(point.at_ms),
            y(point.balance.amount_minor())
        ));
    }
    path.push_str(&format!(" H {}", x(end_ms)));
    let description = match lang {
        Lang::ZhCn => format!(
            "{} 至 {}，余额从 {} 变为 {}，共 {} 次变动。",
            format_date(from_unix_ms(start_ms).date()),
            format_date(from_unix_ms(end_ms).date()),
            amount(first.balance),
            amount(last.balance),
            points.len()
        ),
        Lang::En => format!(
            "From {} to {} the balance went from {} to {} in {} changes.",
            format_date(from_unix_ms(start_ms).date()),
            format_date(from_unix_ms(end_ms).date()),
            amount(first.balance),
            amount(last.balance),
            points.len()
        ),
    };
    let height = TOP + PLOT_HEIGHT + BOTTOM;
    let axis_y = TOP + PLOT_HEIGHT;
    let middle = low + (high - low) / 2;
    html! {
        figure {
            figcaption aria-hidden="true" { (title) }
            svg.chart.balance-chart xmlns="http://www.w3.org/2000/svg" role="img"
                width="100%" viewBox=(format!("0 0 {WIDTH} {height}"))
                aria-labelledby=(format!("{id}-title {id}-desc")) {
                title id=(format!("{id}-title")) { (title) }
                desc id=(format!("{id}-desc")) { (description) }
                line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(axis_y) stroke="#888" {}
                line x1=(LEFT) y1=(axis_y) x2=(WIDTH - RIGHT) y2=(axis_y) stroke="#888" {}
                // A gridline halfway up, labelled, so amounts can be read off.
                line x1=(LEFT) y1=(y(middle)) x2=(WIDTH - RIGHT) y2=(y(middle)) stroke="#ddd" {}
                text x=(LEFT - 6) y=(y(middle) + 4) text-anchor="end" font-size="12" {
                    (amount(Money::from_minor(middle, currency)))
                }
                text x=(LEFT - 6) y=(y(high) + 4) text-anchor="end" font-size="12" {
                    (amount(Money::from_minor(high, currency)))
                }
                text x=(LEFT - 6) y=(y(low) + 4) text-anchor="end" font-size="12" {
                    (amount(Money::from_minor(low, currency)))
                }
                text x=(LEFT) y=(axis_y + 18) text-anchor="start" font-size="12" {
                    (format_date(from_unix_ms(start_ms).date()))
                }
                text x=(WIDTH - RIGHT) y=(axis_y + 18) text-anchor="end" font-size="12" {
                    (format_date(from_unix_ms(end_ms).date()))
                }
                path.step d=(path) fill="none" stroke="#1f6feb" stroke-width="2" {}
                @for point in points {
                    circle.point cx=(x(point.at_ms)) cy=(y(point.balance.amount_minor())) r="3" fill="#1f6feb" {
                        title { (format_time_ms(point.at_ms)) " UTC: " (amount(point.balance)) }
                    }
                }
            }
        }
    }
}

/// One bar: a store and what it paid in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub total: Money,
}

const BAR_ROW: i64 = 28;
const BAR_LABEL: i64 = 200;
const BAR_AMOUNT: i64 = 140;

/// Payouts per store in one currency, as horizontal bars.
pub fn payouts_chart(currency: Currency, bars: &[Bar], lang: Lang) -> Markup {
    if bars.is_empty() {
        return html! { p { (lang.pick("暂无回款。", "No payouts yet.")) } };
    }
    let id = format!("payouts-{}", currency.code());
    let title = match lang {
        Lang::ZhCn => format!("各店铺 {} 回款", currency.code()),
        Lang::En => format!("{} payouts per store", currency.code()),
    };
    let description: Vec<String> = bars
        .iter()
        .map(|bar| format!("{}: {}", bar.label, amount(bar.total)))
        .collect();
    let max = bars
        .iter()
        .map(|bar| bar.total.amount_minor())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = WIDTH - BAR_LABEL - BAR_AMOUNT;
    let axis_y = TOP + BAR_ROW * bars.len() as i64;
    let height = axis_y + BOTTOM;
    html! {
        figure {
            figcaption aria-hidden="true" { (title) }
            svg.chart.payouts-chart xmlns="http://www.w3.org/2000/svg" role="img"
                width="100%" viewBox=(format!("0 0 {WIDTH} {height}"))
                aria-labelledby=(format!("{id}-title {id}-desc")) {
                title id=(format!("{id}-title")) { (title) }
                desc id=(format!("{id}-desc")) { (description.join("; ")) }
                @for (index, bar) in bars.iter().enumerate() {
                    @let row_y = TOP + BAR_ROW * index as i64;
                    text x=(BAR_LABEL - 8) y=(row_y + 18) text-anchor="end" font-size="12" { (bar.label) }
                    rect.bar x=(BAR_LABEL) y=(row_y + 4) height=(BAR_ROW - 8)
                        width=(scale(bar.total.amount_minor(), 0, max, plot_width).max(1)) fill="#2da44e" {
                        title { (bar.label) ": " (amount(bar.total)) }
                    }
                    text x=(BAR_LABEL + scale(bar.total.amount_minor(), 0, max, plot_width) + 6) y=(row_y + 18) font-size="12" {
                        (amount(bar.total))
                    }
                }
                line x1=(BAR_LABEL) y1=(axis_y) x2=(BAR_LABEL + plot_width) y2=(axis_y) stroke="#888" {}
                text x=(BAR_LABEL) y=(axis_y + 18) text-anchor="middle" font-size="12" {
                    (amount(Money::zero(currency)))
                }
                text x=(BAR_LABEL + plot_width) y=(axis_y + 18) text-anchor="middle" font-size="12" {
                    (amount(Money::from_minor(max, currency)))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_is_exact_integer_arithmetic() {
        assert_eq!(scale(5, 0, 10, 100), 50);
        assert_eq!(scale(i64::MAX / 2, 0, i64::MAX, 100), 49);
        assert_eq!(scale(3, 3, 3, 100), 0);
    }
}
