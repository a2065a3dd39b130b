//! `huimin new KIND --id ID`: a pack to start from — its source and clauses to fill in, inputs
//! from the shared vocabulary, one rule of each shape the kind needs, every number marked as an
//! example until the author writes the document's — with a case that passes, the JSON Schema
//! beside it for the editor, and the commands to run next.

use crate::{say, Fail};
use std::path::Path;

/// The pack and its first case for a kind, with `{id}` to fill in.
fn template(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "after_school" => (AFTER_SCHOOL, AFTER_SCHOOL_CASE),
        "elderly_care" => (ELDERLY_CARE, ELDERLY_CARE_CASE),
        "health_contract" => (HEALTH_CONTRACT, HEALTH_CONTRACT_CASE),
        "other" => (OTHER, OTHER_CASE),
        _ => return None,
    })
}

/// Writes `<dir>/policies/<id>.yaml`, `<dir>/cases/<id>/01-example.yaml` and
/// `<dir>/pack.schema.json`; refuses to overwrite a file.
pub(crate) fn run(kind: &str, id: &str, dir: &Path) -> Result<u8, Fail> {
    let Some((pack, case)) = template(kind) else {
        return Err(Fail {
            code: 2,
            message: format!(
                "不认识的类型 unknown kind `{kind}`: after_school, elderly_care, health_contract or other"
            ),
        });
    };
    let ok_id = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !ok_id {
        return Err(Fail {
            code: 2,
            message: format!(
                "--id `{id}`: use lowercase letters, digits, `-` and `_` (e.g. `wanzhou-2025`)"
            ),
        });
    }
    let pack_path = dir.join("policies").join(format!("{id}.yaml"));
    let case_path = dir.join("cases").join(id).join("01-example.yaml");
    let schema_path = dir.join("pack.schema.json");
    for p in [&pack_path, &case_path] {
        if p.exists() {
            return Err(Fail {
                code: 3,
                message: format!("{} exists: huimin new does not overwrite", p.display()),
            });
        }
    }
    let schema = serde_json::to_string_pretty(&huimin_core::pack::json_schema())
        .map_err(|e| Fail::io("schema", e))?;
    let write = |path: &Path, text: &str| -> Result<(), Fail> {
        let name = path.display().to_string();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Fail::io(&name, e))?;
        }
        std::fs::write(path, text).map_err(|e| Fail::io(&name, e))
    };
    write(
        &pack_path,
        &pack.replace("{id}", id).replace("EXAMPLE", EXAMPLE),
    )?;
    write(&case_path, case)?;
    write(&schema_path, &(schema + "\n"))?;
    say!("wrote {}", pack_path.display())?;
    say!("wrote {}", case_path.display())?;
    say!(
        "wrote {} (the pack's first line points editors at it)",
        schema_path.display()
    )?;
    say!("next 下一步:")?;
    say!("  1. 填写 sources/clauses 原文，把每个数值改成文件中的数值（并删去 assumed）")?;
    say!("     fill in the source and its clauses; replace each example number with the document's (and drop `assumed`)")?;
    say!("  2. huimin check {} --warnings", pack_path.display())?;
    say!("  3. huimin test {} --coverage", pack_path.display())?;
    Ok(0)
}

const EXAMPLE: &str = r#"{ zh: 示例数值：请改为文件原文中的数值, en: "an example number: replace it with the document's" }"#;

const AFTER_SCHOOL: &str = r#"# yaml-language-server: $schema=../pack.schema.json
# A new after-school (课后服务) pack. Every number below is an example until you write the
# document's; until then every answer marks the amounts resting on them as estimates.
id: {id}
name: { zh: 课后服务（请填写名称）, en: After-school service (name it) }
kind: after_school
jurisdiction: { zh: 某市某区, en: Some district }
valid_from: 2025-09-01
period: month
rounding: { scale: 2, mode: half_up }

sources:
  plan: { title: 课后服务实施方案（请填写标题）, issuer: 请填写发文机关 }

clauses:
  scope: { source: plan, clause: "一", text: "（原文：服务对象）", en: Who is served }
  fee: { source: plan, clause: "二", text: "（原文：收费标准，如每生每课时3元，每月不超过170元）", en: The fee }
  relief: { source: plan, clause: "三", text: "（原文：减免对象，如低保家庭学生免收）", en: Who is relieved }

