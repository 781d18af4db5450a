"""The go-live workbook: its sheets, their columns and the rules of each.

One declaration serves the downloadable template (two header rows: Chinese
and English, a rules row and an example row), the reader (columns are found
by their English or Chinese header) and the report.  Rows whose first cell
begins with ``#`` are comments (the template's rules and example rows)."""

from collections import namedtuple

# key: the reader's name of the column; kind: text, code, date, period,
# number, integer; required: the cell may not be empty.
Col = namedtuple("Col", "key zh en kind required rule example")
Sheet = namedtuple("Sheet", "key zh en cols")

ARCHIVE_REF = (
    Col(
        "site_code",
        "项目编码",
        "Site Code",
        "code",
        True,
        "已有或本文件中的项目 / a site of the file or of the database",
        "WH",
    ),
    Col(
        "unit_code",
        "单元编码",
        "Unit Code",
        "code",
        True,
        "该项目的单元 / a unit of the site",
        "A-101",
    ),
    Col(
        "tenant_name",
        "租户名称",
        "Tenant",
        "text",
        True,
        "与档案表一致 / as in the archives sheet",
        "张伟",
    ),
    Col(
        "move_in_date",
        "入住日期",
        "Move-in Date",
        "date",
        True,
        "YYYY-MM-DD",
        "2023-05-01",
    ),
)

