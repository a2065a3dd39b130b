#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The pack-authoring guide's examples work (issue 23, item 5): in `docs/guide.zh.md` and its
//! English twin, the YAML block marked `# guide: pack` loads without a warning, each
//! `# guide: case` passes against it, the `# guide: reform` applies to it and its
//! `# guide: reform-case` passes, every `# guide: part` is word for word in the pack, and every
//! property of `# guide: properties` holds (`verify`). Both languages show the same blocks.

use huimin_core::cases::Case;
use huimin_core::verify::{self, Outcome, PropertyFile};
use huimin_core::Policy;

fn blocks(file: &str) -> Vec<(String, String)> {
    let path = format!("{}/../../docs/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("\n```").unwrap();
        let block = &body[..end];
        let kind = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# guide: "))
            .unwrap_or_else(|| panic!("{file}: a YAML block without its `# guide:` line: {block}"));
        out.push((kind.to_owned(), format!("{block}\n")));
        rest = &body[end..];
    }
    out
}

#[test]
fn the_guides_examples_load_pass_and_agree() {
    let zh = blocks("guide.zh.md");
    assert_eq!(
        zh,
        blocks("guide.en.md"),
        "both languages show the same YAML"
    );
    let of = |kind: &'static str| {
        zh.iter()
            .filter(move |(k, _)| k == kind)
            .map(|(_, b)| b.as_str())
    };
    let pack_text = of("pack").next().unwrap();
    let pack = Policy::from_yaml(pack_text, "guide-wanzhou.yaml").unwrap();
    assert!(pack.warnings().is_empty(), "{:?}", pack.warnings());
    let mut cases = 0;
    for (kind, policy) in [("case", pack.clone())]
        .into_iter()
        .chain(of("reform").map(|r| ("reform-case", pack.reformed(r, "reform.yaml").unwrap())))
    {
        for text in of(kind) {
            let case = Case::parse(text, kind).unwrap();
            let (diffs, _) = case.check(&policy);
            assert!(diffs.is_empty(), "{kind}: {diffs:?}\n{text}");
            cases += 1;
        }
    }
    assert_eq!(cases, 4, "three cases of the pack, one of the reform");
    let lines: Vec<&str> = pack_text.lines().map(str::trim_end).collect();
    for part in of("part") {
        let body: Vec<&str> = part.lines().skip(1).map(str::trim_end).collect();
        assert!(
            lines.windows(body.len()).any(|w| w == body.as_slice()),
            "an excerpt that is not in the full pack:\n{part}"
        );
    }
    assert!(of("part").count() >= 6);

    // The properties all hold, each with the guide's reform where it names one.
    let reform = pack
        .reformed(of("reform").next().unwrap(), "reform.yaml")
        .unwrap();
    let props = PropertyFile::parse(of("properties").next().unwrap(), "guide.yaml").unwrap();
    assert_eq!(props.properties.len(), 5);
    for p in &props.properties {
        let r = p.reform.as_ref().map(|_| &reform);
        let v = verify::verify(&pack, r, p, verify::Options::default()).unwrap();
        assert!(
            matches!(v.outcome, Outcome::Holds),
            "`{}`: {:?}",
            p.id,
            v.outcome
        );
    }
    // And the guide's failing example fails where it says: at 56.67 hours.
    let mut wrong = props.properties[0].clone();
    wrong.holds = "net_fee < 170".into();
    let v = verify::verify(&pack, None, &wrong, verify::Options::default()).unwrap();
    let Outcome::Fails(c) = v.outcome else {
        panic!("{:?}", v.outcome)
    };
    assert_eq!(c.participant["class_hours"], "56.67");
}