payers:
  parents: { zh: 家长, en: Parents }
fee_payer: parents

inputs:
  stage: {}
  grade: {}
  class_hours: {}

tags:
  dibao: { zh: 低保家庭, en: Minimum living allowance household }

parameters:
  rate_per_class_hour:
    label: { zh: 每生每课时收费标准, en: Fee per student per class-hour }
    unit: yuan/class-hour
    assumed: EXAMPLE
    values: [ { from: 2025-09-01, value: 3.00, cite: fee } ]
  monthly_cap:
    label: { zh: 每生每月收费上限, en: Monthly cap per student }
    unit: yuan/month
    assumed: EXAMPLE
    values: [ { from: 2025-09-01, value: 170, cite: fee } ]

eligibility:
  - { id: enrolled, label: { zh: 在校中小学生, en: Enrolled pupil }, when: "stage in ['primary', 'junior']", cite: scope }

fees:
  - { id: service_fee, label: { zh: 课后服务费, en: After-school service fee }, rate: rate_per_class_hour, quantity: class_hours, cap: monthly_cap, cite: fee }

reductions:
  rules:
    - { id: dibao_waiver, label: { zh: 低保家庭学生免收, en: Waiver for minimum-allowance pupils }, when: has(dibao), waive: true, cite: relief }
"#;

const AFTER_SCHOOL_CASE: &str = r#"note: "3.00 × 60 = 180.00 > the monthly cap 170 → 170.00, paid by the parents (the example numbers of the new pack)"
as_of: 2025-10-01
participant: { id: example-1, stage: primary, grade: 3, class_hours: 60 }
expected:
  eligible: true
  gross_fee: "170.00"
  net_fee: "170.00"
  payers: { parents: "170.00" }
"#;

const ELDERLY_CARE: &str = r#"# yaml-language-server: $schema=../pack.schema.json
# A new home elderly care (居家养老) pack. Every number below is an example until you write the
# document's; until then every answer marks the amounts resting on them as estimates.
id: {id}
name: { zh: 居家养老服务补贴（请填写名称）, en: Home care subsidy (name it) }
kind: elderly_care
jurisdiction: { zh: 某市某区, en: Some district }
valid_from: 2025-01-01
period: month
rounding: { scale: 2, mode: half_up }

sources:
  plan: { title: 居家养老服务补贴办法（请填写标题）, issuer: 请填写发文机关 }

clauses:
  scope: { source: plan, clause: "一", text: "（原文：补贴对象，如年满60周岁的本地户籍老年人）", en: Who is served }
  amount: { source: plan, clause: "二", text: "（原文：补贴标准，如每人每月200元；低保老人每月300元）", en: How much }

payers:
  city: { zh: 市财政, en: City finance }

inputs:
  age: {}
  local_hukou: {}

tags:
  dibao: { zh: 低保, en: Minimum living allowance }

parameters:
  min_age:
    label: { zh: 补贴起始年龄, en: Age from which the subsidy is due }
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 60, cite: scope } ]
  monthly_subsidy:
    label: { zh: 每人每月补贴, en: Monthly subsidy per person }
    unit: yuan/month
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 200, cite: amount } ]
  dibao_subsidy:
    label: { zh: 低保老人每月补贴, en: Monthly subsidy for minimum-allowance elders }
    unit: yuan/month
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 300, cite: amount } ]

eligibility:
  - { id: age, label: { zh: 年满起始年龄, en: Old enough }, when: age >= min_age, cite: scope }
  - { id: hukou, label: { zh: 本地户籍, en: Local hukou }, when: local_hukou, cite: scope }

subsidies:
  stacking: first
  rules:
    - { id: dibao_rate, label: { zh: 低保老人补贴, en: Subsidy for minimum-allowance elders }, when: has(dibao), amount: dibao_subsidy, payer: city, cite: amount }
    - { id: basic_rate, label: { zh: 基本补贴, en: Basic subsidy }, amount: monthly_subsidy, payer: city, cite: amount }
"#;

