//! Condition value parsers: the typed forms the lint checks validate and the
//! evaluator compares. Each parser says in words why a value does not parse.

use std::cmp::Ordering;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::core::date::{days_from_civil, days_in_month};

/// An IP address or CIDR block; a bare address is a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IpRange {
    pub address: IpAddr,
    pub prefix: u8,
}

impl IpRange {
    /// Whether `ip` lies in the block. An IPv4 address never lies in an IPv6
    /// block and vice versa (not even `::ffff:0:0/96`): RAM documents no
    /// mapping between them.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

fn max_prefix(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// Parses `192.0.2.1`, `192.0.2.0/24`, `2001:db8::1` or `2001:db8::/32`.
pub(crate) fn parse_ip_range(text: &str) -> Result<IpRange, String> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address = parse_ip(address)?;
    let max = max_prefix(address);
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(format!("prefix length `/{p}` exceeds {max}")),
            }
        }
        Some(p) => return Err(format!("prefix length `/{p}` is not a number from 0 to {max}")),
    };
    Ok(IpRange { address, prefix })
}

/// Parses one IPv4 or IPv6 address (no prefix, no zone, no brackets).
pub(crate) fn parse_ip(text: &str) -> Result<IpAddr, String> {
    if text.contains(':') {
        return text
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| "not a valid IPv6 address".to_string());
    }
    if let Ok(v4) = text.parse::<Ipv4Addr>() {
        return Ok(IpAddr::V4(v4));
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err("an IPv4 address has four dot-separated numbers".into());
    }
    for part in parts {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{part}` is not a number from 0 to 255"));
        }
        if part.len() > 1 && part.starts_with('0') {
            return Err(format!("`{part}` has a leading zero"));
        }
        if part.len() > 3 || part.parse::<u16>().map_or(true, |n| n > 255) {
            return Err(format!("`{part}` exceeds 255"));
        }
    }
    Err("not a valid IPv4 address".into())
}

/// A point in time as seconds since 1970-01-01T00:00:00Z plus nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

/// Whether `text` is an ISO 8601 calendar date alone, `YYYY-MM-DD`, naming
/// a day that exists.
pub(crate) fn is_calendar_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &text[range];
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Parses an ISO 8601 date-time with a `Z` or `±hh:mm` offset, such as
/// `2026-12-31T23:00:00-02:00` or `2019-08-12T17:00:00.5+08:00`. Date-only
/// values and local times without an offset are refused: RAM documents only
/// full date-times, and without an offset the instant is ambiguous.
pub(crate) fn parse_date_time(text: &str) -> Result<Instant, String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = b.get(range)?;
        if slice.iter().all(u8::is_ascii_digit) {
            Some(slice.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let shape = "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`";
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(shape.into());
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(shape.into());
    }
    if b.len() == 10 {
        return Err(format!(
            "no time of day; write `{text}T00:00:00Z` for midnight UTC"
        ));
    }
    if b.get(10) != Some(&b'T') || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err(shape.into());
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19)) else {
        return Err(shape.into());
    };
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if end == start || end - start > 9 {
            return Err("fractional seconds need 1 to 9 digits".into());
        }
        let fraction = &text[start..end];
        nanos = format!("{fraction:0<9}").parse().map_err(|_| shape.to_string())?;
        i = end;
    }
    let offset_seconds = match b.get(i..) {
        Some(b"Z") => 0,
        Some([sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]) => {
            let two = |a: &u8, b: &u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (Some(h), Some(m)) = (two(h1, h2), two(m1, m2)) else {
                return Err(shape.into());
            };
            if h > 23 || m > 59 {
                return Err(format!("offset `{}` is out of range", &text[i..]));
            }
            let magnitude = h * 3600 + m * 60;
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        Some([]) => return Err("no time zone: add `Z` for UTC or an offset such as `+08:00`".into()),
        _ => return Err(shape.into()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month `{month:02}` is out of range"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("day `{day:02}` does not exist in {year:04}-{month:02}"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("time `{}` is out of range", &text[11..19]));
    }
    let days = days_from_civil(year, month, day);
    Ok(Instant {
        seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds,
        nanos,
    })
}

/// An exact decimal number, compared without floating-point rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// Integer digits without leading zeros.
    integer: String,
    /// Fraction digits without trailing zeros.
    fraction: String,
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude = self
            .integer
            .len()
            .cmp(&other.integer.len())
            .then_with(|| self.integer.cmp(&other.integer))
            .then_with(|| self.fraction.cmp(&other.fraction));
        match (self.negative, other.negative) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a decimal number: an optional `-`, digits, and an optional `.`
/// with digits (`42`, `-1.5`). Exponents, `+`, spaces and hex are refused.
pub(crate) fn parse_number(text: &str) -> Result<Decimal, String> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (integer, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty()
        || !all_digits(integer)
        || !all_digits(fraction)
        || (rest.contains('.') && fraction.is_empty())
    {
        return Err("expected a decimal number such as `42` or `-1.5`".into());
    }
    let integer = integer.trim_start_matches('0').to_string();
    let fraction = fraction.trim_end_matches('0').to_string();
    // Negative zero equals zero.
    let negative = negative && !(integer.is_empty() && fraction.is_empty());
    Ok(Decimal {
        negative,
        integer,
        fraction,
    })
}

/// Parses `true` or `false`, exactly as RAM documents them (lowercase).
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") => {
            Err(format!("write `{}` in lowercase", text.to_ascii_lowercase()))
        }
        _ => Err("expected `true` or `false`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_ranges() {
        let ok = [
            ("192.0.2.1", "192.0.2.1", true),
            ("192.0.2.0/24", "192.0.2.255", true),
            ("192.0.2.0/24", "192.0.3.0", false),
            ("192.0.2.77/24", "192.0.2.1", true),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("0.0.0.0/0", "2001:db8::1", false),
            ("2001:db8::/32", "2001:db8:ffff::1", true),
            ("2001:db8::/32", "2001:db9::1", false),
            ("::/0", "::1", true),
            ("::/0", "192.0.2.1", false),
            ("::ffff:0:0/96", "192.0.2.1", false),
            ("10.0.0.1/32", "10.0.0.1", true),
            ("10.0.0.1/32", "10.0.0.2", false),
        ];
        for (range, ip, expected) in ok {
            let range = parse_ip_range(range).expect(range);
            assert_eq!(
                range.contains(parse_ip(ip).expect(ip)),
                expected,
                "{range:?} {ip}"
            );
        }
    }

    #[test]
    fn ip_errors_say_why() {
        let bad = [
            ("10.0.0.300/8", "`300` exceeds 255"),
            ("42.120.XX.X/24", "`XX` is not a number from 0 to 255"),
            ("10.0.0.1/33", "prefix length `/33` exceeds 32"),
            ("2001:db8::/129", "prefix length `/129` exceeds 128"),
            ("10.0.0.0/", "prefix length `/` is not a number from 0 to 32"),
            ("10.0.0.0/-1", "prefix length `/-1` is not a number from 0 to 32"),
            ("10.0.0", "an IPv4 address has four dot-separated numbers"),
            ("010.0.0.1", "`010` has a leading zero"),
            ("2001:db8::g", "not a valid IPv6 address"),
            ("", "an IPv4 address has four dot-separated numbers"),
            (
                "10.0.0.1/0024",
                "prefix length `/0024` is not a number from 0 to 32",
            ),
        ];
        for (text, why) in bad {
            assert_eq!(parse_ip_range(text).err().as_deref(), Some(why), "{text}");
        }
    }

    fn at(text: &str) -> Instant {
        parse_date_time(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn date_times_compare_as_instants() {
        assert!(at("2026-12-31T23:00:00-02:00") > at("2027-01-01T00:00:00Z"));
        assert_eq!(at("2019-08-12T17:00:00+08:00"), at("2019-08-12T09:00:00Z"));
        assert_eq!(at("1970-01-01T00:00:00Z").seconds, 0);
        assert_eq!(at("2000-03-01T00:00:00Z").seconds, 951_868_800);
        assert_eq!(at("1969-12-31T23:59:59Z").seconds, -1);
        assert!(at("2024-02-29T00:00:00.5Z") > at("2024-02-29T00:00:00Z"));
        assert_eq!(at("2024-02-29T00:00:00.5Z").nanos, 500_000_000);
    }

    #[test]
    fn date_time_errors_say_why() {
        let bad = [
            (
                "2026-12-31",
                "no time of day; write `2026-12-31T00:00:00Z` for midnight UTC",
            ),
            (
                "2026-12-31T23:00:00",
                "no time zone: add `Z` for UTC or an offset such as `+08:00`",
            ),
            ("2026-13-01T00:00:00Z", "month `13` is out of range"),
            ("2023-02-29T00:00:00Z", "day `29` does not exist in 2023-02"),
            ("2026-01-01T24:00:00Z", "time `24:00:00` is out of range"),
            ("2026-01-01T00:00:00+24:00", "offset `+24:00` is out of range"),
            (
                "2026-01-01 00:00:00Z",
                "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`",
            ),
            (
                "2026-01-01T00:00:00+0800",
                "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`",
            ),
            ("2026-01-01T00:00:00.Z", "fractional seconds need 1 to 9 digits"),
            (
                "yesterday",
                "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`",
            ),
            (
                "2026-01-01T00:00:00z",
                "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`",
            ),
            (
                "２０２６-01-01T00:00:00Z",
                "expected `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss+hh:mm`",
            ),
        ];
        for (text, why) in bad {
            assert_eq!(parse_date_time(text).err().as_deref(), Some(why), "{text}");
        }
    }

    #[test]
    fn numbers_compare_exactly() {
        let n = |s: &str| parse_number(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(n("10"), n("010.000"));
        assert_eq!(n("-0"), n("0"));
        assert!(n("9") < n("10"));
        assert!(n("-10") < n("-9"));
        assert!(n("1.05") < n("1.5"));
        assert!(n("-1.5") < n("1"));
        assert!(n("12345678901234567891") > n("12345678901234567890"));
        for bad in ["", "-", "1e3", "+1", " 1", "1.", ".5", "0x10", "1,000", "NaN"] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_are_lowercase() {
        assert_eq!(parse_bool("true"), Ok(true));
        assert_eq!(parse_bool("false"), Ok(false));
        assert_eq!(
            parse_bool("True").err().as_deref(),
            Some("write `true` in lowercase")
        );
        assert!(parse_bool("yes").is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC{0,40}") {
            let _ = parse_ip_range(&text);
            let _ = parse_date_time(&text);
            let _ = parse_number(&text);
            let _ = parse_bool(&text);
        }

        #[test]
        fn date_like_text_never_panics(text in "[0-9T:+.Z-]{0,30}") {
            let _ = parse_date_time(&text);
        }

        #[test]
        fn numbers_order_like_floats(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000, fa in 0u32..100, fb in 0u32..100) {
            let (x, y) = (format!("{a}.{fa:02}"), format!("{b}.{fb:02}"));
            // Exact hundredths, so the float comparison is exact too.
            let hundredths = |whole: i64, frac: u32| whole * 100 + if whole < 0 { -i64::from(frac) } else { i64::from(frac) };
            let expected = hundredths(a, fa).cmp(&hundredths(b, fb));
            proptest::prop_assert_eq!(parse_number(&x).expect("number").cmp(&parse_number(&y).expect("number")), expected, "{} vs {}", x, y);
        }

        #[test]
        fn offsets_shift_instants(hours in 0i64..24, minutes in 0i64..60, east in proptest::bool::ANY) {
            let sign = if east { '+' } else { '-' };
            let local = parse_date_time(&format!("2026-06-15T12:00:00{sign}{hours:02}:{minutes:02}")).expect("valid");
            let utc = parse_date_time("2026-06-15T12:00:00Z").expect("valid");
            let shift = (hours * 3600 + minutes * 60) * if east { -1 } else { 1 };
            proptest::prop_assert_eq!(local.seconds - utc.seconds, shift);
        }
    }
}
