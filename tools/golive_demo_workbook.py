"""Writes property_golive_demo.xlsx, the demo go-live workbook of 万家花园
(WH): two buildings of ten homes, eighteen archives, members, water
meters, the documents held (contracts, IDs checked at the office), the
site's management-fee standard, three months of arrears (2025-10 to
2025-12, due on the former system's dates) for five tenants and the
decoration deposits held.

Run from outside the repository with Odoo and the addons importable:
``python3 tools/golive_demo_workbook.py``."""

import pathlib

HERE = pathlib.Path(__file__).parent.parent / "addons" / "property_golive" / "demo"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "桂英",
    "建华",
]


def tables():
    units, archives, members, meters, arrears, deposits = [], [], [], [], [], []
    documents = []
    for b in (1, 2):
        for n in range(1, 11):
            floor = (n + 1) // 2
            code = f"{b}-{floor}0{2 - n % 2}"
            units.append(
                {
                    "site_code": "WH",
                    "site_name": "万家花园",
                    "building_code": str(b),
                    "building_name": f"{b}栋",
                    "unit_code": code,
                    "floor": floor,
                    "usage": "住宅",
                    "area": 78.5 + 10 * (n % 3),
                }
            )
    for index, unit in enumerate(units[:18]):
        name = SURNAMES[index] + GIVEN[index]
        move_in = f"20{21 + index % 4}-0{1 + index % 9}-01"
        ref = {
            "site_code": "WH",
            "unit_code": unit["unit_code"],
            "tenant_name": name,
            "move_in_date": move_in,
        }
        archives.append(
            {**ref, "tenant_phone": f"1390000{index:04d}", "tenant_kind": "居民"}
        )
        if index % 3 == 0:
            members.append(
                {
                    **ref,
                    "member_name": SURNAMES[(index + 5) % 18] + "丽",
                    "relation": "配偶",
                }
            )
        documents.append(
            {
                **ref,
                "document_type": "入住合同",
                "reference": f"WH-HT-{index + 1:04d}",
                "issue_date": move_in,
                "expiry_date": f"20{31 + index % 4}-0{1 + index % 9}-01",
                "verified_date": move_in,
            }
        )
        if index % 6 != 5:  # three residents have not shown their ID yet
            documents.append(
                {
                    **ref,
                    "document_type": "身份证件",
                    "reference": f"11010119{70 + index}0101{index:04d}",
                    "expiry_date": "2036-01-01",
                    "verified_date": move_in,
                }
            )
        meters.append(
            {
                "site_code": "WH",
                "unit_code": unit["unit_code"],
                "serial": f"WH-W-{index + 1:04d}",
                "meter_type": "水",
                "reading_date": "2025-12-31",
                "reading_value": 100 + 37 * index,
            }
        )
        if index % 4 == 1:
            for period in ("2025-10", "2025-11", "2025-12"):
                arrears.append(
                    {
                        **ref,
                        "item_code": "PMF",
                        "period": period,
                        "amount": round(unit["area"] * 2.2, 2),
                        "due_date": f"{period}-20",
                    }
                )
        if index % 5 == 0:
            deposits.append(
                {**ref, "item_code": "DECO-DEP", "date": move_in, "amount": 2000}
            )
    standards = [
        {
            "site_code": "WH",
            "item_code": "PMF",
            "usage": "住宅",
            "date_from": "2025-01-01",
            "rate": 2.2,
        }
    ]
    return {
        "units": units,
        "archives": archives,
        "members": members,
        "documents": documents,
        "meters": meters,
        "standards": standards,
        "arrears": arrears,
        "deposits": deposits,
    }


if __name__ == "__main__":
    from odoo.addons.property_golive.workbook import workbook_content

    (HERE / "property_golive_demo.xlsx").write_bytes(workbook_content(tables()))