const ELDERLY_CARE_CASE: &str = r#"note: "72, local hukou, 低保 → the 低保 rate 300.00 (the first matching rule), paid by the city (the example numbers of the new pack)"
as_of: 2025-03-01
participant: { id: example-1, age: 72, local_hukou: true, tags: [dibao] }
expected:
  eligible: true
  subsidy_total: "300.00"
  payers: { city: "300.00" }
"#;

const HEALTH_CONTRACT: &str = r#"# yaml-language-server: $schema=../pack.schema.json
# A new family-doctor contract (家庭医生签约) pack. Every number below is an example until you
# write the document's; until then every answer marks the amounts resting on them as estimates.
id: {id}
name: { zh: 家庭医生签约服务（请填写名称）, en: Family-doctor contract (name it) }
kind: health_contract
jurisdiction: { zh: 某市某区, en: Some district }
valid_from: 2025-01-01
period: year
rounding: { scale: 2, mode: half_up }

sources:
  plan: { title: 家庭医生签约服务实施方案（请填写标题）, issuer: 请填写发文机关 }

clauses:
  fee: { source: plan, clause: "一", text: "（原文：签约服务费标准，如每人每年120元，医保基金支付70%，个人支付30%）", en: The fee and who pays it }

payers:
  insurance: { zh: 医保基金, en: Medical insurance fund }
  resident: { zh: 签约居民, en: Resident }
fee_payer: resident

inputs:
  age: {}

parameters:
  annual_fee:
    label: { zh: 每人每年签约服务费, en: Contract fee per person per year }
    unit: yuan/year
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 120, cite: fee } ]

  fund_percent:
    label: { zh: 医保基金支付比例（%）, en: Share the insurance fund pays (%) }
    unit: percent
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 70, cite: fee } ]

splits:
  fund_pays: { label: { zh: 由医保基金负担, en: Borne by the insurance fund }, parts: { insurance: 1 }, cite: fee }

eligibility:
  - { id: resident, label: { zh: 辖区居民, en: Resident of the district }, when: age >= 0, cite: fee }

fees:
  - { id: contract_fee, label: { zh: 签约服务费, en: Contract fee }, amount: annual_fee, cite: fee }

reductions:
  rules:
    - { id: fund_part, label: { zh: 医保基金支付部分, en: Paid by the fund }, when: "true", percent: fund_percent, borne_by: fund_pays, cite: fee }
"#;

const HEALTH_CONTRACT_CASE: &str = r#"note: "120.00 a year; the fund bears 70% (84.00), the resident pays 36.00 (the example numbers of the new pack)"
as_of: 2025-03-01
participant: { id: example-1, age: 45 }
expected:
  eligible: true
  gross_fee: "120.00"
  reduction_total: "84.00"
  net_fee: "36.00"
  payers: { insurance: "84.00", resident: "36.00" }
"#;

const OTHER: &str = r#"# yaml-language-server: $schema=../pack.schema.json
# A new pack. Every number below is an example until you write the document's;
# until then every answer marks the amounts resting on them as estimates.
id: {id}
name: { zh: 服务项目（请填写名称）, en: Service (name it) }
kind: other
jurisdiction: { zh: 某市某区, en: Some district }
valid_from: 2025-01-01
period: month
rounding: { scale: 2, mode: half_up }

sources:
  plan: { title: 实施方案（请填写标题）, issuer: 请填写发文机关 }

clauses:
  fee: { source: plan, clause: "一", text: "（原文：收费标准）", en: The fee }

payers:
  participant: { zh: 参加者, en: Participant }
fee_payer: participant

inputs:
  service_hours: {}

parameters:
  monthly_fee:
    label: { zh: 每月收费, en: Monthly fee }
    unit: yuan/month
    assumed: EXAMPLE
    values: [ { from: 2025-01-01, value: 100, cite: fee } ]

eligibility:
  - { id: enrolled, label: { zh: 本月接受服务, en: Served this month }, when: service_hours > 0, cite: fee }

fees:
  - { id: fee, label: { zh: 服务费, en: Service fee }, amount: monthly_fee, cite: fee }
"#;

const OTHER_CASE: &str = r#"note: "100.00 a month, paid by the participant (the example number of the new pack)"
as_of: 2025-03-01
participant: { id: example-1, service_hours: 8 }
expected:
  eligible: true
  net_fee: "100.00"
"#;
