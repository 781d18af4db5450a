{
    "name": "Property Tenant Archive",
    "summary": "Sites, buildings, units and the tenant archive (商户档案): "
    "occupancies, members, documents, construction defects, archive checks "
    "and completeness",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["base", "mail", "portal", "contacts"],
    "data": [
        "security/property_tenant_groups.xml",
        "security/ir.model.access.csv",
        "security/property_tenant_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/property_document_type_data.xml",
        "data/property_archive_requirement_data.xml",
        "data/ir_cron_data.xml",
        "views/property_site_views.xml",
        "views/property_building_views.xml",
        "views/property_timeline_views.xml",
        "views/property_unit_views.xml",
        "views/property_spot_views.xml",
        "views/property_occupancy_views.xml",
        "views/property_document_views.xml",
        "views/property_defect_views.xml",
        "views/property_archive_check_views.xml",
        "views/property_archive_requirement_views.xml",
        "views/res_partner_views.xml",
        "views/property_tenant_menus.xml",
        "views/property_occupancy_templates.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/property_site_demo.xml",
        "demo/property_unit_demo.xml",
        "demo/property_occupancy_demo.xml",
        "demo/property_spot_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "property_tenant/static/src/board_lines/*",
        ],
        "web.assets_frontend": [
            "property_tenant/static/src/scss/portal_phone.scss",
        ],
        "web.assets_tests": [
            "property_tenant/static/src/tours/*.js",
        ],
    },
    # spreadsheet.py: the xlsx helper of the suite's exports
    "external_dependencies": {"python": ["xlsxwriter"]},
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
}
