{
    "name": "Property Go-live Import",
    "summary": "Go-live (上线导入): a company's sites, units, tenant archives, "
    "members, "
    ""
    "meters, fee standards, opening arrears and deposits held, from one workbook, "
    "dry run, all-or-nothing apply and reconciled opening balances",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["property_billing"],
    "data": [
        "security/ir.model.access.csv",
        "security/property_golive_import_security.xml",
        "views/property_golive_import_views.xml",
        "views/property_site_views.xml",
        "views/res_config_settings_views.xml",
        "views/property_golive_menus.xml",
    ],
    "demo": ["demo/property_golive_import_demo.xml"],
    "external_dependencies": {"python": ["openpyxl", "xlsxwriter"]},
}
