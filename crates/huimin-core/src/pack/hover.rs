//! The Chinese half of the schemas' hover text: an editor showing a field's description shows
//! its Chinese name first (`收费上限 — The most charged…`), for authors who read the policy in
//! Chinese. The English descriptions are the types' doc comments.

use serde_json::Value;

/// Field names and their Chinese names, as a bureau's documents word them.
const ZH: [(&str, &str); 93] = [
    ("activity", "活动类型"),
    ("amount", "金额"),
    ("applies_to", "适用的收费项目"),
    ("assumed", "估算说明（原文未写明的数值）"),
    ("at_least", "不少于"),
    ("averages", "平均标准"),
    ("base", "所依据的政策包"),
    ("borne_by", "由谁负担"),
    ("cap", "上限"),
    ("categories", "类别"),
    ("ceiling", "最高额"),
    ("charged", "收取方式"),
    ("choice_labels", "选项名称"),
    ("choices", "可选值"),
    ("cite", "依据条款"),
    ("clause", "条款编号"),
    ("clauses", "条款原文"),
    ("components", "补助分项"),
    ("count", "次数"),
    ("date", "日期"),
    ("default", "缺省值"),
    ("description", "说明"),
    ("document", "文号"),
    ("documents", "申请材料"),
    ("earmarks", "专款专用"),
    ("eligibility", "服务对象（资格条件）"),
    ("en", "英文释义"),
    ("entitlements", "服务次数"),
    ("example", "示例数值"),
    ("fee_payer", "缴费方"),
    ("fees", "收费项目"),
    ("floor", "下限"),
    ("for_use", "用途"),
    ("from", "起始日期"),
    ("given", "适用于谁"),
    ("grades", "年级"),
    ("holds", "必须成立的条件"),
    ("id", "编号"),
    ("in_principle", "原则上"),
    ("inputs", "输入字段"),
    ("issuer", "发文机关"),
    ("jurisdiction", "适用地区"),
    ("kind", "类型"),
    ("label", "名称"),
    ("labels", "新名称"),
    ("limit", "限价"),
    ("max", "最大值"),
    ("max_percent", "最高比例"),
    ("may", "可以（非强制）"),
    ("min", "最小值"),
    ("min_share", "最低比例"),
    ("months", "月份"),
    ("name", "名称"),
    ("off", "停用的规则"),
    ("pack", "政策包"),
    ("parameters", "参数（标准、比例等数值）"),
    ("parts", "分担比例"),
    ("payer", "支付方"),
    ("payers", "支付方"),
    ("per", "每（期间）"),
    ("percent", "比例（%）"),
    ("period", "计费周期"),
    ("priority", "优先保障群体"),
    ("properties", "性质"),
    ("quantity", "数量"),
    ("rate", "单价"),
    ("reason", "不符合时的说明"),
    ("reductions", "减免"),
    ("reform", "改革方案文件"),
    ("rounding", "舍入"),
    ("rules", "规则"),
    ("says", "这条性质说的是什么"),
    ("schedule", "服务时间安排"),
    ("set_by", "由主管部门核定"),
    ("share", "比例"),
    ("shares", "分担份额"),
    ("source", "出处文件"),
    ("sources", "文件"),
    ("split", "分担方式"),
    ("splits", "经费分担"),
    ("stacking", "多项同时适用时"),
    ("staffing", "师资与人员"),
    ("stage", "学段"),
    ("subsidies", "补助"),
    ("tags", "身份标签"),
    ("text", "原文"),
    ("time", "时间"),
    ("title", "文件标题"),
    ("unit", "单位"),
    ("unless", "除非"),
    ("valid_from", "施行日期"),
    ("valid_until", "废止日期"),
    ("values", "数值（按日期）"),
];

/// Puts the Chinese name before each known field's description, everywhere in `schema`.
pub(crate) fn bilingual(mut schema: Value) -> Value {
    walk(&mut schema);
    schema
}

fn walk(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                for (name, field) in props.iter_mut() {
                    let Some((_, zh)) = ZH.iter().find(|(n, _)| n == name) else {
                        continue;
                    };
                    if let Value::Object(f) = field {
                        let en = f.get("description").and_then(Value::as_str).unwrap_or("");
                        let text = if en.is_empty() {
                            (*zh).to_owned()
                        } else {
                            format!("{zh} — {en}")
                        };
                        f.insert("description".into(), Value::String(text));
                    }
                }
            }
            for x in m.values_mut() {
                walk(x);
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(walk),
        _ => {}
    }
}
