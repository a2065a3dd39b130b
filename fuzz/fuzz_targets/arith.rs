//! Arithmetic extremes in packs: a fixture pack whose numbers — parameter values, rates, caps,
//! floors, percentages, amounts — are replaced by extremes drawn from the input (near
//! `Decimal`'s range of about 7.9e28, 28 decimal places, negative, zero), evaluated for
//! participants whose numbers are extreme too. Loading, checking (the lints search constants
//! at the edge of the range) and evaluating must never panic; errors are fine, and what does
//! evaluate must still agree between the row and columnar engines and add up.
#![no_main]
use arbitrary::Unstructured;
use huimin_core::{Policy, Value};
use libfuzzer_sys::fuzz_target;

/// A number at an edge, as pack text.
fn extreme(u: &mut Unstructured) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => "79228162514264337593543950335".to_owned(),
        1 => "-79228162514264337593543950335".to_owned(),
        2 => "0.0000000000000000000000000001".to_owned(),
        3 => "39614081257132168796771975168".to_owned(),
        4 => "0".to_owned(),
        5 => "7922816251426433759354395033.5".to_owned(),
        6 => format!("{}", u.arbitrary::<i64>()?),
        _ => huimin_fuzz::any_decimal(u)?.to_string(),
    })
}

/// Every number in the pack text after a `value:`, `rate:`, `cap:`, `floor:`, `ceiling:`,
/// `percent:` or `amount:` key, replaced with probability ½ by an extreme.
fn extremes(text: &str, u: &mut Unstructured) -> arbitrary::Result<String> {
    const KEYS: [&str; 7] = ["value: ", "rate: ", "cap: ", "floor: ", "ceiling: ", "percent: ", "amount: "];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, key)) = KEYS
        .iter()
        .filter_map(|k| rest.find(k).map(|i| (i, *k)))
        .min_by_key(|(i, _)| *i)
    {
        let start = at + key.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let quoted = rest.starts_with('"');
        let body = if quoted { &rest[1..] } else { rest };
        let len = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(body.len());
        if len > 0 && u.arbitrary::<bool>()? {
            out.push_str(&format!("\"{}\"", extreme(u)?));
            rest = &body[len..];
            if quoted {
                rest = rest.strip_prefix('"').unwrap_or(rest);
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn texts() -> &'static [(String, String)] {
    static TEXTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/policies");
        let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
            .expect("fixtures/policies")
            .map(|e| e.expect("entry").path())
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("pack")))
            .collect();
        v.sort();
        v
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((file, text)) = u.choose(texts()) else {
        return;
    };
    let Ok(changed) = extremes(text, &mut u) else {
        return;
    };
    let Ok(policy) = Policy::from_yaml(&changed, file) else {
        return;
    };
    let _ = policy.warnings();
    let Ok(as_of) = huimin_fuzz::as_of(&mut u, &policy) else {
        return;
    };
    let mut people = Vec::new();
    while people.len() < 6 {
        let Ok(mut p) = huimin_fuzz::participant(&mut u, &policy) else {
            break;
        };
        // Push a numeric field to an extreme too.
        let numeric: Vec<String> = policy
            .input_schema()
            .fields
            .iter()
            .filter(|f| matches!(f.ty, huimin_core::model::FieldType::Integer | huimin_core::model::FieldType::Decimal))
            .map(|f| f.name.clone())
            .collect();
        if let (Ok(name), Ok(d)) = (u.choose(&numeric), huimin_fuzz::any_decimal(&mut u)) {
            p = p.with(name.clone(), Value::Number(d));
        }
        people.push(p);
    }
    huimin_fuzz::check_agreement(&policy, &people, as_of);
});