SHEETS = (
    Sheet(
        "units",
        "单元",
        "Units",
        (
            Col(
                "site_code",
                "项目编码",
                "Site Code",
                "code",
                True,
                "唯一 / unique per company",
                "WH",
            ),
            Col(
                "site_name",
                "项目名称",
                "Site Name",
                "text",
                False,
                "新项目必填 / required for a new site",
                "万家花园",
            ),
            Col(
                "building_code",
                "楼栋编码",
                "Building Code",
                "code",
                True,
                "项目内唯一 / unique in the site",
                "A",
            ),
            Col(
                "building_name",
                "楼栋名称",
                "Building Name",
                "text",
                False,
                "默认为编码 / the code when empty",
                "A栋",
            ),
            Col(
                "unit_code",
                "单元编码",
                "Unit Code",
                "code",
                True,
                "项目内唯一 / unique in the site",
                "A-101",
            ),
            Col(
                "floor",
                "楼层",
                "Floor",
                "integer",
                False,
                "整数，地下为负 / integer, basements negative",
                1,
            ),
            Col(
                "usage",
                "用途",
                "Usage",
                "text",
                True,
                "商铺/办公/住宅/其他 or shop/office/home/other",
                "住宅",
            ),
            Col(
                "area",
                "面积(m²)",
                "Area (m²)",
                "number",
                True,
                "大于0 / greater than 0",
                89.5,
            ),
        ),
    ),
    Sheet(
        "archives",
        "租户档案",
        "Archives",
        (
            *ARCHIVE_REF,
            Col(
                "move_out_date",
                "迁出日期",
                "Move-out Date",
                "date",
                False,
                "空=在住 / empty while living there",
                None,
            ),
            Col("tenant_phone", "电话", "Phone", "text", False, "", "13800000001"),
            Col(
                "tenant_vat", "证件号/税号", "ID / Tax Number", "text", False, "", None
            ),
            Col(
                "tenant_kind",
                "租户类型",
                "Tenant Kind",
                "text",
                False,
                "居民/小商户/主力商户 or resident/small/anchor",
                "居民",
            ),
        ),
    ),
    Sheet(
        "members",
        "成员",
        "Members",
        (
            *ARCHIVE_REF,
            Col(
                "member_name",
                "成员姓名",
                "Member Name",
                "text",
                True,
                "档案内唯一 / unique in the archive",
                "李娜",
            ),
            Col(
                "relation",
                "关系",
                "Relation",
                "text",
                False,
                "本人/配偶/子女/父母/亲属/员工/店长/其他",
                "配偶",
            ),
            Col("phone", "电话", "Phone", "text", False, "", "13800000002"),
        ),
    ),
    Sheet(
        "documents",
        "证照资料",
        "Documents",
        (
            *ARCHIVE_REF,
            Col(
                "document_type",
                "资料类型",
                "Document Type",
                "text",
                True,
                "已有资料类型（中文或英文名）/ an existing document type (Chinese or "
                "English name)",
                "身份证件",
            ),
            Col(
                "reference",
                "证照号码",
                "Document Number",
                "text",
                False,
                "同一档案同一类型内唯一 / unique per archive and type",
                "110101199001011234",
            ),
            Col("issue_date", "签发日期", "Issued On", "date", False, "", "2020-03-01"),
            Col(
                "expiry_date",
                "有效期至",
                "Valid Until",
                "date",
                False,
                "有有效期的类型必填 / required for types that expire",
                "2040-03-01",
            ),
            Col(
                "verified_date",
                "原件核验日期",
                "Original Verified On",
                "date",
                False,
                "空=未核验原件 / empty: original not checked",
                "2023-05-01",
            ),
        ),
    ),
    Sheet(
        "meters",
        "仪表",
        "Meters",
        (
            Col("site_code", "项目编码", "Site Code", "code", True, "", "WH"),
            Col("unit_code", "单元编码", "Unit Code", "code", True, "", "A-101"),
            Col(
                "serial",
                "表号",
                "Meter Number",
                "code",
                True,
                "公司内唯一 / unique per company",
                "WH-W-0001",
            ),
            Col(
                "meter_type",
                "类型",
                "Type",
                "text",
                True,
                "水/电/燃气 or water/electricity/gas",
                "水",
            ),
            Col(
                "reading_date",
                "最后抄表日期",
                "Last Reading Date",
                "date",
                True,
                "不晚于今天 / not in the future",
                "2026-11-30",
            ),
            Col(
                "reading_value",
                "最后读数",
                "Last Reading",
                "number",
                True,
                ">= 0, 不小于已有读数 / not below an earlier reading",
                1234.5,
            ),
        ),
    ),
    Sheet(
        "standards",
        "收费标准",
        "Standards",
        (
            Col("site_code", "项目编码", "Site Code", "code", True, "", "WH"),
            Col(
                "item_code",
                "收费项目编码",
                "Fee Item Code",
                "code",
                True,
                "已有收费项目 / an existing fee item",
                "MGMT",
            ),
            Col(
                "usage",
                "用途",
                "Usage",
                "text",
                False,
                "空=所有用途 / empty: every usage",
                "住宅",
            ),
            Col(
                "date_from",
                "生效日期",
                "Effective From",
                "date",
                True,
                "YYYY-MM-DD",
                "2026-01-01",
            ),
            Col("rate", "单价", "Rate", "number", True, "大于0 / greater than 0", 2.5),
        ),
    ),
    Sheet(
        "arrears",
        "历史欠费",
        "Arrears",
        (
            *ARCHIVE_REF,
            Col(
                "item_code",
                "收费项目编码",
                "Fee Item Code",
                "code",
                True,
                "周期性收费项目 / a recurring fee item",
                "MGMT",
            ),
            Col(
                "period",
                "账期",
                "Period",
                "period",
                True,
                "YYYY-MM, 不晚于本月 / not after this month",
                "2026-09",
            ),
            Col(
                "amount",
                "欠费金额",
                "Amount Owed",
                "number",
                True,
                "大于0 / greater than 0",
                223.75,
            ),
            Col(
                "due_date",
                "原到期日",
                "Original Due Date",
                "date",
                False,
                "空=账期首日+项目的缴费天数 / empty: first day of the period + the "
                "site's payment days",
                "2026-09-16",
            ),
        ),
    ),
    Sheet(
        "deposits",
        "押金",
        "Deposits",
        (
            *ARCHIVE_REF,
            Col(
                "item_code",
                "押金项目编码",
                "Deposit Item Code",
                "code",
                True,
                "押金类收费项目 / a fee item of kind deposit",
                "DEPOSIT",
            ),
            Col(
                "date",
                "收取日期",
                "Received On",
                "date",
                True,
                "YYYY-MM-DD, 不晚于今天 / not in the future",
                "2023-05-01",
            ),
            Col(
                "amount",
                "押金金额",
                "Amount Held",
                "number",
                True,
                "大于0 / greater than 0",
                2000,
            ),
        ),
    ),
)

SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}


def sheet_title(sheet):
    return f"{sheet.zh} {sheet.en}"


def col_title(col):
    return f"{col.zh} / {col.en}"


# Chinese and English words of the selections a user types.
USAGE_WORDS = {
    "商铺": "shop",
    "shop": "shop",
    "办公": "office",
    "office": "office",
    "住宅": "home",
    "home": "home",
    "其他": "other",
    "other": "other",
}
TENANT_KIND_WORDS = {
    "居民": "resident",
    "resident": "resident",
    "小商户": "small",
    "small": "small",
    "主力商户": "anchor",
    "anchor": "anchor",
}
METER_TYPE_WORDS = {
    "水": "water",
    "water": "water",
    "电": "electricity",
    "electricity": "electricity",
    "燃气": "gas",
    "gas": "gas",
}
RELATION_WORDS = {
    "本人": "self",
    "配偶": "spouse",
    "子女": "child",
    "父母": "parent",
    "亲属": "relative",
    "员工": "staff",
    "店长": "manager",
    "其他": "other",
    "self": "self",
    "spouse": "spouse",
    "child": "child",
    "parent": "parent",
    "relative": "relative",
    "staff": "staff",
    "manager": "manager",
    "other": "other",
}
